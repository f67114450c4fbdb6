"""一件事一次办: one submission fanned out to the departments, the bundle's combined state."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases import clock, flow, numbers
from tongban.cases import uploads as upload_checks
from tongban.cases.models import (
    FINAL_STATUSES,
    Case,
    CaseChannel,
    CaseStatus,
    Draft,
    MaterialFile,
    MaterialOrigin,
)
from tongban.cases.schema import answers_for, form_schema_for, merged_form_for, validate_answers
from tongban.cases.selectors import merged_materials_for
from tongban.cases.services import starting
from tongban.cases.services.common import (
    Upload,
    announce_status,
    audit_case,
    check_item_open,
    notify_applicant,
    record_event,
    save_case,
    with_file_cleanup,
)
from tongban.cases.services.keys import clean_key, existing_result
from tongban.cases.services.materials import attach_reused, check_materials, store_materials
from tongban.catalog.models import Bundle, ServiceItem
from tongban.core import crypto, idempotency


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
    key = clean_key(idempotency_key)
    existing = existing_result("cases.submit_bundle", applicant.pk, key)
    if existing is not None:
        return existing
    links = list(bundle.bundle_items.select_related("item__department__region").order_by("position"))
    if not links:
        raise ValidationError(_("该一件事没有包含事项。"), code="empty_bundle")
    for link in links:
        check_item_open(link.item, channel)
    answers = validate_answers(merged_form_for(bundle), answers)
    checked = [(name, upload_checks.check_upload(f)) for name, f in uploads] if uploads else []
    draft_files = list(draft.materials.filter(case__isnull=True)) if draft is not None else []
    needs = merged_materials_for(bundle, applicant)
    given = {name for name, _f in checked} | {m.material_name for m in draft_files}
    check_materials(needs, given)
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
            record_event(parent, actor=applicant, action="submit", label=_("一件事联合申报"))
            store_materials(parent, owner=applicant, checked=checked, stored=stored)
            if draft_files:
                MaterialFile.objects.filter(pk__in=[m.pk for m in draft_files]).update(case=parent)
            attach_reused(parent, needs, given)
            children: list[Case] = []
            for position, link in enumerate(links):
                child = starting.new_case(
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
            audit_case(
                parent,
                actor=applicant,
                action="submit_bundle",
                bundle=bundle.code,
                children=[c.number for c in children],
            )
            notify_applicant(
                parent,
                title=_("已收到您的一件事申请"),
                body=_("%(name)s，办件编号 %(number)s，查询码 %(code)s。")
                % {"name": bundle.name, "number": number, "code": query_code},
            )
            update_parent(parent)
            return str(parent.pk)

        case_id, created = idempotency.once(scope="cases.submit_bundle", owner_id=applicant.pk, key=key, create=create)
        if not created:
            for name in stored:
                default_storage.delete(name)
            stored.clear()
        parent = Case.objects.select_related("bundle", "department").get(pk=int(case_id))
        parent.query_code_plain = query_code if created else crypto.decrypt(parent.query_code_encrypted)  # type: ignore[attr-defined]
        return parent

    return with_file_cleanup(body)


def update_parent(parent: Case) -> None:
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
    save_case(parent, "status", "decision", "decision_text", "decided_at", "concluded_at")
    announce_status(parent, actor=None, action="conclude", label=_("一件事办结"), comment=parent.decision_text)


def start_followers(case: Case) -> None:
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
        record_event(follower, actor=None, action="start", label=_("前序事项已办结，开始办理"))
        starting.after_start(follower, state, actor=None)


def stop_followers(case: Case) -> None:
    for follower in Case.objects.filter(waits_for=case, status=CaseStatus.WAITING):
        follower.status = CaseStatus.CONCLUDED
        follower.concluded_at = timezone.now()
        follower.decision_text = _("前序事项“%(name)s”未获准予，本事项终止办理。") % {"name": case.title}
        follower.version += 1
        save_case(follower, "status", "concluded_at", "decision_text")
        record_event(follower, actor=None, action="stop", label=_("终止办理"), comment=follower.decision_text)
        stop_followers(follower)
