"""The case's legal clock: due date, the day it turns yellow, pauses (补正, 特别程序)."""

from __future__ import annotations

import math
from datetime import date

from django.utils import timezone

from tongban.cases.models import Case, ClockPause, ClockState
from tongban.timelimits import calendar


def refresh(case: Case, today: date | None = None) -> None:
    """Recompute due_on, warn_on and clock_state from acceptance, the limit and the pauses (not saved)."""
    today = today or timezone.localdate()
    if case.accepted_at is None:
        case.due_on = case.warn_on = None
        case.clock_state = ClockState.GREEN
        return
    accepted_on = timezone.localdate(case.accepted_at)
    pauses = tuple(
        calendar.Pause(kind=calendar.PauseKind(p.kind), start=p.started_on, end=p.ended_on)
        for p in ClockPause.objects.filter(case=case)
    )
    clock = calendar.TimeLimitClock(accepted_on, case.limit_days, pauses)
    case.due_on = clock.due_on(today)
    warn_days = math.ceil(case.limit_days * calendar.warning_share())
    case.warn_on = calendar.TimeLimitClock(accepted_on, warn_days, pauses).due_on(today)
    bundle_due, bundle_warn = _bundle_dates(case)
    if bundle_due is not None and bundle_warn is not None:  # 一件事: the bundle's limit governs, pauses or not
        case.due_on, case.warn_on = min(case.due_on, bundle_due), min(case.warn_on, bundle_warn)
    if today > case.due_on:
        case.clock_state = ClockState.RED
    elif (today >= case.warn_on and case.limit_days > 0 and clock.used_ratio(today) >= calendar.warning_share()) or (
        bundle_warn is not None and today >= bundle_warn
    ):
        case.clock_state = ClockState.YELLOW
    else:
        case.clock_state = ClockState.GREEN


def _bundle_dates(case: Case) -> tuple[date | None, date | None]:
    """The due and warning days of the bundle (一件事) the case is an item of: it is never due later."""
    if case.bundle_case_id is None:
        return None, None
    row = Case.objects.filter(pk=case.bundle_case_id).values_list("due_on", "warn_on").first()
    return row if row is not None else (None, None)


def intake_deadline(submitted_on: date) -> date:
    """一次性告知 must happen within 5 working days of submission, or the case counts as accepted."""
    return calendar.add_working_days(submitted_on, 5)


def open_pause(case: Case, *, kind: str, reason: str, today: date | None = None) -> ClockPause:
    return ClockPause.objects.create(case=case, kind=kind, reason=reason, started_on=today or timezone.localdate())


def close_pauses(case: Case, *, kind: str | None = None, today: date | None = None) -> int:
    pauses = ClockPause.objects.filter(case=case, ended_on__isnull=True)
    if kind is not None:
        pauses = pauses.filter(kind=kind)
    return pauses.update(ended_on=today or timezone.localdate())
