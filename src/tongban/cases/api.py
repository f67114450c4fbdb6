"""Cases API (/api/v1/cases/…): drafts, materials, submit, my cases, public progress, staff work.

Every endpoint that names a case, draft or task resolves it through a scoped look-up: what the
caller may not see answers 404, what they may see but not do answers 403. Stale actions answer
409 {code: "conflict"}; the progress look-up is rate limited (429).
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, P, QueryEx, Router, Schema, Status
from ninja.files import UploadedFile

from tongban.accounts.models import UserKind
from tongban.api.errors import ApiError
from tongban.api.schemas import ErrorOut
from tongban.cases import (
    action_schemas,
    actions,
    decision_documents,
    event_labels,
    numbers,
    selectors,
    services,
    throttle,
)
from tongban.cases.errors import Conflict
from tongban.cases.models import Case, CaseTask, Draft
from tongban.cases.supplement_items import ItemAnswer
from tongban.cases.views import result_file_response
from tongban.catalog.models import Bundle, ServiceItem

router = Router(tags=["cases"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
#: where a page of a list may start: 0 or more, bounded so that no database is asked beyond its integers
MAX_OFFSET = 1_000_000_000
Offset = QueryEx[int, P(ge=0, le=MAX_OFFSET, description="how many entries to skip (0 … 1,000,000,000)")]


# --- schemas ----------------------------------------------------------------------------------


class DraftIn(Schema):
    item_code: str | None = None
    bundle_code: str | None = None
    answers: dict[str, Any] = {}


class DraftUpdateIn(Schema):
    answers: dict[str, Any]


class MaterialOut(Schema):
    id: int
    material_name: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    source: str


class DraftOut(Schema):
    key: str
    item_code: str | None
    bundle_code: str | None
    answers: dict[str, Any]
    updated_at: datetime
    materials: list[MaterialOut]


class SubmitIn(Schema):
    item_code: str | None = None
    bundle_code: str | None = None
    draft_key: str | None = None
    answers: dict[str, Any] = {}
    idempotency_key: str | None = None
    channel: str = "web"


class SubmitOut(Schema):
    number: str
    query_code: str
    status: str
    status_label: str


class EventOut(Schema):
    at: datetime
    label: str
    comment: str


class CaseOut(Schema):
    number: str
    title: str
    status: str
    status_label: str
    department: str
    submitted_at: datetime
    accepted_at: datetime | None
    due_on: date | None
    time_status: str
    decision: str
    decision_text: str
    rule: str
    version: int
    delivery: str = Field(description="送达方式: electronic | pickup")
    delivered_at: datetime | None = Field(description="送达: when the result reached the applicant")
    awaits_pickup: bool = Field(description="待领取: approved and waiting at the window")


class SupplementOut(Schema):
    items: list[dict[str, Any]]
    note: str
    requested_at: datetime


class ResultDocumentOut(Schema):
    """办理结果文书: the decision document, a PDF at `url`."""

    title: str = Field(description="e.g. 准予行政许可决定书, 准予登记通知书, 不予受理决定书")
    url: str = Field(description="GET it with the same credentials (application/pdf)")
    size: int
    sha256: str
    created_at: datetime


class CaseDetailOut(CaseOut):
    result: ResultDocumentOut | None = Field(description="办理结果: the decision document, once decided")
    answers: dict[str, Any]
    timeline: list[EventOut]
    supplement: SupplementOut | None
    materials: list[MaterialOut]
    parts: list[CaseOut]
    allowed_actions: list[str]
    query_code: str


class ProgressOut(Schema):
    number: str
    title: str
    department: str
    applicant: str
    status: str
    status_label: str
    submitted_at: datetime
    accepted_at: datetime | None
    due_on: date | None
    time_status: str
    decision: str
    rule: str
    timeline: list[EventOut]
    parts: list[dict[str, Any]]


class WithdrawIn(Schema):
    reason: str = ""


class SupplementIn(Schema):
    answers: dict[str, Any] = Field({}, description="corrected form fields (a corrected field answers its item)")
    replies: dict[int, str] = Field(
        {}, description="补正: a text answer per item of the notice, by its position (0 = the first item)"
    )


class TaskOut(Schema):
    id: int
    version: int
    name: str
    role: str
    status: str
    case_number: str
    case_title: str
    applicant: str
    due_on: date | None
    clock_state: str
    claimed_by: str | None


class TodoOut(Schema):
    counts: dict[str, int]
    tasks: list[TaskOut]


class OversightCaseOut(CaseOut):
    department_code: str
    clock_state: str


class OversightOut(Schema):
    counts: dict[str, int]
    cases: list[OversightCaseOut]


class SupervisionOut(Schema):
    """督办: an instruction to the department (and clerk), answered within a deadline."""

    id: int
    instruction: str
    issued_by: str
    issued_at: datetime
    department: str
    clerk: str | None
    reply_due_on: date
    reply: str
    replied_at: datetime | None


class StaffCaseOut(CaseDetailOut):
    applicant: str
    tasks: list[TaskOut]
    supervisions: list[SupervisionOut]


# --- helpers ----------------------------------------------------------------------------------


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


# --- public progress ----------------------------------------------------------------------------


@router.get("/progress", auth=None, response={200: ProgressOut, 404: ErrorOut, 429: ErrorOut})
def progress(request: HttpRequest, number: str, code: str) -> Any:
    """办件进度 without logging in: number + query code. Rate limited per address and per number;
    an unknown number and a wrong code get the same answer."""
    number = numbers.normalise_case_number(number[: throttle.MAX_NUMBER_CHARS])
    attempt = throttle.progress_try(address=throttle.client_address(request.META), number=number, user=request.user)
    if attempt.refused:
        raise ApiError(
            429,
            "too_many_requests",
            _("查询过于频繁，请 %(minutes)s 分钟后再试。") % {"minutes": max(1, throttle.window_seconds() // 60)},
        )
    view = selectors.progress(number=number, query_code=code[:40])
    if view is None:
        raise ApiError(404, "not_found", _("办件编号或查询码不正确。"))
    attempt.found()

    def out(v: Any) -> dict[str, Any]:
        return {
            **{k: getattr(v, k) for k in ProgressOut.model_fields if k not in ("timeline", "parts")},
            "timeline": [
                EventOut(at=t.at, label=event_labels.label_of(t), comment=event_labels.comment_of(t))
                for t in v.timeline
            ],
            "parts": [out(p) for p in v.parts],
        }

    return out(view)


# --- staff ----------------------------------------------------------------------------------------


@router.get("/staff/tasks", response={200: TodoOut, **ERRORS})
def todo(request: HttpRequest, status: str | None = None, limit: int = 100, offset: Offset = 0) -> TodoOut:
    """待办: the clerk's open tasks, soonest due first, with yellow/red counts."""
    tasks, counts = selectors.todo_for(clerk=_staff(request), status=status)
    return TodoOut(counts=counts, tasks=[_task_out(t) for t in tasks[offset : offset + min(max(limit, 1), 500)]])


