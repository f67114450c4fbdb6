"""办件进度查询 by a number as people type it: lower case, without the hyphen, with spaces, full-width
digits — through the page and through the API alike (one normaliser, one limiter per number)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from tests.cases.conftest import submit
from tongban.cases import numbers
from tongban.cases.models import CASE_NUMBER_KEY, Case

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans(
    "0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "０１２３４５６７８９－ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
)


def typed_variants(number: str) -> dict[str, str]:
    """The ways people were seen to type a case number such as TEST-SJ-00120261207000001."""
    digits = number[-14:]
    return {
        "lower case": number.lower(),
        "no hyphens": number.replace("-", ""),
        "spaces": f" {number[:-14]} {digits[:8]} {digits[8:]} ",
        "lower case, no hyphens, spaces": f"{number.replace('-', '').lower()[:-14]} {digits}",
        "full-width digits": number[:-14] + digits.translate(FULL_WIDTH),
        "all full-width": number.translate(FULL_WIDTH),
        "ideographic space and en dash": number.replace("-", "–").replace(digits, "\u3000" + digits),
    }


@pytest.fixture
def case(item, people, media) -> Case:
    case = submit(people["zhangsan"], item)
    assert "-" in case.number, "the test item's code has a hyphen, as the demo catalogue's do"
    return case


def test_normaliser_gives_one_form_for_every_way_of_typing():
    assert numbers.normalise_case_number("ga-001 20261222 000001") == "GA00120261222000001"
    assert numbers.normalise_case_number("ＧＡ－００１２０２６１２２２０００００１") == "GA00120261222000001"
    assert numbers.normalise_case_number("GA‐001—20261222\u3000000001") == "GA00120261222000001"
    assert numbers.normalise_case_number("") == ""


def test_the_database_key_of_a_stored_number_is_its_normalised_form(case):
    key = Case.objects.filter(pk=case.pk).annotate(key=CASE_NUMBER_KEY).values_list("key", flat=True).get()
    assert key == numbers.normalise_case_number(case.number)


@pytest.mark.parametrize("way", list(typed_variants("X-1" + "0" * 14)))
def test_progress_page_finds_the_case_however_the_number_is_typed(case, way):
    typed = typed_variants(case.number)[way]
    response = Client().post("/progress/", {"number": typed, "query_code": case.query_code_plain})
    assert response.status_code == 200, (way, typed)
    page = response.content.decode()
    assert 'id="progress-result"' in page and case.number in page


@pytest.mark.parametrize("way", list(typed_variants("X-1" + "0" * 14)))
def test_progress_api_finds_the_case_however_the_number_is_typed(case, way):
    typed = typed_variants(case.number)[way]
    response = Client().get("/api/v1/cases/progress", {"number": typed, "code": case.query_code_plain})
    assert response.status_code == 200, (way, typed, response.content)
    assert response.json()["number"] == case.number


def test_a_different_number_is_still_not_found(case):
    wrong = case.number[:-1] + ("2" if case.number[-1] != "2" else "3")
    page = Client().post("/progress/", {"number": wrong.lower(), "query_code": case.query_code_plain})
    api = Client().get("/api/v1/cases/progress", {"number": wrong.lower(), "code": case.query_code_plain})
    assert page.status_code == api.status_code == 404


def test_ways_of_typing_one_number_share_its_limit(case, settings):
    """Guessing query codes with the number typed differently each time gets no more tries."""
    settings.TONGBAN = {**settings.TONGBAN, "PROGRESS_TRIES_PER_NUMBER": 3}
    variants = list(typed_variants(case.number).values())
    guesser = Client(REMOTE_ADDR="10.0.1.1")
    tries = [
        guesser.post("/progress/", {"number": typed, "query_code": "WRONGCODE1"}).status_code for typed in variants[:3]
    ]
    assert tries == [404, 404, 404]
    api = guesser.get("/api/v1/cases/progress", {"number": variants[3], "code": "WRONGCODE1"})
    assert api.status_code == 429


@pytest.mark.skipif(connection.vendor != "sqlite", reason="query plan text is SQLite's")
def test_the_look_up_uses_the_number_key_index(case):
    rows = Case.objects.alias(number_key=CASE_NUMBER_KEY).filter(number_key="X")
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "case_number_key" in plan, plan
