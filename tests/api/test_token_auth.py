"""Bearer tokens: issued once, found by their hash, refused when wrong, malformed or of an inactive account."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from tests.factories import CitizenFactory, StaffFactory
from tests.factories.accounts import PASSWORD
from tongban.accounts.models import ApiToken
from tongban.accounts.services import issue_api_token

pytestmark = pytest.mark.django_db


def me(**headers: str) -> Client:
    return Client().get("/api/v1/accounts/me", **headers)


def test_a_token_is_stored_only_as_its_hash_and_opens_the_api() -> None:
    citizen = CitizenFactory()
    raw = issue_api_token(user=citizen, name="手机")
    assert raw.startswith("tb_")
    stored = ApiToken.objects.get(user=citizen)
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest() and raw not in stored.key_hash
    response = me(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["username"] == citizen.username


@pytest.mark.parametrize(
    "header",
    ["Bearer tb_wrong", "Bearer ", "Basic dXNlcjpwYXNz", "tb_only_the_value", "Token tb_x", "Bearer\t"],
)
def test_a_wrong_or_malformed_authorisation_authenticates_no_one(header: str) -> None:
    response = me(HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_scheme_is_case_insensitive() -> None:
    raw = issue_api_token(user=CitizenFactory(), name="kiosk")
    assert me(HTTP_AUTHORIZATION=f"bearer {raw}").status_code == 200


def test_an_inactive_accounts_token_stops_working() -> None:
    citizen = CitizenFactory()
    raw = issue_api_token(user=citizen, name="手机")
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    assert me(HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_a_token_is_exchanged_for_a_password_and_for_staff_a_code() -> None:
    citizen = CitizenFactory()
    response = Client().post(
        "/api/v1/accounts/tokens",
        {"username": citizen.username, "password": PASSWORD, "name": "手机"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert me(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}").status_code == 200
    staff = StaffFactory()
    refused = Client().post(
        "/api/v1/accounts/tokens",
        {"username": staff.username, "password": PASSWORD, "name": "工作台"},
        content_type="application/json",
    )
    assert refused.status_code == 401  # no second factor: no token, whatever the password
    assert not ApiToken.objects.filter(user=staff).exists()
