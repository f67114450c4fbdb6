"""Whatever people type is shown back safely, cut to size, and logged once; the go-link stays on this site."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from tests.factories import ServiceItemFactory
from tongban.search import services
from tongban.search.models import SearchQueryLog

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'


@pytest.fixture
def indexed(index_dir: Path) -> None:
    ServiceItemFactory(name="普通护照签发", summary="办理护照 <b>须本人</b> 到场")
    ServiceItemFactory(name="港澳通行证签注")
    services.rebuild_index()


def test_a_typed_script_is_shown_as_text_on_the_results_page(indexed: None) -> None:
    html = Client().get("/search/", {"q": SCRIPT + "护照"}).content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;" in html


def test_a_typed_script_is_shown_as_text_in_the_suggestions(indexed: None) -> None:
    html = Client().get("/search/suggest", {"q": SCRIPT}).content.decode()
    assert SCRIPT not in html
    assert "没有找到相关服务" in html


def test_catalogue_text_is_escaped_too(indexed: None) -> None:
    html = Client().get("/search/", {"q": "护照"}).content.decode()
    assert "<b>须本人</b>" not in html and "&lt;b&gt;须本人&lt;/b&gt;" in html


def test_a_query_over_a_hundred_characters_is_refused_by_the_page(indexed: None) -> None:
    html = Client().get("/search/", {"q": "护照" * 60}).content.decode()
    assert "请输入您要办的事" in html  # the form is invalid: nothing searched
    assert not SearchQueryLog.objects.exists()


def test_the_service_cuts_a_long_query_to_a_hundred_characters(indexed: None) -> None:
    services.search("护照" * 80, log=True)
    logged = SearchQueryLog.objects.get()
    assert logged.query == "护照" * 50


def test_one_search_is_logged_once(indexed: None) -> None:
    Client().get("/search/", {"q": "护照"})
    assert SearchQueryLog.objects.get(normalized="护照").searches == 1
    Client().get("/search/", {"q": "护照", "page": "2"})
    assert SearchQueryLog.objects.get(normalized="护照").searches == 2  # each page is a search


def test_suggestions_are_not_logged_and_say_nothing_for_nothing(indexed: None) -> None:
    assert Client().get("/search/suggest").content.decode().strip() == ""
    html = Client().get("/search/suggest", {"q": "hz"}).content.decode()
    assert 'role="option"' in html and "普通护照签发" in html
    assert not SearchQueryLog.objects.exists()


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/services/A/", "/services/A/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_the_go_link_only_goes_to_pages_of_this_site(target: str, location: str) -> None:
    params = {"q": "护照"}
    if target:
        params["to"] = target
    response = Client().get("/search/go", params)
    assert response.status_code == 302 and response["Location"] == location


def test_search_pages_answer_only_reads() -> None:
    assert Client().post("/search/", {"q": "护照"}).status_code == 405
    assert Client().post("/search/suggest", {"q": "护照"}).status_code == 405
    assert Client().post("/search/go", {"to": "/"}).status_code == 405


def test_traditional_and_full_width_queries_find_the_same(indexed: None) -> None:
    simple = [h.code for h in services.search("港澳通行证", log=False)]
    assert simple
    assert [h.code for h in services.search("港澳通行證", log=False)] == simple
    assert [h.code for h in services.search("港澳通行证　", log=False)] == simple
