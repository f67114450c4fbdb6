"""The lists of the cases API as an app pages them: my cases newest first, a clerk's to-do list
soonest due first with its yellow and red counts, the oversight list narrowed by state; each list
for its kind of account only."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import CaseFactory, CitizenFactory, ServiceItemFactory, StaffFactory
from tests.factories.accounts import staff_of
from tongban.accounts.models import StaffRole
from tongban.accounts.tokens import issue_api_token
from tongban.cases import services

pytestmark = pytest.mark.django_db

API = "/api/v1/cases"


def api(user) -> Client:
    """A client that sends `user`'s bearer token with every request."""
    token = issue_api_token(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_my_cases_newest_first_and_paged():
    citizen = CitizenFactory(verified=True)
    numbers = [CaseFactory(applicant=citizen, item=ServiceItemFactory()).number for _ in range(3)]
    CaseFactory()  # someone else's
    client = api(citizen)
    listed = [c["number"] for c in client.get(f"{API}/mine").json()]
    assert listed == list(reversed(numbers))
    assert [c["number"] for c in client.get(f"{API}/mine", {"limit": 2}).json()] == listed[:2]
    assert [c["number"] for c in client.get(f"{API}/mine", {"limit": 2, "offset": 2}).json()] == listed[2:]
    assert client.get(f"{API}/mine", {"offset": 3}).json() == []


def test_a_page_of_no_size_is_one_case():
    citizen = CitizenFactory(verified=True)
    CaseFactory(applicant=citizen)
    CaseFactory(applicant=citizen, item=ServiceItemFactory())
    assert len(api(citizen).get(f"{API}/mine", {"limit": 0}).json()) == 1


def test_my_case_gives_the_query_code_to_its_owner_and_the_status_in_words():
    case = CaseFactory(accepted=True)
    detail = api(case.applicant).get(f"{API}/mine/{case.number}").json()
    assert detail["number"] == case.number and detail["status"] == "accepted"
    assert detail["status_label"] == "已受理"


def test_staff_lists_are_for_staff_and_my_cases_for_citizens():
    citizen = CitizenFactory()
    for path in ("/staff/tasks", "/staff/oversight"):
        response = api(citizen).get(API + path)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    response = api(StaffFactory()).get(f"{API}/mine")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_the_to_do_list_counts_yellow_and_red_and_puts_the_soonest_due_first():
    green = CaseFactory(accepted=True)
    department = green.department
    red = CaseFactory(overdue=True, item=ServiceItemFactory(department=department))
    yellow = CaseFactory(yellow=True, item=ServiceItemFactory(department=department))
    clerk = staff_of(department, StaffRole.HANDLING_CLERK)
    body = api(clerk).get(f"{API}/staff/tasks").json()
    assert body["counts"] == {"total": 3, "yellow": 1, "red": 1}
    assert [t["case_number"] for t in body["tasks"]] == [red.number, yellow.number, green.number]
    page = api(clerk).get(f"{API}/staff/tasks", {"limit": 1, "offset": 1}).json()
    assert [t["case_number"] for t in page["tasks"]] == [yellow.number]
    assert page["counts"]["total"] == 3  # the counts are of the whole list


def test_the_to_do_list_by_status_shows_what_i_claimed():
    case = CaseFactory(accepted=True)
    clerk = staff_of(case.department, StaffRole.HANDLING_CLERK)
    CaseFactory(accepted=True, item=ServiceItemFactory(department=case.department))
    task = case.tasks.get(bpmn_id="review")
    services.claim_task(task=task, clerk=clerk, expected_version=task.version)
    claimed = api(clerk).get(f"{API}/staff/tasks", {"status": "claimed"}).json()
    assert [t["case_number"] for t in claimed["tasks"]] == [case.number]
    assert api(clerk).get(f"{API}/staff/tasks", {"status": "open"}).json()["counts"]["total"] == 1


def test_oversight_lists_only_flagged_cases_and_narrows_by_state():
    red = CaseFactory(overdue=True)
    department = red.department
    yellow = CaseFactory(yellow=True, item=ServiceItemFactory(department=department))
    CaseFactory(accepted=True, item=ServiceItemFactory(department=department))  # green: not listed
    supervisor = StaffFactory(supervisor=True, department=department)
    client = api(supervisor)
    body = client.get(f"{API}/staff/oversight").json()
    assert body["counts"] == {"total": 2, "yellow": 1, "red": 1}
    assert [c["number"] for c in body["cases"]] == [red.number, yellow.number]
    assert {c["clock_state"] for c in body["cases"]} == {"red", "yellow"}
    only_red = client.get(f"{API}/staff/oversight", {"state": "red"}).json()
    assert [c["number"] for c in only_red["cases"]] == [red.number]


def test_a_clerk_without_oversight_is_refused_the_oversight_list():
    case = CaseFactory(overdue=True)
    response = api(staff_of(case.department, StaffRole.HANDLING_CLERK)).get(f"{API}/staff/oversight")
    assert response.status_code == 403
