"""工作日历 and 办理时限: holidays, make-up working days, pauses, overrides, warnings."""

from __future__ import annotations

from datetime import date

import pytest

from tongban.core.models import AuditEntry
from tongban.timelimits import calendar, services
from tongban.timelimits.calendar import ClockState, Pause, PauseKind, TimeLimitClock

D = date


class TestNationalDay2025:
    """国庆节 + 中秋节 2025: Oct 1–8 off; Sunday Sep 28 and Saturday Oct 11 are make-up working days."""

    def test_holidays_and_make_up_days(self, db):
        assert calendar.is_working_day(D(2025, 9, 28))  # Sunday, 调休上班
        assert calendar.is_working_day(D(2025, 10, 11))  # Saturday, 调休上班
        for day in range(1, 9):
            assert not calendar.is_working_day(D(2025, 10, day))
        assert not calendar.is_working_day(D(2025, 10, 12))  # ordinary Sunday
        assert calendar.is_working_day(D(2025, 10, 9))

    def test_counting_starts_the_day_after_acceptance(self, db):
        assert calendar.add_working_days(D(2025, 9, 26), 0) == D(2025, 9, 26)
        assert calendar.add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
        assert calendar.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
        # Sep 30, Oct 9, Oct 10, Oct 11 (Saturday), Oct 13
        assert calendar.add_working_days(D(2025, 9, 29), 5) == D(2025, 10, 13)

    def test_working_days_between(self, db):
        assert calendar.working_days_between(D(2025, 9, 30), D(2025, 10, 12)) == 3
        assert calendar.working_days_between(D(2025, 10, 12), D(2025, 9, 30)) == -3
        assert calendar.working_days_between(D(2025, 10, 1), D(2025, 10, 1)) == 0

    def test_twenty_day_limit_across_the_holiday(self, db):
        # Accepted Friday Sep 26: Sep 28, 29, 30, Oct 9, 10, 11 (6), Oct 13–17 (11),
        # Oct 20–24 (16), Oct 27, 28, 29, 30 (20).
        clock = TimeLimitClock(accepted_on=D(2025, 9, 26), limit_days=20)
        assert clock.due_on(D(2025, 9, 26)) == D(2025, 10, 30)
        assert calendar.due_date(D(2025, 9, 26), 20) == D(2025, 10, 30)
        assert clock.days_used(D(2025, 10, 8)) == 3
        assert clock.days_used(D(2025, 10, 11)) == 6

    def test_negative_days_are_refused(self, db):
        with pytest.raises(ValueError):
            calendar.add_working_days(D(2025, 1, 1), -1)


class TestPauses:
    def test_supplement_pause_is_not_counted(self, db):
        plain = TimeLimitClock(accepted_on=D(2025, 10, 13), limit_days=5)
        assert plain.due_on(D(2025, 10, 13)) == D(2025, 10, 20)
        # 补正 from Wednesday Oct 15 to Tuesday Oct 21, both days included.
        paused = TimeLimitClock(
            accepted_on=D(2025, 10, 13),
            limit_days=5,
            pauses=(Pause(PauseKind.SUPPLEMENT, D(2025, 10, 15), D(2025, 10, 21)),),
        )
        # Oct 14, then Oct 22, 23, 24, 27
        assert paused.due_on(D(2025, 10, 30)) == D(2025, 10, 27)
        assert paused.days_used(D(2025, 10, 22)) == 2
        assert not paused.is_paused()  # ended: closed

    def test_open_special_procedure_keeps_moving_the_due_date(self, db):
        clock = TimeLimitClock(
            accepted_on=D(2025, 10, 13),
            limit_days=5,
            pauses=(Pause(PauseKind.INSPECTION, D(2025, 10, 16), None),),
        )
        assert clock.is_paused()  # still open
        assert clock.days_used(D(2025, 10, 20)) == 2  # Oct 14 and 15
        assert clock.due_on(D(2025, 10, 20)) == D(2025, 10, 23)  # as if it ended today
        assert clock.due_on(D(2025, 10, 22)) == D(2025, 10, 27)
        # Weeks later still paused: never overdue, still 2 of 5 used.
        assert clock.status(D(2025, 12, 1)) is ClockState.GREEN
        assert clock.used_ratio(D(2025, 12, 1)) == pytest.approx(0.4)

    def test_several_pauses_of_different_kinds(self, db):
        clock = TimeLimitClock(
            accepted_on=D(2025, 10, 13),
            limit_days=5,
            pauses=(
                Pause(PauseKind.HEARING, D(2025, 10, 14), D(2025, 10, 14)),
                Pause(PauseKind.EXPERT_REVIEW, D(2025, 10, 16), D(2025, 10, 17)),
            ),
        )
        # Oct 15, 20, 21, 22, 23
        assert clock.due_on(D(2025, 10, 13)) == D(2025, 10, 23)
        assert PauseKind.EXPERT_REVIEW.label == "专家评审"

    def test_pause_cannot_end_before_it_starts(self):
        with pytest.raises(ValueError):
            Pause(PauseKind.TESTING, D(2025, 10, 16), D(2025, 10, 15))


