"""幂等: run a creating service once per (scope, owner, key); a retry returns the first result."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, connection, transaction

from tongban.core.models import IdempotencyRecord


def find(*, scope: str, owner_id: int | None, key: str) -> str | None:
    """The result id remembered for (scope, owner, key), or None.

    One plain query on the unique index: every creating request asks this first, so the ORM's
    compile step (several times the cost of the query itself) is skipped.
    """
    table = connection.ops.quote_name(IdempotencyRecord._meta.db_table)
    owner = "owner_id IS NULL" if owner_id is None else "owner_id = %s"
    params: list[str | int] = [scope, key] if owner_id is None else [scope, key, owner_id]
    sql = f'SELECT result_id FROM {table} WHERE scope = %s AND "key" = %s AND {owner} LIMIT 1'  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return str(row[0]) if row else None


def remember(*, scope: str, owner_id: int | None, key: str, result_id: str) -> None:
    """Store the result inside the caller's transaction; a concurrent duplicate raises IntegrityError.

    No savepoint: the caller's whole transaction must roll back then (its twin won), so the
    IntegrityError is caught outside it, as `once` and `submit_application` do.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("idempotency.remember must run inside the transaction that creates the result")
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
