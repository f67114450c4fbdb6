"""Who may do what with a case (rules for `ensure_can(user, "cases.<action>", case)`).

- A task of the process (受理, 审查, 决定 …) is worked by whoever holds its role in its department
  (`works_task`); an intake task also at a comprehensive window that covers the department (收办分离).
  `cases.guards` combines this with the case's state for every staff action.
- Handling clerks (业务办理员) and heads of the department transfer; the window too.
- The department head (部门负责人) approves special procedures (extensions).
- Supervisors (电子监察员) read cases within their region and issue 督办; administrators read.
- The applicant (or the person acting for the company) reads, supplements and withdraws.
"""

from __future__ import annotations

from typing import Any

from tongban.accounts.models import Representation, StaffRole, User, UserKind
from tongban.accounts.permissions import acts_in_department, assignments, oversees_region, rule
from tongban.cases.models import Case, CaseTask, Supervision

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
    """Staff of the case's department or its tasks, its intake window, its supervisors — and the
    clerk who filed it at a window (they can always open what they filed)."""
    return (
        case.filed_by_id == user.pk
        or acts_in_department(user, case.department)
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


def works_task(user: User, case: Case, task: CaseTask) -> bool:
    """Holds the task's role in the task's department (an intake task also at a comprehensive window
    that covers the department, 收办分离): who may claim it and act on it."""
    if acts_in_department(user, task.department, (task.role,)):
        return True
    return task.role == StaffRole.INTAKE_CLERK and intake_for(user, case)


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


@rule("cases.supervise")
def _supervise(user: User, case: Case) -> bool:
    """督办: a supervisor whose region covers the case's department (as on the oversight page), or the
    head of the case's department."""
    return acts_in_department(user, case.department, HEAD) or any(
        case.department.region.is_within(a.scope) for a in assignments(user, (StaffRole.SUPERVISOR,))
    )


def answers_supervision(user: User, supervision: Supervision) -> bool:
    """Who answers a 督办 (and sees it on their to-do list): the clerk it names and the department's
    heads; when it names nobody, also every handling clerk of the department."""
    if supervision.clerk_id is not None and supervision.clerk_id == user.pk:
        return True
    roles = HEAD if supervision.clerk_id is not None else (*HANDLING, *HEAD)
    return acts_in_department(user, supervision.department, roles)
