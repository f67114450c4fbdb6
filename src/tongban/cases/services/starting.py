"""A new case: its row, its process started, acceptance where the process has no intake step."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.files.storage import default_storage
from django.utils import timezone

from tongban.cases import flow, numbers
from tongban.cases.models import (
    Case,
    CaseStatus,
    CaseTask,
    DeliveryMethod,
)
from tongban.cases.services import concluding
from tongban.cases.services.common import (
    N_,
    announce_status,
    finish_task,
    record_event,
)
from tongban.catalog.models import OnlineDepth, ServiceItem
from tongban.core import crypto
from tongban.timelimits import case_clock as clock


def delivery_for(item: ServiceItem) -> str:
    """送达方式 of a new case: electronic where the result is an electronic certificate or the item is
    handled wholly online (全程网办), else collected at a window."""
    result = item.result or {}
    if result.get("certificate_type") or item.online_depth == OnlineDepth.FULLY_ONLINE:
        return DeliveryMethod.ELECTRONIC
    return DeliveryMethod.PICKUP


def new_case(
    *,
    item: ServiceItem,
    applicant: Any,
    answers: dict[str, Any],
    channel: str,
    key: str,
    query_code: str,
    acting_for: Any = None,
    filed_by: Any = None,
    bundle_case: Case | None = None,
    position: int = 0,
    waits_for: Case | None = None,
    number: str = "",
) -> Case:
    """Create the case row, start its process (unless it waits for a bundle sibling).

    `number` when the caller allocated it already (before its transaction); else allocated here.
    """
    state = None if waits_for is not None else flow.start(item=item, applicant=applicant, answers=answers)
    now = timezone.now()
    today = timezone.localdate(now)
    number = number or numbers.next_number(code=item.code, day=today)
    case = Case(
        number=number,
        item=item,
        applicant=applicant,
        acting_for=acting_for,
        filed_by=filed_by,
        channel=channel,
        status=CaseStatus.WAITING if waits_for is not None else CaseStatus.SUBMITTED,
        department=item.department,
        answers=answers,
        submitted_at=now,
        intake_deadline=clock.intake_deadline(today),
        # 一件事: the bundle's limit governs — an item never promises more than its bundle
        limit_days=item.committed_days if bundle_case is None else min(item.committed_days, bundle_case.limit_days),
        query_code_hash=numbers.query_code_hash(number, query_code),
        query_code_encrypted=crypto.encrypt(query_code) if bundle_case is None else "",
        idempotency_key=key if bundle_case is None else "",
        bundle_case=bundle_case,
        position=position,
        waits_for=waits_for,
        delivery=delivery_for(item),
    )
    if state is not None:
        flow.store(case, state)  # written with the INSERT, not by a second UPDATE
    case.save(force_insert=True)
    record_event(case, actor=applicant if filed_by is None else filed_by, action="submit", label=N_("申报"))
    if state is not None and flow.needs_decision_on_the_spot(item):
        record_event(
            case,
            actor=None,
            action="instant",
            label=N_("即办件：请当场受理、审查并作出决定"),
            public=False,
        )
    if state is not None:
        after_start(case, state, actor=applicant, new=True)
    else:
        record_event(
            case,
            actor=None,
            action="wait",
            label=N_("等待前序事项“%(name)s”办结") % {"name": waits_for.title if waits_for else ""},
        )
    return case


def after_start(case: Case, state: Any, *, actor: Any, new: bool = False) -> None:
    """The process started: its tasks, and acceptance on receipt where it has no intake step.

    `new`: the case row was just inserted with its workflow state (nothing to sync or save twice).
    """
    flow.store(case, state)
    created = flow.sync_tasks(case, state, new=new)
    fields = [] if new else ["workflow_state", "process_version"]
    if flow.engine.is_finished(state):
        accept_step(case, actor=None, notify=False)
        concluding.conclude(case, flow.engine.result(state), actor=None)
        return
    if not any(t.bpmn_id == "accept" for t in created):
        # no intake step (即办 with a clerk): the case counts as accepted on receipt
        accept_step(case, actor=None, notify=False)
        fields += ["status", "accepted_at", "due_on", "warn_on", "clock_state"]
    if fields:
        case.save(update_fields=fields)


ACCEPT_FIELDS = ("status", "accepted_at", "due_on", "warn_on", "clock_state", "workflow_state", "process_version")


def accept_step(
    case: Case,
    *,
    actor: Any,
    task: CaseTask | None = None,
    on_receipt: bool = False,
    notify: bool = True,
    today: date | None = None,
) -> flow.Step | None:
    """受理 — the one accept step, wherever a case is accepted: by the intake clerk, on the spot at the
    window, on receipt when the process has no intake step, or by law when nobody told the applicant
    what to supplement within 5 working days (`on_receipt`: 视为受理 from the day it was received).

    Completes the intake `task` in the process (when there is one), starts the legal clock and
    records the step (with one message to the applicant unless `notify` is off). The caller saves
    `ACCEPT_FIELDS` and concludes the case when the returned step finished the process.
    """
    step = None
    if task is not None:
        step = flow.complete(case, task, outcome="accept")
        finish_task(task, actor, "accept")
        flow.sync_tasks(case, step.state)
    case.status = CaseStatus.ACCEPTED
    case.accepted_at = case.submitted_at if on_receipt else timezone.now()
    clock.refresh(case, today)
    if on_receipt:
        label = N_("视为受理（未在 5 个工作日内一次性告知补正）")
        comment = N_("您的申请已依法视为受理。")
    else:
        label = N_("已受理")
        if case.limit_days == 0:
            comment = N_("即办件：当日办结。")
        elif case.due_on:
            comment = N_("承诺 %(days)s 个工作日内办结，最迟 %(due)s。") % {"days": case.limit_days, "due": case.due_on}
        else:
            comment = ""
    announce_status(case, actor=actor, action="accept", label=label, comment=comment, notify=notify)
    return step


def delete_files(paths: Iterable[str]) -> None:
    for path in paths:
        default_storage.delete(path)
