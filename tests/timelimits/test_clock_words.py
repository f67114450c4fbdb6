"""The clock in words (selectors.clock_words) for every state a case can be in, said once."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from django.utils.translation import override

from tests.factories import CaseFactory
from tests.factories.accounts import staff_of
from tests.factories.cases import _Clerks, advance
from tongban.accounts.models import StaffRole
from tongban.cases import services
from tongban.timelimits import calendar
from tongban.timelimits.selectors import clock_words

pytestmark = pytest.mark.django_db


def test_submitted_case_starts_counting_on_acceptance():
    words = clock_words(CaseFactory())
    assert (words.state, words.icon, words.words) == ("not_started", "·", "受理后开始计时")


@pytest.mark.parametrize("trait", ["supplement_requested", "refused_at_intake", "withdrawn"])
def test_cases_never_accepted_do_not_count(trait):
    case = CaseFactory(**{trait: True})
    words = clock_words(case)
    assert words.state in ("not_started", "done")
    assert "超期" not in words.words and "还剩" not in words.words


def test_a_case_in_a_special_procedure_says_paused_and_nothing_else():
    case = CaseFactory(accepted=True)
    head = staff_of(case.department, StaffRole.DEPARTMENT_HEAD)
    case = services.start_special_procedure(
        case=case, clerk=head, kind="inspection", reason="现场核查", expected_version=case.version
    )
    words = clock_words(case)
    assert words.state == "paused" and words.icon == "‖"
    assert "暂停计时" in words.words and "还剩" not in words.words


def test_green_counts_the_working_days_left():
    case = CaseFactory(accepted=True)
    accepted = timezone.localdate(case.accepted_at)
    words = clock_words(case, accepted)
    assert words.state == "green" and words.icon == "✓"
    assert words.words == f"还剩 {calendar.working_days_between(accepted, case.due_on)} 个工作日"


def test_yellow_from_the_warning_day():
    case = CaseFactory(accepted=True)
    words = clock_words(case, case.warn_on)
    left = calendar.working_days_between(case.warn_on, case.due_on)
    assert words.state == "yellow" and words.icon == "⚠"
    assert words.words == f"即将超期，还剩 {left} 个工作日"


def test_the_last_day_reads_due_today():
    case = CaseFactory(accepted=True)
    words = clock_words(case, case.due_on)
    assert words.state == "yellow"
    assert words.words == "即将超期，今天到期"


def test_a_case_the_scan_flagged_yellow_reads_yellow_even_before_the_warning_day():
    case = CaseFactory(yellow=True)
    assert clock_words(case).state == "yellow"


def test_overdue_reads_once_in_working_days():
    case = CaseFactory(overdue=True)
    words = clock_words(case)
    assert (words.state, words.icon, words.words) == ("red", "×", "超期 3 个工作日")
    assert "-" not in words.words


def test_overdue_by_a_weekend_only_still_reads_one_day_late():
    case = CaseFactory(accepted=True)
    case.due_on = date(2025, 10, 17)  # a Friday (as read from the row)
    # Saturday: no working day has passed since, yet the case is late
    words = clock_words(case, date(2025, 10, 18))
    assert words.state == "red" and words.words == "超期 1 个工作日"


def test_concluded_in_time_reads_concluded():
    words = clock_words(CaseFactory(approved=True))
    assert (words.state, words.icon, words.words) == ("done", "✓", "已办结")


def test_concluded_late_says_by_how_much():
    case = advance(CaseFactory(overdue=True), "approved", _Clerks({}))
    words = clock_words(case)
    assert words.state == "done"
    assert words.words == "已办结（超期 3 个工作日）"


def test_words_follow_the_language():
    case = CaseFactory(accepted=True)
    with override("en"):
        english = clock_words(case, case.due_on).words
    assert english and "今天到期" not in english
