"""Who is asking, and how cases, drafts, materials and tasks are answered (shared by the endpoints).

`_user`, `_citizen` and `_staff` take the caller from the request (a staff member where a citizen is
needed, or the reverse, answers 403); `_own_draft` finds the caller's draft or answers 404. The `_…_out`
helpers and `_detail` turn models into the answer shapes of `schemas`, masking what must be masked.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from tongban.accounts.models import UserKind
from tongban.api.errors import ApiError
from tongban.cases import actions, decision_documents, event_labels, selectors
from tongban.cases.api.schemas import DraftOut, EventOut, MaterialOut, ResultDocumentOut, SupplementOut, TaskOut
from tongban.cases.models import Case, CaseTask, Draft


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _citizen(request: HttpRequest) -> Any:
    user = _user(request)
    if user.kind == UserKind.STAFF:
        raise ApiError(403, "permission_denied", _("请使用个人或法人账户。"))
    return user


def _staff(request: HttpRequest) -> Any:
    user = _user(request)
    if user.kind != UserKind.STAFF:
        raise ApiError(403, "permission_denied", _("仅限工作人员。"))
    return user


def _material_out(m: Any) -> MaterialOut:
    return MaterialOut(
        id=m.pk,
        material_name=m.material_name,
        original_name=m.original_name,
        content_type=m.content_type,
        size=m.size,
        sha256=m.sha256,
        source=m.source,
    )


def _draft_out(draft: Draft) -> DraftOut:
    return DraftOut(
        key=str(draft.key),
        item_code=draft.item.code if draft.item else None,
        bundle_code=draft.bundle.code if draft.bundle else None,
        answers=draft.answers,
        updated_at=draft.updated_at,
        materials=[_material_out(m) for m in selectors.draft_materials(draft=draft)],
    )


def _own_draft(request: HttpRequest, key: str) -> Draft:
    try:
        uuid.UUID(key)
    except ValueError:
        raise Http404 from None
    draft = selectors.draft_of(applicant=_citizen(request), key=key)
    if draft is None:
        raise Http404
    return draft


def _case_out(case: Case) -> dict[str, Any]:
    time_status, _ratio = case.time_status
    return {
        "number": case.number,
        "title": case.title,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "department": case.department.name,
        "submitted_at": case.submitted_at,
        "accepted_at": case.accepted_at,
        "due_on": case.due_on,
        "time_status": time_status,
        "decision": case.decision,
        "decision_text": case.decision_text,
        "rule": case.rule,
        "version": case.version,
        "delivery": case.delivery,
        "delivered_at": case.delivered_at,
        "awaits_pickup": case.awaits_pickup,
    }


def _detail(case: Case, user: Any, *, public_only: bool) -> dict[str, Any]:
    supplement = selectors.open_supplement(case)
    return {
        **_case_out(case),
        "answers": selectors.masked_answers(case),
        "timeline": [
            EventOut(at=e.at, label=event_labels.label_of(e), comment=event_labels.comment_of(e))
            for e in selectors.timeline_of(case=case, public_only=public_only)
        ],
        "supplement": (
            SupplementOut(items=supplement.items, note=supplement.note, requested_at=supplement.requested_at)
            if supplement
            else None
        ),
        "materials": [_material_out(m) for m in selectors.materials_of(case=case)],
        "parts": [_case_out(c) for c in selectors.children_of(case=case)],
        "allowed_actions": sorted(actions.allowed_actions(user, case)),
        "query_code": selectors.query_code_for(case, user),
        "result": _result_out(case),
    }


def _result_out(case: Case) -> ResultDocumentOut | None:
    document = decision_documents.document_of(case)
    if document is None:
        return None
    return ResultDocumentOut(
        title=document.title,
        url=f"/api/v1/cases/{case.number}/result",
        size=document.size,
        sha256=document.sha256,
        created_at=document.created_at,
    )


def _task_out(task: CaseTask) -> TaskOut:
    return TaskOut(
        id=task.pk,
        version=task.version,
        name=task.name,
        role=task.role,
        status=task.status,
        case_number=task.case.number,
        case_title=task.case.title,
        applicant=task.case.masked_applicant_name,
        due_on=task.case.due_on,
        clock_state=task.case.clock_state,
        claimed_by=task.claimed_by.name if task.claimed_by else None,
    )
