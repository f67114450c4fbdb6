"""Error answers that must never fail themselves; under /api/ every error is JSON {code, message}."""

from __future__ import annotations

import sys

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

API_PREFIX = "/api/"

# status → (stable code, message in zh-Hans, translated when the answer is made)
_API_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", gettext_noop("请求的格式有误。")),
    401: ("not_authenticated", gettext_noop("请先登录。")),
    403: ("permission_denied", gettext_noop("您没有权限进行此操作。")),
    404: ("not_found", gettext_noop("没有找到您要的内容。")),
    405: ("method_not_allowed", gettext_noop("此地址不支持该请求方法。")),
    413: ("too_large", gettext_noop("提交的内容太大。")),
    429: ("too_many_requests", gettext_noop("请求过于频繁，请稍后再试。")),
    500: ("server_error", gettext_noop("系统繁忙，请稍后再试。")),
    503: ("service_unavailable", gettext_noop("系统正在维护，请稍后再试。")),
}
_GENERIC = ("error", gettext_noop("请求未能完成，请稍后再试。"))


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(request: HttpRequest, status: int) -> JsonResponse:
    """接口错误: JSON {code, message} for `status`, the message in the request's language."""
    code, message = _API_ERRORS.get(status, _GENERIC)
    with translation.override(translation.get_language_from_request(request)):
        return JsonResponse({"code": code, "message": _(message)}, status=status)


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After while the database is unreachable: clients retry instead of failing."""
    if is_api(request):
        response: HttpResponse = api_error(request, 503)
    else:
        with translation.override(translation.get_language_from_request(request)):
            message = _("系统正在维护，请稍后再试。")
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "5"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage is a 503 with Retry-After (clients retry), anything else a 500.

    Django calls this while the exception is being handled, so `sys.exc_info()` names it; this
    also covers exceptions raised by middleware, which `process_exception` never sees.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        return unavailable(request)
    if is_api(request):
        return api_error(request, 500)
    with translation.override(translation.get_language_from_request(request)):
        return HttpResponseServerError(loader.get_template("500.html").render())


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: a body over the size limit is 413 Content Too Large (JSON under /api/), anything else
    Django refuses while reading the request a 400 — both in the request's language."""
    status = 413 if isinstance(exception, RequestDataTooBig) else 400
    if is_api(request):
        return api_error(request, status)
    with translation.override(translation.get_language_from_request(request)):
        message = _("提交的内容太大。") if status == 413 else _("请求的格式有误。")
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
