from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tongban.search.models import SearchQueryLog


def top(client: Client, q: str, limit: int = 3, **params: Any) -> list[str]:
    response = client.get("/api/v1/catalog/search", {"q": q, "limit": limit, **params})
    assert response.status_code == 200, response.content
    return [r["code"] for r in response.json()["results"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("孩子出生", {"bundle-birth", "GA-001"}),
        ("身份證丟了", {"GA-004"}),
        ("sfz", {"GA-002", "GA-003", "GA-004"}),
        ("开奶茶店", {"bundle-restaurant", "SJ-007"}),
        ("退休金", {"RS-007"}),
        ("shenfenzheng", {"GA-002", "GA-003", "GA-004"}),
        ("身分证补领", {"GA-004"}),
        ("我想开个奶茶店", {"bundle-restaurant", "SJ-007"}),
    ],
)
def test_the_questions_people_ask_find_the_service_in_the_top_three(catalogue: Any, q: str, expected: set[str]) -> None:
    assert expected & set(top(Client(), q))


@pytest.mark.django_db
def test_results_have_the_documented_shape_and_bundles_rank_with_items(catalogue: Any) -> None:
    body = Client().get("/api/v1/catalog/search", {"q": "孩子出生要办啥", "limit": 5}).json()
    first = body["results"][0]
    assert set(first) >= {"type", "code", "name", "summary", "department", "online_depth", "score"}
    assert {r["type"] for r in body["results"]} == {"item", "bundle"}
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.django_db
def test_filters_narrow_the_results(catalogue: Any) -> None:
    client = Client()
    assert top(client, "注销", limit=10, audience="legal_person")
    for code in top(client, "登记", limit=20, online_depth=4):
        assert code not in {"MZ-001", "MZ-002"}  # window-only items are filtered out
    in_tianhe = top(client, "身份证", limit=10, region="440106")
    assert in_tianhe[0] == "THGA-001" and all(code.startswith("TH") for code in in_tianhe)
    assert set(top(client, "身份证", limit=10, region="440100")) >= {"THGA-001", "GA-003"}
    assert top(client, "出生", limit=10, theme="shengyu")


@pytest.mark.django_db
def test_bad_parameters_answer_a_stable_code(catalogue: Any) -> None:
    client = Client()
    assert client.get("/api/v1/catalog/search", {"q": " "}).json()["code"] == "empty_query"
    assert client.get("/api/v1/catalog/search", {"q": "护照", "limit": 500}).json()["code"] == "invalid_limit"
    assert client.get("/api/v1/catalog/search", {"q": "护照", "online_depth": 9}).status_code == 400


@pytest.mark.django_db
def test_a_search_that_finds_nothing_is_logged(catalogue: Any) -> None:
    assert top(Client(), "魑魅魍魉") == []
    log = SearchQueryLog.objects.get(normalized="魑魅魍魉")
    assert (log.searches, log.zero_results) == (1, 1)
    top(Client(), "护照")
    assert SearchQueryLog.objects.get(normalized="护照").zero_results == 0
