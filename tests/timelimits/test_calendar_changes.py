"""Changes to the working-day calendar: seen by other processes, named, audited, and the console page
that makes them."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache

from tests.conftest import verified_client
from tests.factories import StaffFactory
from tongban.core.models import AuditEntry
from tongban.timelimits import calendar, services
from tongban.timelimits.models import CalendarDay

pytestmark = pytest.mark.django_db

D = date
URL = "/console/calendar/"


def test_another_process_sees_a_change_once_it_checks_the_shared_version(monkeypatch):
    assert calendar.is_working_day(D(2031, 3, 3))  # a Monday, cached in this process
    # another process writes the override and bumps the shared version
    CalendarDay.objects.create(date=D(2031, 3, 3), is_workday=False, name="地方假日")
    cache.set(calendar.VERSION_KEY, (cache.get(calendar.VERSION_KEY) or 0) + 1, timeout=None)
    monkeypatch.setattr(calendar, "_checked_at", -calendar.VERSION_CHECK_SECONDS - 1.0)
    assert not calendar.is_working_day(D(2031, 3, 3))


def test_between_checks_the_cached_answer_is_kept(monkeypatch):
    """Within the check interval the process does not ask the shared cache at every lookup."""
    assert calendar.is_working_day(D(2031, 3, 4))
    CalendarDay.objects.create(date=D(2031, 3, 4), is_workday=False, name="地方假日")
    monkeypatch.setattr(calendar, "VERSION_CHECK_SECONDS", 1e12)
    assert calendar.is_working_day(D(2031, 3, 4))  # not yet reloaded
    calendar.invalidate()
    assert not calendar.is_working_day(D(2031, 3, 4))


def test_holiday_names_come_from_the_official_calendar():
    assert calendar.holiday_name(D(2025, 10, 1)) == "National Day"
    assert calendar.holiday_name(D(2025, 10, 15)) == ""
    assert calendar.holiday_name(D(2031, 1, 1)) == ""  # a year the library does not know


def test_a_calendar_day_reads_as_date_kind_and_name():
    assert str(CalendarDay(date=D(2031, 1, 1), is_workday=False, name="元旦")) == "2031-01-01 休息日 元旦"
    assert str(CalendarDay(date=D(2031, 1, 4), is_workday=True)) == "2031-01-04 工作日"


def test_setting_a_day_twice_updates_the_one_row_and_strips_the_words(administrator):
    services.set_calendar_day(date=D(2031, 1, 1), is_workday=True, name=" 元旦 ", note=" 草稿 ", actor=administrator)
    day = services.set_calendar_day(date=D(2031, 1, 1), is_workday=False, name="元旦", actor=administrator)
    assert CalendarDay.objects.count() == 1
    assert (day.is_workday, day.name, day.note) == (False, "元旦", "")
    details = [e.details for e in AuditEntry.objects.filter(action="calendar.set_day").order_by("pk")]
    assert [d["created"] for d in details] == [True, False]


def test_removing_a_day_that_has_no_override_changes_nothing(administrator):
    services.remove_calendar_day(date=D(2031, 1, 1), actor=administrator)
    assert not AuditEntry.objects.filter(action="calendar.remove_day").exists()


def test_removing_is_for_administrators_only():
    from django.core.exceptions import PermissionDenied

    admin = StaffFactory(administrator=True)
    services.set_calendar_day(date=D(2031, 1, 1), is_workday=False, name="元旦", actor=admin)
    with pytest.raises(PermissionDenied):
        services.remove_calendar_day(date=D(2031, 1, 1), actor=StaffFactory(head=True))
    assert CalendarDay.objects.filter(date=D(2031, 1, 1)).exists()


def test_console_lists_the_overrides_and_says_which_kind(administrator):
    client = verified_client(administrator)
    client.post(URL, {"date": "2031-01-04", "is_workday": "1", "name": "元旦调休上班"})
    client.post(URL, {"date": "2031-01-01", "is_workday": "0", "name": "元旦"})
    page = client.get(URL).content.decode()
    assert "元旦调休上班" in page and "2031-01-04" in page and "2031-01-01" in page
    assert calendar.is_working_day(D(2031, 1, 4))  # a Saturday made a working day through the page


def test_console_remove_is_post_only_and_ignores_a_bad_date(administrator):
    client = verified_client(administrator)
    client.post(URL, {"date": "2031-01-01", "is_workday": "0", "name": "元旦"})
    assert client.get(URL + "remove/").status_code == 405
    response = client.post(URL + "remove/", {"date": "yesterday"})
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date=D(2031, 1, 1)).exists()


def test_console_refuses_a_missing_kind_of_day(administrator):
    client = verified_client(administrator)
    response = client.post(URL, {"date": "2031-01-01", "name": "元旦"})
    assert response.status_code == 400
    assert not CalendarDay.objects.exists()
