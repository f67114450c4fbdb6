"""Issue 9, finding 4: a stranger's guesses cannot lock the owner out of the progress look-up;
the limits hold as configured (per address, per address and number), page and API together."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.cases.conftest import submit
from tongban.core.models import RateCounter

pytestmark = pytest.mark.django_db

API = "/api/v1/cases/progress"


def _page(client: Client, number: str, code: str) -> int:
    return client.post("/progress/", {"number": number, "query_code": code}).status_code


def _api(client: Client, number: str, code: str) -> int:
    return client.get(API, {"number": number, "code": code}).status_code


def test_stranger_cannot_lock_owner_out_of_progress_lookup(item, people, media):
    case = submit(people["zhangsan"], item)
    stranger = Client(REMOTE_ADDR="10.0.0.66")
    guesses = [_api(stranger, case.number, f"WRONG{n:05d}") for n in range(20)]
    assert guesses[:10] == [404] * 10 and guesses[10:] == [429] * 10, "10 guesses per number, as configured"
    assert _api(stranger, case.number, case.query_code_plain) == 429, "the guesser gets no more tries"
    owner = Client(REMOTE_ADDR="10.0.0.77")
    assert _page(owner, case.number, case.query_code_plain) == 200
    assert _api(owner, case.number, case.query_code_plain) == 200


def test_limit_per_number_is_the_configured_count_for_page_and_api_together(item, people, media, settings):
    settings.TONGBAN = {**settings.TONGBAN, "PROGRESS_TRIES_PER_NUMBER": 4}
    case = submit(people["zhangsan"], item)
    client = Client(REMOTE_ADDR="10.0.0.5")
    tries = [(_page, _api)[n % 2](client, case.number, "WRONG") for n in range(4)]
    assert tries == [404] * 4
    assert _api(client, case.number, "WRONG") == 429
    assert _page(client, case.number, case.query_code_plain) == 429, "after a 429 the next try is refused too"


def test_the_number_is_counted_however_it_is_written(item, people, media, settings):
    settings.TONGBAN = {**settings.TONGBAN, "PROGRESS_TRIES_PER_NUMBER": 3}
    case = submit(people["zhangsan"], item)
    client = Client(REMOTE_ADDR="10.0.0.6")
    spaced = " ".join([case.number[:4], case.number[4:]])
    full_width = "".join(chr(ord(ch) + 0xFEE0) if ch.isalnum() else ch for ch in case.number)
    for written in (case.number.lower(), spaced, full_width):
        assert _api(client, written, "WRONG") == 404
    assert _api(client, case.number, "WRONG") == 429


def test_right_codes_are_not_guesses(item, people, media, settings):
    """Looking up one's own case again and again with the right code never runs into the limit."""
    settings.TONGBAN = {**settings.TONGBAN, "PROGRESS_TRIES_PER_NUMBER": 3, "PROGRESS_TRIES_PER_ADDRESS": 5}
    case = submit(people["zhangsan"], item)
    client = Client(REMOTE_ADDR="10.0.0.7")
    assert [_page(client, case.number, case.query_code_plain) for _ in range(8)] == [200] * 8
    assert [_api(client, case.number, "WRONG") for _ in range(4)] == [404, 404, 404, 429]


def test_limit_per_address_is_the_configured_count(item, people, media, settings):
    settings.TONGBAN = {**settings.TONGBAN, "PROGRESS_TRIES_PER_ADDRESS": 5}
    case = submit(people["zhangsan"], item)
    client = Client(REMOTE_ADDR="10.0.0.8")
    assert [_api(client, f"NOPE2026010100000{n}", "WRONG") for n in range(6)] == [404] * 5 + [429]
    assert _page(client, case.number, case.query_code_plain) == 429
    assert _page(Client(REMOTE_ADDR="10.0.0.9"), case.number, case.query_code_plain) == 200


def test_owner_logged_in_always_sees_case(item, people, media):
    case = submit(people["zhangsan"], item)
    same_address = "10.0.0.10"
    stranger = Client(REMOTE_ADDR=same_address)
    for n in range(70):  # over the limits per number and per address
        _api(stranger, case.number, f"WRONG{n:05d}")
    assert _api(stranger, case.number, case.query_code_plain) == 429
    owner = Client(REMOTE_ADDR=same_address)
    owner.force_login(people["zhangsan"], backend="django.contrib.auth.backends.ModelBackend")
    assert _page(owner, case.number, case.query_code_plain) == 200
    assert _api(owner, case.number.lower(), case.query_code_plain) == 200
    counted = list(RateCounter.objects.order_by("name").values_list("name", "hits"))
    assert _page(owner, case.number, case.query_code_plain) == 200
    assert list(RateCounter.objects.order_by("name").values_list("name", "hits")) == counted, "not counted"
    someone_else = Client(REMOTE_ADDR=same_address)
    someone_else.force_login(people["lisi"], backend="django.contrib.auth.backends.ModelBackend")
    assert _page(someone_else, case.number, case.query_code_plain) == 429, "only the owner"
