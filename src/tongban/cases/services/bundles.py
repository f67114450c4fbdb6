"""一件事一次办: one submission fanned out to the departments, the bundle's combined state.

Each item becomes a child case of its department with its share of the merged answers (the
bundle's field map, `cases.schema`), every material its item lists that the bundle collected (one
stored file, reused), and a time limit that never runs past the bundle's (the case clock caps it).
The applicant hears from the bundle, not from its items: one message per stage — received, every
item accepted, a supplement asked for, concluded with one combined result — naming the bundle and
its case number (`speak_for_bundle`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.permissions import ensure_can
from tongban.cases import flow, numbers
from tongban.cases import uploads as upload_checks
from tongban.cases.decision_documents import outcome_word
from tongban.cases.models import (
    FINAL_STATUSES,
    Case,
    CaseChannel,
    CaseStatus,
    Draft,
    MaterialFile,
    MaterialOrigin,
)
from tongban.cases.schema import merged_form_for, share_of, validate_answers
from tongban.cases.selectors import material_list_of, merged_materials_for
from tongban.cases.services import starting
from tongban.cases.services.common import (
    N_,
    Upload,
    audit_case,
    check_item_open,
    notify_applicant,
    record_event,
    save_case,
    source_language,
)
from tongban.cases.services.keys import clean_key, submit_once, submitted_with_key
from tongban.cases.services.materials import attach_reused, check_materials, store_files, store_materials
from tongban.catalog.models import Bundle, ServiceItem
from tongban.core import crypto
from tongban.timelimits import case_clock as clock


def _predecessor(item: ServiceItem, earlier: list[Case]) -> Case | None:
    """The earlier sibling whose result this item needs as a material (出生医学证明 → 出生登记)."""
    names = {m.name for m in item.materials.all()}
    for sibling in reversed(earlier):
        result = (sibling.item.result or {}) if sibling.item else {}
        if result.get("name") in names:
            return sibling
    return None


BUNDLE_CODE_PREFIX = "YJS"


def implementation_code(bundle: Bundle) -> str:
    """The implementation code (实施编码) a bundle's case numbers start with, as an item's do.

    A bundle has no implementing agency, hence no 实施编码 of its own: the catalogue may give one
    (`extra["implementation_code"]`); otherwise it is `YJS-` (一件事) and the bundle's code in capitals
    without a `bundle-` prefix: `bundle-birth` → `YJS-BIRTH`, so the bundle's first case of
    8 October 2025 is `YJS-BIRTH20251008000001`, shaped like an item's `WJ-00120251008000001`.
    """
    given = (bundle.extra or {}).get("implementation_code")
    raw = given if isinstance(given, str) and given.strip() else bundle.code.removeprefix("bundle-")
    code = re.sub(r"[^0-9A-Z]+", "-", raw.upper()).strip("-")
    if not (isinstance(given, str) and given.strip()):
        code = f"{BUNDLE_CODE_PREFIX}-{code}" if code else BUNDLE_CODE_PREFIX
    return code[:64]


def submit_bundle(
    *,
    applicant: Any,
    bundle: Bundle,
    answers: dict[str, Any],
    draft: Draft | None = None,
    uploads: Iterable[Upload] = (),
    idempotency_key: str,
    channel: str = CaseChannel.WEB,
    acting_for: Any = None,
) -> Case:
    """一件事一次办: one parent case, a child per item routed in parallel (or in order where a result
    is the next item's input); one merged form, one material list, one time limit on the parent.

    `acting_for`: the company the applicant represents (checked as for a single item)."""
    key = clean_key(idempotency_key)
    existing = submitted_with_key(applicant.pk, key)
    if existing is not None:
        return existing
    links = list(bundle.bundle_items.select_related("item__department__region").order_by("position"))
    if not links:
        raise ValidationError(_("该一件事没有包含事项。"), code="empty_bundle")
    for link in links:
        check_item_open(link.item, channel)
    if acting_for is not None:
        ensure_can(applicant, "accounts.act_for", acting_for)
    if draft is not None and (draft.applicant_id != applicant.pk or draft.bundle_id != bundle.pk):
        raise PermissionDenied(_("您没有权限进行此操作。"))
    merged = merged_form_for(bundle)
    answers = validate_answers(merged, answers)
    checked = [(name, upload_checks.check_upload(f)) for name, f in uploads] if uploads else []
    draft_files = list(draft.materials.filter(case__isnull=True)) if draft is not None else []
    needs = merged_materials_for(bundle, applicant)
    given = {name for name, _f in checked} | {m.material_name for m in draft_files}
    check_materials(needs, given)
    query_code = numbers.new_query_code()
    paths = store_files(checked)

    def create() -> Case:
        now = timezone.now()
        today = timezone.localdate(now)
        lead = links[0].item
        number = numbers.next_number(code=implementation_code(bundle), day=today)
        parent = Case.objects.create(
            number=number,
            bundle=bundle,
            applicant=applicant,
            acting_for=acting_for,
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
        record_event(parent, actor=applicant, action="submit", label=N_("一件事联合申报"))
        store_materials(parent, owner=applicant, checked=checked, stored=[], paths=paths)
        if draft_files:
            MaterialFile.objects.filter(pk__in=[m.pk for m in draft_files]).update(case=parent)
        attach_reused(parent, needs, given)
        children: list[Case] = []
        for position, link in enumerate(links):
            before = _predecessor(link.item, children)
            child = starting.new_case(
                item=link.item,
                applicant=applicant,
                answers=share_of(bundle, link.item, answers, merged),
                channel=channel,
                key="",
                query_code=query_code,
                acting_for=acting_for,
                bundle_case=parent,
                position=position,
                waits_for=before,
            )
            children.append(child)
            if before is not None and before.status in FINAL_STATUSES:  # decided on the spot already
                (start_followers if before.decision == "approved" else stop_followers)(before)
        share_materials(parent, children)
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
            headline=N_("已收到您的一件事申请"),
            detail=N_("%(count)s 个事项由相关部门办理，最迟 %(due)s 全部办结。")
            % {"count": len(children), "due": parent.due_on},
            query_code=query_code,
        )
        update_parent(parent)
        parent.query_code_plain = query_code  # type: ignore[attr-defined]
        return parent

    return submit_once(applicant_id=applicant.pk, key=key, create=create, files=paths)


def share_materials(parent: Case, children: list[Case]) -> None:
    """一套材料: each child gets every material its item lists that the bundle collected — reused rows
    pointing at the one stored file (same name, size and SHA-256), so its department sees them."""
    collected: dict[str, list[MaterialFile]] = {}
    for material in parent.materials.all():
        collected.setdefault(material.material_name, []).append(material)
    rows = [
        MaterialFile(
            case=child,
            owner=parent.applicant,
            material_name=file.material_name,
            original_name=file.original_name,
            content_type=file.content_type,
            size=file.size,
            sha256=file.sha256,
            file=file.file.name if file.file else "",
            source=MaterialOrigin.REUSED,
            source_case=parent,
            certificate_type=file.certificate_type,
        )
        for child in children
        if child.item is not None
        for material in material_list_of(child.item)
        for file in collected.get(material.name, [])
    ]
    MaterialFile.objects.bulk_create(rows)


def update_parent(parent: Case) -> None:
    """The bundle's combined state: concluded once every child is final; approved if all were.

    One combined result: each item with its outcome and what it produced."""
    children = list(parent.children.select_related("item").order_by("position"))
    if parent.bundle is not None and len(children) < parent.bundle.bundle_items.count():
        return  # still being submitted: an item decided on the spot is not the whole bundle
    if not children or any(c.status not in FINAL_STATUSES for c in children):
        return
    if parent.status in FINAL_STATUSES:
        return
    approved = all(c.decision == "approved" for c in children)
    parent.status = CaseStatus.APPROVED if approved else CaseStatus.CONCLUDED
    parent.decision = "approved" if approved else "refused"
    parent.decision_text = "；\n".join(_outcome(c) for c in children)
    parent.decided_at = parent.concluded_at = timezone.now()
    parent.version += 1
    save_case(parent, "status", "decision", "decision_text", "decided_at", "concluded_at")
    done = sum(1 for c in children if c.decision == "approved")
    _tell(
        parent,
        stage="concluded",
        headline=N_("一件事办结"),
        detail=N_("%(done)s 个事项准予办理，共 %(count)s 个。%(results)s")
        % {"done": done, "count": len(children), "results": parent.decision_text},
    )


def _outcome(child: Case) -> str:
    """One item's line in the bundle's stored decision text, in the platform's language."""
    with source_language():
        word = outcome_word(child)
    result = str(((child.item.result if child.item else None) or {}).get("name") or "")
    if child.decision == "approved" and result:
        return N_("%(item)s：%(status)s，结果：《%(result)s》") % {
            "item": child.title,
            "status": word,
            "result": result,
        }
    return f"{child.title}：{word}"


# --- what the applicant hears: the bundle, once per stage -------------------------------------------


def _tell(parent: Case, *, stage: str, headline: str, detail: str) -> None:
    """One message for the whole bundle at `stage`, once (the parent's history remembers the stage)."""
    action = f"bundle_{stage}"[:40]
    if parent.events.filter(action=action).exists():
        return
    record_event(parent, actor=None, action=action, label=headline, comment=detail)
    notify_applicant(parent, headline=headline, detail=detail)


def speak_for_bundle(child: Case) -> None:
    """A bundle's item has news for the applicant: instead of its own message, the bundle sends what
    its stage now calls for — a supplement asked for (the applicant must act), or every item accepted.
    Its conclusion is told by `update_parent`; anything else stays in the item's history."""
    if child.bundle_case_id is None:
        return
    parent = (
        Case.objects.select_for_update(of=("self",)).select_related("bundle", "applicant").get(pk=child.bundle_case_id)
    )
    _speak(parent, news=child)


def _speak(parent: Case, news: Case | None = None) -> None:
    """`news`: the item just changed, as it is in memory (its row may not be saved yet)."""
    children = [
        news if news is not None and c.pk == news.pk else c
        for c in parent.children.select_related("item").order_by("position")
    ]
    if parent.bundle is None or len(children) < parent.bundle.bundle_items.count():
        return  # still being submitted
    for child in children:
        if child.status != CaseStatus.SUPPLEMENT_REQUESTED:
            continue
        for notice in child.supplements.filter(answered_at__isnull=True):
            listing = "；".join(str(i.get("material") or i.get("field") or i.get("reason") or "") for i in notice.items)
            _tell(
                parent,
                stage=f"supplement_{notice.pk}",
                headline=N_("待补正"),
                detail=N_("“%(item)s”需要补正：%(list)s。请在本一件事的页面中补正。")
                % {"item": child.title, "list": listing},
            )
    accepted = all(c.accepted_at is not None or c.status in FINAL_STATUSES for c in children)
    if accepted and not all(c.status in FINAL_STATUSES for c in children):
        _tell(
            parent,
            stage="accepted",
            headline=N_("各事项均已受理"),
            detail=N_("最迟 %(due)s 办结。") % {"due": parent.due_on},
        )


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
        record_event(follower, actor=None, action="start", label=N_("前序事项已办结，开始办理"))
        starting.after_start(follower, state, actor=None)
    if case.bundle_case_id is not None:
        speak_for_bundle(case)  # followers accepted on receipt may complete a stage


def stop_followers(case: Case) -> None:
    for follower in Case.objects.filter(waits_for=case, status=CaseStatus.WAITING):
        follower.status = CaseStatus.CONCLUDED
        follower.concluded_at = timezone.now()
        follower.decision_text = N_("前序事项“%(name)s”未获准予，本事项终止办理。") % {"name": case.title}
        follower.version += 1
        save_case(follower, "status", "concluded_at", "decision_text")
        record_event(follower, actor=None, action="stop", label=N_("终止办理"), comment=follower.decision_text)
        stop_followers(follower)
