"""API 令牌 (API tokens) for apps, mini-programs and kiosks: issue, use, revoke.

A token is a bearer secret shown once; only its SHA-256 is stored. It stops working when

- it expires: a citizen's or legal person's after `API_TOKEN_DAYS` (30), a member of staff's after
  `STAFF_API_TOKEN_HOURS` (8) and never later than the session their second factor opened would
  end (`SESSION_COOKIE_AGE` after the TOTP code was checked, or the console session's own end);
- its owner revokes it (API `DELETE /api/v1/accounts/tokens/{id}`, the account page);
- its owner's password changes, by any path (`tongban changepassword` too): each token keeps the
  owner's session-auth hash of the time — the stamp Django ends sessions with — and a token whose
  stamp no longer matches is refused. A rotated secret key ends tokens as it ends sessions.

`last_used_at` is written at most once a minute per token, by one conditional UPDATE.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tongban.accounts.models import ApiToken, User, UserKind
from tongban.core import audit

#: `last_used_at` is kept to this resolution, so that a busy kiosk costs one write a minute, not one a request.
TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A new token: the stored row and the raw value, which exists only here."""

    token: ApiToken
    raw: str


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_expiry(*, user: User, issued_at: datetime, second_factor_ends_at: datetime | None = None) -> datetime:
    """When a token issued now to `user` ends (see the module docstring)."""
    if user.kind != UserKind.STAFF:
        return issued_at + timedelta(days=settings.API_TOKEN_DAYS)
    session_end = issued_at + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    ends = [issued_at + timedelta(hours=settings.STAFF_API_TOKEN_HOURS), session_end]
    if second_factor_ends_at is not None:
        ends.append(second_factor_ends_at)
    return min(ends)


@transaction.atomic
def create_api_token(*, user: User, name: str, second_factor_ends_at: datetime | None = None) -> IssuedToken:
    """签发 API 令牌: a token for `user`, ending as the module docstring says.

    For staff, `second_factor_ends_at` is the end of the session in which the TOTP code was checked
    (the console session's expiry); without it the code is taken as checked just now. The owner's
    tokens that no longer work (expired, or from before a password change) are removed on the way.
    """
    now = timezone.now()
    stamp = user.get_session_auth_hash()
    ApiToken.objects.filter(user=user).filter(Q(expires_at__lte=now) | ~Q(password_stamp=stamp)).delete()
    raw = "tb_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=hash_token(raw),
        expires_at=token_expiry(user=user, issued_at=now, second_factor_ends_at=second_factor_ends_at),
        password_stamp=stamp,
    )
    audit.record(
        actor=user,
        action="account.issue_api_token",
        subject=user,
        details={"name": name, "token": token.pk, "expires_at": token.expires_at.isoformat()},
    )
    return IssuedToken(token=token, raw=raw)


def issue_api_token(*, user: User, name: str, second_factor_ends_at: datetime | None = None) -> str:
    """Create an API token; the raw value is returned once and never stored."""
    return create_api_token(user=user, name=name, second_factor_ends_at=second_factor_ends_at).raw


def user_for_token(raw: str) -> User | None:
    """The active owner of a live token, or None; notes the use in `last_used_at` (once a minute)."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.password_stamp, token.user.get_session_auth_hash()):
        return None
    if token.last_used_at is None or token.last_used_at <= now - TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - TOUCH_INTERVAL)
        ).update(last_used_at=now)
    return token.user


@transaction.atomic
def revoke_api_token(*, user: User, token_id: int) -> None:
    """撤销 API 令牌: the owner ends one of their tokens at once.

    Raises `ApiToken.DoesNotExist` for a token that is not theirs (or is gone already).
    """
    token = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
    token.delete()
    audit.record(
        actor=user, action="account.revoke_api_token", subject=user, details={"name": token.name, "token": token_id}
    )
