"""我的: masked personal data, acting for a company one represents (and no other), health check, log-out."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import CitizenFactory, CompanyFactory, portal_client

pytestmark = pytest.mark.django_db


def test_my_account_shows_my_identity_masked() -> None:
    citizen = CitizenFactory(name="张三丰", phone="13712345678")
    page = portal_client(citizen).get("/account/").content.decode()
    assert citizen.id_number not in page and "13712345678" not in page
    assert citizen.masked_id_number in page
    assert "137****5678" in page


def test_a_representative_acts_for_their_company_and_back() -> None:
    company = CompanyFactory(name="广州市测试贸易有限公司")
    client = portal_client(company.legal_representative)
    response = client.post("/account/act-for/", {"company": company.pk}, follow=True)
    assert "您正在以“广州市测试贸易有限公司”的身份办理业务。" in response.content.decode()
    assert client.session["acting_for"] == company.pk
    client.post("/account/act-for/", {"company": ""})
    assert "acting_for" not in client.session


def test_nobody_acts_for_a_company_they_do_not_represent() -> None:
    company = CompanyFactory()
    client = portal_client(CitizenFactory())
    assert client.post("/account/act-for/", {"company": company.pk}).status_code == 403
    assert "acting_for" not in client.session
    assert client.post("/account/act-for/", {"company": 999999}).status_code == 404
    assert client.get("/account/act-for/").status_code == 405


def test_the_health_check_answers_json() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"ok": True}


def test_log_out_is_a_post() -> None:
    client = portal_client(CitizenFactory())
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/account/").status_code == 302  # to the log-in page
