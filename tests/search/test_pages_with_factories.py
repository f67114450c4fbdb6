"""Search pages and console pages on a small catalogue made with the factories."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.factories import (
    BundleFactory,
    CitizenFactory,
    DepartmentFactory,
    ServiceItemFactory,
    StaffFactory,
    ThemeFactory,
    console_client,
    portal_client,
)
from tongban.search import services
from tongban.search.models import SearchQueryLog, SearchSynonym
from tongban.search.views import result_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(index_dir: Path) -> dict[str, Any]:
    police = DepartmentFactory(name="测试公安局")
    theme = ThemeFactory(name="户籍办理", phrase="我要办户口")
    items = {
        "passport": ServiceItemFactory(name="普通护照签发", department=police, aliases=["办护照"]),
        "birth": ServiceItemFactory(name="出生登记", department=police, themes=[theme], aliases=["报户口"]),
        "window": ServiceItemFactory(name="户口迁移登记", department=police, window_only=True, themes=[theme]),
        "company": ServiceItemFactory(name="公司设立登记", audience=["legal_person"]),
    }
    items["bundle"] = BundleFactory(
        name="新生儿出生一件事", items=[items["birth"], ServiceItemFactory(name="医保参保")]
    )
    services.rebuild_index()
    return items


def page(q: str, **params: str) -> str:
    response = Client().get("/search/", {"q": q, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_results_link_through_the_click_counter_to_the_guide(catalogue: dict[str, Any]) -> None:
    html = page("护照")
    passport = catalogue["passport"]
    assert "普通护照签发" in html and "测试公安局" in html and "全程网办，不用跑" in html
    assert f"/search/go?q=%E6%8A%A4%E7%85%A7&amp;to=/services/{passport.code}/" in html


def test_a_bundle_is_marked_as_one(catalogue: dict[str, Any]) -> None:
    html = page("出生一件事")
    assert "新生儿出生一件事" in html and "一件事</span>" in html
    assert f"to=/bundles/{catalogue['bundle'].code}/" in html


def test_a_window_only_service_says_so(catalogue: dict[str, Any]) -> None:
    assert "需到现场办理" in page("户口迁移")


def test_nothing_found_suggests_other_words(catalogue: dict[str, Any]) -> None:
    html = page("魑魅魍魉")
    assert "没有找到相关服务" in html
    assert SearchQueryLog.objects.get(normalized="魑魅魍魉").zero_results == 1


def test_filters_narrow_the_page(catalogue: dict[str, Any]) -> None:
    assert "公司设立登记" in page("登记")
    narrowed = page("登记", audience="person", theme=catalogue["birth"].themes.get().code)
    assert "出生登记" in narrowed and "公司设立登记" not in narrowed
    assert "户口迁移登记" not in page("登记", online_depth="4")


def test_an_unknown_filter_value_shows_no_results_but_the_form(catalogue: dict[str, Any]) -> None:
    html = page("登记", theme="no-such-theme")
    assert "请输入您要办的事" in html
    assert 'name="theme"' in html


def test_the_empty_search_page_asks_what_to_do() -> None:
    response = Client().get("/search/")
    assert response.status_code == 200 and "请输入您要办的事" in response.content.decode()


def test_results_are_paged_ten_at_a_time(index_dir: Path) -> None:
    for i in range(23):
        ServiceItemFactory(name=f"测试登记事项{i}")
    services.rebuild_index()
    first = page("测试登记事项")
    assert "找到 23 项服务" in first and "第 1 / 3 页" in first and "page=2" in first
    third = page("测试登记事项", page="3")
    assert third.count("<li>\n      <h3>") == 3


def test_suggestions_list_the_best_few_without_logging(catalogue: dict[str, Any]) -> None:
    html = Client().get("/search/suggest", {"q": "护照"}).content.decode()
    assert "普通护照签发" in html
    assert not SearchQueryLog.objects.exists()


def test_a_click_is_counted_for_the_query(catalogue: dict[str, Any]) -> None:
    page("护照")
    response = Client().get("/search/go", {"q": "护照", "to": "/services/X/"})
    assert response["Location"] == "/services/X/"
    assert SearchQueryLog.objects.get(normalized="护照").clicks == 1


def test_result_urls_point_at_the_catalogue_pages() -> None:
    from tongban.search.engine import Hit

    assert result_url(Hit(type="item", code="GA-1", name="", score=1)) == "/services/GA-1/"
    assert result_url(Hit(type="bundle", code="b", name="", score=1)) == "/bundles/b/"


# --- console ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trait", "synonyms", "queries"),
    [
        ("administrator", 200, 200),
        ("data_officer", 200, 200),
        ("supervisor", 403, 200),
        ("head", 403, 403),
        ("intake", 403, 403),
    ],
)
def test_console_search_pages_by_role(trait: str, synonyms: int, queries: int) -> None:
    client = console_client(StaffFactory(**{trait: True}))
    assert client.get("/console/search/synonyms/").status_code == synonyms
    assert client.get("/console/search/queries/").status_code == queries


def test_a_citizen_is_sent_to_the_staff_log_in() -> None:
    response = portal_client(CitizenFactory()).get("/console/search/queries/")
    assert response.status_code == 302 and "/console/login/" in response["Location"]


def test_a_data_officer_adds_and_removes_a_synonym() -> None:
    client = console_client(StaffFactory(data_officer=True))
    response = client.post(
        "/console/search/synonyms/", {"phrase": "图章", "expansion": "公章刻制/印章", "enabled": "on"}
    )
    assert response.status_code == 302
    synonym = SearchSynonym.objects.get(phrase="图章")
    listed = client.get("/console/search/synonyms/", {"text": "图章"}).content.decode()
    assert "公章刻制/印章" in listed and "删除 图章" in listed
    assert client.get(f"/console/search/synonyms/{synonym.pk}/delete/").status_code == 405
    assert client.post(f"/console/search/synonyms/{synonym.pk}/delete/").status_code == 302
    assert not SearchSynonym.objects.filter(phrase="图章").exists()
    assert client.post("/console/search/synonyms/999999/delete/").status_code == 404


def test_a_synonym_without_official_words_is_shown_back_with_its_error() -> None:
    client = console_client(StaffFactory(administrator=True))
    response = client.post("/console/search/synonyms/", {"phrase": "图章", "expansion": " / "})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not SearchSynonym.objects.filter(phrase="图章").exists()


def test_the_synonym_list_is_paged_fifty_at_a_time() -> None:
    assert SearchSynonym.objects.count() > 100  # the defaults, seeded by the migration
    html = console_client(StaffFactory(administrator=True)).get("/console/search/synonyms/").content.decode()
    assert html.count("<tr>\n      <td>") == 50
    assert "page=2" in html


def test_the_query_log_page_reads_its_day_range(catalogue: dict[str, Any]) -> None:
    page("宠物狗办证")
    client = console_client(StaffFactory(supervisor=True))
    html = client.get("/console/search/queries/").content.decode()
    assert "宠物狗办证" in html and "最近 30 天" in html
    assert "最近 365 天" in client.get("/console/search/queries/", {"days": "9999"}).content.decode()
    assert "最近 1 天" in client.get("/console/search/queries/", {"days": "0"}).content.decode()
    assert "最近 30 天" in client.get("/console/search/queries/", {"days": "many"}).content.decode()
