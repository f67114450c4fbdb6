"""Reads of time limits: the working-day calendar for the console, and the cases the daily deadline scan
acts on (turning yellow or red, intake overdue, supplements never answered) and who is told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tongban.accounts.models import StaffAssignment, StaffRole, User, UserKind
from tongban.cases.models import FINAL_STATUSES, RUNNING_STATUSES, Case, CaseStatus, TaskStatus
from tongban.timelimits import calendar
from tongban.timelimits.calendar import ClockState
from tongban.timelimits.models import CalendarDay


@dataclass(frozen=True)
class YearWarning:
    """A year chinese-calendar does not know, with the number of days entered by hand."""

    year: int
    overrides: int


def calendar_overrides() -> list[CalendarDay]:
    return list(CalendarDay.objects.order_by("-date"))


def calendar_warnings() -> list[YearWarning]:
    counts = dict(
        CalendarDay.objects.annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(n=Count("id"))
        .values_list("year", "n")
    )
    years = calendar.years_without_official_calendar(extra_years=counts)
    return [YearWarning(year=y, overrides=counts.get(y, 0)) for y in years]


# --- the daily deadline scan --------------------------------------------------------------------


def turning_yellow(today: date) -> QuerySet[Case]:
    """Cases that reach the warning share of their limit (uses the partial index case_turning_yellow)."""
    return Case.objects.filter(status__in=RUNNING_STATUSES, clock_state=ClockState.GREEN, warn_on__lte=today)


def turning_red(today: date) -> QuerySet[Case]:
    """Cases past their due date not yet flagged red (partial index case_turning_red)."""
    return Case.objects.filter(status__in=RUNNING_STATUSES, due_on__lt=today).exclude(clock_state=ClockState.RED)


def intake_overdue(today: date) -> QuerySet[Case]:
    return Case.objects.filter(status=CaseStatus.SUBMITTED, intake_deadline__lt=today)


def supplement_deadline_days() -> int:
    """补正期限: calendar days the applicant has to answer a supplement request.

    Setting `TONGBAN["SUPPLEMENT_DEADLINE_DAYS"]`, default 30 natural days (the period commonly set
    in the notice of 一次性告知补正); after it the case is concluded as 补正不来办结.
    """
    return int(settings.TONGBAN.get("SUPPLEMENT_DEADLINE_DAYS", 30))


def supplement_overdue(today: date) -> QuerySet[Case]:
    """Cases waiting for a supplement asked for more than the deadline (calendar days) before `today`."""
    cutoff_day = today - timedelta(days=supplement_deadline_days())
    cutoff = timezone.make_aware(datetime.combine(cutoff_day, time.min))
    return Case.objects.filter(
        status=CaseStatus.SUPPLEMENT_REQUESTED,
        supplements__answered_at__isnull=True,
        supplements__requested_at__lt=cutoff,
    ).distinct()


def watchers_of(case: Case) -> list[User]:
    """The clerk (claimant, else the department's staff of the task role), their head, the supervisors."""
    open_tasks = [t for t in case.tasks.all() if t.status != TaskStatus.DONE]
    people: dict[int, User] = {}
    for t in open_tasks:
        if t.claimed_by is not None:
            people[t.claimed_by.pk] = t.claimed_by
        else:
            for a in StaffAssignment.objects.filter(department=t.department, role=t.role).select_related("user"):
                people[a.user.pk] = a.user
    for a in StaffAssignment.objects.filter(department=case.department, role=StaffRole.DEPARTMENT_HEAD).select_related(
        "user"
    ):
        people[a.user.pk] = a.user
    region = case.department.region
    for a in StaffAssignment.objects.filter(role=StaffRole.SUPERVISOR).select_related("user", "scope"):
        if region.is_within(a.scope):
            people[a.user.pk] = a.user
    return [u for u in people.values() if u.is_active and u.kind == UserKind.STAFF]


# --- the clock in words -------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockWords:
    """The legal clock of one case as a clerk reads it: one state, said once.

    `state` green / yellow / red / paused / done / not_started (a CSS class too), `icon` a symbol
    that never carries the meaning alone, `words` e.g. “还剩 3 个工作日”, “超期 2 个工作日”.
    """

    state: str
    icon: str
    words: str


PAUSED_STATUSES = (CaseStatus.SUPPLEMENT_REQUESTED, CaseStatus.SPECIAL_PROCEDURE)


def clock_words(case: Case, today: date | None = None) -> ClockWords:
    """No query: reads the case row only (lists call it for every row)."""
    today = today or timezone.localdate()
    if case.status in FINAL_STATUSES:
        late = _late_days(case)
        if late:
            return ClockWords(
                "done",
                "✓",
                ngettext("已办结（超期 %(n)s 个工作日）", "已办结（超期 %(n)s 个工作日）", late) % {"n": late},
            )
        return ClockWords("done", "✓", _("已办结"))
    if case.due_on is None or case.accepted_at is None:
        return ClockWords("not_started", "·", _("受理后开始计时"))
    if case.status in PAUSED_STATUSES:
        return ClockWords("paused", "‖", _("暂停计时中（补正或特别程序期间不计时）"))
    left = calendar.working_days_between(today, case.due_on)
    if case.due_on < today:
        late = max(1, -left)
        return ClockWords("red", "×", ngettext("超期 %(n)s 个工作日", "超期 %(n)s 个工作日", late) % {"n": late})
    if case.limit_days == 0:  # 即办件: decided the day it is received, not "due today" in a warning colour
        return ClockWords("green", "✓", _("即办件，当日办结"))
    remaining = (
        _("今天到期") if left == 0 else ngettext("还剩 %(n)s 个工作日", "还剩 %(n)s 个工作日", left) % {"n": left}
    )
    if case.clock_state == ClockState.YELLOW or (case.warn_on is not None and today >= case.warn_on):
        return ClockWords("yellow", "⚠", _("即将超期，%(left)s") % {"left": remaining})
    return ClockWords("green", "✓", str(remaining))


def _late_days(case: Case) -> int:
    """Working days a concluded case was decided after its due date (0 when on time)."""
    if case.due_on is None or case.concluded_at is None:
        return 0
    decided_on = timezone.localdate(case.concluded_at)
    if decided_on <= case.due_on:
        return 0
    return calendar.working_days_between(case.due_on, decided_on)
