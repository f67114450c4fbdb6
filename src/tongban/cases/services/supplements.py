"""补正: the one-time notice of everything missing, and the applicant's answer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.permissions import ensure_can
from tongban.cases import flow, guards
from tongban.cases import uploads as upload_checks
from tongban.cases.errors import Conflict
from tongban.cases.models import (
    Case,
    CaseStatus,
    PauseKind,
    Supplement,
    TaskStatus,
)
from tongban.cases.schema import form_schema_for, validate_answers
from tongban.cases.selectors import form_schema_of_case
from tongban.cases.services.common import (
    N_,
    Upload,
    announce_status,
    audit_case,
    finish_task,
    lock_case,
    save_case,
    with_file_cleanup,
)
from tongban.cases.services.handling import claim_next, take_task
from tongban.cases.services.materials import material_row, store_materials
from tongban.cases.supplement_items import ItemAnswer, ItemKind, SupplementItem, items_of
from tongban.timelimits import case_clock as clock


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
    task = guards.checked_task(guards.check_request_supplement, clerk, case, guards.SUPPLEMENT_STEPS)
    take_task(task, clerk)
    step = flow.complete(case, task, outcome="supplement", reasons=[c["reason"] for c in cleaned])
    finish_task(task, clerk, "supplement")
    flow.sync_tasks(case, step.state)
    supplement = Supplement.objects.create(case=case, items=cleaned, note=note.strip(), requested_by=clerk)
    listing = "；".join(f"{c.get('material') or c.get('field')}（{c['reason']}）" for c in cleaned)
    clock.open_pause(case, kind=PauseKind.SUPPLEMENT, reason=listing)
    case.status = CaseStatus.SUPPLEMENT_REQUESTED
    clock.refresh(case)
    save_case(case, "status", "due_on", "warn_on", "clock_state", "workflow_state", "process_version")
    audit_case(case, actor=clerk, action="request_supplement", items=cleaned)
    announce_status(
        case,
        actor=clerk,
        action="request_supplement",
        label=N_("待补正"),
        comment=N_("请补正：%(list)s") % {"list": listing},
    )
    return supplement


@transaction.atomic
def submit_supplement(
    *,
    case: Case,
    applicant: Any,
    answers: dict[str, Any] | None = None,
    uploads: Iterable[Upload] = (),
    replies: Mapping[int, ItemAnswer] | None = None,
) -> Case:
    """补正提交: the applicant answers every item of the notice; the clock runs again.

    `replies` answers items by their position in the notice (a text reply and/or replacement files);
    `uploads` are (material name, file) pairs, each answering the material of that name; `answers`
    correct form fields (a corrected field answers its item). Every item needs at least one answer,
    else ValidationError naming each unanswered item (`item-<position>`) and nothing is written.
    """
    case = lock_case(case, None)
    ensure_can(applicant, "cases.supplement", case)
    if case.status != CaseStatus.SUPPLEMENT_REQUESTED:
        raise Conflict(_("该办件当前没有待补正的内容。"))
    supplement = case.supplements.filter(answered_at__isnull=True).first()
    merged = {**case.answers, **(answers or {})}
    if case.item is not None:
        merged = validate_answers(form_schema_for(case.item), merged, kept=case.answers or {})
    properties = form_schema_of_case(case).get("properties") or {}
    items = items_of(supplement, properties) if supplement is not None else []
    replies = dict(replies or {})
    if any(not 0 <= index < len(items) for index in replies):
        raise ValidationError(_("补正内容与告知的项目不符，请刷新页面后重新填写。"), code="unknown_item")
    files, extra = _checked_files(items, replies, uploads)
    texts = {index: reply.text.strip() for index, reply in replies.items() if reply.text.strip()}
    changed = {
        item.index
        for item in items
        if item.kind == ItemKind.FIELD and merged.get(item.name) != (case.answers or {}).get(item.name)
    }
    unanswered = [i for i in items if not (texts.get(i.index) or files.get(i.index) or i.index in changed)]
    if unanswered:
        raise ValidationError(
            {
                f"item-{i.index}": [
                    ValidationError(
                        _("“%(item)s”还没有补正：请上传替换文件或填写说明。") % {"item": i.label}, code="unanswered"
                    )
                ]
                for i in unanswered
            }
        )

    def body(stored: list[str]) -> Case:
        store_materials(case, owner=applicant, checked=extra, stored=stored)
        given = _store_item_files(case, applicant, files, stored)
        task = next(t for t in case.tasks.all() if t.status != TaskStatus.DONE and t.bpmn_id.startswith("supplement"))
        at_intake = task.bpmn_id == "supplement_intake"
        step = flow.complete(case, task, outcome="supplied")
        finish_task(task, applicant, "supplied")
        flow.sync_tasks(case, step.state)
        if supplement is not None:
            kept = [
                {"text": texts.get(i.index, ""), "files": given.get(i.index, []), "changed": i.index in changed}
                for i in items
            ]
            Supplement.objects.filter(pk=supplement.pk).update(answered_at=timezone.now(), answers=kept)
        clock.close_pauses(case, kind=PauseKind.SUPPLEMENT)
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
        if supplement is not None:
            claim_next(case, supplement.requested_by)  # the clerk who asked continues
        file_count = len(extra) + sum(len(v) for v in files.values())
        audit_case(case, actor=applicant, action="submit_supplement", files=file_count, replies=len(texts))
        announce_status(case, actor=applicant, action="supplement", label=N_("已补正"))
        return case

    return with_file_cleanup(body)


Checked = list[tuple[str, upload_checks.CheckedFile]]


def _checked_files(
    items: list[SupplementItem], replies: Mapping[int, ItemAnswer], uploads: Iterable[Upload]
) -> tuple[dict[int, Checked], Checked]:
    """Every file checked, by the item it answers; files for a material not asked about go with the case."""
    files: dict[int, Checked] = {}
    extra: Checked = []
    by_material = {i.name: i for i in reversed(items) if i.kind == ItemKind.MATERIAL}
    for name, upload in uploads:
        checked = upload_checks.check_upload(upload)
        item = by_material.get(name)
        if item is None:
            extra.append((name, checked))
        else:
            files.setdefault(item.index, []).append((item.file_label, checked))
    for index, reply in replies.items():
        item = items[index]
        for upload in reply.files:
            try:
                checked = upload_checks.check_upload(upload)
            except ValidationError as exc:
                raise ValidationError({f"item-{index}": exc.error_list}) from exc
            files.setdefault(index, []).append((item.file_label, checked))
    return files, extra


def _store_item_files(case: Case, owner: Any, files: dict[int, Checked], stored: list[str]) -> dict[int, list[int]]:
    """The replacement files as materials of the case; their ids by the item they answer."""
    ids: dict[int, list[int]] = {}
    for index, checked in files.items():
        for name, file in checked:
            path = upload_checks.store(file)
            stored.append(path)
            row = material_row(case, owner=owner, name=name, file=file, path=path)
            row.save(force_insert=True)
            ids.setdefault(index, []).append(row.pk)
    return ids
