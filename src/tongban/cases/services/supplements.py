"""补正: the one-time notice of everything missing, and the applicant's answer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.permissions import ensure_can
from tongban.cases import clock, flow
from tongban.cases import uploads as upload_checks
from tongban.cases.errors import Conflict
from tongban.cases.models import (
    Case,
    CaseStatus,
    PauseKindChoice,
    Supplement,
    TaskStatus,
)
from tongban.cases.schema import form_schema_for, validate_answers
from tongban.cases.services.common import (
    Upload,
    announce_status,
    audit_case,
    finish_task,
    lock_case,
    open_task,
    save_case,
    with_file_cleanup,
)
from tongban.cases.services.materials import store_materials


@transaction.atomic
def request_supplement(
    *, case: Case, clerk: Any, items: list[dict[str, Any]], note: str, expected_version: int
) -> Supplement:
    """一次性告知补正: every missing or wrong item at once; the clock stops until the applicant answers."""
    cleaned = []
    for entry in items or []:
        what = str(entry.get("material") or entry.get("field") or "").strip()
        reason = str(entry.get("reason") or "").strip()
        if what and reason:
            cleaned.append({("material" if entry.get("material") else "field"): what, "reason": reason})
    if not cleaned:
        raise ValidationError(_("请逐项列明需要补正的材料或内容及原因。"), code="supplement_items")
    case = lock_case(case, expected_version)
    ensure_can(clerk, "cases.request_supplement", case)
    today = timezone.localdate()
    _ensure_first_supplement(case)
    if case.status == CaseStatus.SUBMITTED:
        if case.intake_deadline is not None and today > case.intake_deadline:
            raise ValidationError(
                _("已超过 5 个工作日的一次性告知期限，依法视为自收到申请之日起受理，不能再要求受理前补正。"),
                code="intake_deadline_passed",
            )
        task = open_task(case, clerk, ["accept"])
    elif case.status in (CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW):
        task = open_task(case, clerk, ["review"])
    else:
        raise Conflict(_("该办件当前不能要求补正。"))
    if "supplement" not in flow.outcomes_of(task, case):
        raise ValidationError(
            _("该事项的办理流程在“%(task)s”环节不设补正，请受理后审查，或作出不予受理决定。") % {"task": task.name},
            code="supplement_not_in_process",
        )
    step = flow.complete(case, task, outcome="supplement", reasons=[c["reason"] for c in cleaned])
    finish_task(task, clerk, "supplement")
    flow.sync_tasks(case, step.state)
    supplement = Supplement.objects.create(case=case, items=cleaned, note=note.strip(), requested_by=clerk)
    listing = "；".join(f"{c.get('material') or c.get('field')}（{c['reason']}）" for c in cleaned)
    clock.open_pause(case, kind=PauseKindChoice.SUPPLEMENT, reason=listing)
    case.status = CaseStatus.SUPPLEMENT_REQUESTED
    clock.refresh(case)
    save_case(case, "status", "due_on", "warn_on", "clock_state", "workflow_state", "process_version")
    audit_case(case, actor=clerk, action="request_supplement", items=cleaned)
    announce_status(
        case,
        actor=clerk,
        action="request_supplement",
        label=_("待补正"),
        comment=_("请补正：%(list)s") % {"list": listing},
    )
    return supplement


def _ensure_first_supplement(case: Case) -> None:
    """一次性告知: everything missing is told at once — one supplement request at intake, one in review."""
    at_intake = case.status == CaseStatus.SUBMITTED
    step, label = ("accept", _("受理")) if at_intake else ("review", _("审查"))
    if case.tasks.filter(bpmn_id=step, outcome="supplement").exists():
        raise ValidationError(
            _("%(stage)s环节已一次性告知过补正，依法不能再次要求补正；请依据已补正的材料作出处理。") % {"stage": label},
            code="supplement_once",
        )


@transaction.atomic
def submit_supplement(
    *, case: Case, applicant: Any, answers: dict[str, Any] | None = None, uploads: Iterable[Upload] = ()
) -> Case:
    """补正提交: the applicant answers the notice; the clock runs again."""
    case = lock_case(case, None)
    ensure_can(applicant, "cases.supplement", case)
    if case.status != CaseStatus.SUPPLEMENT_REQUESTED:
        raise Conflict(_("该办件当前没有待补正的内容。"))
    supplement = case.supplements.filter(answered_at__isnull=True).first()
    merged = {**case.answers, **(answers or {})}
    if case.item is not None:
        merged = validate_answers(form_schema_for(case.item), merged)
    checked = [(name, upload_checks.check_upload(f)) for name, f in uploads]
    if supplement is not None:
        asked = {i["material"] for i in supplement.items if i.get("material")}
        given = {name for name, _f in checked}
        missing = sorted(asked - given)
        if missing:
            raise ValidationError(
                _("还需补正这些材料：%(names)s。") % {"names": "、".join(missing)}, code="missing_materials"
            )

    def body(stored: list[str]) -> Case:
        store_materials(case, owner=applicant, checked=checked, stored=stored)
        task = next(t for t in case.tasks.all() if t.status != TaskStatus.DONE and t.bpmn_id.startswith("supplement"))
        at_intake = task.bpmn_id == "supplement_intake"
        step = flow.complete(case, task, outcome="supplied")
        finish_task(task, applicant, "supplied")
        flow.sync_tasks(case, step.state)
        if supplement is not None:
            Supplement.objects.filter(pk=supplement.pk).update(answered_at=timezone.now())
        clock.close_pauses(case, kind=PauseKindChoice.SUPPLEMENT)
        case.answers = merged
        case.status = CaseStatus.SUBMITTED if at_intake else CaseStatus.IN_REVIEW
        if at_intake:
            case.intake_deadline = clock.intake_deadline(timezone.localdate())
        clock.refresh(case)
        save_case(
            case,
            "answers",
            "status",
            "intake_deadline",
            "due_on",
            "warn_on",
            "clock_state",
            "workflow_state",
            "process_version",
        )
        audit_case(case, actor=applicant, action="submit_supplement", files=len(checked))
        announce_status(case, actor=applicant, action="supplement", label=_("已补正"))
        return case

    return with_file_cleanup(body)
