"""Request middleware: elder mode flag; 503 (not 500) while the database is unreachable; JSON API errors."""

from __future__ import annotations

from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

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
