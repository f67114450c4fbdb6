"""综合窗口 无差别受理: filing any item for a citizen present at the window."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts import services as accounts
from tongban.accounts.identity import IdentityCheck, current_verifier
from tongban.accounts.models import IdType, User
from tongban.accounts.permissions import ensure_can
from tongban.cases import flow, numbers
from tongban.cases import uploads as upload_checks
from tongban.cases.models import (
    Case,
    CaseChannel,
    CaseStatus,
    TaskStatus,
)
from tongban.cases.permissions import intake_for
from tongban.cases.schema import form_schema_for, validate_answers
from tongban.cases.selectors import materials_needed
from tongban.cases.services.common import (
    Upload,
    audit_case,
    check_item_open,
    finish_task,
    record_event,
    save_case,
    with_file_cleanup,
)
from tongban.cases.services.keys import clean_key, existing_result
from tongban.cases.services.materials import attach_reused, check_materials, store_materials
from tongban.cases.services.starting import accept_now, new_case
from tongban.catalog.models import ServiceItem
from tongban.core import crypto, idempotency
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
    key = clean_key(idempotency_key)
    existing = existing_result("cases.window", clerk.pk, key)
    if existing is not None:
        return existing
    check_item_open(item, CaseChannel.WINDOW)
    person = _person_for(clerk=clerk, person_name=person_name, id_number=id_number, phone=phone)
    answers = validate_answers(form_schema_for(item), answers)
    checked = [(name, upload_checks.check_upload(f)) for name, f in uploads]
    needs = materials_needed(item=item, applicant=person)
    given = {name for name, _f in checked}
    check_materials(needs, given)
    query_code = numbers.new_query_code()

    def body(stored: list[str]) -> Case:
        def create() -> str:
            case = new_case(
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
            store_materials(case, owner=person, checked=checked, stored=stored)
            attach_reused(case, needs, given)
            record_event(case, actor=clerk, action="consent", label=_("申请人当场授权窗口代为填报"), public=False)
            audit_case(case, actor=clerk, action="file_at_window", purpose=_("综合窗口受理"))
            if case.status == CaseStatus.SUBMITTED and intake_for(clerk, case):
                task = next(t for t in case.tasks.all() if t.bpmn_id == "accept" and t.status != TaskStatus.DONE)
                step = flow.complete(case, task, outcome="accept")
                finish_task(task, clerk, "accept")
                flow.sync_tasks(case, step.state)
                accept_now(case, actor=clerk)
                case.version += 1
                save_case(
                    case,
                    "status",
                    "accepted_at",
                    "due_on",
                    "warn_on",
                    "clock_state",
                    "workflow_state",
                    "process_version",
                )
                audit_case(case, actor=clerk, action="accept", purpose=_("综合窗口受理"))
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

    return with_file_cleanup(body)
