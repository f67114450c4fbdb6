"""Template context of notices: the unread count beside 我的消息."""

from __future__ import annotations

from django.http import HttpRequest

from tongban.notices.models import Message


def unread(request: HttpRequest) -> dict[str, int]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_staff:
        return {}
    return {"unread_count": Message.objects.filter(recipient=user, read_at__isnull=True).count()}
