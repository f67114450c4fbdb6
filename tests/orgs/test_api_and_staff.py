"""The organisations API and staff assignment: public trees, department staff only for those entitled."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import (
    CitizenFactory,
    DepartmentFactory,
    RegionFactory,
    StaffFactory,
    console_client,
    portal_client,
)
from tongban.accounts.models import StaffRole
from tongban.accounts.permissions import acts_in_department, can, oversees_region

pytestmark = pytest.mark.django_db


def test_regions_are_public_with_their_parent_codes():
    county = RegionFactory(county=True)
    body = Client().get("/api/v1/orgs/regions").json()
    by_code = {r["code"]: r for r in body}
    assert by_code["440000"]["parent"] is None
    assert by_code[county.code] == {
        "code": county.code,
        "name": county.name,
        "level": 4,
        "parent": county.parent.code,
    }


def test_departments_are_public_with_their_region_and_phone():
    department = DepartmentFactory(phone="020-12345678", short_name="测试局")
    body = Client().get("/api/v1/orgs/departments").json()
    assert {
        "code": department.code,
        "name": department.name,
        "short_name": "测试局",
        "region": department.region.code,
        "phone": "020-12345678",
    } in body


@pytest.fixture
def department():
    return DepartmentFactory()


def staff_url(department) -> str:
    return f"/api/v1/orgs/departments/{department.code}/staff"


def test_department_staff_lists_masked_names_and_only_this_departments_roles(department):
    head = StaffFactory(head=True, department=department, name="周科长")
    StaffFactory(department=DepartmentFactory(), username="elsewhere")
    clerk = StaffFactory(intake=True, department=department, name="陈晓窗")
    StaffFactory(head=True, department=DepartmentFactory(), username="twice")  # another department only
    response = console_client(head).get(staff_url(department))
    assert response.status_code == 200
    rows = {r["username"]: r for r in response.json()}
    assert set(rows) == {head.username, clerk.username}
    assert rows[clerk.username] == {"username": clerk.username, "name": "*晓窗", "roles": ["intake_clerk"]}


def test_roles_in_other_departments_are_not_shown(department):
    both = StaffFactory(handling=True, department=department)
    other = DepartmentFactory()
    from tongban.accounts.models import StaffAssignment

    StaffAssignment.objects.create(user=both, department=other, role=StaffRole.DEPARTMENT_HEAD, scope=other.region)
    rows = console_client(both).get(staff_url(department)).json()
    assert rows == [{"username": both.username, "name": rows[0]["name"], "roles": ["handling_clerk"]}]


def test_a_supervisor_above_the_department_may_see_its_staff(department):
    StaffFactory(department=department)
    supervisor = StaffFactory(supervisor=True, scope=department.region.parent)
    assert console_client(supervisor).get(staff_url(department)).status_code == 200


@pytest.mark.parametrize(
    "who",
    ["anonymous", "citizen", "other_department", "supervisor_elsewhere"],
)
def test_department_staff_is_refused_to_others(department, who):
    StaffFactory(department=department)
    if who == "anonymous":
        client = Client()
    elif who == "citizen":
        client = portal_client(CitizenFactory())
    elif who == "other_department":
        client = console_client(StaffFactory(head=True))
    else:
        client = console_client(StaffFactory(supervisor=True))  # scoped to its own city
    response = client.get(staff_url(department))
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"code", "message"}


def test_an_unknown_department_is_not_found(department):
    response = console_client(StaffFactory(department=department)).get("/api/v1/orgs/departments/NOPE/staff")
    assert response.status_code == 404


def test_a_role_counts_only_where_its_scope_covers_the_department():
    city = RegionFactory()
    county = RegionFactory(county=True, parent=city)
    department = DepartmentFactory(region=county)
    clerk = StaffFactory(department=department)
    outside = StaffFactory(department=department, scope=RegionFactory())  # scope elsewhere: grants nothing
    assert acts_in_department(clerk, department)
    assert acts_in_department(clerk, department, (StaffRole.HANDLING_CLERK,))
    assert not acts_in_department(clerk, department, (StaffRole.DEPARTMENT_HEAD,))
    assert not acts_in_department(outside, department)


def test_supervisors_oversee_their_scope_and_below():
    city = RegionFactory()
    county = RegionFactory(county=True, parent=city)
    supervisor = StaffFactory(supervisor=True, scope=city)
    assert oversees_region(supervisor, county) and oversees_region(supervisor, city)
    assert not oversees_region(supervisor, city.parent)
    assert not oversees_region(StaffFactory(head=True), county)  # heads are not supervisors


def test_only_people_with_an_assignment_enter_the_console():
    assert can(StaffFactory(), "console.enter")
    assert not can(CitizenFactory(), "console.enter")


def test_an_inactive_member_of_staff_may_do_nothing(department):
    head = StaffFactory(head=True, department=department)
    head.is_active = False
    head.save(update_fields=["is_active"])
    assert not can(head, "orgs.view_department_staff", department)
