"""Reads about accounts."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from tongban.accounts.models import ApiToken, User
from tongban.core.models import AuditEntry


def data_uses_of(person: User) -> QuerySet[AuditEntry]:
    """谁用了我的数据: every use of this person's data by someone else, newest first."""
    return AuditEntry.objects.filter(data_subject=person).exclude(actor=person).order_by("-at", "-id")


def staff_of_department(department_id: int) -> QuerySet[User]:
    return (
        User.objects.filter(assignments__department_id=department_id)
        .distinct()
        .prefetch_related("assignments")
        .order_by("name")
    )


def live_api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The API tokens of `user` that still work — not expired, issued since the last password change —
    newest first (tongban.accounts.tokens)."""
    return ApiToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), password_stamp=user.get_session_auth_hash()
    ).order_by("-created_at", "-pk")
