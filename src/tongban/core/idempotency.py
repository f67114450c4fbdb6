"""幂等: run a creating service once per (scope, owner, key); a retry returns the first result."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction

from tongban.core.models import IdempotencyRecord


def find(*, scope: str, owner_id: int | None, key: str) -> str | None:
    record = IdempotencyRecord.objects.filter(scope=scope, owner_id=owner_id, key=key).first()
    return record.result_id if record else None


def remember(*, scope: str, owner_id: int | None, key: str, result_id: str) -> None:
    """Store the result inside the caller's transaction; a concurrent duplicate raises IntegrityError."""
    with transaction.atomic():
        IdempotencyRecord.objects.create(scope=scope, owner_id=owner_id, key=key, result_id=result_id)


def once(*, scope: str, owner_id: int | None, key: str, create: Callable[[], str]) -> tuple[str, bool]:
    """Return (result id, created). `create` runs in the same transaction as the record."""
    existing = find(scope=scope, owner_id=owner_id, key=key)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            result_id = create()
            remember(scope=scope, owner_id=owner_id, key=key, result_id=result_id)
            return result_id, True
    except IntegrityError:
        existing = find(scope=scope, owner_id=owner_id, key=key)
        if existing is None:
            raise
        return existing, False
