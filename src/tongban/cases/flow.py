"""The cases side of the workflow engine: which process a case runs, its to-do rows, its state.

A thin adapter over `tongban.workflow.engine`: the case row stores the engine's JSON state
(`workflow_state`) and the definition version it started with (`process_version`); every user task
the engine waits on becomes a `CaseTask` for a department and a role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases.errors import Conflict
from tongban.cases.models import Case, CaseTask, TaskStatus
from tongban.catalog.models import ServiceItem
from tongban.orgs.models import Department
from tongban.workflow import engine
from tongban.workflow.engine import ProcessState, TaskInfo
from tongban.workflow.services import PARALLEL_KEY

DEFAULT_PROCESS = "single_review"
INSTANT_PROCESS = "instant"
PARALLEL_PROCESS = PARALLEL_KEY


def process_key_for(item: ServiceItem) -> str:
    """The item's own process (e.g. "instant" for an item decided by DMN rules), else the single review.

    An instant item (即办件) without its own process is not run through the instant rules (their
    table is written for one kind of item): it goes to the single review and the clerk decides it on
    the spot (see `needs_decision_on_the_spot`).
    """
    return item.process or DEFAULT_PROCESS


def needs_decision_on_the_spot(item: ServiceItem) -> bool:
    """即办件 handled by a clerk: no rules decide it, so the clerk accepts and decides at once."""
    return bool(item.is_instant and not item.process)


def _age(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def review_departments(item: ServiceItem) -> list[str]:
    """并联审批: the codes of the departments that review at once (`extra["departments"]`), else the item's own.

    Raises ValidationError (code `unknown_department`) when the item names a department that does
    not exist: the case would otherwise be routed silently to the wrong queue.
    """
    listed = (item.extra or {}).get("departments")
    codes = [str(c).strip() for c in listed if str(c).strip()] if isinstance(listed, list) else []
    codes = list(dict.fromkeys(codes))
    if not codes:
        return [item.department.code]
    known = set(Department.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError(
            _("事项“%(name)s”的并联审批部门不存在：%(codes)s，请联系管理员。")
            % {"name": item.name, "codes": "、".join(unknown)},
            code="unknown_department",
        )
    return codes


def process_data(*, item: ServiceItem, applicant: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """What the process sees: the item, the reviewing departments (并联, by code), and for instant rules
    the inputs from the answers, completed by what the platform knows (age from the population registry).

    No top-level `department`: the parallel review names each instance's department by that
    variable (multi-instance input item), and a task without one goes to the case's department.
    """
    key = process_key_for(item)
    data: dict[str, Any] = {"item": item.code}
    if key == PARALLEL_PROCESS:
        data["departments"] = review_departments(item)
    if key == INSTANT_PROCESS:
        data["age"] = answers.get("age", _age(getattr(applicant, "birth_date", None), timezone.localdate()))
        data["local_household"] = answers.get("local_household")
        data["already_receiving"] = answers.get("already_receiving")
    return data


def _workflow_failure(exc: engine.WorkflowError) -> ValidationError:
    """A workflow error as a message for the person acting (never a server error)."""
    if isinstance(exc, engine.ProcessNotFound):
        return ValidationError(
            _("该事项配置的办理流程不可用，暂时无法办理，请联系管理员。（%(detail)s）") % {"detail": exc.message},
            code=exc.code,
        )
    return ValidationError(
        _("办理流程无法继续：%(detail)s 请刷新后重试，或联系管理员。") % {"detail": exc.message}, code=exc.code
    )


def start(*, item: ServiceItem, applicant: Any, answers: dict[str, Any]) -> ProcessState:
    """启动流程 for a new case; a missing or broken process answers ValidationError, not a server error."""
    data = process_data(item=item, applicant=applicant, answers=answers)
    try:
        return engine.start_process(key=process_key_for(item), data=data)
    except engine.WorkflowError as exc:
        raise _workflow_failure(exc) from exc


def state_of(case: Case) -> ProcessState | None:
    return ProcessState.from_json(case.workflow_state) if case.workflow_state else None


def store(case: Case, state: ProcessState) -> None:
    case.workflow_state = state.to_json()
    case.process_version_id = state.definition_id


def _department_for(info: TaskInfo, case: Case) -> Department:
    if info.department and info.department != case.department.code:
        found = Department.objects.filter(code=info.department).first()
        if found is not None:
            return found
    return case.department


def sync_tasks(case: Case, state: ProcessState, *, new: bool = False) -> list[CaseTask]:
    """Make the to-do rows match the engine: new ready tasks open, vanished ones done.

    `new`: the case was just created and has no task rows yet (saves the look-up).
    """
    ready = {t.id: t for t in engine.ready_tasks(state)}
    existing = {} if new else {t.bpmn_task_id: t for t in case.tasks.exclude(status=TaskStatus.DONE)}
    now = timezone.now()
    for task_id, row in existing.items():
        if task_id not in ready:
            CaseTask.objects.filter(pk=row.pk).update(status=TaskStatus.DONE, done_at=now)
    created = [
        CaseTask(
            case=case,
            name=info.name,
            bpmn_id=info.bpmn_id,
            bpmn_task_id=info.id,
            role=info.role,
            department=_department_for(info, case),
            created_at=now,
        )
        for task_id, info in ready.items()
        if task_id not in existing
    ]
    if created:
        CaseTask.objects.bulk_create(created)
    return created


@dataclass(frozen=True)
class Step:
    """The result of completing a task: the new state and whether the process finished."""

    state: ProcessState
    finished: bool
    result: dict[str, Any] | None


def complete(case: Case, task: CaseTask, *, outcome: str, reasons: list[str] | None = None, **data: Any) -> Step:
    """办理任务 in the engine. A task done already → Conflict; any other workflow error → ValidationError."""
    state = state_of(case)
    if state is None:
        raise Conflict(_("该办件没有进行中的流程。"))
    try:
        state = engine.complete_task(
            state, task_id=task.bpmn_task_id, data={"outcome": outcome, "reasons": reasons or [], **data}
        )
    except engine.TaskNotReady as exc:
        raise Conflict(exc.message) from exc
    except engine.WorkflowError as exc:
        raise _workflow_failure(exc) from exc
    store(case, state)
    finished = engine.is_finished(state)
    return Step(state=state, finished=finished, result=_named(engine.result(state)) if finished else None)


def _named(result: dict[str, Any]) -> dict[str, Any]:
    """并联审批: the refusing departments' reasons with the departments' names instead of their codes."""
    reviews = result.get("reviews")
    if not isinstance(reviews, list) or not reviews:
        return result
    refusals = [r for r in reviews if isinstance(r, dict) and r.get("outcome") == "refuse"]
    if not refusals:
        return result
    codes = {str(r.get("department")) for r in refusals}
    names = dict(Department.objects.filter(code__in=codes).values_list("code", "name"))
    reasons = [
        f"{names.get(str(r.get('department')), str(r.get('department')))}：{reason}"
        for r in refusals
        for reason in ([str(x) for x in r.get("reasons") or [] if str(x).strip()] or [_("未说明理由")])
    ]
    return {**result, "reasons": reasons}


def cancel(case: Case) -> None:
    state = state_of(case)
    if state is None:
        return
    try:
        store(case, engine.cancel_process(state))
    except engine.WorkflowError as exc:
        raise _workflow_failure(exc) from exc


def outcomes_of(task: CaseTask, case: Case) -> tuple[str, ...]:
    state = state_of(case)
    if state is None:
        return ()
    for info in engine.ready_tasks(state):
        if info.id == task.bpmn_task_id:
            return info.outcomes
    return ()
