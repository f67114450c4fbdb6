"""撤回 and 移交: the applicant withdraws at any open stage (a bundle with all its open items, an item
alone with its bundle told), the clock's pauses close, nothing stays on anyone's to-do list; a
clerk moves a case to another department's queue with the reason, the claim dropped."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import BundleCaseFactory, BundleFactory, CaseFactory, DepartmentFactory, ServiceItemFactory
from tests.factories.accounts import staff_of
from tests.factories.cases import _Clerks, advance
from tongban.accounts.models import StaffRole
from tongban.cases import selectors, services
from tongban.cases.errors import Conflict
from tongban.cases.models import Case, CaseStatus, ClockPause, TaskStatus
from tongban.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def withdraw(case: Case, reason: str = "不需要了", by=None) -> Case:
    case = fresh(case)
    return services.withdraw_case(case=case, applicant=by or case.applicant, reason=reason)


# --- withdrawal by the applicant --------------------------------------------------------------------


@pytest.mark.parametrize("trait", ["submitted", "accepted", "in_review", "supplement_requested"])
def test_the_applicant_withdraws_at_any_open_stage_and_no_task_is_left(trait):
    case = CaseFactory(**{trait: True})
    withdraw(case, reason="已在别处办理")
    case = fresh(case)
    assert case.status == CaseStatus.WITHDRAWN and case.concluded_at is not None
    assert case.decision_text == "已在别处办理"
    assert not case.tasks.exclude(status=TaskStatus.DONE).exists()
    assert not ClockPause.objects.filter(case=case, ended_on__isnull=True).exists()
    assert AuditEntry.objects.filter(action="case.withdraw", subject_id=str(case.pk)).exists()
    event = case.events.filter(public=True).order_by("-pk").first()
    assert (event.label, event.comment) == ("已撤回", "已在别处办理")


def test_a_withdrawn_case_leaves_the_clerks_to_do_list():
    case = CaseFactory(accepted=True)
    clerk = staff_of(case.department, StaffRole.HANDLING_CLERK)
    assert case.pk in [t.case_id for t in selectors.todo_for(clerk=clerk)[0]]
    withdraw(case)
    assert case.pk not in [t.case_id for t in selectors.todo_for(clerk=clerk)[0]]


@pytest.mark.parametrize("trait", ["approved", "refused", "refused_at_intake", "withdrawn"])
def test_after_the_decision_there_is_nothing_to_withdraw(trait):
    case = CaseFactory(**{trait: True})
    with pytest.raises(Conflict):
        withdraw(case)
    assert fresh(case).status == case.status


def test_staff_cannot_withdraw_in_the_applicants_name():
    case = CaseFactory()
    with pytest.raises(PermissionDenied):
        withdraw(case, by=staff_of(case.department, StaffRole.INTAKE_CLERK))
    assert fresh(case).status == CaseStatus.SUBMITTED


def test_the_company_withdraws_through_its_representative():
    case = CaseFactory(for_company=True)
    withdraw(case, by=case.acting_for.legal_representative)
    assert fresh(case).status == CaseStatus.WITHDRAWN


def test_withdrawing_a_bundle_withdraws_its_open_items_and_keeps_the_decided_ones():
    first, second = ServiceItemFactory(), ServiceItemFactory()
    parent = BundleCaseFactory(bundle=BundleFactory(items=[first, second]))
    advance(parent.children.get(item=first), "approved", _Clerks({}))
    withdraw(parent, reason="改为线下办理")
    statuses = dict(Case.objects.filter(bundle_case=parent).values_list("item_id", "status"))
    assert statuses == {first.pk: CaseStatus.APPROVED, second.pk: CaseStatus.WITHDRAWN}
    assert fresh(parent).status == CaseStatus.WITHDRAWN


def test_withdrawing_one_item_of_a_bundle_leaves_the_others_running():
    first, second = ServiceItemFactory(), ServiceItemFactory()
    parent = BundleCaseFactory(bundle=BundleFactory(items=[first, second]))
    withdraw(parent.children.get(item=first))
    other = parent.children.get(item=second)
    assert other.status == CaseStatus.SUBMITTED
    assert fresh(parent).is_open


def test_a_follower_waiting_for_a_withdrawn_item_is_stopped_with_it():
    birth = ServiceItemFactory(result={"name": "出生医学证明"})
    registration = ServiceItemFactory(
        materials=[{"name": "出生医学证明", "required": True, "form": "electronic", "source": "applicant"}]
    )
    parent = BundleCaseFactory(bundle=BundleFactory(items=[birth, registration]))
    follower = parent.children.get(item=registration)
    assert follower.status == CaseStatus.WAITING
    withdraw(parent.children.get(item=birth))
    assert not fresh(follower).is_open


# --- withdrawal recorded by a clerk -------------------------------------------------------------------


def test_a_clerk_records_a_withdrawal_asked_for_with_how_it_was_asked():
    case = CaseFactory(accepted=True)
    clerk = staff_of(case.department, StaffRole.INTAKE_CLERK)
    with pytest.raises(ValidationError) as missing:
        services.withdraw_on_request(case=fresh(case), clerk=clerk, reason=" ", expected_version=case.version)
    assert missing.value.code == "reason_required"
    services.withdraw_on_request(
        case=fresh(case), clerk=clerk, reason="申请人今日到窗口书面申请撤回", expected_version=fresh(case).version
    )
    case = fresh(case)
    assert case.status == CaseStatus.WITHDRAWN
    assert case.decision_text == "应申请人要求撤回：申请人今日到窗口书面申请撤回"
    assert AuditEntry.objects.filter(action="case.withdraw_on_request", subject_id=str(case.pk)).exists()


def test_a_stale_form_does_not_withdraw():
    case = CaseFactory(accepted=True)
    clerk = staff_of(case.department, StaffRole.INTAKE_CLERK)
    with pytest.raises(Conflict):
        services.withdraw_on_request(
            case=fresh(case), clerk=clerk, reason="电话申请", expected_version=case.version - 1
        )
    assert fresh(case).status == CaseStatus.ACCEPTED


# --- transfer -----------------------------------------------------------------------------------------


def transfer(case: Case, to, reason: str = "属该部门职责", clerk=None) -> Case:
    case = fresh(case)
    clerk = clerk or staff_of(case.department, StaffRole.HANDLING_CLERK)
    return services.transfer_case(case=case, clerk=clerk, department=to, reason=reason, expected_version=case.version)


def test_a_transfer_moves_the_open_task_unclaimed_with_its_reason():
    case = CaseFactory(accepted=True)
    clerk = staff_of(case.department, StaffRole.HANDLING_CLERK)
    task = case.tasks.get(bpmn_id="review")
    services.claim_task(task=task, clerk=clerk, expected_version=task.version)
    police = DepartmentFactory(region=case.department.region)
    transfer(case, police, clerk=clerk)
    case = fresh(case)
    assert case.department == police
    task.refresh_from_db()
    assert (task.department, task.status, task.claimed_by) == (police, TaskStatus.OPEN, None)
    event = case.events.filter(public=True).order_by("-pk").first()
    assert event.label == f"移交至{police.name}" and event.comment == "属该部门职责"
    police_clerk = staff_of(police, StaffRole.HANDLING_CLERK)
    assert [t.case_id for t in selectors.todo_for(clerk=police_clerk)[0]] == [case.pk]
    assert case.pk not in [t.case_id for t in selectors.todo_for(clerk=clerk)[0]]


def test_a_transfer_needs_a_reason_and_another_department():
    case = CaseFactory(accepted=True)
    with pytest.raises(ValidationError) as no_reason:
        transfer(case, DepartmentFactory(), reason="  ")
    assert no_reason.value.code == "reason_required"
    with pytest.raises(ValidationError) as same:
        transfer(case, case.department)
    assert same.value.code == "same_department"
    assert fresh(case).department == case.department


def test_a_transfer_is_audited_from_and_to():
    case = CaseFactory(accepted=True)
    old = case.department
    police = DepartmentFactory()
    transfer(case, police)
    entry = AuditEntry.objects.get(action="case.transfer", subject_id=str(case.pk))
    assert (entry.details["from_department"], entry.details["to_department"]) == (old.code, police.code)
    assert entry.data_subject == case.applicant


def test_a_clerk_of_another_department_cannot_transfer_it():
    case = CaseFactory(accepted=True)
    stranger = staff_of(DepartmentFactory(), StaffRole.HANDLING_CLERK)
    with pytest.raises(PermissionDenied):
        transfer(case, stranger.assignments.get().department, clerk=stranger)
    assert fresh(case).department == case.department
