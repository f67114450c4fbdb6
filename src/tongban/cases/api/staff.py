"""Staff endpoints of the cases API: to-do, oversight, a case as staff see it, the staff actions.

A clerk's open tasks (待办), the supervisor's yellow and red cases (电子监察), one case with its tasks
and 督办 instructions, and one POST endpoint per staff action of `actions.STAFF_ACTIONS`, generated
from the table (check, perform, answer the case). The decision document's download (办理结果文书)
lives here too: it serves the applicant and staff alike and must register after the staff paths.
`install` mounts the router on the API and answers `Conflict` with 409.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from tongban.api.errors import ApiError
from tongban.api.schemas import ErrorOut
from tongban.cases import action_schemas, actions, decision_documents, selectors
from tongban.cases.api.outputs import _case_out, _detail, _staff, _task_out, _user
from tongban.cases.api.routing import ERRORS, Offset, router
from tongban.cases.api.schemas import OversightOut, StaffCaseOut, SupervisionOut, TodoOut
from tongban.cases.errors import Conflict
from tongban.cases.views import result_file_response


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
