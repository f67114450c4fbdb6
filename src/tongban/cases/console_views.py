"""办件工作台 (console): the to-do list, the case page with its actions, the comprehensive window.

Views read through `selectors` and change state only through `services`. Every action form
carries `expected_version`; a `Conflict` is shown at the top and the typed text is kept.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from tongban.accounts.models import User
from tongban.accounts.permissions import can
from tongban.cases import actions, bundle_progress, decision_documents, selectors
from tongban.cases.action_forms import ActionForm
from tongban.cases.errors import Conflict
from tongban.cases.form_rendering import add_service_errors, display_answers
from tongban.cases.models import Case, CaseTask, Supervision, TaskStatus
from tongban.cases.supplement_items import SupplementItem, items_of
from tongban.cases.views import result_file_response
from tongban.catalog.form_order import ordered_properties
from tongban.console.decorators import staff_required
from tongban.timelimits import calendar
from tongban.timelimits.selectors import ClockWords, clock_words

CONFLICT_MESSAGE = gettext_noop("该办件已被其他工作人员处理，请刷新后查看最新状态。")


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@dataclass
class Panel:
    """One offered action on a page: the offer (from the action table) and its form."""

    offer: actions.Offer
    form: ActionForm

    @property
    def inline(self) -> bool:
        """Just a button (nothing to fill in)."""
        return self.offer.action.summary is None

    @property
    def opened(self) -> bool:
        return self.offer.action.opened or self.form.is_bound


def action_panels(user: User, case: Case, posted: Panel | None = None) -> list[Panel]:
    """Every action the table offers `user` on `case` now; the one just posted keeps what was typed."""
    found = []
    for offer in actions.offers(user, case):
        same = posted is not None and posted.offer.action == offer.action and posted.offer.target_id == offer.target_id
        found.append(posted if same and posted is not None else Panel(offer=offer, form=offer.form()))
    return found


@dataclass
class TodoRow:
    task: CaseTask
    case: Case
    clock: ClockWords
    mine: bool
    waiting: bool = False
    panels: list[Panel] | None = None


# --- to-do list ------------------------------------------------------------------------------------


@staff_required
def todo(request: HttpRequest) -> HttpResponse:
    """待办: the clerk's tasks, by due date first; yellow and red counted at the top in words."""
    user = _user(request)
    status = request.GET.get("status") or None
    if status not in (None, TaskStatus.OPEN, TaskStatus.CLAIMED):
        status = None
    order = request.GET.get("order") or "due_on"
    tasks, counts = selectors.todo_for(clerk=user, status=status, order=order)
    today = timezone.localdate()
    rows = []
    for task in tasks[:200]:
        rows.append(
            TodoRow(
                task=task,
                case=task.case,
                clock=clock_words(task.case, today),
                mine=task.claimed_by_id == user.pk,
                waiting=task.bpmn_id.startswith("supplement"),
                panels=[Panel(offer=o, form=o.form()) for o in actions.task_offers(user, task.case, task)],
            )
        )
    return render(
        request,
        "cases/console/todo.html",
        {
            "rows": rows,
            "supervisions": selectors.supervisions_for(clerk=user),
            "today": today,
            "counts": counts,
            "status": status or "",
            "order": order,
            "status_choices": [("", _("全部")), (TaskStatus.OPEN, _("待认领")), (TaskStatus.CLAIMED, _("办理中"))],
            "can_oversee": selectors.oversees_any(user),
        },
    )


@staff_required
def todo_counts(request: HttpRequest) -> HttpResponse:
    """The yellow and red counts for the console home (loaded by htmx into `_todo_summary.html`)."""
    _tasks, counts = selectors.todo_for(clerk=_user(request))
    return render(request, "cases/console/_todo_counts.html", {"counts": counts})


@dataclass
class OversightRow:
    case: Case
    clock: ClockWords
    may_supervise: bool = False

    @property
    def latest_supervision(self) -> Supervision | None:
        found = list(self.case.supervisions.all())
        return found[-1] if found else None


@staff_required
def oversight(request: HttpRequest) -> HttpResponse:
    """电子监察: the yellow and red cases of the supervisor's regions (a head: their department's)."""
    user = _user(request)
    if not selectors.oversees_any(user):
        raise PermissionDenied
    state = request.GET.get("state") or ""
    if state not in ("", "yellow", "red"):
        state = ""
    order = request.GET.get("order") or "due_on"
    cases, counts = selectors.oversight_for(user=user, state=state or None, order=order)
    today = timezone.localdate()
    supervise = actions.ACTIONS["supervise"]
    rows = [
        OversightRow(case=case, clock=clock_words(case, today), may_supervise=supervise.permits(user, case, None))
        for case in cases[:200]
    ]
    return render(
        request,
        "cases/console/oversight.html",
        {
            "rows": rows,
            "counts": counts,
            "state": state,
            "order": order,
            "state_choices": [("", _("全部")), ("yellow", _("即将超期")), ("red", _("已超期"))],
        },
    )


# --- the case page ---------------------------------------------------------------------------------


