"""Handling by clerks: claim, release, accept, refuse at intake, review, decide, transfer."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from tongban.cases import flow, guards
from tongban.cases.errors import Conflict
from tongban.cases.models import (
    Case,
    CaseStatus,
    CaseTask,
    TaskStatus,
)
from tongban.cases.permissions import works_task
from tongban.cases.services.common import (
    N_,
    announce_status,
    audit_case,
    finish_task,
    lock_case,
    record_event,
    save_case,
)
from tongban.cases.services.concluding import conclude
from tongban.cases.services.starting import ACCEPT_FIELDS, accept_step
from tongban.orgs.models import Department


@transaction.atomic
def claim_task(*, task: CaseTask, clerk: Any, expected_version: int) -> CaseTask:
    """认领: the clerk takes the task; of two clerks claiming at once, one gets Conflict."""
    case = Case.objects.select_related("department__region", "applicant").get(pk=task.case_id)
    guards.check_claim(clerk, case, task)
    rows = CaseTask.objects.filter(pk=task.pk, version=expected_version, status=TaskStatus.OPEN).update(
        status=TaskStatus.CLAIMED, claimed_by=clerk, version=F("version") + 1
    )
    if not rows:
        raise Conflict(_("该任务已被他人认领或已办理，请刷新后重试。"))
    task.refresh_from_db()
    record_event(case, actor=clerk, action="claim", label=N_("认领：%(task)s") % {"task": task.name}, public=False)
    audit_case(case, actor=clerk, action="claim", task=task.name)
    return task


@transaction.atomic
def release_task(*, task: CaseTask, clerk: Any, expected_version: int) -> CaseTask:
    """退回待办: the claiming clerk (or the department head) puts the task back in the queue.

    `expected_version` is the task's: of a release and another action on the task at once, one wins.
    """
    case = Case.objects.select_related("department__region", "applicant").get(pk=task.case_id)
    if task.version != expected_version:
        raise Conflict(_("该任务已被他人处理或已更新（不再是办理中状态），请刷新后重试。"))
    guards.check_release(clerk, case, task)
    rows = CaseTask.objects.filter(pk=task.pk, status=TaskStatus.CLAIMED, version=expected_version).update(
        status=TaskStatus.OPEN, claimed_by=None, version=F("version") + 1
    )
    if not rows:
        raise Conflict(_("该任务已被他人处理或已更新（不再是办理中状态），请刷新后重试。"))
    task.refresh_from_db()
    record_event(
        case, actor=clerk, action="release", label=N_("退回待办：%(task)s") % {"task": task.name}, public=False
    )
    audit_case(case, actor=clerk, action="release", task=task.name)
    return task


@transaction.atomic
def accept_case(*, case: Case, clerk: Any, expected_version: int) -> Case:
    """受理: the time limit counts from the next working day."""
    case = lock_case(case, expected_version)
    task = guards.checked_task(guards.check_accept, clerk, case, guards.INTAKE_STEPS)
    take_task(task, clerk)
    step = accept_step(case, actor=clerk, task=task)
    save_case(case, *ACCEPT_FIELDS)
    audit_case(case, actor=clerk, action="accept")
    if step is not None and step.finished and step.result is not None:
        conclude(case, step.result, actor=clerk)
    else:
        claim_next(case, clerk)
    return case


@transaction.atomic
def refuse_at_intake(*, case: Case, clerk: Any, reasons: list[str], legal_basis: str, expected_version: int) -> Case:
    """不予受理: with the reasons and the legal basis, told to the applicant."""
    reasons = [r.strip() for r in reasons if r and r.strip()]
    if not reasons or not legal_basis.strip():
        raise ValidationError(_("不予受理须写明理由和法律依据。"), code="reasons_required")
    case = lock_case(case, expected_version)
    task = guards.checked_task(guards.check_refuse_at_intake, clerk, case, guards.INTAKE_STEPS)
    take_task(task, clerk)
    step = flow.complete(case, task, outcome="refuse", reasons=reasons)
    finish_task(task, clerk, "refuse")
    text = N_("不予受理理由：%(reasons)s。依据：%(basis)s") % {
        "reasons": "；".join(reasons),
        "basis": legal_basis.strip(),
    }
    audit_case(case, actor=clerk, action="refuse_at_intake", reasons=reasons, legal_basis=legal_basis)
    conclude(case, step.result or {"decision": "not_accepted"}, actor=clerk, text=text)
    return case


@transaction.atomic
def review_case(*, case: Case, clerk: Any, agree: bool, comment: str, expected_version: int) -> Case:
    """审查: the handling clerk's opinion (并联审批: one department's opinion)."""
    case = lock_case(case, expected_version)
    task = guards.checked_task(guards.check_review, clerk, case, guards.REVIEW_STEPS)
    take_task(task, clerk)
    agreeing = "pass" if task.bpmn_id == "review" else "approve"
    outcome = agreeing if agree else "refuse"
    step = flow.complete(case, task, outcome=outcome, reasons=[comment] if comment else [])
    finish_task(task, clerk, outcome)
    flow.sync_tasks(case, step.state)
    case.status = CaseStatus.IN_REVIEW
    save_case(case, "status", "workflow_state", "process_version")
    label = N_("审查通过") if agree else N_("审查意见：不同意")
    record_event(case, actor=clerk, action="review", label=label, comment=comment, public=True)
    audit_case(case, actor=clerk, action="review", agree=agree, comment=comment)
    if step.finished and step.result is not None:
        conclude(case, step.result, actor=clerk)
    else:
        claim_next(case, clerk)
    return case


@transaction.atomic
def decide_case(*, case: Case, clerk: Any, approve: bool, decision_text: str, expected_version: int) -> Case:
    """决定: approve or refuse with the decision text (refusals must give reasons)."""
    if not approve and not decision_text.strip():
        raise ValidationError(_("不予许可须写明理由。"), code="reasons_required")
    case = lock_case(case, expected_version)
    task = guards.checked_task(guards.check_decide, clerk, case, guards.DECISION_STEPS)
    take_task(task, clerk)
    outcome = "approve" if approve else "refuse"
    step = flow.complete(case, task, outcome=outcome, reasons=[decision_text] if decision_text else [])
    finish_task(task, clerk, outcome)
    audit_case(case, actor=clerk, action="decide", approve=approve)
    if step.finished and step.result is not None:
        conclude(case, step.result, actor=clerk, text=decision_text.strip())
    else:
        flow.sync_tasks(case, step.state)
        save_case(case, "workflow_state", "process_version")
        claim_next(case, clerk)
    return case


@transaction.atomic
def transfer_case(*, case: Case, clerk: Any, department: Department, reason: str, expected_version: int) -> Case:
    """移交: the case moves to another department's queue, with the reason."""
    if not reason.strip():
        raise ValidationError(_("移交须写明原因。"), code="reason_required")
    case = lock_case(case, expected_version)
    guards.check_transfer(clerk, case, None)
    if department.pk == case.department_id:
        raise ValidationError(_("请选择另一个部门。"), code="same_department")
    old = case.department
    CaseTask.objects.filter(case=case, department=old).exclude(status=TaskStatus.DONE).update(
        department=department, status=TaskStatus.OPEN, claimed_by=None, version=F("version") + 1
    )
    case.department = department
    save_case(case, "department")
    audit_case(
        case, actor=clerk, action="transfer", from_department=old.code, to_department=department.code, reason=reason
    )
    announce_status(
        case,
        actor=clerk,
        action="transfer",
        label=N_("移交至%(to)s") % {"to": department.name},
        comment=reason.strip(),
    )
    return case


def take_task(task: CaseTask, clerk: Any) -> None:
    """Acting on an open task claims it for the clerk in the same transaction (no separate 认领);
    a task someone else claimed or finished meanwhile is a Conflict."""
    rows = (
        CaseTask.objects.filter(pk=task.pk, status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED))
        .filter(Q(claimed_by__isnull=True) | Q(claimed_by=clerk))
        .update(status=TaskStatus.CLAIMED, claimed_by=clerk, version=F("version") + 1)
    )
    if not rows:
        raise Conflict(_("该任务已被他人认领或已办理，请刷新后重试。"))


def claim_next(case: Case, clerk: Any) -> None:
    """继续办理: the case's open tasks that the clerk's roles cover are claimed for them, so whoever
    continues the same case at the next step needs no second claim."""
    for task in guards.open_tasks(case):
        if task.status == TaskStatus.OPEN and not task.waits_for_applicant and works_task(clerk, case, task):
            CaseTask.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(
                status=TaskStatus.CLAIMED, claimed_by=clerk, version=F("version") + 1
            )
