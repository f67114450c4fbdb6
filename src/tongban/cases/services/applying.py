"""申报: drafts, uploads and the submission of one item."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.permissions import ensure_can
from tongban.cases import numbers
from tongban.cases import uploads as upload_checks
from tongban.cases.models import (
    Case,
    CaseChannel,
    Draft,
    MaterialFile,
)
from tongban.cases.schema import form_schema_for, validate_answers
from tongban.cases.selectors import materials_needed, open_case_of
from tongban.cases.services.common import (
    N_,
    Upload,
    audit_case,
    check_item_open,
    notify_applicant,
    with_file_cleanup,
)
from tongban.cases.services.keys import clean_key, submit_once, submitted_with_key
from tongban.cases.services.materials import (
    attach_reused,
    check_materials,
    material_names,
    store_files,
    store_materials,
)
from tongban.cases.services.starting import delete_files, new_case
from tongban.catalog.models import Bundle, ServiceItem
from tongban.core import audit

MAX_DRAFT_CHARS = 200_000


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
    """上传材料 to a draft: checked (type from content, size, PDF, zip bomb, name), within the quotas
    (per draft, per applicant per day), hashed, stored."""
    if draft.applicant_id != applicant.pk:
        raise PermissionDenied(_("您没有权限进行此操作。"))
    names = material_names(draft)
    if material_name not in names:
        raise ValidationError(
            _("“%(name)s”不在该事项的材料清单中。") % {"name": material_name}, code="unknown_material"
        )
    checked = upload_checks.check_upload(upload)
    upload_checks.check_quotas(draft=draft, uploader=applicant, size=checked.size)

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

    return with_file_cleanup(body)


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
    key = clean_key(idempotency_key)
    existing = submitted_with_key(applicant.pk, key)
    if existing is not None:
        return existing
    check_item_open(item, channel)
    if acting_for is not None:
        ensure_can(applicant, "accounts.act_for", acting_for)
    if draft is not None and (draft.applicant_id != applicant.pk or draft.item_id != item.pk):
        raise PermissionDenied(_("您没有权限进行此操作。"))
    answers = validate_answers(form_schema_for(item), answers)
    checked = [(name, upload_checks.check_upload(f)) for name, f in uploads] if uploads else []
    draft_files = list(draft.materials.filter(case__isnull=True)) if draft is not None else []
    needs = materials_needed(item=item, applicant=applicant)
    given = {name for name, _f in checked} | {m.material_name for m in draft_files}
    check_materials(needs, given)
    ensure_no_open_case(item=item, applicant=applicant, acting_for=acting_for)
    query_code = numbers.new_query_code()
    paths = store_files(checked)

    def create() -> Case:
        case = new_case(
            item=item,
            applicant=applicant,
            answers=answers,
            channel=channel,
            key=key,
            query_code=query_code,
            acting_for=acting_for,
            number=number,
        )
        store_materials(case, owner=applicant, checked=checked, stored=[], paths=paths)
        if draft_files:
            MaterialFile.objects.filter(pk__in=[m.pk for m in draft_files]).update(case=case)
        attach_reused(case, needs, given)
        if draft is not None:
            Draft.objects.filter(pk=draft.pk).update(submitted_case=case)
        audit_case(case, actor=applicant, action="submit", channel=channel, materials=len(checked) + len(draft_files))
        notify_applicant(case, headline=N_("已收到您的申请"), query_code=query_code)
        case.query_code_plain = query_code  # type: ignore[attr-defined]
        return case

    try:
        number = numbers.next_number(code=item.code, day=timezone.localdate())
    except BaseException:
        delete_files(paths)
        raise
    return submit_once(applicant_id=applicant.pk, key=key, create=create, files=paths)


def ensure_no_open_case(*, item: ServiceItem, applicant: Any, acting_for: Any = None) -> None:
    """One open case per person and item, unless the catalogue says several are normal (`several_open`).

    Raises `ValidationError` (code `already_open`) naming the open case, so the person goes there instead.
    """
    if item.allows_several_open_cases:
        return
    open_case = open_case_of(applicant=applicant, item=item, acting_for=acting_for)
    if open_case is not None:
        raise ValidationError(
            _("您已有办件 %(number)s 正在办理（%(item)s），请在“我的办件”中查看进度，无需重复申请。")
            % {"number": open_case.number, "item": item.name},
            code="already_open",
        )
