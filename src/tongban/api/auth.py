"""API authentication: a bearer token (apps, kiosks) or the browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from tongban.accounts.services import user_for_token
from tongban.api.errors import ApiError


class TokenAuth(HttpBearer):
    """`Authorization: Bearer tb_…` (tongban.accounts.tokens)."""

    def __call__(self, request: HttpRequest) -> Any:
        """Any other scheme (Basic, Digest, a bare value …) is a client's mistake, not a server error:
        it simply authenticates no one, silently — ninja's own check logs an ERROR line for each one
        in debug mode. The header's value is never logged."""
        scheme, _space, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme or not token.strip():
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The portal's session cookie; unsafe methods need the CSRF token (csrf=True).

    The CSRF token is asked only of a request that a session logged in: without one (a wrong or expired
    bearer token, no credentials at all) the answer is 401 `not_authenticated`, not a CSRF refusal; a
    logged-in session without the token answers 403 `csrf_failed` in the user's language."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise ApiError(403, "csrf_failed", _("安全校验（CSRF）未通过，请刷新页面后重试。"))
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


auth = [TokenAuth(), SessionAuth(csrf=True)]
