"""综合窗口 无差别受理: filing any item for a citizen present at the window."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tongban.accounts import services as accounts
from tongban.accounts.identity import IdentityCheck, current_verifier
from tongban.accounts.models import IdType, User
from tongban.accounts.permissions import ensure_can
from tongban.cases import numbers
from tongban.cases import uploads as upload_checks
from tongban.cases.models import (
    Case,
    CaseChannel,
    CaseStatus,
    Draft,
    MaterialFile,
    TaskStatus,
)
from tongban.cases.permissions import intake_for
from tongban.cases.schema import form_schema_for, validate_answers
from tongban.cases.selectors import materials_needed
from tongban.cases.services import concluding
from tongban.cases.services.applying import ensure_no_open_case
from tongban.cases.services.common import (
    N_,
    Upload,
    audit_case,
    check_item_open,
    record_event,
    save_case,
)
from tongban.cases.services.keys import clean_key, submit_once, submitted_with_key, window_key
from tongban.cases.services.materials import attach_reused, check_materials, store_files, store_materials
from tongban.cases.services.starting import ACCEPT_FIELDS, accept_step, new_case
from tongban.catalog.models import ServiceItem
from tongban.core import crypto
from tongban.core.validators import validate_id_number
from tongban.notices.services import post_message, queue_sms


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
    if check is IdentityCheck.NOT_FOUND:
        raise ValidationError(
            _("人口库中没有这个身份证号码的登记：请核对证件号码，或请申请人到户籍所在地核实登记。"),
            code="identity_not_found",
        )
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
    draft: Draft | None = None,
    consent: bool,
    idempotency_key: str,
) -> Case:
    """综合窗口 无差别受理: any item, for a citizen present at the window; accepted on the spot where the
    clerk's window covers the department; number and query code by SMS; then the department's queue.

    `draft`: the clerk's window draft holding scans received earlier (they survive a form error).
    """
    ensure_can(clerk, "cases.file_at_window", item)
    if not consent:
        raise ValidationError(_("请先取得申请人同意（授权代为填报和核验身份）。"), code="consent_required")
    key = clean_key(idempotency_key)
    if draft is not None and (draft.applicant_id != clerk.pk or draft.item_id != item.pk):
        raise PermissionDenied(_("您没有权限进行此操作。"))
    check_item_open(item, CaseChannel.WINDOW)
    person = _person_for(clerk=clerk, person_name=person_name, id_number=id_number, phone=phone)
    stored_key = window_key(clerk.pk, key)
    existing = submitted_with_key(person.pk, stored_key)
    if existing is not None:
        return existing
    answers = validate_answers(form_schema_for(item), answers)
    checked = [(name, upload_checks.check_upload(f)) for name, f in uploads]
    held = list(draft.materials.filter(case__isnull=True)) if draft is not None else []
    needs = materials_needed(item=item, applicant=person)
    given = {name for name, _f in checked} | {m.material_name for m in held}
    check_materials(needs, given)
    ensure_no_open_case(item=item, applicant=person)
    query_code = numbers.new_query_code()
    paths = store_files(checked)

    def create() -> Case:
        case = new_case(
            item=item,
            applicant=person,
            answers=answers,
            channel=CaseChannel.WINDOW,
            key=stored_key,
            query_code=query_code,
            filed_by=clerk,
        )
        case.consent_at = timezone.now()
        case.save(update_fields=["consent_at"])
        store_materials(case, owner=person, checked=checked, stored=[], paths=paths)
        if held:
            MaterialFile.objects.filter(pk__in=[m.pk for m in held]).update(case=case, owner=person)
            Draft.objects.filter(pk__in=[draft.pk] if draft else []).update(submitted_case=case)
        attach_reused(case, needs, given)
        record_event(case, actor=clerk, action="consent", label=N_("申请人当场授权窗口代为填报"), public=False)
        audit_case(case, actor=clerk, action="file_at_window", purpose=gettext_noop("综合窗口受理"))
        if case.status == CaseStatus.SUBMITTED and intake_for(clerk, case):
            task = next(t for t in case.tasks.all() if t.bpmn_id == "accept" and t.status != TaskStatus.DONE)
            step = accept_step(case, actor=clerk, task=task, notify=False)
            case.version += 1
            save_case(case, *ACCEPT_FIELDS)
            audit_case(case, actor=clerk, action="accept", purpose=gettext_noop("综合窗口受理"))
            if step is not None and step.finished and step.result is not None:
                concluding.conclude(case, step.result, actor=clerk)
        state = N_("已受理") if case.status == CaseStatus.ACCEPTED else N_("已收件，待承办部门受理")
        queue_sms(
            phone=phone,
            text=N_("【通办】您在窗口申请的“%(item)s”%(state)s。办件编号 %(number)s，查询码 %(code)s。")
            % {"item": item.name, "state": state, "number": case.number, "code": query_code},
            secret=query_code,
        )
        post_message(
            recipient=person,
            title=N_("%(item)s：窗口已收到您的申请") % {"item": item.name},
            body=N_("办件编号 %(number)s，%(state)s。") % {"number": case.number, "state": state},
            link=f"/cases/{case.number}/",
        )
        case.query_code_plain = query_code  # type: ignore[attr-defined]
        return case

    return submit_once(applicant_id=person.pk, key=stored_key, create=create, files=paths)
