"""One duplicate-submission mechanism for single, bundle and window submissions (幂等).

The case row is its own idempotency record: (applicant, idempotency_key) is unique.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from tongban.cases.models import (
    Case,
)
from tongban.core import crypto, idempotency


def clean_key(key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > 100:
        raise ValidationError(_("请求缺少幂等键（Idempotency-Key），或长度超过 100。"), code="idempotency_key")
    return key


def existing_result(scope: str, owner_id: int, key: str) -> Case | None:
    found = idempotency.find(scope=scope, owner_id=owner_id, key=key)
    if found is None:
        return None
    case = Case.objects.select_related("item", "department").get(pk=int(found))
    case.query_code_plain = crypto.decrypt(case.query_code_encrypted) if case.query_code_encrypted else ""  # type: ignore[attr-defined]
    return case


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
