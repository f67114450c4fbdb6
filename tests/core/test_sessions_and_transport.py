"""Issue 9, finding 9: sessions and transport.

Must hold: staff sessions end after 30 minutes without a request (a setting); X-Forwarded-Proto (and
X-Forwarded-For) count only from configured proxy addresses; production redirects plain HTTP to HTTPS
and sends HSTS; every cookie is Secure in production.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from tests.conftest import staff_client
from tongban.core.middleware import LAST_ACTIVITY_KEY, TrustedProxyMiddleware
from tongban.demo.people import DEMO_PASSWORD

# --- staff idle timeout ----------------------------------------------------------------------------------------


def _idle_for(client: Client, seconds: int) -> None:
    """Move the session's clock: its last request was `seconds` ago."""
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds
    session.save()


def test_a_staff_session_ends_after_30_idle_minutes(demo):
    client = staff_client("banli")
    assert client.get("/console/").status_code == 200
    _idle_for(client, 31 * 60)
    response = client.get("/console/")
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")
    page = client.get(response["Location"]).content.decode()
    assert "30 分钟未操作" in page, "the log-in page says why"
    assert client.get("/console/").status_code == 302, "logged out for good"


def test_a_staff_member_at_work_stays_logged_in(demo):
    client = staff_client("banli")
    _idle_for(client, 29 * 60)
    assert client.get("/console/").status_code == 200
    assert int(time.time()) - client.session[LAST_ACTIVITY_KEY] < 5, "the request counts as activity"
    _idle_for(client, 29 * 60)
    assert client.get("/console/").status_code == 200


def test_the_idle_timeout_is_a_setting(demo, settings):
    settings.STAFF_IDLE_MINUTES = 5
    client = staff_client("banli")
    _idle_for(client, 4 * 60)
    assert client.get("/console/").status_code == 200
    _idle_for(client, 6 * 60)
    assert client.get("/console/").status_code == 302


def test_an_idle_staff_session_is_refused_by_the_api_too(demo):
    client = staff_client("banli")
    assert client.get("/api/v1/accounts/me").status_code == 200
    _idle_for(client, 31 * 60)
    response = client.get("/api/v1/accounts/me")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_citizens_keep_the_absolute_session_limit_only(citizen_client):
    _idle_for(citizen_client, 60 * 60)
    assert citizen_client.get("/account/").status_code == 200


# --- forwarded headers only from configured proxies ---------------------------------------------------------------


@pytest.fixture
def behind_a_proxy(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = ["10.0.0.2", "192.168.10.0/24"]


def test_forwarded_proto_is_ignored_from_an_unconfigured_address(db, behind_a_proxy):
    for address in ("203.0.113.9", "10.0.0.3", "127.0.0.1"):
        response = Client(REMOTE_ADDR=address).get("/login/", HTTP_X_FORWARDED_PROTO="https")
        assert response.status_code == 301, address
        assert response["Location"] == "https://testserver/login/"
        assert "Strict-Transport-Security" not in response


def test_forwarded_proto_is_honoured_from_a_configured_proxy(db, behind_a_proxy):
    for address in ("10.0.0.2", "192.168.10.77"):
        response = Client(REMOTE_ADDR=address).get("/login/", HTTP_X_FORWARDED_PROTO="https")
        assert response.status_code == 200, address
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        plain = Client(REMOTE_ADDR=address).get("/login/", HTTP_X_FORWARDED_PROTO="http")
        assert plain.status_code == 301


def _seen_by_the_app(remote: str, **headers: str) -> dict[str, str]:
    seen: dict[str, str] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen.update({k: str(v) for k, v in request.META.items() if k in ("REMOTE_ADDR", "TONGBAN_PROXY_ADDR")})
        seen["secure"] = str(request.is_secure())
        seen["forwarded_for"] = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        return HttpResponse()

    TrustedProxyMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))
    return seen


