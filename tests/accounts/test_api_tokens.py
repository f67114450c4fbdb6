"""Issue 9, finding 5: API tokens lived for ever.

Must hold: tokens expire (citizens after 30 days, staff after 8 hours and never beyond the session their
second factor opened), can be listed and revoked over the API and on the account page, die with a
password change, and keep `last_used_at` (written at most once a minute).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import current_totp
from tongban.accounts import tokens
from tongban.accounts.models import ApiToken, User
from tongban.core.models import AuditEntry
from tongban.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


class Clock:
    """timezone.now(), moved forward by the test."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    moved = Clock()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + moved.offset)
    return moved


def _issue(username: str, name: str = "api", **extra: str) -> dict:
    response = Client().post(
        "/api/v1/accounts/tokens",
        {"username": username, "password": DEMO_PASSWORD, "name": name, **extra},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def _staff_token(username: str = "banli") -> dict:
    return _issue(username, otp=current_totp(User.objects.get(username=username)))


def _me(token: str) -> int:
    return Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# --- expiry per kind --------------------------------------------------------------------------------------


def test_a_citizen_token_expires_after_30_days(demo, clock):
    issued = _issue("zhangsan")
    token = issued["token"]
    expires = datetime.fromisoformat(issued["expires_at"])
    assert timedelta(days=30) - timedelta(minutes=1) < expires - timezone.now() <= timedelta(days=30)
    clock.advance(days=29, hours=23)
    assert _me(token) == 200
    clock.advance(hours=1, minutes=1)
    assert _me(token) == 401


def test_a_staff_token_expires_after_8_hours(demo, clock):
    token = _staff_token()["token"]
    clock.advance(hours=7, minutes=59)
    assert _me(token) == 200
    clock.advance(minutes=2)
    assert _me(token) == 401


def test_token_lifetimes_are_settings(demo, settings, clock):
    settings.API_TOKEN_DAYS = 7
    settings.STAFF_API_TOKEN_HOURS = 2
    citizen = _issue("zhangsan")["token"]
    staff = _staff_token()["token"]
    clock.advance(hours=2, minutes=1)
    assert _me(staff) == 401 and _me(citizen) == 200
    clock.advance(days=7)
    assert _me(citizen) == 401


def test_a_staff_token_never_outlives_the_second_factor_session(demo, settings, clock):
    """A longer staff token setting does not stretch a token past the session the TOTP code opened."""
    settings.STAFF_API_TOKEN_HOURS = 24
    settings.SESSION_COOKIE_AGE = 8 * 3600
    token = _staff_token()["token"]
    clock.advance(hours=8, minutes=1)
    assert _me(token) == 401


def test_a_staff_token_from_a_console_session_ends_with_that_session(demo):
    """Issued inside a console session that ends in an hour, the token ends in an hour too."""
    banli = User.objects.get(username="banli")
    session_end = timezone.now() + timedelta(hours=1)
    issued = tokens.create_api_token(user=banli, name="console", second_factor_ends_at=session_end)
    assert issued.token.expires_at == session_end


def test_citizen_tokens_are_not_bound_by_the_session_length(demo, settings):
    settings.SESSION_COOKIE_AGE = 3600
    issued = tokens.create_api_token(user=User.objects.get(username="zhangsan"), name="app")
    assert issued.token.expires_at - timezone.now() > timedelta(days=29)


# --- listed and revoked over the API ------------------------------------------------------------------------


def test_my_tokens_are_listed_without_their_values(demo):
    first = _issue("zhangsan", name="小程序")
    second = _issue("zhangsan", name="自助终端")
    _issue("lisi", name="someone else's")
    response = Client().get("/api/v1/accounts/tokens", **_bearer(first["token"]))
    assert response.status_code == 200
    listed = response.json()
    assert [t["name"] for t in listed] == ["自助终端", "小程序"]
    assert {t["id"] for t in listed} == {first["id"], second["id"]}
    assert set(listed[0]) == {"id", "name", "created_at", "expires_at", "last_used_at"}
    body = response.content.decode()
    assert first["token"] not in body and second["token"] not in body


def test_a_token_is_revoked_over_the_api(demo):
    keep = _issue("zhangsan", name="keep")
    lost = _issue("zhangsan", name="lost phone")
    response = Client().delete(f"/api/v1/accounts/tokens/{lost['id']}", **_bearer(keep["token"]))
    assert response.status_code == 204
    assert _me(lost["token"]) == 401 and _me(keep["token"]) == 200
    listed = Client().get("/api/v1/accounts/tokens", **_bearer(keep["token"])).json()
    assert [t["name"] for t in listed] == ["keep"]
    assert AuditEntry.objects.filter(action="account.revoke_api_token", details__token=lost["id"]).exists()


def test_a_token_can_revoke_itself(demo):
    issued = _issue("zhangsan")
    assert Client().delete(f"/api/v1/accounts/tokens/{issued['id']}", **_bearer(issued["token"])).status_code == 204
    assert _me(issued["token"]) == 401


def test_nobody_revokes_another_persons_token(demo):
    victim = _issue("zhangsan")
    intruder = _issue("lisi")
    response = Client().delete(f"/api/v1/accounts/tokens/{victim['id']}", **_bearer(intruder["token"]))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert _me(victim["token"]) == 200
    assert Client().delete(f"/api/v1/accounts/tokens/{victim['id']}").status_code == 401


def test_staff_list_and_revoke_their_tokens_too(demo):
    issued = _staff_token()
    listed = Client().get("/api/v1/accounts/tokens", **_bearer(issued["token"])).json()
    assert [t["id"] for t in listed] == [issued["id"]]
    assert Client().delete(f"/api/v1/accounts/tokens/{issued['id']}", **_bearer(issued["token"])).status_code == 204
    assert _me(issued["token"]) == 401


# --- listed and revoked on the account page -------------------------------------------------------------------


def test_the_account_page_lists_and_revokes_my_tokens(demo, citizen_client):
    zhangsan = User.objects.get(username="zhangsan")
    kiosk = tokens.create_api_token(user=zhangsan, name="政务服务自助终端")
    app = tokens.create_api_token(user=zhangsan, name="手机应用")
    tokens.create_api_token(user=User.objects.get(username="lisi"), name="李四的应用")
    page = citizen_client.get("/account/").content.decode()
    assert "API 令牌" in page and "政务服务自助终端" in page and "手机应用" in page
    assert "李四的应用" not in page and kiosk.raw not in page
    response = citizen_client.post("/account/", {"action": "revoke_token", "token": kiosk.token.pk}, follow=True)
    assert response.status_code == 200 and "令牌已撤销" in response.content.decode()
    assert _me(kiosk.raw) == 401 and _me(app.raw) == 200
    assert f'data-token="{kiosk.token.pk}"' not in response.content.decode()


def test_the_account_page_does_not_revoke_another_persons_token(demo, citizen_client):
    other = tokens.create_api_token(user=User.objects.get(username="lisi"), name="李四的应用")
    response = citizen_client.post("/account/", {"action": "revoke_token", "token": other.token.pk}, follow=True)
    assert "没有找到这个令牌" in response.content.decode()
    assert _me(other.raw) == 200
    garbage = citizen_client.post("/account/", {"action": "revoke_token", "token": "abc"})
    assert garbage.status_code == 302


# --- dies with a password change ------------------------------------------------------------------------------


def test_a_password_change_ends_every_token(demo):
    first = _issue("zhangsan")["token"]
    second = _issue("zhangsan")["token"]
    user = User.objects.get(username="zhangsan")
    user.set_password("a-new-password-2026")  # what `tongban changepassword` does
    user.save()
    assert _me(first) == 401 and _me(second) == 401
    fresh = (
        Client()
        .post(
            "/api/v1/accounts/tokens",
            {"username": "zhangsan", "password": "a-new-password-2026"},
            content_type="application/json",
        )
        .json()
    )
    assert _me(fresh["token"]) == 200
    listed = Client().get("/api/v1/accounts/tokens", **_bearer(fresh["token"])).json()
    assert [t["id"] for t in listed] == [fresh["id"]]
    assert ApiToken.objects.filter(user=user).count() == 1, "the dead tokens are cleared when a new one is issued"


def test_a_deactivated_account_has_no_working_token(demo):
    token = _issue("zhangsan")["token"]
    User.objects.filter(username="zhangsan").update(is_active=False)
    assert _me(token) == 401


# --- last_used_at ---------------------------------------------------------------------------------------------


def test_last_used_at_is_kept_to_the_minute(demo, clock):
    issued = _issue("zhangsan")
    token = ApiToken.objects.get(pk=issued["id"])
    assert token.last_used_at is None
    assert _me(issued["token"]) == 200
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None and abs(first_use - timezone.now()) < timedelta(seconds=5)
    clock.advance(seconds=30)
    assert _me(issued["token"]) == 200
    token.refresh_from_db()
    assert token.last_used_at == first_use, "not rewritten within the minute"
    clock.advance(seconds=31)
    assert _me(issued["token"]) == 200
    token.refresh_from_db()
    assert token.last_used_at > first_use
    listed = Client().get("/api/v1/accounts/tokens", **_bearer(issued["token"])).json()
    assert listed[0]["last_used_at"] is not None


def test_a_use_within_the_minute_writes_nothing(demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    issued = _issue("zhangsan")
    assert _me(issued["token"]) == 200
    with CaptureQueriesContext(connection) as queries:
        assert tokens.user_for_token(issued["token"]) is not None
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]


def test_an_unknown_or_expired_token_is_refused_without_a_write(demo, clock):
    issued = _issue("zhangsan")
    clock.advance(days=31)
    assert tokens.user_for_token(issued["token"]) is None
    assert tokens.user_for_token("tb_not-a-token") is None
    assert ApiToken.objects.get(pk=issued["id"]).last_used_at is None
