"""Reads of the daily deadline scan (which cases turn yellow or red, intake and supplements overdue),
who is told, the calendar warnings of the console, and the scan_deadlines command."""

from __future__ import annotations

import datetime as dt
import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import CaseFactory, RegionFactory, StaffFactory
from tests.factories.accounts import staff_of
from tongban.accounts.models import StaffRole
from tongban.cases import services
from tongban.cases.models import Case, CaseStatus, ClockState, Supplement
from tongban.timelimits import calendar, selectors
from tongban.timelimits import services as calendar_services

pytestmark = pytest.mark.django_db

D = date


def pks(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


# --- which cases the scan acts on ----------------------------------------------------------------


def test_turning_yellow_from_the_warning_day_and_only_while_the_clock_runs():
    running = CaseFactory(accepted=True)
    submitted = CaseFactory()
    decided = CaseFactory(approved=True)
    assert running.pk not in pks(selectors.turning_yellow(running.warn_on - timedelta(days=1)))
    on_warning_day = pks(selectors.turning_yellow(running.warn_on))
    assert running.pk in on_warning_day
    assert submitted.pk not in on_warning_day and decided.pk not in on_warning_day


def test_a_case_already_yellow_is_not_turned_yellow_again_but_can_turn_red():
    case = CaseFactory(yellow=True)
    assert case.pk not in pks(selectors.turning_yellow(case.due_on))
    assert case.pk not in pks(selectors.turning_red(case.due_on))
    assert case.pk in pks(selectors.turning_red(case.due_on + timedelta(days=1)))


def test_a_case_already_red_is_not_turned_red_again():
    case = CaseFactory(overdue=True)
    assert case.clock_state == ClockState.RED
    assert case.pk not in pks(selectors.turning_red(timezone.localdate()))


def test_intake_overdue_only_after_the_intake_deadline():
    case = CaseFactory()
    assert case.pk not in pks(selectors.intake_overdue(case.intake_deadline))
    assert case.pk in pks(selectors.intake_overdue(case.intake_deadline + timedelta(days=1)))
    accepted = CaseFactory(accepted=True)
    assert accepted.pk not in pks(selectors.intake_overdue(accepted.intake_deadline + timedelta(days=30)))


def test_supplement_overdue_after_the_configured_calendar_days(settings):
    case = CaseFactory(supplement_requested=True)
    asked = timezone.localdate(Supplement.objects.get(case=case).requested_at)
    assert selectors.supplement_deadline_days() == 30
    assert case.pk not in pks(selectors.supplement_overdue(asked + timedelta(days=30)))
    assert case.pk in pks(selectors.supplement_overdue(asked + timedelta(days=31)))
    settings.TONGBAN = {**settings.TONGBAN, "SUPPLEMENT_DEADLINE_DAYS": 10}
    assert case.pk in pks(selectors.supplement_overdue(asked + timedelta(days=11)))


def test_the_scan_concludes_a_supplement_never_answered_and_tells_the_applicant():
    case = CaseFactory(supplement_requested=True)
    asked = timezone.localdate(Supplement.objects.get(case=case).requested_at)
    report = services.scan_deadlines(today=asked + timedelta(days=31))
    assert report["not_supplemented"] == [case.number]
    case = Case.objects.get(pk=case.pk)
    assert not case.is_open and case.concluded_at is not None
    newest = case.applicant.messages.order_by("-pk").first()
    assert newest is not None and case.number in newest.body and "30 日内未补正" in newest.body
    # the next day the scan has nothing more to do with it
    assert services.scan_deadlines(today=asked + timedelta(days=32))["not_supplemented"] == []


# --- who is told ---------------------------------------------------------------------------------


def test_watchers_are_the_task_role_of_the_department_its_head_and_supervisors_in_scope():
    case = CaseFactory(accepted=True)
    department = case.department
    clerk_a = staff_of(department, StaffRole.HANDLING_CLERK)
    clerk_b = StaffFactory(handling=True, department=department)
    head = StaffFactory(head=True, department=department)
    supervisor = StaffFactory(supervisor=True, department=department)
    province_supervisor = StaffFactory(supervisor=True, scope=department.region.parent)
    elsewhere = StaffFactory(supervisor=True, department__region=RegionFactory())
    intake = staff_of(department, StaffRole.INTAKE_CLERK)
    watchers = set(selectors.watchers_of(case))
    assert {clerk_a, clerk_b, head, supervisor, province_supervisor} <= watchers
    assert elsewhere not in watchers and intake not in watchers  # intake is done: review is open


def test_once_claimed_only_the_claimant_of_the_task_is_told_with_the_head():
    case = CaseFactory(accepted=True)
    clerk_a = staff_of(case.department, StaffRole.HANDLING_CLERK)
    clerk_b = StaffFactory(handling=True, department=case.department)
    task = case.tasks.get(bpmn_id="review")
    services.claim_task(task=task, clerk=clerk_b, expected_version=task.version)
    head = StaffFactory(head=True, department=case.department)
    watchers = set(selectors.watchers_of(case))
    assert clerk_b in watchers and head in watchers
    assert clerk_a not in watchers


def test_inactive_staff_are_not_told():
    case = CaseFactory(accepted=True)
    clerk = staff_of(case.department, StaffRole.HANDLING_CLERK)
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    assert clerk not in selectors.watchers_of(case)


def test_the_scan_tells_each_watcher_once_when_a_case_turns_red():
    case = CaseFactory(accepted=True)
    clerk = staff_of(case.department, StaffRole.HANDLING_CLERK)
    head = StaffFactory(head=True, department=case.department)
    late = calendar.add_working_days(case.due_on, 1)
    report = services.scan_deadlines(today=late)
    assert report["red"] == [case.number]
    for person in (clerk, head):
        titles = list(person.messages.values_list("title", flat=True))
        assert titles == [f"【超期】办件 {case.number}（{case.title}）"]
    services.scan_deadlines(today=late)
    assert clerk.messages.count() == 1


# --- the calendar warnings on the console ---------------------------------------------------------


def test_calendar_warnings_name_unknown_years_with_the_days_entered(administrator):
    assert not calendar.official_calendar_knows(2031)
    calendar_services.set_calendar_day(date=D(2031, 1, 1), is_workday=False, name="元旦", actor=administrator)
    calendar_services.set_calendar_day(date=D(2031, 2, 1), is_workday=True, name="春节调休", actor=administrator)
    warnings = {w.year: w.overrides for w in selectors.calendar_warnings()}
    assert warnings[2031] == 2
    assert [d.date for d in selectors.calendar_overrides()] == [D(2031, 2, 1), D(2031, 1, 1)]  # newest first


def test_an_override_in_a_known_year_is_no_warning(administrator):
    calendar_services.set_calendar_day(date=D(2025, 10, 8), is_workday=True, name="本地调整", actor=administrator)
    assert 2025 not in {w.year for w in selectors.calendar_warnings()}


# --- the command ----------------------------------------------------------------------------------


def test_scan_deadlines_command_prints_counts_and_numbers():
    case = CaseFactory(accepted=True)
    out = StringIO()
    call_command("scan_deadlines", "--today", calendar.add_working_days(case.due_on, 2).isoformat(), stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["red"] == 1 and printed["yellow"] == 0
    assert printed["cases"]["red"] == [case.number]
    assert Case.objects.get(pk=case.pk).clock_state == ClockState.RED


def test_scan_deadlines_command_without_a_day_scans_today():
    case = CaseFactory()
    Case.objects.filter(pk=case.pk).update(intake_deadline=timezone.localdate() - timedelta(days=1))
    out = StringIO()
    call_command("scan_deadlines", stdout=out)
    assert json.loads(out.getvalue())["cases"]["accepted"] == [case.number]
    case = Case.objects.get(pk=case.pk)
    assert case.status == CaseStatus.ACCEPTED
    assert timezone.localdate(case.accepted_at) == timezone.localdate(
        timezone.make_aware(dt.datetime.combine(timezone.localdate(case.submitted_at), dt.time(12)))
    )
