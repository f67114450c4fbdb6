"""Someone else's case, over HTTP: another citizen, a clerk of another department, a supervisor of
another city get 404 on every page and every action of the table, and nothing changes — no status,
no version, no history, no file, no audit entry of a read. Those who may see it but not act are
turned away from the action with the case as it was."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import (
    CaseFactory,
    CitizenFactory,
    DepartmentFactory,
    RegionFactory,
    StaffFactory,
    console_client,
    portal_client,
)
from tests.factories.cases import pdf_upload
from tongban.cases import actions
from tongban.cases.models import Case, CaseEvent, MaterialFile
from tongban.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def snapshot(case: Case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    return (
        case.status,
        case.version,
        CaseEvent.objects.filter(case=case).count(),
        MaterialFile.objects.filter(case=case).count(),
        case.tasks.filter(claimed_by__isnull=False).count(),
    )


def reads_of(case: Case) -> int:
    return AuditEntry.objects.filter(action="personal_data.read", details__number=case.number).count()


# --- another citizen ----------------------------------------------------------------------------------


def test_another_citizen_cannot_download_my_result():
    case = CaseFactory(approved=True)
    assert portal_client(case.applicant).get(f"/my/cases/{case.number}/result/").status_code == 200
    response = portal_client(CitizenFactory()).get(f"/my/cases/{case.number}/result/")
    assert response.status_code == 404 and b"%PDF" not in response.content


def test_another_citizen_cannot_answer_my_supplement():
    case = CaseFactory(supplement_requested=True, item__with_materials=True)
    before = snapshot(case)
    other = portal_client(CitizenFactory())
    assert other.get(f"/my/cases/{case.number}/supplement/").status_code == 404
    response = other.post(
        f"/my/cases/{case.number}/supplement/",
        {"answers-area": "30", "reply-0": "已改正", "file-0": pdf_upload()},
    )
    assert response.status_code == 404
    assert snapshot(case) == before


def test_the_short_link_in_a_notice_leads_only_the_owner_to_the_case():
    case = CaseFactory()
    owner = portal_client(case.applicant)
    response = owner.get(f"/cases/{case.number}/", follow=True)
    assert response.status_code == 200 and case.number in response.content.decode()
    assert portal_client(CitizenFactory()).get(f"/cases/{case.number}/", follow=True).status_code == 404


def test_a_company_case_is_seen_by_the_company_and_its_representative_only():
    case = CaseFactory(for_company=True)
    assert portal_client(case.applicant).get(f"/my/cases/{case.number}/").status_code == 200
    assert portal_client(case.acting_for).get(f"/my/cases/{case.number}/").status_code == 200
    assert portal_client(CitizenFactory()).get(f"/my/cases/{case.number}/").status_code == 404


def test_another_citizen_cannot_withdraw_over_the_api():
    from tongban.accounts.tokens import issue_api_token

    case = CaseFactory(accepted=True)
    before = snapshot(case)
    token = issue_api_token(user=CitizenFactory(), name="test")
    response = Client().post(
        f"/api/v1/cases/mine/{case.number}/withdraw",
        {"reason": "不办了"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 404
    assert snapshot(case) == before


# --- a clerk of another department --------------------------------------------------------------------


@pytest.fixture
def outsider():
    """A handling clerk, head and intake clerk in one department of another city: every role, no case."""
    department = DepartmentFactory(region=RegionFactory())
    return StaffFactory(
        head=True,
        department=department,
        extra_roles=["handling_clerk", "intake_clerk"],
    )


@pytest.mark.parametrize("action", sorted(actions.ACTIONS))
def test_no_action_of_the_table_reaches_another_departments_case(outsider, action):
    case = CaseFactory(in_review=True)
    before = snapshot(case)
    client = console_client(outsider)
    response = client.post(
        f"/console/cases/{case.number}/act/{action}/",
        {"plain-expected_version": case.version, "expected_version": case.version, "reason": "x"},
    )
    assert response.status_code == 404
    assert snapshot(case) == before
    assert reads_of(case) == 0  # not even a read was recorded: nothing was shown


def test_pages_and_downloads_of_another_departments_case_are_404(outsider):
    case = CaseFactory(approved=True, item__with_materials=True)
    client = console_client(outsider)
    material = case.materials.exclude(file="").first()
    for url in (
        f"/console/cases/{case.number}/",
        f"/console/cases/{case.number}/materials/{material.pk}/",
        f"/console/cases/{case.number}/result/",
    ):
        response = client.get(url)
        assert response.status_code == 404 and b"%PDF" not in response.content, url
    assert case.number not in client.get("/console/cases/").content.decode()
    assert reads_of(case) == 0


def test_an_action_the_table_does_not_know_is_404_and_changes_nothing():
    case = CaseFactory()
    clerk = StaffFactory(intake=True, department=case.department)
    before = snapshot(case)
    response = console_client(clerk).post(f"/console/cases/{case.number}/act/approve_everything/", {})
    assert response.status_code == 404
    assert snapshot(case) == before


def test_a_supervisor_of_another_city_sees_nothing_one_of_the_city_reads_but_does_not_accept():
    case = CaseFactory()
    elsewhere = StaffFactory(supervisor=True, department__region=RegionFactory())
    assert console_client(elsewhere).get(f"/console/cases/{case.number}/").status_code == 404
    supervisor = StaffFactory(supervisor=True, department=case.department)
    client = console_client(supervisor)
    page = client.get(f"/console/cases/{case.number}/")
    assert page.status_code == 200 and reads_of(case) == 1  # the read is shown to the applicant
    before = snapshot(case)
    response = client.post(f"/console/cases/{case.number}/act/accept/", {"plain-expected_version": case.version})
    assert response.status_code == 302 and response["Location"] == f"/console/cases/{case.number}/"
    assert snapshot(case) == before
    follow = client.get(response["Location"]).content.decode()
    assert "当前不能进行此操作" in follow


def test_a_clerk_who_may_see_but_holds_another_role_is_not_offered_and_not_let_through():
    case = CaseFactory(in_review=True)  # the head's decision is next
    clerk = StaffFactory(handling=True, department=case.department)
    client = console_client(clerk)
    page = client.get(f"/console/cases/{case.number}/").content.decode()
    assert "/act/decide/" not in page and "/act/transfer/" in page  # offered what the role may do
    before = snapshot(case)
    response = client.post(
        f"/console/cases/{case.number}/act/decide/",
        {"plain-expected_version": case.version, "plain-approve": "1", "plain-decision_text": "准予"},
    )
    assert response.status_code == 302
    assert snapshot(case) == before


def test_staff_opening_the_applicants_page_are_sent_to_the_console_not_shown_it():
    case = CaseFactory(approved=True)
    head = StaffFactory(head=True, department=case.department)
    response = console_client(head).get(f"/my/cases/{case.number}/result/")
    assert response.status_code == 302 and response["Location"] == f"/console/cases/{case.number}/result/"
