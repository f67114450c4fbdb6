"""办件编号 and 查询码.

- Case number: implementation code + yyyyMMdd + 6-digit sequence. The sequence comes from a counter
  row per (code, day), bumped with one `UPDATE … RETURNING` statement: the row lock is held only
  for that statement when it runs outside a transaction (submissions take their number before
  opening theirs), so submissions of the same item no longer queue behind each other's commit.
  Numbers are unique and increase per day on SQLite and PostgreSQL; a number taken by a submission
  that then fails is not reused (a gap in the sequence, as with any database sequence).
- Query code: 10 characters from Crockford's 32-letter alphabet (no I, L, O, U) = 50 bits. Stored
  as a keyed hash (for the look-up) and encrypted (so the applicant can see it again).
"""

from __future__ import annotations

import hmac
import secrets
from datetime import date

from django.db import IntegrityError, connection, transaction

from tongban.cases.models import CaseNumberCounter
from tongban.core import crypto

QUERY_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
QUERY_CODE_LENGTH = 10


def _bump(code: str, day: date) -> int | None:
    table = connection.ops.quote_name(CaseNumberCounter._meta.db_table)
    sql = f'UPDATE {table} SET "last" = "last" + 1 WHERE "code" = %s AND "day" = %s RETURNING "last"'  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [code, connection.ops.adapt_datefield_value(day)])
        row = cursor.fetchone()
    return int(row[0]) if row else None


def next_number(*, code: str, day: date) -> str:
    """Allocate the next case number for `code` on `day`.

    Call it before the submitting transaction opens: then it is one short autocommit statement.
    Inside a transaction it is still correct (the row stays locked until that commit).
    """
    last = _bump(code, day)
    if last is None:
        try:
            with transaction.atomic():
                CaseNumberCounter.objects.create(code=code, day=day, last=1)
            last = 1
        except IntegrityError:
            last = _bump(code, day)
    if last is None:  # pragma: no cover - the row exists once the insert above lost its race
        raise IntegrityError("case number counter missing")
    return f"{code}{day:%Y%m%d}{last:06d}"


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def normalise_query_code(code: str) -> str:
    """Accept lower case, spaces and the look-alikes people type (O→0, I/L→1)."""
    cleaned = code.strip().upper().replace(" ", "").replace("-", "")
    return cleaned.replace("O", "0").replace("I", "1").replace("L", "1")


def query_code_hash(number: str, code: str) -> str:
    return crypto.blind_index(f"case-query-code:{number}:{normalise_query_code(code)}")


def query_code_matches(number: str, code: str, stored_hash: str) -> bool:
    return bool(stored_hash) and hmac.compare_digest(query_code_hash(number, code), stored_hash)
