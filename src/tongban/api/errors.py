"""API errors: every failure answers JSON `{code, message}` — a stable code, a human message."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


class ApiError(Exception):
    """Raise from an endpoint for a 4xx answer with a stable code."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def _field_path(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
    return ".".join(parts)


def install(api: NinjaAPI) -> None:
    def reply(request: HttpRequest, status: int, code: str, message: str, **extra: Any) -> HttpResponse:
        return api.create_response(request, {"code": code, "message": message, **extra}, status=status)

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return reply(request, exc.status, exc.code, exc.message, **exc.extra)

    @api.exception_handler(NinjaValidationError)
    def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields = [
            {
                "field": _field_path(list(e.get("loc", []))),
                "message": str(e.get("msg", "")),
                "type": e.get("type", ""),
            }
            for e in exc.errors
        ]
        return reply(request, 422, "invalid_input", _("提交的内容有误，请按提示修改。"), errors=fields)

    @api.exception_handler(DjangoValidationError)
    def _django_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        code = getattr(exc, "code", None) or "invalid_input"
        return reply(request, 422, code, " ".join(str(m) for m in exc.messages))

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return reply(request, 401, "not_authenticated", _("请先登录。"))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return reply(request, 403, "permission_denied", str(exc) or _("您没有权限进行此操作。"))

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return reply(request, 404, "not_found", _("没有找到您要的内容。"))

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {400: "bad_request", 405: "method_not_allowed", 429: "too_many_requests"}.get(exc.status_code, "error")
        return reply(request, exc.status_code, code, str(exc))
