"""The console home per role, and the department staff page (scoped like the API)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import CitizenFactory, DepartmentFactory, StaffFactory, console_client, portal_client
from tongban.accounts.models import StaffRole

pytestmark = pytest.mark.django_db

CONFIGURATION = {
    "catalog": "catalog_console:items",
    "synonyms": "search_console:synonyms",
    "queries": "search_console:queries",
    "calendar": "timelimits_console:calendar",
    "workflow": "workflow_console:definitions",
}


def links_on(page: str) -> set[str]:
    return {name for name, url in CONFIGURATION.items() if f'href="{reverse(url)}"' in page}


def test_the_console_needs_a_log_in_with_the_second_factor():
    response = Client().get("/console/")
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/?next=")
    staff = StaffFactory()
    half = Client()
    half.force_login(staff)  # password only: no TOTP in this session
    assert half.get("/console/")["Location"].startswith("/console/login/")


def test_a_citizen_is_sent_to_the_staff_log_in():
    response = portal_client(CitizenFactory()).get("/console/")
    assert response.status_code == 302 and "/console/login/" in response["Location"]


@pytest.mark.parametrize(
    ("trait", "expected"),
    [
        ("administrator", {"catalog", "synonyms", "queries", "calendar", "workflow"}),
        ("data_officer", {"synonyms", "queries"}),
        ("supervisor", {"queries"}),
        ("head", set()),
        ("handling", set()),
        ("intake", set()),
    ],
)
def test_the_home_offers_the_configuration_pages_a_role_may_open(trait, expected):
    page = console_client(StaffFactory(**{trait: True})).get("/console/").content.decode()
    assert links_on(page) == expected


def test_the_home_lists_my_roles_with_a_link_to_each_departments_staff():
    department = DepartmentFactory(name="天河区测试局")
    staff = StaffFactory(head=True, department=department, extra_roles=[StaffRole.HANDLING_CLERK])
    page = console_client(staff).get("/console/").content.decode()
    assert page.count("天河区测试局") >= 2
    assert "部门负责人" in page and "业务办理员" in page
    assert reverse("console:department_staff", args=[department.code]) in page
    assert reverse("cases_console:todo") in page  # the to-do list is one click away


def test_the_department_staff_page_lists_its_people_masked():
    department = DepartmentFactory()
    StaffFactory(head=True, department=department, name="周科长")
    StaffFactory(intake=True, department=department, name="陈晓窗")
    stranger = StaffFactory(name="吴外人")
    viewer = StaffFactory(handling=True, department=department, name="刘办理")  # shown in the header as themself
    page = console_client(viewer).get(f"/console/departments/{department.code}/staff/").content.decode()
    assert "*科长" in page and "*晓窗" in page
    assert "周科长" not in page and "吴外人" not in page and stranger.username not in page
    assert "综合窗口受理员" in page


def test_the_department_staff_page_is_refused_to_another_departments_staff():
    department = DepartmentFactory()
    StaffFactory(department=department)
    response = console_client(StaffFactory(head=True)).get(f"/console/departments/{department.code}/staff/")
    assert response.status_code == 403


def test_a_supervisor_sees_the_staff_of_departments_in_their_region():
    department = DepartmentFactory()
    supervisor = StaffFactory(supervisor=True, scope=department.region)
    assert console_client(supervisor).get(f"/console/departments/{department.code}/staff/").status_code == 200


def test_an_unknown_department_is_not_found():
    assert console_client(StaffFactory()).get("/console/departments/NOPE/staff/").status_code == 404
