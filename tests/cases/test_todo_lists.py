"""待办: whose to-do list a task lands on — the role in the task's department; an intake task also at
a comprehensive window whose region covers the department (收办分离), never one beside it; every
task of the department on its head's list; none on the lists of those who only oversee."""

from __future__ import annotations

import pytest

from tests.factories import CaseFactory, DepartmentFactory, RegionFactory, ServiceItemFactory, StaffFactory
from tests.factories.accounts import console_client
from tongban.cases import selectors

pytestmark = pytest.mark.django_db


def listed(clerk) -> list[int]:
    tasks, _counts = selectors.todo_for(clerk=clerk)
    return [t.case_id for t in tasks]


@pytest.fixture
def districts():
    """A city with two districts, a department in each, and a new case waiting for intake in each."""
    city = RegionFactory()
    east, west = RegionFactory(county=True, parent=city), RegionFactory(county=True, parent=city)
    east_case = CaseFactory(item=ServiceItemFactory(department=DepartmentFactory(region=east)))
    west_case = CaseFactory(item=ServiceItemFactory(department=DepartmentFactory(region=west)))
    return city, east, west, east_case, west_case


def test_a_district_window_takes_in_its_districts_cases_only(districts):
    _city, east, _west, east_case, west_case = districts
    window = StaffFactory(intake=True, department=DepartmentFactory(region=east))
    assert listed(window) == [east_case.pk]
    assert west_case.pk not in listed(window)


def test_a_city_window_takes_in_the_cases_of_every_district(districts):
    city, _east, _west, east_case, west_case = districts
    window = StaffFactory(intake=True, department=DepartmentFactory(region=city))
    assert set(listed(window)) == {east_case.pk, west_case.pk}


def test_a_window_of_the_other_district_does_not_see_a_case_it_cannot_accept(districts):
    _city, _east, west, east_case, _west_case = districts
    window = StaffFactory(intake=True, department=DepartmentFactory(region=west))
    assert east_case.pk not in listed(window)
    assert console_client(window).get(f"/console/cases/{east_case.number}/").status_code == 404


def test_handling_clerks_see_review_tasks_of_their_department_only():
    case = CaseFactory(accepted=True)
    mine = StaffFactory(handling=True, department=case.department)
    other = StaffFactory(handling=True, department=DepartmentFactory(region=case.department.region))
    assert listed(mine) == [case.pk]
    assert listed(other) == []


def test_the_head_sees_every_open_task_of_the_department():
    submitted = CaseFactory()
    department = submitted.department
    accepted = CaseFactory(accepted=True, item=ServiceItemFactory(department=department))
    in_review = CaseFactory(in_review=True, item=ServiceItemFactory(department=department))
    CaseFactory(approved=True, item=ServiceItemFactory(department=department))  # done: no task
    head = StaffFactory(head=True, department=department)
    assert set(listed(head)) == {submitted.pk, accepted.pk, in_review.pk}


@pytest.mark.parametrize("role", ["supervisor", "administrator", "data_officer"])
def test_those_who_only_oversee_have_no_tasks(role):
    case = CaseFactory(accepted=True)
    assert listed(StaffFactory(department=case.department, **{role: True})) == []


def test_a_clerk_with_two_roles_sees_the_tasks_of_both():
    submitted = CaseFactory()
    department = submitted.department
    accepted = CaseFactory(accepted=True, item=ServiceItemFactory(department=department))
    clerk = StaffFactory(intake=True, department=department, extra_roles=["handling_clerk"])
    assert set(listed(clerk)) == {submitted.pk, accepted.pk}


def test_the_console_list_shows_the_tasks_with_their_counts():
    red = CaseFactory(overdue=True)
    clerk = StaffFactory(handling=True, department=red.department)
    client = console_client(clerk)
    page = client.get("/console/cases/").content.decode()
    assert red.number in page
    counts = client.get("/console/cases/counts/").content.decode()
    assert "已超期" in counts
