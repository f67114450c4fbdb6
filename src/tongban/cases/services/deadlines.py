"""Daily deadline scan: auto-acceptance, 补正不来办结, yellow and red flags, the watchers told."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.models import User, UserKind
from tongban.cases import clock, flow
from tongban.cases.models import (
    RUNNING_STATUSES,
    Case,
    CaseStatus,
    ClockState,
    TaskStatus,
)
from tongban.cases.services.common import (
    finish_task,
    notify_applicant,
    record_event,
    save_case,
)
from tongban.cases.services.concluding import conclude
from tongban.cases.services.starting import accept_now
from tongban.core import audit
from tongban.notices.services import post_message


def _watchers(case: Case) -> list[User]:
    """The clerk (claimant, else the department's staff of the task role), their head, the supervisors."""
    from tongban.accounts.models import StaffAssignment

    open_tasks = [t for t in case.tasks.all() if t.status != TaskStatus.DONE]
    people: dict[int, User] = {}
    for t in open_tasks:
        if t.claimed_by is not None:
            people[t.claimed_by.pk] = t.claimed_by
        else:
            for a in StaffAssignment.objects.filter(department=t.department, role=t.role).select_related("user"):
                people[a.user.pk] = a.user
    for a in StaffAssignment.objects.filter(department=case.department, role="department_head").select_related("user"):
        people[a.user.pk] = a.user
    region = case.department.region
    for a in StaffAssignment.objects.filter(role="supervisor").select_related("user", "scope"):
        if region.is_within(a.scope):
            people[a.user.pk] = a.user
    return [u for u in people.values() if u.is_active and u.kind == UserKind.STAFF]


def turning_yellow(today: Any) -> Any:
    """Cases that reach the warning share of their limit (uses the partial index case_turning_yellow)."""
    return Case.objects.filter(status__in=RUNNING_STATUSES, clock_state=ClockState.GREEN, warn_on__lte=today)


def turning_red(today: Any) -> Any:
    """Cases past their due date not yet flagged red (partial index case_turning_red)."""
    return Case.objects.filter(status__in=RUNNING_STATUSES, due_on__lt=today).exclude(clock_state=ClockState.RED)


def intake_overdue(today: Any) -> Any:
    return Case.objects.filter(status=CaseStatus.SUBMITTED, intake_deadline__lt=today)


def supplement_deadline_days() -> int:
    """补正期限: calendar days the applicant has to answer a supplement request.

    Setting `TONGBAN["SUPPLEMENT_DEADLINE_DAYS"]`, default 30 natural days (the period commonly set
    in the notice of 一次性告知补正); after it the case is concluded as 补正不来办结.
    """
    return int(settings.TONGBAN.get("SUPPLEMENT_DEADLINE_DAYS", 30))


def supplement_overdue(today: Any) -> Any:
    """Cases waiting for a supplement asked for more than the deadline (calendar days) before `today`."""
    cutoff_day = today - timedelta(days=supplement_deadline_days())
    cutoff = timezone.make_aware(datetime.combine(cutoff_day, time.min))
    return Case.objects.filter(
        status=CaseStatus.SUPPLEMENT_REQUESTED,
        supplements__answered_at__isnull=True,
        supplements__requested_at__lt=cutoff,
    ).distinct()


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
    text = _("自告知补正之日起 %(days)s 日内未补正，依规办结。") % {"days": days}
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
    step = flow.complete(case, task, outcome="accept")
    finish_task(task, None, "accept")
    flow.sync_tasks(case, step.state)
    accept_now(case, actor=None, on_receipt=True)
    clock.refresh(case, today)
    case.version += 1
    save_case(case, "status", "accepted_at", "due_on", "warn_on", "clock_state", "workflow_state", "process_version")
    audit.record(
        actor=None,
        action="case.auto_accept",
        subject=case,
        data_subject=case.applicant,
        department_code=case.department.code,
        details={"number": case.number, "reason": "intake_deadline"},
    )
    notify_applicant(
        case, title=_("办件 %(number)s 已受理") % {"number": case.number}, body=_("您的申请已依法视为受理。")
    )
    for user in _watchers(case):
        post_message(
            recipient=user,
            title=_("办件 %(number)s 逾期未告知补正，已视为受理") % {"number": case.number},
            body=_("请尽快办理，办理时限自收到申请之日起计算。"),
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
    label = _("超期") if state == ClockState.RED else _("即将到期")
    record_event(case, actor=None, action=f"clock_{state}", label=label, public=False)
    audit.record(
        actor=None,
        action=f"case.clock_{state}",
        subject=case,
        department_code=case.department.code,
        details={"number": case.number, "due_on": str(case.due_on)},
    )
    for user in _watchers(case):
        post_message(
            recipient=user,
            title=_("【%(label)s】办件 %(number)s（%(title)s）")
            % {"label": label, "number": case.number, "title": case.title},
            body=_("办结期限 %(due)s。") % {"due": case.due_on},
            link=f"/console/cases/{case.number}/",
        )
    return state, case.number