@router.get("/staff/oversight", response={200: OversightOut, **ERRORS})
def oversight(request: HttpRequest, state: str | None = None, limit: int = 100, offset: Offset = 0) -> dict[str, Any]:
    """电子监察: yellow (预警) and red (超期) open cases in the supervisor's regions (a head: their
    department's), soonest due first, with counts; `state` = yellow or red narrows the list."""
    user = _staff(request)
    if not selectors.oversees_any(user):
        raise ApiError(403, "permission_denied", _("仅限电子监察员、管理员和部门负责人。"))
    cases, counts = selectors.oversight_for(user=user, state=state)
    page = cases[offset : offset + min(max(limit, 1), 500)]
    return {
        "counts": counts,
        "cases": [{**_case_out(c), "department_code": c.department.code, "clock_state": c.clock_state} for c in page],
    }


@router.get("/staff/cases/{number}", response={200: StaffCaseOut, **ERRORS})
def staff_case(request: HttpRequest, number: str) -> dict[str, Any]:
    """A case as staff see it (the read is audited as a use of the applicant's data)."""
    user = _staff(request)
    case = selectors.get_case_for(user=user, number=number)
    tasks = case.tasks.select_related("case__applicant", "case__item", "case__bundle", "claimed_by").exclude(
        status="done"
    )
    return {
        **_detail(case, user, public_only=False),
        "applicant": case.masked_applicant_name,
        "tasks": [_task_out(t) for t in tasks],
        "supervisions": [
            SupervisionOut(
                id=v.pk,
                instruction=v.instruction,
                issued_by=v.issued_by.name,
                issued_at=v.issued_at,
                department=v.department.name,
                clerk=v.clerk.name if v.clerk else None,
                reply_due_on=v.reply_due_on,
                reply=v.reply,
                replied_at=v.replied_at,
            )
            for v in case.supervisions.select_related("issued_by", "department", "clerk")
        ],
    }


