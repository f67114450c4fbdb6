"""Request middleware: elder mode flag and 503 (not 500) while the database is unreachable."""

from __future__ import annotations

from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

ELDER_COOKIE = "tongban_elder"


class ElderModeMiddleware:
    """银发模式: `request.elder_mode` from the remembered cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.elder_mode = request.COOKIES.get(ELDER_COOKIE) == "1"  # type: ignore[attr-defined]
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After when the database is down, so clients retry instead of failing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        message = _("系统正在维护，请稍后再试。")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"code": "service_unavailable", "message": message}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "5"
        return response
