"""Searching as people ask, in Chromium on a 360 px phone, in standard and elder mode."""

from __future__ import annotations

import pytest

#: what people type → a name the right service or bundle carries (in the top 3)
ASKED = [
    ("孩子出生", "新生儿出生一件事"),
    ("身份證丟了", "居民身份证补领"),
    ("sfz", "居民身份证首次申领"),
    ("开奶茶店", "开餐饮店一件事"),
    ("退休金", "基本养老金申领"),
]


@pytest.fixture
def searchable(demo, settings, tmp_path):
    """The demo catalogue imported and indexed, as `make demo` leaves it."""
    from tongban.catalog.services import import_catalogue
    from tongban.search import services
    from tongban.search.demo import DEMO_CATALOGUE

    settings.DATA_DIR = tmp_path
    services.synonym_cache.invalidate()
    with DEMO_CATALOGUE.open("rb") as stream:
        assert not import_catalogue(stream=stream, actor=None).errors
    services.rebuild_index()
    yield
    services._engine = None
    services.synonym_cache.invalidate()


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_what_people_type_finds_the_service_in_the_top_three(searchable, phone, elder):
    phone.goto("/")
    if elder:
        phone.get_by_role("button", name="长辈版（大字）").click()
        phone.wait_for_selector("body.elder")
    for typed, expected in ASKED:
        box = phone.get_by_role("combobox", name="搜索服务")
        box.fill(typed)
        box.press("Enter")
        phone.wait_for_selector("ol.results h3")
        top = [t.strip() for t in phone.locator("ol.results h3").all_inner_texts()[:3]]
        assert any(expected in name for name in top), (typed, top)
        if elder:
            assert phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 20


def test_suggestions_appear_as_you_type(searchable, phone):
    phone.goto("/")
    phone.get_by_role("combobox", name="搜索服务").press_sequentially("身份证", delay=30)
    suggestions = phone.locator("#search-suggestions")
    suggestions.locator("a").first.wait_for()
    assert "身份证" in suggestions.inner_text()
