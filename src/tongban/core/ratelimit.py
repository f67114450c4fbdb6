"""限流: counters in the database, shared by every process of every app server, in every mode.

Why not the cache: without Redis the shared cache is Django's DatabaseCache, whose `incr` is a
read followed by a write (two processes both read 3 and both write 4) and whose `add` can lose a
race; a limit must hold under parallel requests. So each window is one row of `RateCounter`, raised
by a single `INSERT … ON CONFLICT DO UPDATE SET hits = hits + 1 … RETURNING` statement — atomic on
SQLite (one writer at a time) and on PostgreSQL (the row lock) — and the count it returns decides.
The same code runs with Redis configured: one mechanism, tested on both databases, and a Redis
restart does not forget who was refused. Only limited requests pay for it (SMS codes, progress
look-ups), one statement each.

A window starts at the first hit of the subject and lasts the limit's length; a hit over the limit
is refused until the window ends. Call from outside a transaction (autocommit): a hit counts even
when the caller's own work is then refused or rolled back.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import time
from dataclasses import dataclass

from django.db import connection
from django.db.models import F

from tongban.core.models import RateCounter

PRUNE_EVERY = 200  # new windows opened in this process between two clean-ups of ended ones
_new_windows = itertools.count(1)


@dataclass(frozen=True)
class Limit:
    """At most `count` hits per `window` seconds."""

    count: int
    window: int


@dataclass(frozen=True)
class Hit:
    """One counted hit: `wait` is 0 when allowed, else the seconds until the fullest window ends."""

    wait: int
    windows: tuple[tuple[str, float], ...]  # (counter name, end of its window) per limit


def _upsert_sql() -> str:
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    return (
        f'INSERT INTO {table} ("name", "hits", "expires_at") VALUES (%s, 1, %s) '  # noqa: S608
        f'ON CONFLICT ("name") DO UPDATE SET '
        f'"hits" = CASE WHEN {table}."expires_at" <= %s THEN 1 ELSE {table}."hits" + 1 END, '
        f'"expires_at" = CASE WHEN {table}."expires_at" <= %s THEN EXCLUDED."expires_at" '
        f'ELSE {table}."expires_at" END '
        f'RETURNING "hits", "expires_at"'
    )


def _name(scope: str, window: int, subject: str) -> str:
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"{scope[:60]}:{window}:{digest}"


def count(scope: str, subject: str, limits: tuple[Limit, ...]) -> Hit:
    """Count one hit of `subject` against every limit; `Hit.wait` says whether it is refused.

    `subject` (a phone index, an address) is hashed into the counter's name, so the table holds
    no personal data.
    """
    now = time.time()
    sql = _upsert_sql()
    wait = 0
    windows = []
    with connection.cursor() as cursor:
        for limit in limits:
            name = _name(scope, limit.window, subject)
            cursor.execute(sql, [name, now + limit.window, now, now])
            hits, expires_at = cursor.fetchone()
            windows.append((name, float(expires_at)))
            if int(hits) == 1 and next(_new_windows) % PRUNE_EVERY == 0:
                RateCounter.objects.filter(expires_at__lt=now).delete()
            if int(hits) > limit.count:
                wait = max(wait, math.ceil(float(expires_at) - now))
    return Hit(wait=max(wait, 1) if wait else 0, windows=tuple(windows))


def hit(scope: str, subject: str, limits: tuple[Limit, ...]) -> int:
    """Count one hit; 0 if allowed, else the seconds to wait."""
    return count(scope, subject, limits).wait


def take_back(counted: Hit) -> None:
    """Un-count a hit that turned out not to be what the limit is about (a right answer is not a
    guess). Only the window it was counted in is touched; a window that ended meanwhile stays."""
    for name, expires_at in counted.windows:
        RateCounter.objects.filter(name=name, expires_at=expires_at, hits__gt=0).update(hits=F("hits") - 1)
