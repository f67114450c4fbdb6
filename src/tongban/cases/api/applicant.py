"""Applicant endpoints of the cases API: drafts, materials, submission and my cases.

A citizen or legal person (staff answer 403) starts a draft (草稿) and resumes it anywhere, uploads
materials to it, submits (申报, idempotent by key), lists their cases (我的办件) and sees one, withdraws
one before the decision (撤回) and answers a request for corrections (补正). Someone else's draft or
case answers 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import File, Form, Status
from ninja.files import UploadedFile

from tongban.cases import selectors, services
from tongban.cases.api.outputs import _case_out, _citizen, _detail, _draft_out, _material_out, _own_draft
from tongban.cases.api.routing import ERRORS, Offset, router
from tongban.cases.api.schemas import (
    CaseDetailOut,
    CaseOut,
    DraftIn,
    DraftOut,
    DraftUpdateIn,
    MaterialOut,
    SubmitIn,
    SubmitOut,
    SupplementIn,
    WithdrawIn,
)
from tongban.cases.supplement_items import ItemAnswer
from tongban.catalog.models import Bundle, ServiceItem

# --- drafts and materials ---------------------------------------------------------------------


@router.post("/drafts", response={201: DraftOut, **ERRORS})
def create_draft(request: HttpRequest, payload: DraftIn) -> Status:
    """草稿: start an application for an item or a bundle; answers may be partial."""
    user = _citizen(request)
    item = ServiceItem.objects.filter(code=payload.item_code).first() if payload.item_code else None
    bundle = Bundle.objects.filter(code=payload.bundle_code).first() if payload.bundle_code else None
    if (payload.item_code and item is None) or (payload.bundle_code and bundle is None):
        raise Http404
    draft = services.save_draft(applicant=user, item=item, bundle=bundle, answers=payload.answers)
    return Status(201, _draft_out(draft))


@router.get("/drafts/{key}", response={200: DraftOut, **ERRORS})
def get_draft(request: HttpRequest, key: str) -> DraftOut:
    """Resume a draft on any device."""
    return _draft_out(_own_draft(request, key))


@router.put("/drafts/{key}", response={200: DraftOut, **ERRORS})
def update_draft(request: HttpRequest, key: str, payload: DraftUpdateIn) -> DraftOut:
    draft = _own_draft(request, key)
    return _draft_out(services.save_draft(applicant=_citizen(request), draft=draft, answers=payload.answers))


@router.post("/drafts/{key}/materials", response={201: MaterialOut, **ERRORS})
def upload_material(request: HttpRequest, key: str, material_name: Form[str], file: File[UploadedFile]) -> Status:
    """上传材料 (multipart): type from content, size limit, PDF check, zip bombs refused."""
    draft = _own_draft(request, key)
    material = services.attach_upload(
        applicant=_citizen(request), draft=draft, material_name=material_name, upload=file
    )
    return Status(201, _material_out(material))


# --- submission and my cases --------------------------------------------------------------------


@router.post("/submit", response={201: SubmitOut, **ERRORS})
def submit(request: HttpRequest, payload: SubmitIn) -> Status:
    """申报: one submission with an `Idempotency-Key` header (or body field); a retry returns the same case."""
    user = _citizen(request)
    key = request.headers.get("Idempotency-Key") or payload.idempotency_key or ""
    draft = _own_draft(request, payload.draft_key) if payload.draft_key else None
    item_code = payload.item_code or (draft.item.code if draft and draft.item else None)
    bundle_code = payload.bundle_code or (draft.bundle.code if draft and draft.bundle else None)
    answers = payload.answers or (draft.answers if draft else {})
    channel = payload.channel if payload.channel in ("web", "mobile", "kiosk") else "web"
    if bundle_code:
        bundle = Bundle.objects.filter(code=bundle_code).first()
        if bundle is None:
            raise Http404
        case = services.submit_bundle(
            applicant=user, bundle=bundle, answers=answers, draft=draft, idempotency_key=key, channel=channel
        )
    else:
        item = ServiceItem.objects.select_related("department").filter(code=item_code or "").first()
        if item is None:
            raise Http404
        case = services.submit_application(
            applicant=user, item=item, answers=answers, draft=draft, idempotency_key=key, channel=channel
        )
    return Status(
        201,
        SubmitOut(
            number=case.number,
            query_code=case.query_code_plain,  # type: ignore[attr-defined]
            status=case.status,
            status_label=str(case.get_status_display()),
        ),
    )


@router.get("/mine", response={200: list[CaseOut], **ERRORS})
def my_cases(request: HttpRequest, limit: int = 50, offset: Offset = 0) -> list[dict[str, Any]]:
    """我的办件."""
    cases = selectors.cases_of(applicant=_citizen(request))[offset : offset + min(max(limit, 1), 200)]
    return [_case_out(c) for c in cases]


@router.get("/mine/{number}", response={200: CaseDetailOut, **ERRORS})
def my_case(request: HttpRequest, number: str) -> dict[str, Any]:
    """One of my cases: timeline, what is asked of me now (补正), my query code."""
    user = _citizen(request)
    return _detail(selectors.get_case_for(user=user, number=number), user, public_only=True)


@router.post("/mine/{number}/withdraw", response={200: CaseOut, **ERRORS})
def withdraw(request: HttpRequest, number: str, payload: WithdrawIn) -> dict[str, Any]:
    """撤回 before the decision."""
    user = _citizen(request)
    case = selectors.get_case_for(user=user, number=number)
    return _case_out(services.withdraw_case(case=case, applicant=user, reason=payload.reason))


@router.post("/mine/{number}/supplement", response={200: CaseOut, **ERRORS})
def supplement(request: HttpRequest, number: str, payload: SupplementIn) -> dict[str, Any]:
    """补正: every item of the notice answered — a text reply per item (`replies`) or a corrected form
    field (`answers`); replacement files through the portal page. An item left unanswered answers 422."""
    user = _citizen(request)
    case = selectors.get_case_for(user=user, number=number)
    replies = {index: ItemAnswer(text=text) for index, text in payload.replies.items()}
    return _case_out(services.submit_supplement(case=case, applicant=user, answers=payload.answers, replies=replies))
