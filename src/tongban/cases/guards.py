"""What each staff action on a case requires — checked by the service that performs it and by the
action table (`cases.actions`) that offers it, through the same function, so that nothing offered
is then refused and nothing refused is offered.

A check takes `(user, case, target)` — the target being the task the action works on, a 督办, or
None for the case as a whole — and raises what the service raises: `PermissionDenied` (not this
person), `Conflict` (not in this state, or someone else has it) or `ValidationError` (the law or the
process does not allow it now). `passes` turns a check into a yes or no. Checks of what was typed
(a reason left empty …) stay in the services: they depend on the input, not on the case.

A task of the process is worked by whoever holds its role in its department (`works_task`);
acting on an open task claims it (`services.handling.take_task`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.models import StaffRole, User
from tongban.accounts.permissions import acts_in_department, ensure_can
from tongban.cases import flow
from tongban.cases.errors import Conflict
from tongban.cases.models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    RUNNING_STATUSES,
    Case,
    CaseStatus,
    CaseTask,
    Supervision,
    TaskStatus,
)
from tongban.cases.permissions import answers_supervision, works_task

Target = CaseTask | Supervision | None
Check = Callable[[User, Case, Target], None]

#: The process steps (BPMN user-task ids) each kind of staff action works on.
INTAKE_STEPS = frozenset({"accept"})
REVIEW_STEPS = frozenset({"review", "department_review"})
DECISION_STEPS = frozenset({"decide", "manual_review"})
SUPPLEMENT_STEPS = frozenset({"accept", "review"})  # 补正 is asked at intake or in the single review


def passes(check: Check, user: User, case: Case, target: Target) -> bool:
    """Whether `check` lets `user` act on `case` (and `target`) now."""
    try:
        check(user, case, target)
    except (PermissionDenied, Conflict, ValidationError):
        return False
    return True


def tasks_of(case: Case) -> list[CaseTask]:
    """All the case's tasks with their departments — the prefetched ones when `case.tasks` was
    prefetched (as `cases.actions` does for a page), else one query."""
    if "tasks" in getattr(case, "_prefetched_objects_cache", {}):
        return list(case.tasks.all())
    return list(case.tasks.select_related("department__region", "claimed_by"))


def open_tasks(case: Case) -> list[CaseTask]:
    """The case's tasks not done yet."""
    return [t for t in tasks_of(case) if t.status != TaskStatus.DONE]


def task_for(case: Case, user: User, steps: Iterable[str]) -> CaseTask | None:
    """The open task of one of `steps` that `user` would act on: theirs, else one they may take, else
    any (whose check then says why not)."""
    wanted = set(steps)
    tasks = [t for t in open_tasks(case) if t.bpmn_id in wanted]
    return (
        next((t for t in tasks if t.claimed_by_id == user.pk), None)
        or next((t for t in tasks if t.status == TaskStatus.OPEN and works_task(user, case, t)), None)
        or next((t for t in tasks if works_task(user, case, t)), None)
        or (tasks[0] if tasks else None)
    )


def checked_task(check: Check, user: User, case: Case, steps: Iterable[str]) -> CaseTask:
    """For the services: the task `user` acts on at one of `steps`, once `check` let them."""
    task = task_for(case, user, steps)
    check(user, case, task)
    if task is None:  # every task check refuses a missing task already
        raise Conflict(_("该办件当前不在这个环节，请刷新页面查看最新状态。"))
    return task


def _task(target: Target, steps: Iterable[str] | None = None) -> CaseTask:
    if not isinstance(target, CaseTask) or target.status == TaskStatus.DONE:
        raise Conflict(_("该办件当前不在这个环节，请刷新页面查看最新状态。"))
    if steps is not None and target.bpmn_id not in set(steps):
        raise Conflict(_("该办件当前不在这个环节，请刷新页面查看最新状态。"))
    return target


def _role_refused(task: CaseTask) -> PermissionDenied:
    role = StaffRole(task.role).label if task.role in StaffRole.values else task.role
    return PermissionDenied(_("“%(task)s”环节需要“%(role)s”岗位办理。") % {"task": task.name, "role": role})


def _works(user: User, case: Case, target: Target, steps: Iterable[str]) -> CaseTask:
    """The task is at one of `steps`, `user` holds its role, and nobody else has claimed it."""
    task = _task(target, steps)
    if not works_task(user, case, task):
        raise _role_refused(task)
    if task.status == TaskStatus.CLAIMED and task.claimed_by_id != user.pk:
        raise Conflict(_("该任务已由%(name)s认领办理。") % {"name": task.claimed_by.name if task.claimed_by else ""})
    return task


# --- tasks ------------------------------------------------------------------------------------------


def check_claim(user: User, case: Case, target: Target) -> None:
    """认领: an open task of the user's role that does not wait for the applicant."""
    task = _task(target)
    if task.waits_for_applicant:
        raise Conflict(_("该环节等待申请人补正，无需认领。"))
    if not works_task(user, case, task):
        raise _role_refused(task)
    if task.status != TaskStatus.OPEN:
        raise Conflict(_("该任务已被他人认领或已办理，请刷新后重试。"))


