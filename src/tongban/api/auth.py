"""API authentication: a bearer token (apps, kiosks) or the browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from tongban.accounts.services import user_for_token


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
    """The portal's session cookie; unsafe methods need the CSRF token (csrf=True)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


auth = [TokenAuth(), SessionAuth(csrf=True)]
