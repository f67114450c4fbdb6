"""Issue 9, finding 3: log-in throttling that a rotating User-Agent does not bypass, staff passwords
not confirmed before the second factor, wrong TOTP codes counted toward the lock-out."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.conftest import current_totp
from tongban.accounts.models import User
from tongban.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

WRONG_TOTP = "000000"


def _wrong_totp(user: User) -> str:
    return "111111" if current_totp(user) == WRONG_TOTP else WRONG_TOTP


def _portal(client: Client, username: str, password: str, agent: str = "test") -> object:
    return client.post(
        "/login/", {"action": "password", "username": username, "password": password}, HTTP_USER_AGENT=agent
    )


def _console(client: Client, username: str, password: str, otp: str, agent: str = "test") -> object:
    return client.post(
        "/console/login/", {"username": username, "password": password, "otp": otp}, HTTP_USER_AGENT=agent
    )


def _token(client: Client, username: str, password: str, otp: str | None = None) -> object:
    body = {"username": username, "password": password, **({"otp": otp} if otp is not None else {})}
    return client.post("/api/v1/accounts/tokens", body, content_type="application/json")


def _errors(html: str) -> list[str]:
    """The page's error texts: the form's messages and the errors next to fields."""
    found = re.findall(r'<ul class="errorlist">(.*?)</ul>|<p class="field-error"[^>]*>(.*?)</p>', html, flags=re.S)
    texts = ["".join(parts) for parts in found]
    assert texts, "the page shows an error"
    return texts


def test_login_throttle_ignores_user_agent(demo, settings):
    """Password spraying from one address: every failure with another User-Agent and another account
    still counts for the address; the address is refused at its limit, for every account."""
    limit = settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
    sprayer = Client(REMOTE_ADDR="10.6.6.6")
    statuses = [
        _portal(sprayer, f"user{n}", "Spring2026!", agent=f"Mozilla/5.0 (rotating {n})").status_code
        for n in range(limit + 3)
    ]
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert statuses[limit - 1 :] == [429] * 4, statuses
    assert _portal(sprayer, "zhangsan", DEMO_PASSWORD, agent="fresh").status_code == 429, "the address is locked"
    elsewhere = _portal(Client(REMOTE_ADDR="10.7.7.7"), "zhangsan", DEMO_PASSWORD)
    assert elsewhere.status_code == 302, "other addresses and the accounts themselves are not locked"


def test_account_lock_out_ignores_user_agent_and_address(demo):
    for n in range(5):
        _portal(Client(REMOTE_ADDR=f"10.5.5.{n}"), "zhangsan", "wrong-one", agent=f"agent {n}")
    assert _portal(Client(REMOTE_ADDR="10.5.5.99"), "zhangsan", DEMO_PASSWORD, agent="new").status_code == 429


def test_own_successful_log_in_does_not_forgive_the_address(demo, settings):
    """A sprayer who logs in to an account of their own now and then keeps the address's count."""
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 6
    sprayer = Client(REMOTE_ADDR="10.6.6.7")
    for n in range(5):
        assert _portal(sprayer, f"user{n}", "Spring2026!").status_code == 200
    own = Client(REMOTE_ADDR="10.6.6.7")
    assert _portal(own, "zhangsan", DEMO_PASSWORD).status_code == 302
    assert _portal(sprayer, "user9", "Spring2026!").status_code == 429


def test_staff_password_not_revealed_before_second_factor(demo):
    """The portal, the console and the API answer a right staff password exactly as a wrong one until
    the TOTP code is right too (one member of staff per door, each below the lock-out)."""
    portal_right = _portal(Client(REMOTE_ADDR="10.1.0.1"), "banli", DEMO_PASSWORD)
    portal_wrong = _portal(Client(REMOTE_ADDR="10.1.0.2"), "banli", "wrong-one")
    assert portal_right.status_code == portal_wrong.status_code == 200
    assert _errors(portal_right.content.decode()) == _errors(portal_wrong.content.decode())
    assert "工作人员请从工作台登录" not in portal_right.content.decode()

    code = _wrong_totp(User.objects.get(username="kezhang"))
    console_right = _console(Client(REMOTE_ADDR="10.1.0.3"), "kezhang", DEMO_PASSWORD, code)
    console_wrong = _console(Client(REMOTE_ADDR="10.1.0.4"), "kezhang", "wrong-one", code)
    assert console_right.status_code == console_wrong.status_code == 200
    assert _errors(console_right.content.decode()) == _errors(console_wrong.content.decode())
    assert "用户名、密码或动态验证码不正确" in console_right.content.decode()

    api_right, api_wrong = _token(Client(), "gongan", DEMO_PASSWORD), _token(Client(), "gongan", "wrong-one")
    assert api_right.status_code == api_wrong.status_code == 401
    assert api_right.json() == api_wrong.json() and api_right.json()["code"] == "invalid_credentials"
    code = _wrong_totp(User.objects.get(username="gongan"))
    assert _token(Client(), "gongan", DEMO_PASSWORD, otp=code).json() == api_wrong.json()


def test_right_staff_password_at_the_portal_counts_like_a_wrong_one(demo):
    """Nor does the lock-out tell them apart: four wrong passwords and then the right one lock the
    account on the fifth, as a fifth wrong one would."""
    client = Client(REMOTE_ADDR="10.1.1.1")
    for _ in range(4):
        assert _portal(client, "banli", "wrong-one").status_code == 200
    assert _portal(client, "banli", DEMO_PASSWORD).status_code == 429


def test_wrong_totp_counts_toward_lockout(demo):
    banli = User.objects.get(username="banli")
    code = _wrong_totp(banli)
    statuses = [_console(Client(REMOTE_ADDR=f"10.2.0.{n}"), "banli", DEMO_PASSWORD, code).status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    locked = _console(Client(REMOTE_ADDR="10.2.0.9"), "banli", DEMO_PASSWORD, current_totp(banli))
    assert locked.status_code == 429, "even the right password and code: the account is locked"
    assert "锁定" in locked.content.decode()


def test_wrong_totp_in_the_api_counts_toward_lockout(demo):
    banli = User.objects.get(username="banli")
    for _ in range(4):
        assert _token(Client(), "banli", DEMO_PASSWORD, otp=_wrong_totp(banli)).status_code == 401
    fifth = _token(Client(), "banli", DEMO_PASSWORD)
    assert fifth.status_code == 429 and fifth.json()["code"] == "locked_out"
    assert _token(Client(), "banli", DEMO_PASSWORD, otp=current_totp(banli)).status_code == 429