def check_release(user: User, case: Case, target: Target) -> None:
    """退回待认领: by the clerk who claimed the task, or a head of its department."""
    task = _task(target)
    if task.status != TaskStatus.CLAIMED:
        raise Conflict(_("该任务已被他人处理或已更新（不再是办理中状态），请刷新后重试。"))
    if task.claimed_by_id != user.pk and not acts_in_department(user, task.department, (StaffRole.DEPARTMENT_HEAD,)):
        raise PermissionDenied(_("只有认领人或部门负责人可以退回该任务。"))


def check_accept(user: User, case: Case, target: Target) -> None:
    """受理: the intake task of a case that is still 已申报."""
    _works(user, case, target, INTAKE_STEPS)
    if case.status != CaseStatus.SUBMITTED:
        raise Conflict(_("只有“已申报”的办件可以受理。"))


def check_refuse_at_intake(user: User, case: Case, target: Target) -> None:
    """不予受理: like 受理."""
    _works(user, case, target, INTAKE_STEPS)
    if case.status != CaseStatus.SUBMITTED:
        raise Conflict(_("只有“已申报”的办件可以不予受理。"))


def check_request_supplement(user: User, case: Case, target: Target) -> None:
    """一次性告知补正: at intake (within 5 working days of receipt) or in the review, once per step,
    where the process has a supplement step."""
    task = _works(user, case, target, SUPPLEMENT_STEPS)
    at_intake = task.bpmn_id == "accept"
    expected = (CaseStatus.SUBMITTED,) if at_intake else (CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW)
    if case.status not in expected:
        raise Conflict(_("该办件当前不能要求补正。"))
    if any(t.bpmn_id == task.bpmn_id and t.outcome == "supplement" for t in tasks_of(case)):
        raise ValidationError(
            _("%(stage)s环节已一次性告知过补正，依法不能再次要求补正；请依据已补正的材料作出处理。")
            % {"stage": _("受理") if at_intake else _("审查")},
            code="supplement_once",
        )
    if at_intake and case.intake_deadline is not None and timezone.localdate() > case.intake_deadline:
        raise ValidationError(
            _("已超过 5 个工作日的一次性告知期限，依法视为自收到申请之日起受理，不能再要求受理前补正。"),
            code="intake_deadline_passed",
        )
    if "supplement" not in flow.outcomes_of(task, case):
        raise ValidationError(
            _("该事项的办理流程在“%(task)s”环节不设补正，请受理后审查，或作出不予受理决定。") % {"task": task.name},
            code="supplement_not_in_process",
        )


def check_review(user: User, case: Case, target: Target) -> None:
    """审查 (并联审批: one department's review)."""
    _works(user, case, target, REVIEW_STEPS)
    if case.status not in (CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW):
        raise Conflict(_("该办件当前不在审查环节。"))


def check_decide(user: User, case: Case, target: Target) -> None:
    """决定 (即办件 no rule decided: 人工审核 by the handling clerk)."""
    _works(user, case, target, DECISION_STEPS)
    if case.status not in (CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW):
        raise Conflict(_("该办件当前不在决定环节。"))


# --- the case as a whole ----------------------------------------------------------------------------


def check_transfer(user: User, case: Case, target: Target) -> None:
    """移交 to another department, before the case is concluded."""
    ensure_can(user, "cases.transfer", case)
    if case.status in FINAL_STATUSES:
        raise Conflict(_("已办结的办件不能移交。"))


def check_start_special_procedure(user: User, case: Case, target: Target) -> None:
    """特别程序 or 延期, approved by the head, while the clock runs."""
    ensure_can(user, "cases.special_procedure", case)
    if case.status not in RUNNING_STATUSES:
        raise Conflict(_("只有办理中的办件可以启动特别程序。"))


def check_end_special_procedure(user: User, case: Case, target: Target) -> None:
    ensure_can(user, "cases.special_procedure", case)
    if case.status != CaseStatus.SPECIAL_PROCEDURE:
        raise Conflict(_("该办件不在特别程序中。"))


def check_withdraw_on_request(user: User, case: Case, target: Target) -> None:
    """代为撤回: before the decision."""
    ensure_can(user, "cases.withdraw_on_request", case)
    if case.status not in OPEN_STATUSES:
        raise Conflict(_("办件已作出决定，不能撤回。"))


def check_deliver(user: User, case: Case, target: Target) -> None:
    """送达登记: a result waiting at the window."""
    ensure_can(user, "cases.deliver", case)
    if not case.awaits_pickup:
        raise Conflict(_("该办件没有待领取的结果（可能已领取），请刷新后查看。"))


# --- 督办 ---------------------------------------------------------------------------------------------


def check_supervise(user: User, case: Case, target: Target) -> None:
    """督办: a supervisor of the region or a head of the department, while the case is open."""
    ensure_can(user, "cases.supervise", case)
    if case.status not in OPEN_STATUSES:
        raise Conflict(_("该办件已办结，无需督办。"))


def check_reply_supervision(user: User, case: Case, target: Target) -> None:
    """督办答复: by the clerk it names or the department (see `answers_supervision`), once."""
    if not isinstance(target, Supervision) or target.case_id != case.pk:
        raise Conflict(_("没有找到这条督办，请刷新后重试。"))
    if not answers_supervision(user, target):
        raise PermissionDenied(_("这条督办不是交给您的。"))
    if not target.is_open:
        raise Conflict(_("这条督办已经答复。"))
