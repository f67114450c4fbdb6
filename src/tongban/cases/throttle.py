"""办件进度查询限流: one limiter for the progress page and `GET /api/v1/cases/progress` (S5).

Both count every look-up per client address and per case number in the same cache keys, so
guessing query codes through the page and the API together gets no more tries than through one.
Settings (`TONGBAN[...]`): PROGRESS_WINDOW_SECONDS (600), PROGRESS_TRIES_PER_ADDRESS (60),
PROGRESS_TRIES_PER_NUMBER (10). The cache is Redis in production, so the counts are shared by
every app server.
"""

from __future__ import annotations

from django.conf import settings

from tongban.core import ratelimit
from tongban.core.ratelimit import Limit

MAX_NUMBER_CHARS = 140


def _setting(name: str, default: int) -> int:
    return int(settings.TONGBAN.get(name, default))


def window_seconds() -> int:
    return _setting("PROGRESS_WINDOW_SECONDS", 600)


def progress_limited(*, address: str, number: str) -> bool:
    """Count one progress look-up; True when the address or the case number is over its limit.

    Both counters are counted on every try (a refused try still counts against the number).
    """
    window = window_seconds()
    number = (number or "").strip()[:MAX_NUMBER_CHARS]
    by_address = ratelimit.hit(
        "progress-address", address or "unknown", (Limit(_setting("PROGRESS_TRIES_PER_ADDRESS", 60), window),)
    )
    by_number = ratelimit.hit("progress-number", number, (Limit(_setting("PROGRESS_TRIES_PER_NUMBER", 10), window),))
    return bool(by_address or by_number)


def client_address(meta: dict[str, object]) -> str:
    """The client's address as the server sees it (the proxy sets REMOTE_ADDR; see docs/operations.md)."""
    return str(meta.get("REMOTE_ADDR") or "unknown")
