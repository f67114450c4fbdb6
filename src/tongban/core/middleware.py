"""Request middleware: elder mode flag; 503 (not 500) while the database is unreachable; JSON API errors;
forwarded headers only from trusted proxies; Secure cookies; the staff idle timeout."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from tongban.core.views import api_error, is_api, unavailable

ELDER_COOKIE = "tongban_elder"


class ElderModeMiddleware:
    """银发模式: `request.elder_mode` from the remembered cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.elder_mode = request.COOKIES.get(ELDER_COOKIE) == "1"  # type: ignore[attr-defined]
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """The outermost guard of answers that clients parse.

    - 503 with Retry-After when the database is down, so clients retry instead of failing.
    - Under /api/ every error is JSON `{code, message}` in the request's language: Django's
      HTML 404 for an unknown path, the text/plain 405 for a wrong method, a CSRF 403 … are
      replaced (headers such as Allow and Retry-After are kept).
    """

    KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code >= 400 and is_api(request) and not _is_json(response):
            replacement = api_error(request, response.status_code)
            for header in self.KEPT_HEADERS:
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        return unavailable(request)


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[IpNetwork, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


class TrustedProxyMiddleware:
    """Forwarded headers count only from the proxies in `TRUSTED_PROXIES` (addresses or networks).

    From any other address X-Forwarded-Proto, -For, -Host, -Port and Forwarded are dropped before
    anything reads them, so no client can claim HTTPS (SECURE_PROXY_SSL_HEADER) or another address.
    From a trusted proxy, REMOTE_ADDR becomes the client's address — the right-most X-Forwarded-For
    entry that is not itself a trusted proxy (each proxy appends the address it saw, so entries
    further left are only the client's word) — and the proxy's own is kept in META["TONGBAN_PROXY_ADDR"].
    Log-in throttling and rate limits read REMOTE_ADDR. First in MIDDLEWARE.
    """

    FORWARDED = (
        "HTTP_X_FORWARDED_PROTO",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_FORWARDED_HOST",
        "HTTP_X_FORWARDED_PORT",
        "HTTP_FORWARDED",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        remote = str(meta.get("REMOTE_ADDR") or "")
        if not _is_trusted_proxy(remote):
            for header in self.FORWARDED:
                meta.pop(header, None)
        elif meta.get("HTTP_X_FORWARDED_FOR"):
            hops = [h.strip() for h in str(meta["HTTP_X_FORWARDED_FOR"]).split(",") if h.strip()]
            client = next((h for h in reversed(hops) if not _is_trusted_proxy(h)), hops[0] if hops else remote)
            meta["TONGBAN_PROXY_ADDR"] = remote
            meta["REMOTE_ADDR"] = client
        return self.get_response(request)


class SecureCookiesMiddleware:
    """Every cookie Secure whenever the session cookie is (production): the language, elder-mode and
    message cookies too, and any cookie a view sets without saying so. Near the top of MIDDLEWARE, so
    that it sees the cookies of every layer inside it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.SESSION_COOKIE_SECURE:
            for morsel in response.cookies.values():
                morsel["secure"] = True
        return response


LAST_ACTIVITY_KEY = "tongban_last_activity"
#: The last-activity time is rewritten at most this often (seconds), so most requests do not write the session.
ACTIVITY_RESOLUTION = 60


class StaffIdleTimeoutMiddleware:
    """空闲超时: a staff session ends after `STAFF_IDLE_MINUTES` without a request (ASVS 3.3.2, 30 at L2).

    The session keeps the time of the staff member's last request (epoch seconds under
    `LAST_ACTIVITY_KEY`, rewritten at most once a minute); a request that comes later than the limit
    logs them out before the view runs, so the console asks for the password and TOTP code again (and
    the API answers 401). The absolute limit, SESSION_COOKIE_AGE, holds as well. After
    AuthenticationMiddleware and MessageMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session and getattr(request.user, "is_staff", False):
            now = int(time.time())
            last = session.get(LAST_ACTIVITY_KEY)
            limit = settings.STAFF_IDLE_MINUTES * 60
            if isinstance(last, int) and now - last > limit:
                logout(request)
                if not is_api(request):
                    messages.info(
                        request,
                        _("您已超过 %(minutes)s 分钟未操作，为安全起见已退出登录，请重新登录。")
                        % {"minutes": settings.STAFF_IDLE_MINUTES},
                    )
            elif not isinstance(last, int) or now - last >= ACTIVITY_RESOLUTION:
                session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)
