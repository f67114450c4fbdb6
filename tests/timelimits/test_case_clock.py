"""The clock of one case (case_clock): due and warning days from acceptance, pauses, the bundle's cap,
the intake deadline, opening and closing pauses."""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest
from django.utils import timezone

from tests.factories import BundleCaseFactory, BundleFactory, CaseFactory, ServiceItemFactory
from tests.factories.cases import _Clerks, advance
from tongban.cases.models import Case, ClockPause, ClockState
from tongban.timelimits import calendar, case_clock
from tongban.timelimits.calendar import PauseKind

pytestmark = pytest.mark.django_db

D = date


def accepted_on(case: Case, day: date) -> Case:
    """The same case as if its intake clerk had accepted it on `day` (10 o'clock)."""
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    Case.objects.filter(pk=case.pk).update(accepted_at=when, submitted_at=when)
    return Case.objects.get(pk=case.pk)


def test_a_case_not_accepted_has_no_clock():
    case = CaseFactory()
    case.due_on, case.warn_on, case.clock_state = D(2025, 1, 1), D(2025, 1, 1), ClockState.RED
    case_clock.refresh(case)
    assert case.due_on is None and case.warn_on is None
    assert case.clock_state == ClockState.GREEN


def test_acceptance_sets_due_and_warning_days_by_the_calendar():
    case = CaseFactory(accepted=True)
    accepted = timezone.localdate(case.accepted_at)
    assert case.limit_days == 10
    assert case.due_on == calendar.add_working_days(accepted, 10)
    assert case.warn_on == calendar.add_working_days(accepted, 8)  # 80 % of 10 working days


def test_refresh_counts_over_national_day_and_turns_yellow_then_red():
    case = accepted_on(CaseFactory(accepted=True), D(2025, 9, 26))
    case_clock.refresh(case, today=D(2025, 9, 30))
    # 9-28 (调休 Sunday), 9-29, 9-30, 10-9, 10-10, 10-11 (调休 Saturday), 10-13 … 10-16
    assert (case.due_on, case.warn_on, case.clock_state) == (D(2025, 10, 16), D(2025, 10, 14), ClockState.GREEN)
    case_clock.refresh(case, today=D(2025, 10, 14))
    assert case.clock_state == ClockState.YELLOW
    case_clock.refresh(case, today=D(2025, 10, 16))
    assert case.clock_state == ClockState.YELLOW  # the last day is still in time
    case_clock.refresh(case, today=D(2025, 10, 17))
    assert case.clock_state == ClockState.RED


def test_refresh_does_not_save():
    case = accepted_on(CaseFactory(accepted=True), D(2025, 9, 26))
    stored = Case.objects.values_list("due_on", flat=True).get(pk=case.pk)
    case_clock.refresh(case, today=D(2025, 10, 20))
    assert Case.objects.values_list("due_on", flat=True).get(pk=case.pk) == stored != case.due_on


def test_an_open_pause_moves_the_due_day_every_day_it_lasts():
    case = accepted_on(CaseFactory(accepted=True), D(2025, 10, 13))
    case_clock.open_pause(case, kind=PauseKind.INSPECTION, reason="现场核查", today=D(2025, 10, 15))
    case_clock.refresh(case, today=D(2025, 10, 20))
    first = case.due_on
    case_clock.refresh(case, today=D(2025, 10, 21))
    assert case.due_on == calendar.add_working_days(first, 1)
    # paused for weeks: never red
    case_clock.refresh(case, today=D(2025, 12, 1))
    assert case.clock_state == ClockState.GREEN


def test_closing_pauses_by_kind_leaves_the_others_open():
    case = CaseFactory(accepted=True)
    case_clock.open_pause(case, kind=PauseKind.SUPPLEMENT, reason="补正", today=D(2025, 10, 14))
    case_clock.open_pause(case, kind=PauseKind.TESTING, reason="检验", today=D(2025, 10, 15))
    assert case_clock.close_pauses(case, kind=PauseKind.SUPPLEMENT, today=D(2025, 10, 16)) == 1
    open_kinds = list(ClockPause.objects.filter(case=case, ended_on__isnull=True).values_list("kind", flat=True))
    assert open_kinds == [PauseKind.TESTING]
    assert ClockPause.objects.get(case=case, kind=PauseKind.SUPPLEMENT).ended_on == D(2025, 10, 16)
    assert case_clock.close_pauses(case, today=D(2025, 10, 17)) == 1
    assert case_clock.close_pauses(case) == 0  # nothing left open
    assert not ClockPause.objects.filter(case=case, ended_on__isnull=True).exists()


def test_a_closed_pause_of_one_day_delays_the_due_day_by_that_day():
    case = accepted_on(CaseFactory(accepted=True), D(2025, 10, 13))
    case_clock.refresh(case, today=D(2025, 10, 13))
    before = case.due_on
    ClockPause.objects.create(
        case=case, kind=PauseKind.HEARING, reason="听证", started_on=D(2025, 10, 15), ended_on=D(2025, 10, 15)
    )
    case_clock.refresh(case, today=D(2025, 10, 20))
    assert case.due_on == calendar.add_working_days(before, 1)


def test_intake_deadline_is_five_working_days_after_submission():
    assert case_clock.intake_deadline(D(2025, 9, 26)) == D(2025, 10, 10)  # over the National Day holiday
    assert case_clock.intake_deadline(D(2025, 10, 13)) == D(2025, 10, 20)
    case = CaseFactory()
    assert case.intake_deadline == case_clock.intake_deadline(timezone.localdate(case.submitted_at))


def _slow_child() -> tuple[Case, Case]:
    """A bundle promised in 5 working days with an item whose own promise is 15; its child accepted."""
    slow = ServiceItemFactory(committed_days=15, statutory_days=20)
    parent = BundleCaseFactory(bundle=BundleFactory(items=[slow, ServiceItemFactory()], committed_days=5))
    child = advance(parent.children.get(item=slow), "accepted", _Clerks({}))
    return Case.objects.get(pk=parent.pk), child


def test_a_bundle_child_is_never_due_after_the_bundle():
    parent, child = _slow_child()
    assert child.limit_days == 5  # the bundle's promise governs the item's longer one
    assert parent.due_on is not None and child.due_on is not None
    assert child.due_on <= parent.due_on and child.warn_on <= parent.warn_on


def test_a_pause_does_not_carry_a_bundle_child_past_the_bundles_due_day():
    parent, child = _slow_child()
    today = timezone.localdate()
    case_clock.open_pause(child, kind=PauseKind.EXPERT_REVIEW, reason="专家评审", today=today)
    later = calendar.add_working_days(parent.due_on, 10)
    case_clock.refresh(child, today=later)
    assert child.due_on == parent.due_on  # paused, yet capped by the bundle
    assert child.clock_state == ClockState.RED  # the bundle's limit is past


def test_the_bundle_cap_turns_a_child_yellow_on_the_bundles_warning_day():
    parent, child = _slow_child()
    case_clock.refresh(child, today=parent.warn_on)
    assert child.clock_state == ClockState.YELLOW
    case_clock.refresh(child, today=calendar.add_working_days(parent.due_on, 1))
    assert child.clock_state == ClockState.RED
