"""办件编号 and 查询码.

- Case number: implementation code + yyyyMMdd + 6-digit sequence. The sequence comes from a counter
  row per (code, day), bumped with one `UPDATE … RETURNING` statement outside the submitting
  transaction, so submissions of the same item never queue behind each other's commit. Numbers are
  unique on SQLite and PostgreSQL; a number taken by a submission that then fails is not reused (a
  gap, as with any database sequence). A bundle (一件事) numbers its parent case the same way, with
  the implementation code `services.bundles.implementation_code` gives it (`YJS-` + its code).
- Under load (`CASE_NUMBER_BLOCK` > 1, the production default) a process takes numbers in blocks:
  when its last block of an item's numbers ran out within a second, the next is twice as large (up
  to the setting), so a busy item costs one counter statement per block instead of per submission,
  and a quiet one still gets consecutive numbers one at a time. Numbers then increase per process;
  across app servers they interleave, and a block left unused when a process stops leaves a gap.
- Query code: 10 characters from Crockford's 32-letter alphabet (no I, L, O, U) = 50 bits. Stored
  as a keyed hash (for the look-up) and encrypted (so the applicant can see it again).
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
import threading
import time
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from tongban.cases.models import CaseNumberCounter
from tongban.core import crypto

QUERY_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
QUERY_CODE_LENGTH = 10


HOT_SECONDS = 1.0


def _bump(code: str, day: date, by: int) -> int | None:
    table = connection.ops.quote_name(CaseNumberCounter._meta.db_table)
    sql = f'UPDATE {table} SET "last" = "last" + %s WHERE "code" = %s AND "day" = %s RETURNING "last"'  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [by, code, connection.ops.adapt_datefield_value(day)])
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _take(code: str, day: date, count: int) -> int:
    """Reserve `count` numbers of (code, day); returns the last of them."""
    last = _bump(code, day, count)
    if last is None:
        try:
            with transaction.atomic():
                CaseNumberCounter.objects.create(code=code, day=day, last=count)
            last = count
        except IntegrityError:
            last = _bump(code, day, count)
    if last is None:  # pragma: no cover - the row exists once the insert above lost its race
        raise IntegrityError("case number counter missing")
    return last


@dataclass
class _Block:
    """Numbers of one (code, day) this process reserved and has not handed out yet."""

    next: int
    last: int
    size: int
    taken_at: float


_blocks: dict[tuple[str, date], _Block] = {}
_blocks_lock = threading.Lock()


def _from_block(code: str, day: date, largest: int) -> int:
    with _blocks_lock:
        block = _blocks.get((code, day))
        if block is not None and block.next <= block.last:
            block.next += 1
            return block.next - 1
        now = time.monotonic()
        hot = block is not None and now - block.taken_at < HOT_SECONDS
        size = min(block.size * 2, largest) if hot and block is not None else 1
        last = _take(code, day, size)
        if block is None:
            for key in [k for k in _blocks if k[1] != day]:  # yesterday's blocks are of no more use
                del _blocks[key]
        _blocks[(code, day)] = _Block(next=last - size + 2, last=last, size=size, taken_at=now)
        return last - size + 1


def forget_reserved_numbers() -> None:
    """Drop this process's unused blocks (as a restart would): for tests that empty the database."""
    with _blocks_lock:
        _blocks.clear()


def _forget_in_forked_child() -> None:
    """A forked process (gunicorn worker, bench client) must not hand out its parent's numbers too."""
    global _blocks_lock
    _blocks_lock = threading.Lock()  # it may have been held by another thread at the fork
    _blocks.clear()


os.register_at_fork(after_in_child=_forget_in_forked_child)


def next_number(*, code: str, day: date) -> str:
    """Allocate the next case number for `code` on `day`.

    Call it before the submitting transaction opens: then it is one short autocommit statement (or
    none, from this process's block). Inside a transaction it takes one number, never a block (a
    rolled-back transaction would give the block back to the counter while this process kept it).
    """
    largest = int(getattr(settings, "CASE_NUMBER_BLOCK", 1))
    if largest > 1 and not connection.in_atomic_block:
        sequence = _from_block(code, day, largest)
    else:
        sequence = _take(code, day, 1)
    return f"{code}{day:%Y%m%d}{sequence:06d}"


#: Dashes people type for the hyphen of a case number (after NFKC, which already turns the full-width
#: hyphen-minus "－" into "-"): hyphen, non-breaking hyphen, figure dash, en and em dash, minus sign.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")


def normalise_case_number(number: str) -> str:
    """办件编号 as looked up: full-width characters made half-width (NFKC), upper case, without spaces
    or hyphens, so "ga-001 20261222 000001" and "ＧＡ００１２０２６１２２２０００００１" both find
    GA-00120261222000001. Stored numbers are compared in the same form (`models.CASE_NUMBER_KEY`)."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", number or "")).upper()


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
