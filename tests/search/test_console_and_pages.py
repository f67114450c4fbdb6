from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import staff_client
from tongban.core.models import AuditEntry
from tongban.search import services
from tongban.search.models import SearchSynonym


def codes(q: str) -> list[str]:
    return [h.code for h in services.search(q, limit=5, log=False)]


@pytest.mark.django_db
def test_default_synonyms_are_seeded() -> None:
    assert SearchSynonym.objects.filter(phrase="丢了").exists()
    assert SearchSynonym.objects.count() > 100


@pytest.mark.django_db
def test_an_administrator_adds_a_synonym_and_search_uses_it(catalogue: Any) -> None:
    assert "GA-025" not in codes("弄个图章")[:1]
    client = staff_client("admin")
    response = client.post(
        "/console/search/synonyms/", {"phrase": "图章", "expansion": "公章刻制/印章", "enabled": "on"}
    )
    assert response.status_code == 302
    services.synonym_cache.invalidate()
    assert codes("弄个图章")[0] == "GA-025"
    assert AuditEntry.objects.filter(action="search.synonym_add").exists()
    page = client.get("/console/search/synonyms/", {"text": "图章"})
    assert "公章刻制/印章" in page.content.decode()
    synonym = SearchSynonym.objects.get(phrase="图章")
    assert client.post(f"/console/search/synonyms/{synonym.pk}/delete/").status_code == 302
    assert not SearchSynonym.objects.filter(phrase="图章").exists()


@pytest.mark.django_db
def test_only_administrators_edit_synonyms(catalogue: Any, citizen_client: Client) -> None:
    before = SearchSynonym.objects.count()
    clerk = staff_client("banli")
    assert clerk.post("/console/search/synonyms/", {"phrase": "x", "expansion": "y"}).status_code == 403
    assert citizen_client.get("/console/search/synonyms/").status_code == 302  # to the console log-in
    assert Client().post("/console/search/synonyms/", {"phrase": "x", "expansion": "y"}).status_code == 302
    assert SearchSynonym.objects.count() == before


@pytest.mark.django_db
def test_the_query_log_page_lists_what_people_could_not_find(catalogue: Any) -> None:
    Client().get("/search/", {"q": "宠物狗办证"})
    Client().get("/search/", {"q": "宠物狗办证"})
    page = staff_client("admin").get("/console/search/queries/")
    assert page.status_code == 200
    assert "宠物狗办证" in page.content.decode()
    assert staff_client("banli").get("/console/search/queries/").status_code == 403


@pytest.mark.django_db
def test_results_page_has_filters_and_links(catalogue: Any) -> None:
    page = Client().get("/search/", {"q": "身份证丢了"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "居民身份证补领" in html
    for name in ("audience", "theme", "department", "region", "online_depth"):
        assert f'name="{name}"' in html
    assert "<script>" not in html and "style=" not in html
    click = Client().get("/search/go", {"q": "身份证丢了", "to": "/catalog/items/GA-004/"})
    assert click.status_code == 302 and click["Location"] == "/catalog/items/GA-004/"
    assert Client().get("/search/go", {"q": "x", "to": "https://evil.example/"})["Location"] == "/"


@pytest.mark.django_db
def test_suggestions_are_an_html_fragment(catalogue: Any) -> None:
    response = Client().get("/search/suggest", {"q": "hz"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'role="listbox"' in html
    assert Client().get("/search/suggest", {"q": ""}).content.decode().strip() == ""


def test_the_search_box_include_is_accessible() -> None:
    from django.template.loader import render_to_string

    html = render_to_string("search/_search_box.html", {"query": ""})
    assert 'aria-autocomplete="list"' in html and 'aria-live="polite"' in html
    assert '<label for="search-q">' in html and 'name="q"' in html and 'action="/search/"' in html
