"""Rate limits count in the database (core.ratelimit), so every process of every app server shares
them; the cache is shared too when no Redis is configured (Django's database cache, table by
`migrate`). tests/reliability/test_two_processes.py shows the same with two real servers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections

from tongban.core import ratelimit
from tongban.core.models import CacheEntry, RateCounter
from tongban.core.ratelimit import Limit

ONE = (Limit(count=3, window=60),)


@pytest.fixture
def clock(monkeypatch):
    """The limiter's clock, set by the test (windows end without waiting)."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    return now


@pytest.mark.django_db
def test_limit_refuses_after_the_configured_count_and_keeps_refusing(clock):
    waits = [ratelimit.hit("t", "10.0.0.1", ONE) for _ in range(5)]
    assert waits[:3] == [0, 0, 0]
    assert waits[3] == waits[4] == 60, "refused until the window that began with the first hit ends"
    assert ratelimit.hit("t", "10.0.0.2", ONE) == 0, "another subject has its own count"
    assert ratelimit.hit("other", "10.0.0.1", ONE) == 0, "another scope has its own count"
    clock[0] += 30
    assert ratelimit.hit("t", "10.0.0.1", ONE) == 30
    clock[0] += 30
    assert ratelimit.hit("t", "10.0.0.1", ONE) == 0, "a new window after the old one ended"


@pytest.mark.django_db
def test_counts_live_in_the_database_without_personal_data(clock):
    ratelimit.hit("sms-phone", "13800000001", ONE)
    ratelimit.hit("sms-phone", "13800000001", ONE)
    (row,) = RateCounter.objects.all()
    assert row.hits == 2 and row.expires_at == clock[0] + 60
    assert "13800000001" not in row.name


@pytest.mark.django_db
def test_every_limit_counts_and_the_longest_wait_wins(clock):
    limits = (Limit(count=1, window=60), Limit(count=2, window=3600))
    assert ratelimit.hit("t", "x", limits) == 0
    assert ratelimit.hit("t", "x", limits) == 60
    clock[0] += 61
    assert ratelimit.hit("t", "x", limits) == 3600 - 61, "the hourly limit is used up now"


@pytest.mark.django_db
def test_a_hit_taken_back_does_not_count(clock):
    counted = ratelimit.count("t", "x", ONE)
    ratelimit.take_back(counted)
    assert [ratelimit.hit("t", "x", ONE) for _ in range(4)] == [0, 0, 0, 60]


@pytest.mark.django_db
def test_taking_back_a_hit_of_an_ended_window_leaves_the_new_one_alone(clock):
    old = ratelimit.count("t", "x", ONE)
    clock[0] += 61
    ratelimit.hit("t", "x", ONE)
    ratelimit.take_back(old)
    assert RateCounter.objects.get().hits == 1


@pytest.mark.django_db
def test_ended_windows_are_cleaned_up(clock, monkeypatch):
    monkeypatch.setattr(ratelimit, "PRUNE_EVERY", 1)
    ratelimit.hit("t", "old", ONE)
    clock[0] += 120
    ratelimit.hit("t", "new", ONE)
    assert RateCounter.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="SQLite's in-memory test database locks whole tables across threads; "
    "tests/reliability/test_two_processes.py counts from two processes on a SQLite file",
)
def test_parallel_hits_on_separate_connections_all_count():
    """Each thread has its own database connection, as each app server process has: no hit is lost
    (a read-then-write counter, like DatabaseCache.incr, loses some here)."""
    threads, per_thread = 4, 10

    def work() -> None:
        try:
            for _ in range(per_thread):
                ratelimit.hit("parallel", "10.0.0.9", (Limit(count=1000, window=600),))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(work) for _ in range(threads)]:
            future.result()
    assert RateCounter.objects.get().hits == threads * per_thread


@pytest.mark.django_db
@pytest.mark.skipif(bool(settings.REDIS_URL), reason="with Redis the cache is Redis, shared by design")
def test_cache_without_redis_is_the_shared_database_cache():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    cache.set("tongban:test", {"a": 1}, 60)
    assert CacheEntry.objects.filter(cache_key__endswith="tongban:test").exists(), "in the table, not in memory"
    assert cache.get("tongban:test") == {"a": 1}
    assert cache.add("tongban:test", 2) is False
    assert CacheEntry._meta.db_table in connection.introspection.table_names(), "created by migrate"
