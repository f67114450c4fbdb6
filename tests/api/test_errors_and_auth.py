import pytest
from django.test import Client

from tests.conftest import current_totp
from tongban.accounts.models import User
from tongban.demo.orgs import department_code
from tongban.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _token(client, username, **extra):
    response = client.post(
        "/api/v1/accounts/tokens",
        {"username": username, "password": DEMO_PASSWORD, **extra},
        content_type="application/json",
    )
    return response


def test_unauthenticated_request_gets_json_code_and_message(demo):
    response = Client().get("/api/v1/accounts/me")
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "message": "请先登录。"}


def test_invalid_body_is_a_422_with_fields(demo):
    response = Client().post("/api/v1/accounts/tokens", {"username": "x"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input" and body["message"]
    assert any(e["field"] == "password" for e in body["errors"])


def test_malformed_json_is_a_4xx_not_a_500(demo):
    response = Client().post("/api/v1/accounts/tokens", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert "code" in response.json()


def test_citizen_token_and_masked_me(demo):
    client = Client()
    response = _token(client, "zhangsan")
    assert response.status_code == 201
    token = response.json()["token"]
    me = Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert me["username"] == "zhangsan"
    assert me["phone"] == "138****0001"
    assert "*" in me["id_number"] and len(me["id_number"]) == 18
    assert me["id_number"] != User.objects.get(username="zhangsan").id_number


def test_wrong_password_is_401(demo):
    response = Client().post(
        "/api/v1/accounts/tokens", {"username": "zhangsan", "password": "nope-nope"}, content_type="application/json"
    )
    assert response.status_code == 401 and response.json()["code"] == "invalid_credentials"


def test_staff_token_needs_totp(demo):
    without_code = _token(Client(), "banli")
    assert without_code.status_code == 401 and without_code.json()["code"] == "invalid_credentials"
    response = _token(Client(), "banli", otp=current_totp(User.objects.get(username="banli")))
    assert response.status_code == 201


def test_department_staff_endpoint_is_scoped(demo):
    token = _token(Client(), "banli", otp=current_totp(User.objects.get(username="banli"))).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    own = Client().get(f"/api/v1/orgs/departments/{department_code(16)}/staff", **auth)
    assert own.status_code == 200 and {s["username"] for s in own.json()} == {"banli", "kezhang"}
    other = Client().get(f"/api/v1/orgs/departments/{department_code(15)}/staff", **auth)
    assert other.status_code == 403 and other.json()["code"] == "permission_denied"
    citizen = _token(Client(), "zhangsan").json()["token"]
    response = Client().get(
        f"/api/v1/orgs/departments/{department_code(16)}/staff", HTTP_AUTHORIZATION=f"Bearer {citizen}"
    )
    assert response.status_code == 403


def test_unknown_department_is_a_json_404(demo):
    token = _token(Client(), "zhangsan").json()["token"]
    response = Client().get("/api/v1/orgs/departments/NOPE/staff", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_session_auth_needs_csrf_for_writes(citizen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/api/v1/accounts/me").status_code == 200


def test_public_lists(demo):
    regions = Client().get("/api/v1/orgs/regions").json()
    assert {r["code"] for r in regions} >= {"440000", "440100", "440106"}
    departments = Client().get("/api/v1/orgs/departments").json()
    assert len(departments) >= 15


def test_unknown_api_paths_are_json_404():
    for url in ("/api/v1/no-such-thing", "/api/v1/accounts/nope/deeper", "/api/v2/anything"):
        response = Client().get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json"), url
        assert response.json() == {"code": "not_found", "message": "没有找到您要的内容。"}


def test_a_wrong_method_is_json_405_and_keeps_allow():
    response = Client().delete("/api/v1/accounts/tokens")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed" and response.json()["message"]
    assert "POST" in response["Allow"]


def test_error_messages_follow_accept_language_and_the_language_cookie(demo):
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert english.get("/api/v1/no-such-thing").json()["message"] == "Not found."
    assert english.get("/api/v1/accounts/me").json() == {"code": "not_authenticated", "message": "Please log in first."}
    assert english.delete("/api/v1/accounts/tokens").json()["message"] == "This address does not accept that method."
    traditional = Client()
    traditional.cookies["tongban_lang"] = "zh-hant"
    assert traditional.get("/api/v1/no-such-thing").json()["message"] == "沒有找到您要的內容。"


def test_pages_outside_the_api_keep_their_html_404():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and not response["Content-Type"].startswith("application/json")
