"""办件进度查询限流: one limiter for the progress page and `GET /api/v1/cases/progress` (S5).

Both count every look-up per client address and per case number in the same cache keys, so
guessing query codes through the page and the API together gets no more tries than through one.
Settings (`TONGBAN[...]`): PROGRESS_WINDOW_SECONDS (600), PROGRESS_TRIES_PER_ADDRESS (60),
PROGRESS_TRIES_PER_NUMBER (10). The cache is Redis in production, so the counts are shared by
every app server.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

MAX_NUMBER_CHARS = 140


def _setting(name: str, default: int) -> int:
    return int(settings.TONGBAN.get(name, default))


def window_seconds() -> int:
    return _setting("PROGRESS_WINDOW_SECONDS", 600)


def _over(key: str, limit: int, window: int) -> bool:
    """Count one try; True when over the limit."""
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def progress_limited(*, address: str, number: str) -> bool:
    """Count one progress look-up; True when the address or the case number is over its limit.

    Both counters are counted on every try (a refused try still counts against the number).
    """
    window = window_seconds()
    number = (number or "").strip()[:MAX_NUMBER_CHARS]
    by_address = _over(
        f"cases:progress:addr:{address or 'unknown'}", _setting("PROGRESS_TRIES_PER_ADDRESS", 60), window
    )
    by_number = _over(f"cases:progress:num:{number}", _setting("PROGRESS_TRIES_PER_NUMBER", 10), window)
    return by_address or by_number


def client_address(meta: dict[str, object]) -> str:
    """The client's address as the server sees it (the proxy sets REMOTE_ADDR; see docs/operations.md)."""
    return str(meta.get("REMOTE_ADDR") or "unknown")