class TestStatus:
    # Accepted Monday Oct 13 2025, 10 working days: due Monday Oct 27.
    clock = TimeLimitClock(accepted_on=D(2025, 10, 13), limit_days=10)

    def test_green_yellow_red(self, db):
        assert self.clock.due_on(D(2025, 10, 13)) == D(2025, 10, 27)
        assert self.clock.status(D(2025, 10, 22)) is ClockState.GREEN  # 7 of 10
        assert self.clock.status(D(2025, 10, 23)) is ClockState.YELLOW  # 8 of 10 = 80 %
        assert self.clock.status(D(2025, 10, 27)) is ClockState.YELLOW  # the last day
        assert self.clock.status(D(2025, 10, 28)) is ClockState.RED
        assert self.clock.days_left(D(2025, 10, 28)) == -1
        assert ClockState.RED.label == "超期"

    def test_functions(self, db):
        assert calendar.time_used_ratio(D(2025, 10, 13), 10, as_of=D(2025, 10, 23)) == pytest.approx(0.8)
        assert calendar.time_limit_status(D(2025, 10, 13), 10, as_of=D(2025, 10, 28)) is ClockState.RED

    def test_warning_share_is_a_setting(self, db, settings):
        settings.TONGBAN = {**settings.TONGBAN, "TIME_LIMIT_WARNING_SHARE": 0.5}
        assert self.clock.status(D(2025, 10, 20)) is ClockState.YELLOW  # 5 of 10
        assert self.clock.status(D(2025, 10, 17)) is ClockState.GREEN  # 4 of 10

    def test_default_share_is_eighty_percent(self):
        from django.conf import settings

        assert settings.TONGBAN["TIME_LIMIT_WARNING_SHARE"] == pytest.approx(0.8)


class TestOverrides:
    def test_unknown_year_falls_back_to_weekdays_and_is_flagged(self, db):
        assert not calendar.official_calendar_knows(2031)
        assert calendar.official_calendar_knows(2025)
        assert calendar.is_working_day(D(2031, 1, 1))  # Wednesday: no data, Monday–Friday
        assert not calendar.is_working_day(D(2031, 1, 4))  # Saturday
        assert calendar.years_without_official_calendar(around=D(2031, 3, 1)) == [2031, 2032]
        assert calendar.years_without_official_calendar(around=D(2025, 3, 1)) == []
        assert 2031 in calendar.years_without_official_calendar(extra_years=[2031])

    def test_administrator_enters_2031_holidays(self, db, administrator):
        assert calendar.add_working_days(D(2030, 12, 31), 1) == D(2031, 1, 1)
        services.set_calendar_day(date=D(2031, 1, 1), is_workday=False, name="元旦", actor=administrator)
        services.set_calendar_day(date=D(2031, 1, 4), is_workday=True, name="元旦调休上班", actor=administrator)
        assert not calendar.is_working_day(D(2031, 1, 1))
        assert calendar.is_working_day(D(2031, 1, 4))
        assert calendar.add_working_days(D(2030, 12, 31), 1) == D(2031, 1, 2)
        # Jan 2, 3, 4 (Saturday, make-up day), 6
        assert calendar.add_working_days(D(2030, 12, 31), 4) == D(2031, 1, 6)
        entry = AuditEntry.objects.filter(action="calendar.set_day").order_by("id").last()
        assert entry is not None and entry.details["date"] == "2031-01-04"

    def test_override_beats_the_library_and_can_be_removed(self, db, administrator):
        assert not calendar.is_working_day(D(2025, 10, 8))
        services.set_calendar_day(date=D(2025, 10, 8), is_workday=True, name="本地调整", actor=administrator)
        assert calendar.is_working_day(D(2025, 10, 8))
        services.set_calendar_day(date=D(2025, 10, 8), is_workday=False, name="国庆节", actor=administrator)
        assert not calendar.is_working_day(D(2025, 10, 8))
        services.set_calendar_day(date=D(2025, 10, 8), is_workday=True, name="", actor=administrator)
        services.remove_calendar_day(date=D(2025, 10, 8), actor=administrator)
        assert not calendar.is_working_day(D(2025, 10, 8))
        assert AuditEntry.objects.filter(action="calendar.remove_day").count() == 1

    def test_only_administrators_change_the_calendar(self, db, make_staff):
        from django.core.exceptions import PermissionDenied

        from tongban.accounts.models import StaffRole

        clerk = make_staff(StaffRole.HANDLING_CLERK)
        with pytest.raises(PermissionDenied):
            services.set_calendar_day(date=D(2031, 1, 1), is_workday=False, name="元旦", actor=clerk)
        with pytest.raises(PermissionDenied):
            services.set_calendar_day(date=D(2031, 1, 1), is_workday=False, name="元旦", actor=None)
        assert calendar.is_working_day(D(2031, 1, 1))

    def test_other_processes_notice_a_change_through_the_shared_version(self, db, administrator):
        from django.core.cache import cache

        before = cache.get(calendar.VERSION_KEY)
        services.set_calendar_day(date=D(2031, 5, 1), is_workday=False, name="劳动节", actor=administrator)
        assert cache.get(calendar.VERSION_KEY) != before


def test_a_pause_that_started_and_ended_the_same_day_is_closed():
    same_day = TimeLimitClock(
        D(2025, 10, 13), 10, pauses=(Pause(PauseKind.SUPPLEMENT, D(2025, 10, 15), D(2025, 10, 15)),)
    )
    assert not same_day.is_paused()
