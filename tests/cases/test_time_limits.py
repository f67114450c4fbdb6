"""Case-level time limits: 国庆 2025 and its 调休 Saturday, supplement pauses, the daily scan."""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.cases.conftest import submit
from tongban.cases import services
from tongban.cases.models import Case, CaseStatus, ClockPause, ClockState
from tongban.notices.models import Message
from tongban.timelimits import case_clock as clock

pytestmark = pytest.mark.django_db


def at(day: date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def accepted_case(item, people, day: date, *, key="t"):
    case = submit(people["zhangsan"], item, key=key)
    services.accept_case(case=Case.objects.get(pk=case.pk), clerk=people["chuangkou"], expected_version=case.version)
    case = Case.objects.get(pk=case.pk)
    Case.objects.filter(pk=case.pk).update(accepted_at=at(day), submitted_at=at(day))
    case.refresh_from_db()
    return case


def test_due_date_over_national_day_2025(item, people, media):
    # Accepted Fri 2025-09-26; Sun 09-28 is a 调休 working day; 10-01..10-08 are holidays; Sat 10-11 works.
    case = accepted_case(item, people, date(2025, 9, 26))
    clock.refresh(case, today=date(2025, 9, 26))
    # 10 working days: 9-28(1), 9-29(2), 9-30(3), 10-9(4), 10-10(5), 10-11 Sat 调休(6), 10-13..10-16(7..10)
    assert case.limit_days == 10
    assert case.due_on == date(2025, 10, 16)
    assert case.warn_on == date(2025, 10, 14)  # 8 of 10 working days used


def test_supplement_pause_moves_the_due_date(item, people, media):
    case = accepted_case(item, people, date(2025, 9, 26))
    ClockPause.objects.create(
        case=case, kind="supplement", reason="营业执照过期", started_on=date(2025, 10, 9), ended_on=date(2025, 10, 13)
    )
    clock.refresh(case, today=date(2025, 10, 20))
    # 10-9, 10-10, 10-11 (调休), 10-13 paused: four working days later
    assert case.due_on == date(2025, 10, 22)


def test_scan_flags_yellow_then_red_and_notifies_watchers(item, people, media):
    case = accepted_case(item, people, date(2025, 9, 26))
    clock.refresh(case, today=date(2025, 9, 26))
    case.save()
    report = services.scan_deadlines(today=date(2025, 10, 14))
    assert report["yellow"] == [case.number]
    assert Case.objects.get(pk=case.pk).clock_state == ClockState.YELLOW
    for name in ("kezhang", "jiancha"):
        assert Message.objects.filter(recipient=people[name], title__contains="即将到期").exists()
    assert not Message.objects.filter(recipient=people["gongan"]).exists()
    assert services.scan_deadlines(today=date(2025, 10, 14)) == {
        "accepted": [],
        "yellow": [],
        "red": [],
        "not_supplemented": [],
    }
    report = services.scan_deadlines(today=date(2025, 10, 17))
    assert report["red"] == [case.number]
    assert Message.objects.filter(recipient=people["banli"], title__contains="超期").exists()


def test_intake_not_told_in_five_working_days_counts_as_accepted(item, people, media):
    case = submit(people["zhangsan"], item)
    submitted = date(2025, 9, 26)
    Case.objects.filter(pk=case.pk).update(submitted_at=at(submitted), intake_deadline=clock.intake_deadline(submitted))
    assert clock.intake_deadline(submitted) == date(2025, 10, 10)
    assert services.scan_deadlines(today=date(2025, 10, 10))["accepted"] == []
    call_command("scan_deadlines", "--today", "2025-10-11")
    case = Case.objects.get(pk=case.pk)
    assert case.status == CaseStatus.ACCEPTED and timezone.localdate(case.accepted_at) == submitted
    assert case.events.filter(label__contains="视为受理").exists()


def test_scan_task_runs(item, people, media):
    from tongban.cases.tasks import scan_deadlines

    result = scan_deadlines.enqueue()
    assert result.return_value == {"accepted": [], "yellow": [], "red": [], "not_supplemented": []}
