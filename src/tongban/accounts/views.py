"""Responses shared by portal and console log-in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes lock-out: too many failed log-ins; say so plainly and say what to do."""
    message = _(
        "登录失败次数过多（密码、短信验证码和动态验证码错误合计），此账号或您所在的网络已暂时锁定。"
        "请 15 分钟后再试，或拨打热线求助。"
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": message}, status=429)
    return render(request, "portal/locked_out.html", {"message": message}, status=429)
