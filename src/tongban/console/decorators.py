"""Access to the staff console: a logged-in member of staff who passed the TOTP second factor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode

from tongban.accounts.permissions import ensure_can

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.is_staff and user.is_verified()):  # type: ignore[union-attr,attr-defined]
            return redirect("/console/login/?" + urlencode({"next": request.get_full_path()}))
        ensure_can(user, "console.enter")
        return view(request, *args, **kwargs)

    return wrapper
