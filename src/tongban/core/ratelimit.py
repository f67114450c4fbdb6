"""限流: fixed-window counters in the shared cache (local memory embedded, Redis in production)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    """At most `count` hits per `window` seconds."""

    count: int
    window: int


def hit(scope: str, subject: str, limits: tuple[Limit, ...]) -> int:
    """Count one hit of `subject` against every limit; return 0 if allowed, else seconds to wait.

    `subject` (a phone index, an address) is hashed into the key, so the cache holds no
    personal data. Counting is atomic (`add` + `incr`), also across app servers on Redis.
    """
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    now = time.time()
    wait = 0
    for limit in limits:
        bucket = int(now // limit.window)
        key = f"rl:{scope}:{limit.window}:{digest}:{bucket}"
        cache.add(key, 0, limit.window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, limit.window + 1)
            count = 1
        if count > limit.count:
            wait = max(wait, int((bucket + 1) * limit.window - now) + 1)
    return wait
