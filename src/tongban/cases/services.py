"""State changes of cases: apply, submit, handle, supplement, decide, withdraw — one transaction each.

Every function checks permission through `ensure_can(user, "cases.<action>", case)`, writes an
audit entry (with the applicant as data subject), adds a timeline event, and notifies the
applicant (in-app at once, SMS after commit). Actions of staff carry `expected_version`: the
case row is bumped with `UPDATE … WHERE version = expected`, so of two clerks acting at once
exactly one succeeds and the other gets `Conflict`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts import services as accounts
from tongban.accounts.identity import IdentityCheck, current_verifier
from tongban.accounts.models import IdType, User, UserKind
from tongban.accounts.permissions import acts_in_department, ensure_can
from tongban.cases import clock, flow, numbers
from tongban.cases import uploads as upload_checks
from tongban.cases.errors import Conflict
from tongban.cases.models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    RUNNING_STATUSES,
    Case,
    CaseChannel,
    CaseEvent,
    CaseStatus,
    CaseTask,
    ClockState,
    DeliveryMethod,
    Draft,
    MaterialFile,
    MaterialOrigin,
    PauseKindChoice,
    Supplement,
    TaskStatus,
)
from tongban.cases.permissions import intake_for
from tongban.cases.schema import answers_for, form_schema_for, merged_form_for, validate_answers
from tongban.cases.selectors import MaterialNeed, materials_needed, merged_materials_for
from tongban.catalog.models import Bundle, ItemStatus, OnlineDepth, ServiceItem
from tongban.core import audit, crypto, idempotency
from tongban.core.validators import validate_id_number
from tongban.notices.services import post_message, queue_email, queue_sms
from tongban.orgs.models import Department

T = TypeVar("T")
Upload = tuple[str, UploadedFile]
MAX_DRAFT_CHARS = 200_000
STALE = _("该办件已被他人处理或已更新，请刷新页面后重试。")


# --- helpers --------------------------------------------------------------------------------------


def _with_file_cleanup(body: Callable[[list[str]], T]) -> T:
    """Run `body(stored)`; files it stored are deleted again if it fails (no file without a row)."""
    stored: list[str] = []
    done = False
    try:
        result = body(stored)
        done = True
        return result
    finally:
        if not done:
            for name in stored:
                default_storage.delete(name)


def _event(case: Case, *, actor: Any, action: str, label: str, comment: str = "", public: bool = True) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        label=label,
        comment=comment,
        public=public,
    )


def _audit(case: Case, *, actor: Any, action: str, purpose: str = "", **details: Any) -> None:
    audit.record(
        actor=actor,
        action=f"case.{action}",
        subject=case,
        data_subject=case.applicant,
        purpose=purpose or _("办件办理"),
        department_code=case.department.code,
        details={"number": case.number, "status": case.status, **details},
    )


def _notify(case: Case, *, title: str, body: str, sms: bool = True) -> None:
    """站内消息 at once; SMS and e-mail queued (delivered after commit)."""
    post_message(recipient=case.applicant, title=title, body=body, link=f"/cases/{case.number}/")
    if sms and case.applicant.phone:
        queue_sms(phone=case.applicant.phone, text=f"【通办】{title}：{body}")
    if case.applicant.email:
        queue_email(to=case.applicant.email, subject=f"【通办】{title}", body=f"{body}\n\n/my/cases/{case.number}/")


def _status_changed(case: Case, *, actor: Any, action: str, label: str, comment: str = "") -> None:
    _event(case, actor=actor, action=action, label=label, comment=comment)
    _notify(case, title=_("办件 %(number)s %(label)s") % {"number": case.number, "label": label}, body=comment or label)


def _lock(case: Case, expected_version: int | None) -> Case:
    """Bump the version (optimistic lock) and return the row locked for this transaction."""
    rows = Case.objects.filter(pk=case.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(version=F("version") + 1):
        raise Conflict(STALE)
    fresh = (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "bundle", "department__region", "applicant")
        .get(pk=case.pk)
    )
    case.version = fresh.version
    return fresh


def _open_task(case: Case, clerk: Any, bpmn_ids: Iterable[str]) -> CaseTask:
    tasks = [
        t
        for t in case.tasks.select_related("department__region")
        if t.status != TaskStatus.DONE and t.bpmn_id in set(bpmn_ids)
    ]
    if not tasks:
        raise Conflict(_("该办件当前不在这个环节，请刷新页面查看最新状态。"))
    mine = [t for t in tasks if acts_in_department(clerk, t.department)] or tasks
    task = mine[0]
    if task.status == TaskStatus.CLAIMED and task.claimed_by_id not in (None, clerk.pk):
        raise Conflict(_("该任务已由%(name)s认领办理。") % {"name": task.claimed_by.name if task.claimed_by else ""})
    return task


def _finish_task(task: CaseTask, clerk: Any, outcome: str) -> None:
    CaseTask.objects.filter(pk=task.pk).update(
        status=TaskStatus.DONE, done_by=clerk, done_at=timezone.now(), outcome=outcome, version=F("version") + 1
    )


def _save(case: Case, *fields: str) -> None:
    case.save(update_fields=[*fields, "version"])


# --- applying -------------------------------------------------------------------------------------


def _check_item_open(item: ServiceItem, channel: str) -> None:
    if item.status != ItemStatus.ACTIVE:
        raise ValidationError(_("事项“%(name)s”暂停办理。") % {"name": item.name}, code="item_suspended")
    if channel != CaseChannel.WINDOW and item.online_depth < OnlineDepth.ACCEPTED_ONLINE:
        raise ValidationError(
            _("事项“%(name)s”暂不支持网上申请，请到政务服务大厅窗口办理。") % {"name": item.name}, code="not_online"
        )


@transaction.atomic
def save_draft(
    *,
    applicant: Any,
    item: ServiceItem | None = None,
    bundle: Bundle | None = None,
    answers: Any,
    draft: Draft | None = None,
) -> Draft:
    """草稿: keep the answers as the applicant goes (any device resumes it by its key)."""
    if not isinstance(answers, dict):
        raise ValidationError(_("申请表内容格式不正确。"), code="invalid_answers")
    import json

    if len(json.dumps(answers, ensure_ascii=False)) > MAX_DRAFT_CHARS:
        raise ValidationError(_("填写的内容过长。"), code="draft_too_large")
    if draft is None:
        if (item is None) == (bundle is None):
            raise ValidationError(_("请选择一个事项或一件事。"), code="no_item")
        draft = Draft.objects.create(applicant=applicant, item=item, bundle=bundle, answers=answers)
        audit.record(actor=applicant, action="case.draft_create", subject=draft, data_subject=applicant)
        return draft
    if draft.applicant_id != applicant.pk:
        raise PermissionDenied(_("您没有权限进行此操作。"))
    if draft.submitted_case_id is not None:
        raise ValidationError(_("该草稿已提交，不能再修改。"), code="draft_submitted")
    draft.answers = answers
    draft.save(update_fields=["answers", "updated_at"])
    return draft


@transaction.atomic
def attach_upload(*, applicant: Any, draft: Draft, material_name: str, upload: UploadedFile) -> MaterialFile:
    """上传材料 to a draft: checked (type from content, size, PDF, zip bomb, name), hashed, stored."""
    if draft.applicant_id != applicant.pk:
        raise PermissionDenied(_("您没有权限进行此操作。"))
    names = _material_names(draft)
    if material_name not in names:
        raise ValidationError(
            _("“%(name)s”不在该事项的材料清单中。") % {"name": material_name}, code="unknown_material"
        )
    checked = upload_checks.check_upload(upload)

    def body(stored: list[str]) -> MaterialFile:
        path = upload_checks.store(checked)
        stored.append(path)
        material = MaterialFile.objects.create(
            draft=draft,
            owner=applicant,
            material_name=material_name,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            file=path,
        )
        audit.record(
            actor=applicant,
            action="case.material_upload",
            subject=material,
            data_subject=applicant,
            details={"sha256": checked.sha256, "size": checked.size, "material": material_name},
        )
        return material

    return _with_file_cleanup(body)


def _material_names(draft: Draft) -> set[str]:
    if draft.item is not None:
        return {m.name for m in draft.item.materials.all()}
    if draft.bundle is not None:
        return {n.name for n in merged_materials_for(draft.bundle)}
    return set()


def _check_materials(needs: list[MaterialNeed], given: set[str]) -> None:
    known = {n.name for n in needs}
    unknown = sorted(given - known)
    if unknown:
        raise ValidationError(
            _("这些材料不在材料清单中：%(names)s。") % {"names": "、".join(unknown)}, code="unknown_material"
        )
    missing = [n.name for n in needs if n.must_upload and n.name not in given]
    if missing:
        raise ValidationError(
            _("还缺少这些材料：%(names)s。") % {"names": "、".join(missing)}, code="missing_materials"
        )


def _clean_key(key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > 100:
        raise ValidationError(_("请求缺少幂等键（Idempotency-Key），或长度超过 100。"), code="idempotency_key")
    return key


def _existing(scope: str, owner_id: int, key: str) -> Case | None:
    found = idempotency.find(scope=scope, owner_id=owner_id, key=key)
    if found is None:
        return None
    case = Case.objects.select_related("item", "department").get(pk=int(found))
    case.query_code_plain = crypto.decrypt(case.query_code_encrypted) if case.query_code_encrypted else ""  # type: ignore[attr-defined]
    return case


def _submitted_with_key(applicant_id: int, key: str) -> Case | None:
    """The case this applicant already submitted with this idempotency key, if any.

    The case row is its own idempotency record: (applicant, idempotency_key) is unique, so a retry
    finds it and a concurrent twin fails on insert. One plain query for the usual miss; the case
    is loaded only on a hit.
    """
    table = connection.ops.quote_name(Case._meta.db_table)
    sql = f"SELECT id FROM {table} WHERE applicant_id = %s AND idempotency_key = %s LIMIT 1"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [applicant_id, key])
        row = cursor.fetchone()
    if row is None:
        return None
    case = Case.objects.select_related("item", "department").get(pk=row[0])
    case.query_code_plain = crypto.decrypt(case.query_code_encrypted) if case.query_code_encrypted else ""  # type: ignore[attr-defined]
    return case


def _store_files(checked: list[tuple[str, upload_checks.CheckedFile]]) -> list[str]:
    """Write checked files to storage before the transaction opens (no lock is held while writing).

    If the transaction then fails, the caller deletes them; if the process dies in between, they
    are orphans that `tongban cleanup-uploads` removes after a day.
    """
    paths: list[str] = []
    try:
        for _name, file in checked:
            paths.append(upload_checks.store(file))
    except BaseException:
        for path in paths:
            default_storage.delete(path)
        raise
    return paths


def _store_materials(
    case: Case,
    *,
    owner: Any,
    checked: list[tuple[str, upload_checks.CheckedFile]],
    stored: list[str],
    paths: list[str] | None = None,
) -> None:
    """The material rows of the checked files; `paths` when they were stored already (else stored now)."""
    rows = []
    for index, (name, file) in enumerate(checked):
        if paths is not None:
            path = paths[index]
        else:
            path = upload_checks.store(file)
            stored.append(path)
        rows.append(
            MaterialFile(
                case=case,
                owner=owner,
                material_name=name,
                original_name=file.name,
                content_type=file.content_type,
                size=file.size,
                sha256=file.sha256,
                file=path,
            )
        )
    MaterialFile.objects.bulk_create(rows)


def _attach_reused(case: Case, needs: list[MaterialNeed], given: set[str]) -> None:
    rows = [
        MaterialFile(
            case=case,
            owner=case.applicant,
            material_name=n.name,
            original_name=n.reusable_file.original_name,
            content_type=n.reusable_file.content_type,
            size=n.reusable_file.size,
            sha256=n.reusable_file.sha256,
            file=n.reusable_file.file.name if n.reusable_file.file else "",
            source=MaterialOrigin.REUSED,
            source_case=n.reusable_file.case,
            certificate_type=n.reusable_file.certificate_type,
        )
        for n in needs
        if n.reusable_file is not None and n.name not in given
    ]
    MaterialFile.objects.bulk_create(rows)


def delivery_for(item: ServiceItem) -> str:
    """送达方式 of a new case: electronic where the result is an electronic certificate or the item is
    handled wholly online (全程网办), else collected at a window."""
    result = item.result or {}
    if result.get("certificate_type") or item.online_depth == OnlineDepth.FULLY_ONLINE:
        return DeliveryMethod.ELECTRONIC
    return DeliveryMethod.PICKUP


def _new_case(
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
        limit_days=item.committed_days,
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
    _event(case, actor=applicant if filed_by is None else filed_by, action="submit", label=_("申报"))
    if state is not None and flow.needs_decision_on_the_spot(item):
        _event(
            case,
            actor=None,
            action="instant",
            label=_("即办件：请当场受理、审查并作出决定"),
            public=False,
        )
    if state is not None:
        _after_start(case, state, actor=applicant, new=True)
    else:
        _event(
            case,
            actor=None,
            action="wait",
            label=_("等待前序事项“%(name)s”办结") % {"name": waits_for.title if waits_for else ""},
        )
    return case


def _after_start(case: Case, state: Any, *, actor: Any, new: bool = False) -> None:
    """The process started: its tasks, and acceptance on receipt where it has no intake step.

    `new`: the case row was just inserted with its workflow state (nothing to sync or save twice).
    """
    flow.store(case, state)
    created = flow.sync_tasks(case, state, new=new)
    fields = [] if new else ["workflow_state", "process_version"]
    if flow.engine.is_finished(state):
        _accept_now(case, actor=None)
        _conclude(case, flow.engine.result(state), actor=None)
        return
    if not any(t.bpmn_id == "accept" for t in created):
        # no intake step (即办 with a clerk): the case counts as accepted on receipt
        _accept_now(case, actor=None)
        fields += ["status", "accepted_at", "due_on", "warn_on", "clock_state"]
    if fields:
        case.save(update_fields=fields)


def _accept_now(case: Case, *, actor: Any, on_receipt: bool = False) -> None:
    case.status = CaseStatus.ACCEPTED
    case.accepted_at = case.submitted_at if on_receipt else timezone.now()
    clock.refresh(case)
    label = _("视为受理（未在 5 个工作日内一次性告知补正）") if on_receipt else _("受理")
    _event(case, actor=actor, action="accept", label=label)


def submit_application(
    *,
    applicant: Any,
    item: ServiceItem,
    answers: dict[str, Any],
    draft: Draft | None = None,
    uploads: Iterable[Upload] = (),
    idempotency_key: str,
    channel: str = CaseChannel.WEB,
    acting_for: Any = None,
) -> Case:
    """申报: validate, materials, case number, process start, audit, notices.

    The slow or contended steps run before the transaction: answers and files are checked, hashed
    and stored, and the case number is taken in its own short step (a number whose submission then
    fails is not reused: numbers stay unique and ordered per day, with a gap). The case, its
    materials, process, audit entry and notices are then written in one transaction. A retry with
    the same idempotency key returns the first case (also under concurrency).
    `case.query_code_plain` holds the query code (查询码) to show once.
    """
    key = _clean_key(idempotency_key)
    existing = _submitted_with_key(applicant.pk, key)
    if existing is not None:
        return existing
    _check_item_open(item, channel)
    if acting_for is not None:
        ensure_can(applicant, "accounts.act_for", acting_for)
    if draft is not None and (draft.applicant_id != applicant.pk or draft.item_id != item.pk):
        raise PermissionDenied(_("您没有权限进行此操作。"))
    answers = validate_answers(form_schema_for(item), answers)
    checked = [(name, upload_checks.check_upload(f)) for name, f in uploads] if uploads else []
    draft_files = list(draft.materials.filter(case__isnull=True)) if draft is not None else []
    needs = materials_needed(item=item, applicant=applicant)
    given = {name for name, _f in checked} | {m.material_name for m in draft_files}
    _check_materials(needs, given)
    query_code = numbers.new_query_code()
    paths = _store_files(checked)
    try:
        number = numbers.next_number(code=item.code, day=timezone.localdate())
        with transaction.atomic():
            case = _new_case(
                item=item,
                applicant=applicant,
                answers=answers,
                channel=channel,
                key=key,
                query_code=query_code,
                acting_for=acting_for,
                number=number,
            )
            _store_materials(case, owner=applicant, checked=checked, stored=[], paths=paths)
            if draft_files:
                MaterialFile.objects.filter(pk__in=[m.pk for m in draft_files]).update(case=case)
            _attach_reused(case, needs, given)
            if draft is not None:
                Draft.objects.filter(pk=draft.pk).update(submitted_case=case)
            _audit(case, actor=applicant, action="submit", channel=channel, materials=len(checked) + len(draft_files))
            _notify(
                case,
                title=_("已收到您的申请"),
                body=_("%(item)s，办件编号 %(number)s，查询码 %(code)s。")
                % {"item": item.name, "number": case.number, "code": query_code},
            )
    except IntegrityError:
        # a concurrent twin with the same key took the (applicant, idempotency_key) row: all rolled back
        _delete_files(paths)
        twin = _submitted_with_key(applicant.pk, key)
        if twin is None:
            raise
        return twin
    except BaseException:
        _delete_files(paths)
        raise
    case.query_code_plain = query_code  # type: ignore[attr-defined]
    return case


def _delete_files(paths: Iterable[str]) -> None:
    for path in paths:
        default_storage.delete(path)


# --- bundles (一件事) ---------------------------------------------------------------------------------


def _predecessor(item: ServiceItem, earlier: list[Case]) -> Case | None:
    """The earlier sibling whose result this item needs as a material (出生医学证明 → 出生登记)."""
    names = {m.name for m in item.materials.all()}
    for sibling in reversed(earlier):
        result = (sibling.item.result or {}) if sibling.item else {}
        if result.get("name") in names:
            return sibling
    return None


@transaction.atomic
def submit_bundle(
    *,
    applicant: Any,
    bundle: Bundle,
    answers: dict[str, Any],
    draft: Draft | None = None,
    uploads: Iterable[Upload] = (),
    idempotency_key: str,
    channel: str = CaseChannel.WEB,
) -> Case:
    """一件事一次办: one parent case, a child per item routed in parallel (or in order where a result
    is the next item's input); one merged form, one material list, one time limit on the parent."""
    key = _clean_key(idempotency_key)
    existing = _existing("cases.submit_bundle", applicant.pk, key)
    if existing is not None:
        return existing
    links = list(bundle.bundle_items.select_related("item__department__region").order_by("position"))
    if not links:
        raise ValidationError(_("该一件事没有包含事项。"), code="empty_bundle")
    for link in links:
        _check_item_open(link.item, channel)
    answers = validate_answers(merged_form_for(bundle), answers)
    checked = [(name, upload_checks.check_upload(f)) for name, f in uploads] if uploads else []
    draft_files = list(draft.materials.filter(case__isnull=True)) if draft is not None else []
    needs = merged_materials_for(bundle, applicant)
    given = {name for name, _f in checked} | {m.material_name for m in draft_files}
    _check_materials(needs, given)
    query_code = numbers.new_query_code()

    def body(stored: list[str]) -> Case:
        def create() -> str:
            now = timezone.now()
            today = timezone.localdate(now)
            lead = links[0].item
            number = numbers.next_number(code=bundle.code, day=today)
            parent = Case.objects.create(
                number=number,
                bundle=bundle,
                applicant=applicant,
                channel=channel,
                status=CaseStatus.ACCEPTED,
                department=lead.department,
                answers=answers,
                submitted_at=now,
                accepted_at=now,
                limit_days=bundle.committed_days or max(link.item.committed_days for link in links),
                query_code_hash=numbers.query_code_hash(number, query_code),
                query_code_encrypted=crypto.encrypt(query_code),
                idempotency_key=key,
            )
            clock.refresh(parent)
            parent.save(update_fields=["due_on", "warn_on", "clock_state"])
            _event(parent, actor=applicant, action="submit", label=_("一件事联合申报"))
            _store_materials(parent, owner=applicant, checked=checked, stored=stored)
            if draft_files:
                MaterialFile.objects.filter(pk__in=[m.pk for m in draft_files]).update(case=parent)
            _attach_reused(parent, needs, given)
            children: list[Case] = []
            for position, link in enumerate(links):
                child = _new_case(
                    item=link.item,
                    applicant=applicant,
                    answers=answers_for(form_schema_for(link.item), answers),
                    channel=channel,
                    key="",
                    query_code=query_code,
                    bundle_case=parent,
                    position=position,
                    waits_for=_predecessor(link.item, children),
                )
                children.append(child)
            if draft is not None:
                Draft.objects.filter(pk=draft.pk).update(submitted_case=parent)
            _audit(
                parent,
                actor=applicant,
                action="submit_bundle",
                bundle=bundle.code,
                children=[c.number for c in children],
            )
            _notify(
                parent,
                title=_("已收到您的一件事申请"),
                body=_("%(name)s，办件编号 %(number)s，查询码 %(code)s。")
                % {"name": bundle.name, "number": number, "code": query_code},
            )
            _update_parent(parent)
            return str(parent.pk)

        case_id, created = idempotency.once(scope="cases.submit_bundle", owner_id=applicant.pk, key=key, create=create)
        if not created:
            for name in stored:
                default_storage.delete(name)
            stored.clear()
        parent = Case.objects.select_related("bundle", "department").get(pk=int(case_id))
        parent.query_code_plain = query_code if created else crypto.decrypt(parent.query_code_encrypted)  # type: ignore[attr-defined]
        return parent

    return _with_file_cleanup(body)


def _update_parent(parent: Case) -> None:
    """The bundle's combined state: concluded once every child is final; approved if all were."""
    children = list(parent.children.all())
    if not children or any(c.status not in FINAL_STATUSES for c in children):
        return
    if parent.status in FINAL_STATUSES:
        return
    approved = all(c.decision == "approved" for c in children)
    parent.status = CaseStatus.APPROVED if approved else CaseStatus.CONCLUDED
    parent.decision = "approved" if approved else "refused"
    parent.decision_text = "；".join(f"{c.title}：{c.get_status_display()}" for c in children)
    parent.decided_at = parent.concluded_at = timezone.now()
    parent.version += 1
    _save(parent, "status", "decision", "decision_text", "decided_at", "concluded_at")
    _status_changed(parent, actor=None, action="conclude", label=_("一件事办结"), comment=parent.decision_text)


def _start_followers(case: Case) -> None:
    """A bundle child approved: the siblings waiting for its result start, the result reused."""
    for follower in Case.objects.filter(waits_for=case, status=CaseStatus.WAITING).select_related(
        "item", "applicant", "department"
    ):
        result = MaterialFile.objects.filter(case=case, source=MaterialOrigin.RESULT).first()
        if result is not None:
            MaterialFile.objects.create(
                case=follower,
                owner=follower.applicant,
                material_name=result.material_name,
                source=MaterialOrigin.REUSED,
                source_case=case,
                certificate_type=result.certificate_type,
            )
        assert follower.item is not None
        state = flow.start(item=follower.item, applicant=follower.applicant, answers=follower.answers)
        follower.status = CaseStatus.SUBMITTED
        follower.submitted_at = timezone.now()
        follower.intake_deadline = clock.intake_deadline(timezone.localdate())
        follower.save(update_fields=["status", "submitted_at", "intake_deadline"])
        _event(follower, actor=None, action="start", label=_("前序事项已办结，开始办理"))
        _after_start(follower, state, actor=None)


def _stop_followers(case: Case) -> None:
    for follower in Case.objects.filter(waits_for=case, status=CaseStatus.WAITING):
        follower.status = CaseStatus.CONCLUDED
        follower.concluded_at = timezone.now()
        follower.decision_text = _("前序事项“%(name)s”未获准予，本事项终止办理。") % {"name": case.title}
        follower.version += 1
        _save(follower, "status", "concluded_at", "decision_text")
        _event(follower, actor=None, action="stop", label=_("终止办理"), comment=follower.decision_text)
        _stop_followers(follower)


# --- concluding -------------------------------------------------------------------------------------


def _conclude(case: Case, result: dict[str, Any], *, actor: Any, text: str = "") -> None:
    """The process reached an end event: record the decision, produce the result, move the bundle on."""
    decision = result.get("decision")
    now = timezone.now()
    reasons = [str(r) for r in result.get("reasons") or []]
    case.rule = str(result.get("rule") or "")
    case.decided_at = case.concluded_at = now
    if decision == "approved":
        case.status, case.decision, label = CaseStatus.APPROVED, "approved", _("准予许可，办结")
    elif decision == "refused":
        case.status, case.decision, label = CaseStatus.REFUSED, "refused", _("不予许可")
    elif decision == "not_accepted":
        case.status, case.decision, label = CaseStatus.REFUSED_AT_INTAKE, "", _("不予受理")
    elif decision == "cancelled":
        case.status, case.decision, label = CaseStatus.WITHDRAWN, "", _("已撤回")
    elif decision == "not_supplemented":
        case.status, case.decision, label = CaseStatus.CONCLUDED, "", _("补正不来办结")
    else:
        case.status, case.decision, label = (
            CaseStatus.CONCLUDED,
            "",
            _("办结（%(end)s）") % {"end": result.get("end_name") or ""},
        )
    case.decision_text = text or case.rule or "；".join(reasons)
    case.version += 1
    case.save()
    CaseTask.objects.filter(case=case).exclude(status=TaskStatus.DONE).update(status=TaskStatus.DONE, done_at=now)
    clock.close_pauses(case)
    comment = case.decision_text
    if case.rule:
        comment = _("依据规则自动办理：%(rule)s") % {"rule": case.rule}
    _status_changed(case, actor=actor, action="decide", label=label, comment=comment)
    if case.decision == "approved" and case.item is not None and (case.item.result or {}).get("name"):
        result_info = case.item.result or {}
        MaterialFile.objects.create(
            case=case,
            owner=case.applicant,
            material_name=str(result_info["name"]),
            source=MaterialOrigin.RESULT,
            certificate_type=str(result_info.get("certificate_type") or ""),
        )
    if case.decision == "approved":
        _deliver_on_approval(case)
        _start_followers(case)
    else:
        _stop_followers(case)
    if case.bundle_case_id is not None:
        parent = (
            Case.objects.select_for_update(of=("self",))
            .select_related("department", "applicant", "bundle")
            .get(pk=case.bundle_case_id)
        )
        _update_parent(parent)


def _deliver_on_approval(case: Case) -> None:
    """送达 at approval: an electronic result reaches the applicant's account at once; a paper result
    waits at the window (the applicant sees "待领取" and where to go)."""
    if case.bundle_case_id is not None:
        return  # a bundle's items are delivered with the bundle
    result_name = str((case.item.result or {}).get("name") or "") if case.item is not None else ""
    what = f"《{result_name}》" if result_name else _("办理结果")
    if case.delivery == DeliveryMethod.ELECTRONIC:
        case.delivered_at = case.concluded_at
        case.save(update_fields=["delivered_at"])
        _event(case, actor=None, action="deliver", label=_("电子送达：%(what)s已送达您的账户") % {"what": what})
        return
    _notify(
        case,
        title=_("办件 %(number)s 待领取") % {"number": case.number},
        body=_("请携带本人身份证件到%(department)s窗口领取%(what)s。")
        % {"department": case.department.name, "what": what},
    )


@transaction.atomic
def record_delivery(*, case: Case, clerk: Any, expected_version: int, note: str = "") -> Case:
    """送达登记: the window hands the result to the applicant (or the person they authorised)."""
    case = _lock(case, expected_version)
    ensure_can(clerk, "cases.deliver", case)
    if not case.awaits_pickup:
        raise Conflict(_("该办件没有待领取的结果（可能已领取），请刷新后查看。"))
    case.delivered_at = timezone.now()
    _save(case, "delivered_at")
    _audit(case, actor=clerk, action="deliver", note=note.strip())
    _status_changed(case, actor=clerk, action="deliver", label=_("已领取办理结果（窗口送达）"), comment=note.strip())
    return case


# --- handling ----------------------------------------------------------------------------------------


@transaction.atomic
def claim_task(*, task: CaseTask, clerk: Any, expected_version: int) -> CaseTask:
    """认领: the clerk takes the task; of two clerks claiming at once, one gets Conflict."""
    case = Case.objects.select_related("department__region", "applicant").get(pk=task.case_id)
    ensure_can(clerk, "cases.claim", case)
    if task.waits_for_applicant:
        raise Conflict(_("该环节等待申请人补正，无需认领。"))
    if not (
        acts_in_department(clerk, task.department, (task.role,))
        or (task.role == "intake_clerk" and intake_for(clerk, case))
    ):
        raise PermissionDenied(_("该任务需要“%(role)s”岗位办理。") % {"role": task.role})
    rows = CaseTask.objects.filter(pk=task.pk, version=expected_version, status=TaskStatus.OPEN).update(
        status=TaskStatus.CLAIMED, claimed_by=clerk, version=F("version") + 1
    )
    if not rows:
        raise Conflict(_("该任务已被他人认领或已办理，请刷新后重试。"))
    task.refresh_from_db()
    _event(case, actor=clerk, action="claim", label=_("认领：%(task)s") % {"task": task.name}, public=False)
    _audit(case, actor=clerk, action="claim", task=task.name)
    return task


@transaction.atomic
def release_task(*, task: CaseTask, clerk: Any, expected_version: int) -> CaseTask:
    """退回待办: the claiming clerk (or the department head) puts the task back in the queue.

    `expected_version` is the task's: of a release and another action on the task at once, one wins.
    """
    case = Case.objects.select_related("department__region", "applicant").get(pk=task.case_id)
    ensure_can(clerk, "cases.claim", case)
    if task.version != expected_version or task.status != TaskStatus.CLAIMED:
        raise Conflict(_("该任务已被他人处理或已更新（不再是办理中状态），请刷新后重试。"))
    if task.claimed_by_id != clerk.pk and not acts_in_department(clerk, task.department, ("department_head",)):
        raise PermissionDenied(_("只有认领人或部门负责人可以退回该任务。"))
    rows = CaseTask.objects.filter(pk=task.pk, status=TaskStatus.CLAIMED, version=expected_version).update(
        status=TaskStatus.OPEN, claimed_by=None, version=F("version") + 1
    )
    if not rows:
        raise Conflict(_("该任务已被他人处理或已更新（不再是办理中状态），请刷新后重试。"))
    task.refresh_from_db()
    _event(case, actor=clerk, action="release", label=_("退回待办：%(task)s") % {"task": task.name}, public=False)
    _audit(case, actor=clerk, action="release", task=task.name)
    return task


@transaction.atomic
def accept_case(*, case: Case, clerk: Any, expected_version: int) -> Case:
    """受理: the time limit counts from the next working day."""
    case = _lock(case, expected_version)
    ensure_can(clerk, "cases.accept", case)
    if case.status != CaseStatus.SUBMITTED:
        raise Conflict(_("只有“已申报”的办件可以受理。"))
    task = _open_task(case, clerk, ["accept"])
    step = flow.complete(case, task, outcome="accept")
    _finish_task(task, clerk, "accept")
    flow.sync_tasks(case, step.state)
    case.status = CaseStatus.ACCEPTED
    case.accepted_at = timezone.now()
    clock.refresh(case)
    _save(case, "status", "accepted_at", "due_on", "warn_on", "clock_state", "workflow_state", "process_version")
    _audit(case, actor=clerk, action="accept")
    _status_changed(
        case,
        actor=clerk,
        action="accept",
        label=_("已受理"),
        comment=_("承诺 %(days)s 个工作日内办结，最迟 %(due)s。") % {"days": case.limit_days, "due": case.due_on},
    )
    if step.finished and step.result is not None:
        _conclude(case, step.result, actor=clerk)
    return case


@transaction.atomic
def refuse_at_intake(*, case: Case, clerk: Any, reasons: list[str], legal_basis: str, expected_version: int) -> Case:
    """不予受理: with the reasons and the legal basis, told to the applicant."""
    reasons = [r.strip() for r in reasons if r and r.strip()]
    if not reasons or not legal_basis.strip():
        raise ValidationError(_("不予受理须写明理由和法律依据。"), code="reasons_required")
    case = _lock(case, expected_version)
    ensure_can(clerk, "cases.refuse_at_intake", case)
    if case.status != CaseStatus.SUBMITTED:
        raise Conflict(_("只有“已申报”的办件可以不予受理。"))
    task = _open_task(case, clerk, ["accept"])
    step = flow.complete(case, task, outcome="refuse", reasons=reasons)
    _finish_task(task, clerk, "refuse")
    text = _("不予受理理由：%(reasons)s。依据：%(basis)s") % {
        "reasons": "；".join(reasons),
        "basis": legal_basis.strip(),
    }
    _audit(case, actor=clerk, action="refuse_at_intake", reasons=reasons, legal_basis=legal_basis)
    _conclude(case, step.result or {"decision": "not_accepted"}, actor=clerk, text=text)
    return case


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
    case = _lock(case, expected_version)
    ensure_can(clerk, "cases.request_supplement", case)
    today = timezone.localdate()
    _ensure_first_supplement(case)
    if case.status == CaseStatus.SUBMITTED:
        if case.intake_deadline is not None and today > case.intake_deadline:
            raise ValidationError(
                _("已超过 5 个工作日的一次性告知期限，依法视为自收到申请之日起受理，不能再要求受理前补正。"),
                code="intake_deadline_passed",
            )
        task = _open_task(case, clerk, ["accept"])
    elif case.status in (CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW):
        task = _open_task(case, clerk, ["review"])
    else:
        raise Conflict(_("该办件当前不能要求补正。"))
    if "supplement" not in flow.outcomes_of(task, case):
        raise ValidationError(
            _("该事项的办理流程在“%(task)s”环节不设补正，请受理后审查，或作出不予受理决定。") % {"task": task.name},
            code="supplement_not_in_process",
        )
    step = flow.complete(case, task, outcome="supplement", reasons=[c["reason"] for c in cleaned])
    _finish_task(task, clerk, "supplement")
    flow.sync_tasks(case, step.state)
    supplement = Supplement.objects.create(case=case, items=cleaned, note=note.strip(), requested_by=clerk)
    listing = "；".join(f"{c.get('material') or c.get('field')}（{c['reason']}）" for c in cleaned)
    clock.open_pause(case, kind=PauseKindChoice.SUPPLEMENT, reason=listing)
    case.status = CaseStatus.SUPPLEMENT_REQUESTED
    clock.refresh(case)
    _save(case, "status", "due_on", "warn_on", "clock_state", "workflow_state", "process_version")
    _audit(case, actor=clerk, action="request_supplement", items=cleaned)
    _status_changed(
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
    case = _lock(case, None)
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
        _store_materials(case, owner=applicant, checked=checked, stored=stored)
        task = next(t for t in case.tasks.all() if t.status != TaskStatus.DONE and t.bpmn_id.startswith("supplement"))
        at_intake = task.bpmn_id == "supplement_intake"
        step = flow.complete(case, task, outcome="supplied")
        _finish_task(task, applicant, "supplied")
        flow.sync_tasks(case, step.state)
        if supplement is not None:
            Supplement.objects.filter(pk=supplement.pk).update(answered_at=timezone.now())
        clock.close_pauses(case, kind=PauseKindChoice.SUPPLEMENT)
        case.answers = merged
        case.status = CaseStatus.SUBMITTED if at_intake else CaseStatus.IN_REVIEW
        if at_intake:
            case.intake_deadline = clock.intake_deadline(timezone.localdate())
        clock.refresh(case)
        _save(
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
        _audit(case, actor=applicant, action="submit_supplement", files=len(checked))
        _status_changed(case, actor=applicant, action="supplement", label=_("已补正"))
        return case

    return _with_file_cleanup(body)


@transaction.atomic
def review_case(*, case: Case, clerk: Any, agree: bool, comment: str, expected_version: int) -> Case:
    """审查: the handling clerk's opinion (并联审批: one department's opinion)."""
    case = _lock(case, expected_version)
    ensure_can(clerk, "cases.review", case)
    if case.status not in (CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW):
        raise Conflict(_("该办件当前不在审查环节。"))
    task = _open_task(case, clerk, ["review", "department_review"])
    agreeing = "pass" if task.bpmn_id == "review" else "approve"
    outcome = agreeing if agree else "refuse"
    step = flow.complete(case, task, outcome=outcome, reasons=[comment] if comment else [])
    _finish_task(task, clerk, outcome)
    flow.sync_tasks(case, step.state)
    case.status = CaseStatus.IN_REVIEW
    _save(case, "status", "workflow_state", "process_version")
    label = _("审查通过") if agree else _("审查意见：不同意")
    _event(case, actor=clerk, action="review", label=label, comment=comment, public=True)
    _audit(case, actor=clerk, action="review", agree=agree, comment=comment)
    if step.finished and step.result is not None:
        _conclude(case, step.result, actor=clerk)
    return case


@transaction.atomic
def decide_case(*, case: Case, clerk: Any, approve: bool, decision_text: str, expected_version: int) -> Case:
    """决定: approve or refuse with the decision text (refusals must give reasons)."""
    if not approve and not decision_text.strip():
        raise ValidationError(_("不予许可须写明理由。"), code="reasons_required")
    case = _lock(case, expected_version)
    ensure_can(clerk, "cases.decide", case)
    if case.status not in (CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW):
        raise Conflict(_("该办件当前不在决定环节。"))
    task = _open_task(case, clerk, ["decide", "manual_review"])
    outcome = "approve" if approve else "refuse"
    step = flow.complete(case, task, outcome=outcome, reasons=[decision_text] if decision_text else [])
    _finish_task(task, clerk, outcome)
    _audit(case, actor=clerk, action="decide", approve=approve)
    if step.finished and step.result is not None:
        _conclude(case, step.result, actor=clerk, text=decision_text.strip())
    else:
        flow.sync_tasks(case, step.state)
        _save(case, "workflow_state", "process_version")
    return case


@transaction.atomic
def transfer_case(*, case: Case, clerk: Any, department: Department, reason: str, expected_version: int) -> Case:
    """移交: the case moves to another department's queue, with the reason."""
    if not reason.strip():
        raise ValidationError(_("移交须写明原因。"), code="reason_required")
    case = _lock(case, expected_version)
    ensure_can(clerk, "cases.transfer", case)
    if case.status in FINAL_STATUSES:
        raise Conflict(_("已办结的办件不能移交。"))
    if department.pk == case.department_id:
        raise ValidationError(_("请选择另一个部门。"), code="same_department")
    old = case.department
    CaseTask.objects.filter(case=case, department=old).exclude(status=TaskStatus.DONE).update(
        department=department, status=TaskStatus.OPEN, claimed_by=None, version=F("version") + 1
    )
    case.department = department
    _save(case, "department")
    _audit(case, actor=clerk, action="transfer", from_department=old.code, to_department=department.code, reason=reason)
    _status_changed(
        case,
        actor=clerk,
        action="transfer",
        label=_("移交至%(to)s") % {"to": department.name},
        comment=reason.strip(),
    )
    return case


@transaction.atomic
def start_special_procedure(
    *, case: Case, clerk: Any, kind: str, reason: str, expected_version: int, days: int | None = None
) -> Case:
    """特别程序 (听证、现场核查、检验检测、专家评审): the clock stops, with the reason.

    延期 (`kind="extension"`, 行政许可法 Art. 42) does not stop the clock: the head approves `days`
    more working days (default: all that is left of the cap, see `extension_cap`).
    """
    if kind not in PauseKindChoice.values or kind == PauseKindChoice.SUPPLEMENT:
        raise ValidationError(_("请选择特别程序的种类。"), code="pause_kind")
    if not reason.strip():
        raise ValidationError(_("请写明特别程序的原因。"), code="reason_required")
    case = _lock(case, expected_version)
    ensure_can(clerk, "cases.special_procedure", case)
    if case.status not in RUNNING_STATUSES:
        raise Conflict(_("只有办理中的办件可以启动特别程序。"))
    if kind == PauseKindChoice.EXTENSION:
        _extend(case, clerk=clerk, reason=reason.strip(), days=days)
        return case
    clock.open_pause(case, kind=kind, reason=reason.strip())
    case.status = CaseStatus.SPECIAL_PROCEDURE
    clock.refresh(case)
    _save(case, "status", "due_on", "warn_on", "clock_state")
    _audit(case, actor=clerk, action="start_special_procedure", kind=kind, reason=reason)
    _status_changed(
        case,
        actor=clerk,
        action="special_procedure",
        label=_("进入特别程序：%(kind)s（不计入办理时限）") % {"kind": PauseKindChoice(kind).label},
        comment=reason.strip(),
    )
    return case


def extension_cap(case: Case) -> int:
    """延期上限: working days an approved extension may add in all (行政许可法 Art. 42).

    Settings `TONGBAN["EXTENSION_DAYS"]` (default 10) and, for joint handling — 并联审批 and
    一件事 — `TONGBAN["JOINT_EXTENSION_DAYS"]` (default 15).
    """
    joint = case.bundle_id is not None or (case.item is not None and case.item.process == flow.PARALLEL_PROCESS)
    if joint:
        return int(settings.TONGBAN.get("JOINT_EXTENSION_DAYS", 15))
    return int(settings.TONGBAN.get("EXTENSION_DAYS", 10))


def _extend(case: Case, *, clerk: Any, reason: str, days: int | None) -> None:
    cap = extension_cap(case)
    left = cap - case.extended_days
    if left <= 0:
        raise ValidationError(
            _("该办件已延期 %(used)s 个工作日，达到延期上限（%(cap)s 个工作日），不能再延期。")
            % {"used": case.extended_days, "cap": cap},
            code="extension_cap",
        )
    days = left if days is None else days
    if days < 1 or days > left:
        raise ValidationError(
            _("延期天数须为 1 至 %(left)s 个工作日（上限 %(cap)s 个工作日，已延期 %(used)s 个）。")
            % {"left": left, "cap": cap, "used": case.extended_days},
            code="extension_cap",
        )
    case.extended_days += days
    case.limit_days += days
    clock.refresh(case)
    _save(case, "extended_days", "limit_days", "due_on", "warn_on", "clock_state")
    _audit(case, actor=clerk, action="extend", days=days, extended_days=case.extended_days, reason=reason)
    _status_changed(
        case,
        actor=clerk,
        action="extend",
        label=_("经负责人批准延期 %(days)s 个工作日，办结期限至 %(due)s") % {"days": days, "due": case.due_on},
        comment=reason,
    )


@transaction.atomic
def end_special_procedure(*, case: Case, clerk: Any, expected_version: int) -> Case:
    """特别程序结束: the clock runs again (of two heads ending it at once, one gets Conflict)."""
    case = _lock(case, expected_version)
    ensure_can(clerk, "cases.special_procedure", case)
    if case.status != CaseStatus.SPECIAL_PROCEDURE:
        raise Conflict(_("该办件不在特别程序中。"))
    clock.close_pauses(case)
    case.status = CaseStatus.IN_REVIEW
    clock.refresh(case)
    _save(case, "status", "due_on", "warn_on", "clock_state")
    _audit(case, actor=clerk, action="end_special_procedure")
    _status_changed(case, actor=clerk, action="special_procedure_end", label=_("特别程序结束，恢复计时"))
    return case


@transaction.atomic
def withdraw_case(*, case: Case, applicant: Any, reason: str = "") -> Case:
    """撤回: the applicant withdraws before the decision."""
    case = _lock(case, None)
    ensure_can(applicant, "cases.withdraw", case)
    if case.status not in OPEN_STATUSES:
        raise Conflict(_("办件已作出决定，不能撤回。"))
    for child in case.children.exclude(status__in=FINAL_STATUSES):
        _withdraw_one(child, applicant, reason, update_parent=False)
    _withdraw_one(case, applicant, reason)
    return case


@transaction.atomic
def withdraw_on_request(*, case: Case, clerk: Any, reason: str, expected_version: int) -> Case:
    """代为撤回: a clerk records the withdrawal the applicant asked for (at the window, by phone or
    in writing) before the decision; the reason — how and when the applicant asked — is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请写明申请人提出撤回的方式和理由。"), code="reason_required")
    case = _lock(case, expected_version)
    ensure_can(clerk, "cases.withdraw_on_request", case)
    if case.status not in OPEN_STATUSES:
        raise Conflict(_("办件已作出决定，不能撤回。"))
    text = _("应申请人要求撤回：%(reason)s") % {"reason": reason}
    for child in case.children.exclude(status__in=FINAL_STATUSES):
        _withdraw_one(child, clerk, text, update_parent=False, action="withdraw_on_request")
    _withdraw_one(case, clerk, text, action="withdraw_on_request")
    return case


def _withdraw_one(case: Case, actor: Any, reason: str, *, update_parent: bool = True, action: str = "withdraw") -> None:
    flow.cancel(case)
    now = timezone.now()
    case.status = CaseStatus.WITHDRAWN
    case.concluded_at = now
    case.decision_text = reason.strip()
    case.version += 1
    case.save()
    CaseTask.objects.filter(case=case).exclude(status=TaskStatus.DONE).update(status=TaskStatus.DONE, done_at=now)
    clock.close_pauses(case)
    _audit(case, actor=actor, action=action, reason=reason)
    _status_changed(case, actor=actor, action="withdraw", label=_("已撤回"), comment=reason.strip())
    _stop_followers(case)
    if update_parent and case.bundle_case_id is not None:
        parent = (
            Case.objects.select_for_update(of=("self",))
            .select_related("department", "applicant", "bundle")
            .get(pk=case.bundle_case_id)
        )
        _update_parent(parent)


# --- the comprehensive window (综合窗口 无差别受理) ------------------------------------------------------


def _person_for(*, clerk: Any, person_name: str, id_number: str, phone: str) -> User:
    number = validate_id_number(id_number)
    name = person_name.strip()
    person = accounts.find_by_id_number(IdType.RESIDENT_ID, number)
    if person is not None:
        if person.name != name:
            raise ValidationError(_("姓名与该身份证号码登记的姓名不一致，请核对证件。"), code="identity_mismatch")
        return person
    check = current_verifier().verify(name=name, id_number=number)
    if check is IdentityCheck.UNAVAILABLE:
        raise ValidationError(_("人口库暂时无法核验身份，请稍后再试。"), code="identity_unavailable")
    if check is IdentityCheck.NO_MATCH:
        raise ValidationError(_("姓名与身份证号码不一致，请核对证件。"), code="identity_mismatch")
    username = "p" + crypto.blind_index(number)[:16]
    person = accounts.register_person(
        username=username, password=secrets.token_urlsafe(24), name=name, phone=phone, id_number=number
    )
    person.set_unusable_password()
    person.save(update_fields=["password"])
    return person


@transaction.atomic
def file_at_window(
    *,
    clerk: Any,
    person_name: str,
    id_number: str,
    phone: str,
    item: ServiceItem,
    answers: dict[str, Any],
    uploads: Iterable[Upload] = (),
    consent: bool,
    idempotency_key: str,
) -> Case:
    """综合窗口 无差别受理: any item, for a citizen present at the window; accepted on the spot where the
    clerk's window covers the department; number and query code by SMS; then the department's queue."""
    ensure_can(clerk, "cases.file_at_window", item)
    if not consent:
        raise ValidationError(_("请先取得申请人同意（授权代为填报和核验身份）。"), code="consent_required")
    key = _clean_key(idempotency_key)
    existing = _existing("cases.window", clerk.pk, key)
    if existing is not None:
        return existing
    _check_item_open(item, CaseChannel.WINDOW)
    person = _person_for(clerk=clerk, person_name=person_name, id_number=id_number, phone=phone)
    answers = validate_answers(form_schema_for(item), answers)
    checked = [(name, upload_checks.check_upload(f)) for name, f in uploads]
    needs = materials_needed(item=item, applicant=person)
    given = {name for name, _f in checked}
    _check_materials(needs, given)
    query_code = numbers.new_query_code()

    def body(stored: list[str]) -> Case:
        def create() -> str:
            case = _new_case(
                item=item,
                applicant=person,
                answers=answers,
                channel=CaseChannel.WINDOW,
                key=f"window:{key}",
                query_code=query_code,
                filed_by=clerk,
            )
            case.consent_at = timezone.now()
            case.save(update_fields=["consent_at"])
            _store_materials(case, owner=person, checked=checked, stored=stored)
            _attach_reused(case, needs, given)
            _event(case, actor=clerk, action="consent", label=_("申请人当场授权窗口代为填报"), public=False)
            _audit(case, actor=clerk, action="file_at_window", purpose=_("综合窗口受理"))
            if case.status == CaseStatus.SUBMITTED and intake_for(clerk, case):
                task = next(t for t in case.tasks.all() if t.bpmn_id == "accept" and t.status != TaskStatus.DONE)
                step = flow.complete(case, task, outcome="accept")
                _finish_task(task, clerk, "accept")
                flow.sync_tasks(case, step.state)
                _accept_now(case, actor=clerk)
                case.version += 1
                _save(
                    case,
                    "status",
                    "accepted_at",
                    "due_on",
                    "warn_on",
                    "clock_state",
                    "workflow_state",
                    "process_version",
                )
                _audit(case, actor=clerk, action="accept", purpose=_("综合窗口受理"))
            queue_sms(
                phone=phone,
                text=_("【通办】您在窗口申请的“%(item)s”已%(state)s，办件编号 %(number)s，查询码 %(code)s。")
                % {"item": item.name, "state": case.get_status_display(), "number": case.number, "code": query_code},
            )
            post_message(
                recipient=person,
                title=_("窗口已收到您的申请"),
                body=_("%(item)s，办件编号 %(number)s。") % {"item": item.name, "number": case.number},
                link=f"/cases/{case.number}/",
            )
            return str(case.pk)

        case_id, created = idempotency.once(scope="cases.window", owner_id=clerk.pk, key=key, create=create)
        if not created:
            for name in stored:
                default_storage.delete(name)
            stored.clear()
        case = Case.objects.select_related("item", "department", "applicant").get(pk=int(case_id))
        case.query_code_plain = query_code if created else crypto.decrypt(case.query_code_encrypted)  # type: ignore[attr-defined]
        return case

    return _with_file_cleanup(body)


# --- deadlines ------------------------------------------------------------------------------------


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
        _finish_task(task, None, "expired")
        result = step.result if step.finished and step.result else {"decision": "not_supplemented"}
    else:
        flow.cancel(case)
        result = {"decision": "not_supplemented"}
    if result.get("decision") != "not_supplemented":
        result = {**result, "decision": "not_supplemented"}
    _conclude(case, result, actor=None, text=text)
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
    _finish_task(task, None, "accept")
    flow.sync_tasks(case, step.state)
    _accept_now(case, actor=None, on_receipt=True)
    clock.refresh(case, today)
    case.version += 1
    _save(case, "status", "accepted_at", "due_on", "warn_on", "clock_state", "workflow_state", "process_version")
    audit.record(
        actor=None,
        action="case.auto_accept",
        subject=case,
        data_subject=case.applicant,
        department_code=case.department.code,
        details={"number": case.number, "reason": "intake_deadline"},
    )
    _notify(case, title=_("办件 %(number)s 已受理") % {"number": case.number}, body=_("您的申请已依法视为受理。"))
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
    _save(case, "due_on", "warn_on", "clock_state")
    if case.clock_state == ClockState.GREEN:
        return None
    state = str(case.clock_state)
    label = _("超期") if state == ClockState.RED else _("即将到期")
    _event(case, actor=None, action=f"clock_{state}", label=label, public=False)
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
