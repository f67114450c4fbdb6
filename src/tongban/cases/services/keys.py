"""幂等: one duplicate-submission mechanism for single, bundle and window submissions.

The case row is its own idempotency record: (applicant, idempotency_key) is unique. A retry finds
the first case by its key; of two twins submitted at once, the second fails on the unique index
inside its own savepoint, its files are deleted and it returns the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from tongban.cases.models import (
    Case,
)
from tongban.core import crypto


def clean_key(key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > 100:
        raise ValidationError(_("请求缺少幂等键（Idempotency-Key），或长度超过 100。"), code="idempotency_key")
    return key


def submitted_with_key(applicant_id: int, key: str) -> Case | None:
    """The case this applicant already submitted with this idempotency key, if any.

    The case row is its own idempotency record: (applicant, idempotency_key) is unique, so a retry
    finds it and a concurrent twin fails on insert. One plain query for the usual miss; the case
    is loaded only on a hit.
    """
    table = connection.ops.quote_name(Case._meta.db_table)
    sql = f"SELECT id FROM {table} WHERE applicant_id = %s AND idempotency_key = %s LIMIT 1"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [applicant_id, key])
        row = cursor.fetchone()
    if row is None:
        return None
    case = Case.objects.select_related("item", "department").get(pk=row[0])
    case.query_code_plain = crypto.decrypt(case.query_code_encrypted) if case.query_code_encrypted else ""  # type: ignore[attr-defined]
    return case


def window_key(clerk_id: int, key: str) -> str:
    """The key a window submission is stored under: the clerk's key, scoped to the clerk (≤ 100 chars)."""
    return "window:" + crypto.blind_index(f"{clerk_id}:{key}")[:40]


def submit_once(*, applicant_id: int, key: str, create: Callable[[], Case], files: Iterable[str] = ()) -> Case:
    """Run `create` (which writes the case with `key`) in its own savepoint, unless that case exists.

    `files` were stored before (outside any lock); they are deleted when this call creates nothing.
    `case.query_code_plain` of a case found again is its query code, shown once more to its owner.
    """
    paths = list(files)
    existing = submitted_with_key(applicant_id, key)
    if existing is not None:
        _delete(paths)
        return existing
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        _delete(paths)
        twin = submitted_with_key(applicant_id, key)
        if twin is None:
            raise
        return twin
    except BaseException:
        _delete(paths)
        raise


def _delete(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)
