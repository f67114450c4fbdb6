"""工作日历: the legal working-day calendar and the time-limit clock (办理时限).

Which days count, in this order:
1. an administrator's override (`timelimits.CalendarDay`), for years the library does not know
   yet and for local exceptions;
2. `chinese-calendar` (statutory holidays and the official make-up working days, 调休);
3. for a year neither knows: Monday to Friday, and the year is flagged
   (`years_without_official_calendar()`, shown on the console calendar page).

Time limits count working days from the day after acceptance (行政许可法 Art. 82), skip the days
of pauses (补正 and 特别程序: hearing, inspection, testing, expert review, approved extension —
Arts. 42–45) and turn yellow when `TONGBAN["TIME_LIMIT_WARNING_SHARE"]` of the limit is used,
red when overdue.

Lookups are cached per process; `invalidate()` (called by `set_calendar_day`) drops the cache
here, and a version counter in the shared Django cache makes other processes reload within
`VERSION_CHECK_SECONDS`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar
from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

VERSION_KEY = "tongban:calendar:version"
VERSION_CHECK_SECONDS = 10.0
ONE_DAY = timedelta(days=1)

_lock = threading.Lock()
_days: dict[date, bool] = {}
_overrides: dict[date, bool] | None = None
_version: object = None
_checked_at = 0.0


# --- which days count ---------------------------------------------------------------------------


def _load_overrides() -> dict[date, bool]:
    from tongban.timelimits.models import CalendarDay

    return dict(CalendarDay.objects.values_list("date", "is_workday"))


def _refresh_if_stale() -> None:
    """Drop the per-process cache when another process changed the overrides."""
    global _checked_at, _version, _overrides
    now = time.monotonic()
    if now - _checked_at < VERSION_CHECK_SECONDS:
        return
    version = cache.get(VERSION_KEY)
    with _lock:
        _checked_at = now
        if version != _version:
            _version = version
            _overrides = None
            _days.clear()


def invalidate() -> None:
    """Forget cached lookups here and tell the other processes (bumps the shared version)."""
    global _overrides, _checked_at
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)
    with _lock:
        _overrides = None
        _days.clear()
        _checked_at = 0.0


def official_calendar_knows(year: int) -> bool:
    """Whether chinese-calendar has the State Council's holiday schedule for this year."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _compute(day: date) -> bool:
    global _overrides
    if _overrides is None:
        _overrides = _load_overrides()
    override = _overrides.get(day)
    if override is not None:
        return override
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def is_working_day(day: date) -> bool:
    """工作日: a day the offices are open (counts towards a time limit)."""
    _refresh_if_stale()
    known = _days.get(day)
    if known is None:
        known = _compute(day)
        _days[day] = known
    return known


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (the day of acceptance itself never counts); n=0 → start."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    while n > 0:
        day += ONE_DAY
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days in (a, b]: after `a` up to and including `b`; negative when b is before a."""
    if b < a:
        return -working_days_between(b, a)
    count = 0
    day = a
    while day < b:
        day += ONE_DAY
        if is_working_day(day):
            count += 1
    return count


def years_without_official_calendar(*, around: date | None = None, extra_years: Iterable[int] = ()) -> list[int]:
    """Years (this one, the next, and `extra_years`) that chinese-calendar does not know.

    For these, only the administrators' overrides and Monday–Friday decide: the console page
    warns until the library is upgraded or the holidays are entered by hand.
    """
    today = around or timezone.localdate()
    years = {today.year, today.year + 1, *extra_years}
    return sorted(y for y in years if not official_calendar_knows(y))


def holiday_name(day: date) -> str:
    """The holiday or make-up day name chinese-calendar gives (English, e.g. 'National Day'), or ''."""
    try:
        _holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return ""
    return name or ""


# --- the time-limit clock -----------------------------------------------------------------------


class PauseKind(models.TextChoices):
    """暂停计时的事由: supplements and the special procedures of 行政许可法 Arts. 42–45."""

    SUPPLEMENT = "supplement", _("补正")
    HEARING = "hearing", _("听证")
    INSPECTION = "inspection", _("现场核查")
    TESTING = "testing", _("检验检测")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    EXTENSION = "extension", _("延期")


class ClockState(models.TextChoices):
    """时限状态: green = 正常, yellow = 预警 (most of the time used), red = 超期 (overdue)."""

    GREEN = "green", _("正常")
    YELLOW = "yellow", _("预警")
    RED = "red", _("超期")


@dataclass(frozen=True)
class Pause:
    """暂停: the clock stands still from `start` to `end`, both days included; end None = still paused."""

    kind: PauseKind
    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError("a pause cannot end before it starts")

    def covers(self, day: date, *, as_of: date) -> bool:
        end = self.end if self.end is not None else max(as_of, self.start)
        return self.start <= day <= end


def warning_share() -> float:
    return float(settings.TONGBAN.get("TIME_LIMIT_WARNING_SHARE", 0.8))


@dataclass(frozen=True)
class TimeLimitClock:
    """办理时限: `limit_days` working days counted from the day after `accepted_on`, pauses excluded."""

    accepted_on: date
    limit_days: int
    pauses: tuple[Pause, ...] = field(default=())

    def _counts(self, day: date, as_of: date) -> bool:
        return is_working_day(day) and not any(p.covers(day, as_of=as_of) for p in self.pauses)

    def is_paused(self) -> bool:
        """Whether a pause is still open. A pause that started and ended on the same day is closed."""
        return any(p.end is None for p in self.pauses)

    def due_on(self, as_of: date | None = None) -> date:
        """The last day to decide. With a pause still open it is the earliest possible due date:
        as if the pause ended on `as_of` (today); it moves on every day the pause lasts."""
        today = as_of or timezone.localdate()
        day, left = self.accepted_on, self.limit_days
        while left > 0:
            day += ONE_DAY
            if self._counts(day, today):
                left -= 1
        return day

    def days_used(self, as_of: date | None = None) -> int:
        """Counted working days in (accepted_on, as_of]."""
        today = as_of or timezone.localdate()
        used, day = 0, self.accepted_on
        while day < today:
            day += ONE_DAY
            if self._counts(day, today):
                used += 1
        return used

    def days_left(self, as_of: date | None = None) -> int:
        """Working days still available (negative once overdue)."""
        return self.limit_days - self.days_used(as_of)

    def used_ratio(self, as_of: date | None = None) -> float:
        if self.limit_days <= 0:
            return 1.0 if (as_of or timezone.localdate()) > self.accepted_on else 0.0
        return self.days_used(as_of) / self.limit_days

    def status(self, as_of: date | None = None, *, share: float | None = None) -> ClockState:
        """Red after the due date, yellow from `share` (default: the setting) of the limit used."""
        today = as_of or timezone.localdate()
        if today > self.due_on(today):
            return ClockState.RED
        if self.used_ratio(today) >= (warning_share() if share is None else share):
            return ClockState.YELLOW
        return ClockState.GREEN


def due_date(accepted_on: date, limit_days: int, pauses: Iterable[Pause] = (), *, as_of: date | None = None) -> date:
    """Shortcut for `TimeLimitClock(...).due_on(as_of)`."""
    return TimeLimitClock(accepted_on, limit_days, tuple(pauses)).due_on(as_of)


def time_used_ratio(
    accepted_on: date, limit_days: int, pauses: Iterable[Pause] = (), *, as_of: date | None = None
) -> float:
    """Share of the time limit used by `as_of` (today): 0.0 … 1.0, above 1.0 when overdue."""
    return TimeLimitClock(accepted_on, limit_days, tuple(pauses)).used_ratio(as_of)


def time_limit_status(
    accepted_on: date, limit_days: int, pauses: Iterable[Pause] = (), *, as_of: date | None = None
) -> ClockState:
    """green / yellow / red for a case accepted on `accepted_on`."""
    return TimeLimitClock(accepted_on, limit_days, tuple(pauses)).status(as_of)