@router.get(
    "/{number}/result",
    response={404: ErrorOut, 401: ErrorOut},
    openapi_extra={
        "responses": {
            200: {
                "description": "办理结果文书 (PDF)",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def result_document(request: HttpRequest, number: str) -> HttpResponse:
    """办理结果文书: the decision document of a concluded case as a PDF — for the applicant (or who acts
    for them) and for staff who may see the case (their download is recorded as a use of the applicant's
    data). Anyone else, or a case with no document yet, gets 404."""
    user = _user(request)
    case = selectors.get_case_for(user=user, number=number, purpose="查阅办理结果文书")
    document = decision_documents.document_of(case)
    if document is None:
        raise ApiError(404, "no_result", _("该办件还没有办理结果文书。"))
    return result_file_response(document, case)


def _action_endpoint(action: actions.StaffAction) -> Callable[..., dict[str, Any]]:
    """The endpoint of one staff action: the table's check, then its service, then the case as staff see it."""

    def endpoint(request: HttpRequest, number: str, payload: action_schemas.ActionIn) -> dict[str, Any]:
        user = _staff(request)
        case = actions.load_for_actions(selectors.get_case_for(user=user, number=number))
        target = actions.target_of(action, user, case, payload.target_id())
        action.check(user, case, target)  # PermissionDenied → 403, Conflict → 409, ValidationError → 422
        action.perform(user=user, case=case, target=target, arguments=payload.arguments())
        return staff_case(request, number)

    endpoint.__name__ = f"act_{action.name}"
    endpoint.__doc__ = (
        f"{action.label}（{action.name}）. The body's `expected_version` is the case's version "
        "(the task's for claim and release); a stale version answers 409, an action the caller may not "
        "take now 403 or 409 with the reason."
    )
    params = list(inspect.signature(endpoint).parameters.values())
    params[-1] = params[-1].replace(annotation=action.schema)
    params[0] = params[0].replace(annotation=HttpRequest)
    params[1] = params[1].replace(annotation=str)
    endpoint.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return endpoint


for _action in actions.STAFF_ACTIONS:
    router.post(
        f"/{{number}}/actions/{_action.name}",
        response={200: StaffCaseOut, **ERRORS},
        operation_id=f"cases_action_{_action.name}",
        summary=str(_action.label),
    )(_action_endpoint(_action))


def install(api: Any) -> None:
    """Mount the router and answer `Conflict` from any endpoint with 409 {code: "conflict"}."""

    @api.exception_handler(Conflict)
    def _conflict(request: HttpRequest, exc: Conflict) -> Any:
        return api.create_response(request, {"code": "conflict", "message": exc.message}, status=409)

    api.add_router("/cases", router)
