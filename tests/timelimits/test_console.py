"""The console calendar page: administrators with a second factor only."""

from __future__ import annotations

from datetime import date

from tests.conftest import verified_client
from tongban.accounts.models import StaffRole
from tongban.timelimits import calendar
from tongban.timelimits.models import CalendarDay

URL = "/console/calendar/"


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")


def test_administrator_without_second_factor_is_sent_to_login(client, administrator):
    client.force_login(administrator)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")


def test_clerk_is_refused(make_staff):
    clerk = make_staff(StaffRole.HANDLING_CLERK)
    client = verified_client(clerk)
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"date": "2031-01-01", "is_workday": "0", "name": "元旦"})
    assert response.status_code == 403
    assert not CalendarDay.objects.exists()


def test_administrator_sees_warnings_and_adds_a_day(administrator):
    client = verified_client(administrator)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for year in calendar.years_without_official_calendar():
        assert f"{year} 年" in page
    response = client.post(URL, {"date": "2031-01-01", "is_workday": "0", "name": "元旦", "note": "国办发明电"})
    assert response.status_code == 302
    day = CalendarDay.objects.get()
    assert day.date == date(2031, 1, 1) and not day.is_workday and day.name == "元旦"
    page = client.get(URL).content.decode()
    assert "2031-01-01" in page and "2031 年" in page
    assert not calendar.is_working_day(date(2031, 1, 1))


def test_invalid_form_shows_errors(administrator):
    client = verified_client(administrator)
    response = client.post(URL, {"date": "not a date", "is_workday": "0"})
    assert response.status_code == 400
    assert not CalendarDay.objects.exists()


def test_administrator_removes_a_day(administrator):
    client = verified_client(administrator)
    client.post(URL, {"date": "2031-01-01", "is_workday": "0", "name": "元旦"})
    response = client.post(URL + "remove/", {"date": "2031-01-01"})
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
