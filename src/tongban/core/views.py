"""Error pages that must never fail themselves."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage is a 503 with Retry-After (clients retry), anything else a 500.

    Django calls this while the exception is being handled, so `sys.exc_info()` names it; this
    also covers exceptions raised by middleware, which `process_exception` never sees.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        message = "系统正在维护，请稍后再试。"
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"code": "service_unavailable", "message": message}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "5"
        return response
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "server_error", "message": "系统繁忙，请稍后再试。"}, status=500)
    return HttpResponseServerError(loader.get_template("500.html").render())
