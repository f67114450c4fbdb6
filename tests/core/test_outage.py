"""R2 in small: while the database is unreachable the app answers 503 + Retry-After, never a 500."""

import pytest
from django.test import Client, override_settings


@pytest.fixture
def client_no_raise():
    return Client(raise_request_exception=False)


@override_settings(ROOT_URLCONF="tests.core.outage_urls", DEBUG=False)
def test_database_outage_on_a_page_is_503_with_retry_after(client_no_raise):
    response = client_no_raise.get("/page/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "稍后再试" in response.content.decode()


@override_settings(ROOT_URLCONF="tests.core.outage_urls", DEBUG=False)
def test_database_outage_on_the_api_is_json_503(client_no_raise):
    response = client_no_raise.get("/api/v1/thing")
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"


@override_settings(ROOT_URLCONF="tests.core.outage_urls", DEBUG=False)
def test_a_bug_is_still_a_500_page(client_no_raise):
    response = client_no_raise.get("/bug/")
    assert response.status_code == 500
    assert "系统繁忙" in response.content.decode()


@override_settings(ROOT_URLCONF="tests.core.outage_urls", DEBUG=False)
def test_api_500_and_503_speak_the_request_language():
    english = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    bug = english.get("/api/v1/bug")
    assert bug.status_code == 500
    assert bug.json() == {"code": "server_error", "message": "The system is busy. Please try again later."}
    outage = english.get("/api/v1/thing")
    assert outage.status_code == 503 and outage["Retry-After"] == "5"
    assert outage.json()["message"] == "The system is under maintenance. Please try again shortly."
    chinese = Client(raise_request_exception=False).get("/api/v1/bug")
    assert chinese.json()["message"] == "系统繁忙，请稍后再试。"