def masked_answers(case: Case, schema: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    schema = selectors.form_schema_of_case(case) if schema is None else schema
    return display_answers(schema, selectors.masked_answers(case, schema))


def _case_context(request: HttpRequest, case: Case, posted: Panel | None = None) -> dict[str, Any]:
    user = _user(request)
    selectors.load_case_page(case)  # before the offers: their checks then read what is loaded here
    panels = action_panels(user, case, posted)
    clock = case.clock()
    today = timezone.localdate()
    state, ratio = case.time_status
    tasks = [t for t in case.tasks.all() if t.status != TaskStatus.DONE]
    schema = selectors.form_schema_of_case(case)  # a bundle's merged form is read once
    return {
        "case": case,
        "result_document": decision_documents.document_of(case),
        "answers": masked_answers(case, schema),
        "materials": list(case.materials.all()),
        "events": list(case.events.all()),
        "pauses": list(case.clock_pauses.all()),
        "clock": clock,
        "days_used": clock.days_used(today) if clock else None,
        # from the due date, which a bundle item shares with its bundle (the clock alone does not know)
        "days_left": calendar.working_days_between(today, case.due_on) if case.due_on else None,
        "clock_words": clock_words(case, today),
        "state": state,
        "ratio_percent": round(ratio * 100),
        "panels": panels,
        "open_action": request.GET.get("open", ""),
        "allowed": {p.offer.action.name for p in panels},
        "tasks": tasks,
        "supplements": supplement_answers(case, schema),
        "supervisions": list(case.supervisions.all()),
        **_bundle_context(user, case),
    }


def _bundle_context(user: User, case: Case) -> dict[str, Any]:
    """一件事: the parent and every item's progress; a link to the parent for those who may open it."""
    bundle = bundle_progress.bundle_of(case)
    return {
        "bundle": bundle,
        "children": bundle.parts if bundle is not None and bundle.parent.pk == case.pk else [],
        "parent_link": bundle is not None and bundle.parent != case and can(user, "cases.view", bundle.parent),
        "not_on_file": bundle_progress.materials_not_on_file(case),
    }


@staff_required
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    """办件详情: request, materials, legal clock, history and the actions allowed now, on one screen."""
    case = selectors.get_case_for(user=_user(request), number=number)
    return render(request, "cases/console/case.html", _case_context(request, case))


@staff_required
def material_download(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """下载材料: only for staff who may see the case; the read is audited by the selector."""
    case = selectors.get_case_for(user=_user(request), number=number, purpose="查阅申请材料")
    material = next((m for m in case.materials.all() if m.pk == pk), None)
    if material is None or not material.file:
        raise Http404
    with material.file.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type=material.content_type or "application/octet-stream")
    disposition = content_disposition_header(
        as_attachment=True, filename=material.original_name or f"material-{material.pk}"
    )
    response["Content-Disposition"] = disposition or "attachment"
    return response


@staff_required
def result_download(request: HttpRequest, number: str) -> HttpResponse:
    """办理结果文书 (PDF): for staff who may see the case; the read is audited by the selector."""
    case = selectors.get_case_for(user=_user(request), number=number, purpose="查阅办理结果文书")
    document = decision_documents.document_of(case)
    if document is None:
        raise Http404
    return result_file_response(document, case)


@staff_required
@require_POST
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Run one action of the table on the case; a conflict or an error re-renders the page with
    nothing typed lost. An action the table does not offer now is not run."""
    user = _user(request)
    case = selectors.get_case_for(user=user, number=number)
    staff_action = actions.ACTIONS.get(action)
    if staff_action is None:
        raise Http404
    actions.load_for_actions(case)
    target = actions.target_of(staff_action, user, case, request.POST.get(staff_action.aim.value))
    if not staff_action.permits(user, case, target):
        messages.error(request, _("当前不能进行此操作，页面已刷新为最新状态。"))
        return redirect("cases_console:case", number=case.number)
    offer = actions.Offer(action=staff_action, case=case, target=target)
    posted = Panel(offer=offer, form=offer.form(request.POST))
    form = posted.form
    try:
        if not form.is_valid():
            return _case_page(request, case, posted, status=400)
        # on a copy: a failed attempt must not leave its bumped version on the page we show again
        staff_action.perform(user=user, case=copy.copy(case), target=target, arguments=form.arguments())
    except Conflict as exc:
        return _case_page(request, case, posted, status=409, conflict=exc.message)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _case_page(request, case, posted, status=400)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您没有权限进行此操作。"))
        return redirect("cases_console:case", number=case.number)
    messages.success(request, actions.done_message(offer))
    if request.POST.get("next") == "todo":
        return redirect("cases_console:todo")
    return redirect("cases_console:case", number=case.number)


def _case_page(request: HttpRequest, case: Case, posted: Panel, *, status: int, conflict: str = "") -> HttpResponse:
    context = _case_context(request, case, posted)
    if conflict:
        context["conflict"] = _(CONFLICT_MESSAGE)
        context["conflict_detail"] = conflict
    return render(request, "cases/console/case.html", context, status=status)


def supplement_answers(case: Case, schema: dict[str, Any] | None = None) -> list[tuple[Any, list[SupplementItem]]]:
    """补正告知 with each item next to the applicant's answer (reply, files, corrected field)."""
    properties = ordered_properties(selectors.form_schema_of_case(case) if schema is None else schema)
    materials = {m.pk: m for m in case.materials.all()}
    return [(s, items_of(s, properties, materials)) for s in case.supplements.all()]


# --- comprehensive window (综合窗口) -------------------------------------------------------------
