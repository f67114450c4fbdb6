"""办结 and 送达: the decision recorded, the result delivered; withdrawal before the decision."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.permissions import ensure_can
from tongban.cases import decision_documents, flow, guards
from tongban.cases.decision_wording import history_label
from tongban.cases.errors import Conflict
from tongban.cases.models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    Case,
    CaseStatus,
    CaseTask,
    DeliveryMethod,
    MaterialFile,
    MaterialOrigin,
    TaskStatus,
)
from tongban.cases.services import bundles
from tongban.cases.services.common import (
    N_,
    announce_status,
    audit_case,
    lock_case,
    notify_applicant,
    record_event,
    save_case,
)
from tongban.timelimits import case_clock as clock


def conclude(case: Case, result: dict[str, Any], *, actor: Any, text: str = "") -> None:
    """The process reached an end event: record the decision, produce the result, move the bundle on."""
    decision = result.get("decision")
    now = timezone.now()
    reasons = [str(r) for r in result.get("reasons") or []]
    case.rule = str(result.get("rule") or "")
    case.decided_at = case.concluded_at = now
    if decision == "approved":
        case.status, case.decision = CaseStatus.APPROVED, "approved"
    elif decision == "refused":
        case.status, case.decision = CaseStatus.REFUSED, "refused"
    elif decision == "not_accepted":
        case.status, case.decision = CaseStatus.REFUSED_AT_INTAKE, ""
    elif decision == "cancelled":
        case.status, case.decision = CaseStatus.WITHDRAWN, ""
    else:  # 补正不来办结, or another end event of the process
        case.status, case.decision = CaseStatus.CONCLUDED, ""
    # the words follow the item's kind: 准予许可 for a licence, 准予登记 for a registration …
    label = history_label(case.item, str(decision or ""), str(result.get("end_name") or ""))
    case.decision_text = text or case.rule or "；".join(reasons)
    case.version += 1
    case.save()
    CaseTask.objects.filter(case=case).exclude(status=TaskStatus.DONE).update(status=TaskStatus.DONE, done_at=now)
    clock.close_pauses(case)
    comment = case.decision_text
    if case.rule:
        comment = N_("依据规则自动办理：%(rule)s") % {"rule": case.rule}
    announce_status(case, actor=actor, action="decide", label=label, comment=comment, notify=False)
    if case.decision == "approved" and case.item is not None and (case.item.result or {}).get("name"):
        result_info = case.item.result or {}
        MaterialFile.objects.create(
            case=case,
            owner=case.applicant,
            material_name=str(result_info["name"]),
            source=MaterialOrigin.RESULT,
            certificate_type=str(result_info.get("certificate_type") or ""),
        )
    decision_documents.issue(case=case, outcome=str(decision or ""))  # 办理结果文书
    pickup = _deliver_on_approval(case) if case.decision == "approved" else ""
    # one message for the decision, with where to collect a paper result
    notify_applicant(case, headline=label, detail="".join(part for part in (comment, pickup) if part))
    if case.decision == "approved":
        bundles.start_followers(case)
    else:
        bundles.stop_followers(case)
    if case.bundle_case_id is not None:
        _move_bundle_on(case.bundle_case_id)


def _move_bundle_on(parent_id: int) -> None:
    """A bundle's item ended: the bundle's combined state, and once it is concluded its one combined
    result document (一件事办理结果告知书)."""
    parent = (
        Case.objects.select_for_update(of=("self",))
        .select_related("department", "applicant", "acting_for", "bundle")
        .get(pk=parent_id)
    )
    bundles.update_parent(parent)
    parent.refresh_from_db(fields=["status", "decision", "decision_text", "concluded_at"])
    if parent.status in FINAL_STATUSES:
        decision_documents.issue_for_bundle(parent)


def _deliver_on_approval(case: Case) -> str:
    """送达 at approval: an electronic result reaches the applicant's account at once; a paper result
    waits at the window. Returns what the decision's message adds: where to collect it."""
    if case.bundle_case_id is not None:
        return ""  # a bundle's items are delivered with the bundle
    result_name = str((case.item.result or {}).get("name") or "") if case.item is not None else ""
    what = f"《{result_name}》" if result_name else N_("办理结果")
    if case.delivery == DeliveryMethod.ELECTRONIC:
        case.delivered_at = case.concluded_at
        case.save(update_fields=["delivered_at"])
        record_event(case, actor=None, action="deliver", label=N_("电子送达：%(what)s已送达您的账户") % {"what": what})
        return ""
    return N_("请携带本人身份证件到%(department)s窗口领取%(what)s。") % {
        "department": case.department.name,
        "what": what,
    }


@transaction.atomic
def record_delivery(*, case: Case, clerk: Any, expected_version: int, note: str = "") -> Case:
    """送达登记: the window hands the result to the applicant (or the person they authorised)."""
    case = lock_case(case, expected_version)
    guards.check_deliver(clerk, case, None)
    case.delivered_at = timezone.now()
    save_case(case, "delivered_at")
    audit_case(case, actor=clerk, action="deliver", note=note.strip())
    announce_status(case, actor=clerk, action="deliver", label=N_("已领取办理结果（窗口送达）"), comment=note.strip())
    return case


@transaction.atomic
def withdraw_case(*, case: Case, applicant: Any, reason: str = "") -> Case:
    """撤回: the applicant withdraws before the decision."""
    case = lock_case(case, None)
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
    case = lock_case(case, expected_version)
    guards.check_withdraw_on_request(clerk, case, None)
    text = N_("应申请人要求撤回：%(reason)s") % {"reason": reason}
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
    audit_case(case, actor=actor, action=action, reason=reason)
    announce_status(case, actor=actor, action="withdraw", label=N_("已撤回"), comment=reason.strip())
    bundles.stop_followers(case)
    if update_parent and case.bundle_case_id is not None:
        _move_bundle_on(case.bundle_case_id)
