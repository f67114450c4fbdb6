from __future__ import annotations

from collections.abc import Iterator

import pytest

from tongban.core import calendar


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    calendar.invalidate()
    yield
    calendar.invalidate()
