"""Who may do what with a case (rules for `ensure_can(user, "cases.<action>", case)`).

- Intake clerks (综合窗口受理员) file at a window and accept or refuse at intake: in the case's
  department, or at the comprehensive window of a region that covers the department (收办分离).
- Handling clerks (业务办理员) of the department review, ask for supplements and transfer.
- The department head (部门负责人) decides and approves special procedures (extensions).
- Supervisors (电子监察员) and administrators read cases within their region, never act.
- The applicant (or the person acting for the company) reads, supplements and withdraws.
"""

from __future__ import annotations

from typing import Any

from tongban.accounts.models import Representation, StaffRole, User, UserKind
from tongban.accounts.permissions import acts_in_department, assignments, oversees_region, rule
from tongban.cases.models import Case

INTAKE = (StaffRole.INTAKE_CLERK,)
HANDLING = (StaffRole.HANDLING_CLERK,)
HEAD = (StaffRole.DEPARTMENT_HEAD,)


def is_applicant(user: User, case: Case) -> bool:
    if case.applicant_id == user.pk:
        return True
    if case.acting_for_id is not None and case.acting_for_id == user.pk:
        return True
    return bool(
        case.acting_for_id is not None
        and user.kind == UserKind.PERSON
        and Representation.objects.filter(legal_person_id=case.acting_for_id, person=user).exists()
    )


def intake_for(user: User, case: Case) -> bool:
    """An intake clerk of the department, or of a comprehensive window whose scope covers it."""
    if acts_in_department(user, case.department, INTAKE):
        return True
    return any(case.department.region.is_within(a.scope) for a in assignments(user, INTAKE))


def staff_sees(user: User, case: Case) -> bool:
    return (
        acts_in_department(user, case.department)
        or intake_for(user, case)
        or oversees_region(user, case.department.region)
        or any(acts_in_department(user, t.department) for t in case.tasks.all())
    )


@rule("cases.view")
def _view(user: User, case: Case) -> bool:
    if user.kind == UserKind.STAFF:
        return staff_sees(user, case)
    return is_applicant(user, case)


@rule("cases.oversee")
def _oversee(user: User, obj: Any) -> bool:
    """电子监察: supervisors, administrators and department heads see the yellow and red cases."""
    return bool(assignments(user, (StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR, *HEAD)))


@rule("cases.withdraw")
def _withdraw(user: User, case: Case) -> bool:
    return user.kind != UserKind.STAFF and is_applicant(user, case)


@rule("cases.withdraw_on_request")
def _withdraw_on_request(user: User, case: Case) -> bool:
    """代为撤回: staff of the case's department, or the intake window, record the applicant's request."""
    return acts_in_department(user, case.department, (*INTAKE, *HANDLING, *HEAD)) or intake_for(user, case)


@rule("cases.supplement")
def _supplement(user: User, case: Case) -> bool:
    return user.kind != UserKind.STAFF and is_applicant(user, case)


@rule("cases.file_at_window")
def _file_at_window(user: User, obj: Any) -> bool:
    return bool(assignments(user, INTAKE))


@rule("cases.claim")
def _claim(user: User, case: Case) -> bool:
    """Staff of the case's department, the intake window, or (并联审批) of a department with an open task."""
    roles = (*HANDLING, *HEAD, *INTAKE)
    return (
        acts_in_department(user, case.department, roles)
        or intake_for(user, case)
        or any(acts_in_department(user, d, roles) for d in _task_departments(case) if d.pk != case.department_id)
    )


@rule("cases.accept")
def _accept(user: User, case: Case) -> bool:
    return intake_for(user, case)


@rule("cases.refuse_at_intake")
def _refuse_at_intake(user: User, case: Case) -> bool:
    return intake_for(user, case)


@rule("cases.request_supplement")
def _request_supplement(user: User, case: Case) -> bool:
    return intake_for(user, case) or acts_in_department(user, case.department, HANDLING)


@rule("cases.review")
def _review(user: User, case: Case) -> bool:
    return any(acts_in_department(user, d, HANDLING) for d in _task_departments(case))


@rule("cases.decide")
def _decide(user: User, case: Case) -> bool:
    return acts_in_department(user, case.department, HEAD) or (
        # 即办 cases no rule decided: the handling clerk decides (人工审核)
        any(t.bpmn_id == "manual_review" and t.status != "done" for t in case.tasks.all())
        and acts_in_department(user, case.department, HANDLING)
    )


@rule("cases.transfer")
def _transfer(user: User, case: Case) -> bool:
    return acts_in_department(user, case.department, (*HANDLING, *HEAD)) or intake_for(user, case)


@rule("cases.deliver")
def _deliver(user: User, case: Case) -> bool:
    """送达登记: the case department's staff or a comprehensive window that covers it hand out results."""
    return acts_in_department(user, case.department, (*INTAKE, *HANDLING, *HEAD)) or intake_for(user, case)


@rule("cases.special_procedure")
def _special_procedure(user: User, case: Case) -> bool:
    return acts_in_department(user, case.department, HEAD)


def _task_departments(case: Case) -> list[Any]:
    departments = [t.department for t in case.tasks.all() if t.status != "done"]
    return departments or [case.department]
