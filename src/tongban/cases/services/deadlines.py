"""Daily deadline scan: auto-acceptance, 补正不来办结, yellow and red flags, the watchers told."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from tongban.cases import flow
from tongban.cases.models import (
    Case,
    CaseStatus,
    ClockState,
    TaskStatus,
)
from tongban.cases.services.common import (
    N_,
    finish_task,
    record_event,
    save_case,
)
from tongban.cases.services.concluding import conclude
from tongban.cases.services.starting import ACCEPT_FIELDS, accept_step
from tongban.core import audit
from tongban.notices.services import post_message
from tongban.timelimits import case_clock as clock
from tongban.timelimits.selectors import (
    intake_overdue,
    supplement_deadline_days,
    supplement_overdue,
    turning_red,
    turning_yellow,
    watchers_of,
)


@transaction.atomic
def _expire_supplement(case_id: int, today: Any) -> str:
    """补正不来办结: the applicant did not answer in time; the case is concluded and they are told."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("department__region", "applicant", "item")
        .get(pk=case_id)
    )
    if case.status != CaseStatus.SUPPLEMENT_REQUESTED or not supplement_overdue(today).filter(pk=case.pk).exists():
        return ""
    task = next((t for t in case.tasks.all() if t.status != TaskStatus.DONE and t.waits_for_applicant), None)
    days = supplement_deadline_days()
    text = N_("自告知补正之日起 %(days)s 日内未补正，依规办结。") % {"days": days}
    if task is not None and "expired" in flow.outcomes_of(task, case):
        step = flow.complete(case, task, outcome="expired")
        finish_task(task, None, "expired")
        result = step.result if step.finished and step.result else {"decision": "not_supplemented"}
    else:
        flow.cancel(case)
        result = {"decision": "not_supplemented"}
    if result.get("decision") != "not_supplemented":
        result = {**result, "decision": "not_supplemented"}
    conclude(case, result, actor=None, text=text)
    audit.record(
        actor=None,
        action="case.supplement_expired",
        subject=case,
        data_subject=case.applicant,
        department_code=case.department.code,
        details={"number": case.number, "days": days},
    )
    return case.number


def scan_deadlines(*, today: Any = None) -> dict[str, list[str]]:
    """Daily: auto-accept cases not told within 5 working days; conclude cases whose supplement never
    came (补正不来办结); flag yellow / red; tell the watchers."""
    today = today or timezone.localdate()
    report: dict[str, list[str]] = {"accepted": [], "yellow": [], "red": [], "not_supplemented": []}
    for case_id in list(supplement_overdue(today).values_list("pk", flat=True)):
        number = _expire_supplement(case_id, today)
        if number:
            report["not_supplemented"].append(number)
    for case_id in list(intake_overdue(today).values_list("pk", flat=True)):
        number = _auto_accept(case_id, today)
        if number:
            report["accepted"].append(number)
    ids = set(turning_yellow(today).values_list("pk", flat=True)) | set(turning_red(today).values_list("pk", flat=True))
    for case_id in sorted(ids):
        changed = _flag(case_id, today)
        if changed:
            report[changed[0]].append(changed[1])
    return report


@transaction.atomic
def _auto_accept(case_id: int, today: Any) -> str:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("department__region", "applicant", "item")
        .get(pk=case_id)
    )
    if case.status != CaseStatus.SUBMITTED or case.intake_deadline is None or case.intake_deadline >= today:
        return ""
    task = next((t for t in case.tasks.all() if t.bpmn_id == "accept" and t.status != TaskStatus.DONE), None)
    if task is None:
        return ""
    accept_step(case, actor=None, task=task, on_receipt=True, today=today)
    case.version += 1
    save_case(case, *ACCEPT_FIELDS)
    audit.record(
        actor=None,
        action="case.auto_accept",
        subject=case,
        data_subject=case.applicant,
        department_code=case.department.code,
        details={"number": case.number, "reason": "intake_deadline"},
    )
    for user in watchers_of(case):
        post_message(
            recipient=user,
            title=N_("办件 %(number)s 逾期未告知补正，已视为受理") % {"number": case.number},
            body=N_("请尽快办理，办理时限自收到申请之日起计算。"),
            link=f"/console/cases/{case.number}/",
        )
    return case.number


@transaction.atomic
def _flag(case_id: int, today: Any) -> tuple[str, str] | None:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("department__region", "applicant", "item", "bundle")
        .get(pk=case_id)
    )
    before = case.clock_state
    clock.refresh(case, today)
    if case.clock_state == before:
        case.save(update_fields=["due_on", "warn_on"])
        return None
    case.version += 1
    save_case(case, "due_on", "warn_on", "clock_state")
    if case.clock_state == ClockState.GREEN:
        return None
    state = str(case.clock_state)
    label = N_("超期") if state == ClockState.RED else N_("即将到期")
    record_event(case, actor=None, action=f"clock_{state}", label=label, public=False)
    audit.record(
        actor=None,
        action=f"case.clock_{state}",
        subject=case,
        department_code=case.department.code,
        details={"number": case.number, "due_on": str(case.due_on)},
    )
    for user in watchers_of(case):
        post_message(
            recipient=user,
            title=N_("【%(label)s】办件 %(number)s（%(title)s）")
            % {"label": label, "number": case.number, "title": case.title},
            body=N_("办结期限 %(due)s。") % {"due": case.due_on},
            link=f"/console/cases/{case.number}/",
        )
    return state, case.number
