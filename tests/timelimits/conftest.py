from __future__ import annotations

from collections.abc import Iterator

import pytest

from tongban.timelimits import calendar


@pytest.fixture(autouse=True)
def _fresh_calendar_cache(db: None) -> Iterator[None]:
    """The calendar's version key lives in the shared cache (the database cache when no Redis is set)."""
    calendar.invalidate()
    yield
    calendar.invalidate()