def test_the_client_address_comes_from_a_configured_proxy_only(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2", "10.0.0.3"]
    spoofed = {"HTTP_X_FORWARDED_FOR": "1.2.3.4", "HTTP_X_FORWARDED_PROTO": "https"}
    direct = _seen_by_the_app("203.0.113.9", **spoofed)
    assert direct == {"REMOTE_ADDR": "203.0.113.9", "secure": "False", "forwarded_for": ""}
    # the client typed "1.2.3.4"; the proxies appended what they saw
    proxied = _seen_by_the_app("10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7, 10.0.0.3")
    assert proxied["REMOTE_ADDR"] == "198.51.100.7" and proxied["TONGBAN_PROXY_ADDR"] == "10.0.0.2"


def test_the_health_check_stays_plain_http_for_load_balancers(db, behind_a_proxy):
    assert Client(REMOTE_ADDR="10.0.0.2").get("/healthz").status_code == 200


# --- production: HTTPS redirect, HSTS, Secure cookies ---------------------------------------------------------------

PRINT_TRANSPORT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k) for k in ('SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
    "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'LANGUAGE_COOKIE_SECURE', "
    "'TRUSTED_PROXIES', 'STAFF_IDLE_MINUTES', 'API_TOKEN_DAYS', 'STAFF_API_TOKEN_HOURS')}))"
)


def _settings_of(tmp_path: Path, **extra: str) -> dict:
    """The settings a fresh process reads from the environment (nothing else of the suite's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGBAN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"TONGBAN_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tongban.settings", **extra})
    done = subprocess.run([sys.executable, "-c", PRINT_TRANSPORT], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_production_redirects_to_https_with_hsts_and_secure_cookies(tmp_path):
    production = _settings_of(tmp_path)
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31536000 and production["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["LANGUAGE_COOKIE_SECURE"]
    assert production["TRUSTED_PROXIES"] == ["127.0.0.1", "::1"], "only a proxy on the same machine by default"
    assert production["STAFF_IDLE_MINUTES"] == 30
    assert (production["API_TOKEN_DAYS"], production["STAFF_API_TOKEN_HOURS"]) == (30, 8)


def test_the_transport_settings_come_from_the_environment(tmp_path):
    configured = _settings_of(
        tmp_path,
        TONGBAN_TRUSTED_PROXIES="10.0.0.0/8,172.16.0.5",
        TONGBAN_STAFF_IDLE_MINUTES="15",
        TONGBAN_HTTPS_REDIRECT="false",
        TONGBAN_API_TOKEN_DAYS="7",
    )
    assert configured["TRUSTED_PROXIES"] == ["10.0.0.0/8", "172.16.0.5"]
    assert configured["STAFF_IDLE_MINUTES"] == 15 and configured["API_TOKEN_DAYS"] == 7
    assert configured["SECURE_SSL_REDIRECT"] is False


def test_debug_and_demo_do_not_redirect(tmp_path):
    assert _settings_of(tmp_path, TONGBAN_DEBUG="true")["SECURE_SSL_REDIRECT"] is False
    assert _settings_of(tmp_path, TONGBAN_DEMO="true")["SECURE_SSL_REDIRECT"] is False


def test_plain_http_is_redirected_and_https_carries_hsts(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/login/?next=/account/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/login/?next=/account/"
    secure = Client().get("/login/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_every_cookie_is_secure_in_production(demo, settings):
    """Session, CSRF, language, elder mode and message cookies: all Secure (the suite runs as production)."""
    assert settings.SESSION_COOKIE_SECURE
    client = Client()
    responses = [
        client.get("/login/"),
        client.post("/elder-mode/", {"next": "/"}),
        client.post("/i18n/setlang/", {"language": "en", "next": "/"}),
        client.post("/login/", {"action": "password", "username": "zhangsan", "password": DEMO_PASSWORD}),
    ]
    cookies = {name: morsel for response in responses for name, morsel in response.cookies.items()}
    assert {"csrftoken", "tongban_elder", "tongban_lang", "sessionid"} <= set(cookies), set(cookies)
    assert {name for name, morsel in cookies.items() if not morsel["secure"]} == set()


def test_message_and_deleted_cookies_are_secure_too(citizen_client):
    """A message after a redirect travels in a cookie until read; switching elder mode off deletes its cookie."""
    citizen_client.post("/elder-mode/", {"next": "/"})
    switched_off = citizen_client.post("/elder-mode/", {"next": "/"})
    assert switched_off.cookies["tongban_elder"]["secure"]
    response = citizen_client.post("/account/", {"action": "revoke_token", "token": "999999"})
    assert response.cookies["messages"]["secure"]
