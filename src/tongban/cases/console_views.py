"""办件工作台 (console): the to-do list, the case page with its actions, the comprehensive window.

Views read through `selectors` and change state only through `services`. Every action form
carries `expected_version`; a `Conflict` is shown at the top and the typed text is kept.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tongban.accounts.models import User
from tongban.cases import selectors, services
from tongban.cases.errors import Conflict
from tongban.cases.form_rendering import SchemaForm, display_answers
from tongban.cases.forms import (
    DecideForm,
    DeliveryForm,
    RefuseAtIntakeForm,
    ReviewForm,
    SpecialProcedureForm,
    SupplementRequestForm,
    TransferForm,
    VersionedForm,
    WindowIntakeForm,
    WithdrawOnRequestForm,
)
from tongban.cases.models import Case, CaseTask, TaskStatus
from tongban.catalog.models import ItemStatus, ServiceItem
from tongban.console.decorators import staff_required
from tongban.core import calendar
from tongban.core.masking import mask_mobile

CONFLICT_MESSAGE = "该办件已被其他工作人员处理，请刷新后查看最新状态。"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# --- words for the clock ---------------------------------------------------------------------------


def days_left_words(due_on: date | None, today: date | None = None) -> str:
    """“还剩 3 个工作日” / “今天到期” / “已超期 2 个工作日”, in working days."""
    if due_on is None:
        return _("未开始计时")
    today = today or timezone.localdate()
    left = calendar.working_days_between(today, due_on)
    if due_on < today:
        late = max(1, -left)
        return ngettext("已超期 %(n)s 个工作日", "已超期 %(n)s 个工作日", late) % {"n": late}
    if left == 0:
        return _("今天到期")
    return ngettext("还剩 %(n)s 个工作日", "还剩 %(n)s 个工作日", left) % {"n": left}


STATE_WORDS = {"green": "正常", "yellow": "即将超期", "red": "已超期"}
STATE_ICONS = {"green": "✓", "yellow": "⚠", "red": "×"}


@dataclass
class TodoRow:
    task: CaseTask
    case: Case
    state: str
    state_words: str
    icon: str
    days_left: str
    mine: bool
    waiting: bool = False


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
        state = task.case.clock_state
        rows.append(
            TodoRow(
                task=task,
                case=task.case,
                state=state,
                state_words=_(STATE_WORDS.get(state, "正常")),
                icon=STATE_ICONS.get(state, ""),
                days_left=days_left_words(task.case.due_on, today),
                mine=task.claimed_by_id == user.pk,
                waiting=task.bpmn_id.startswith("supplement"),
            )
        )
    return render(
        request,
        "cases/console/todo.html",
        {
            "rows": rows,
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
    state: str
    state_words: str
    icon: str
    days_left: str


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
    rows = [
        OversightRow(
            case=case,
            state=case.clock_state,
            state_words=_(STATE_WORDS.get(case.clock_state, "正常")),
            icon=STATE_ICONS.get(case.clock_state, ""),
            days_left=days_left_words(case.due_on, today),
        )
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


def masked_answers(case: Case) -> list[tuple[str, str]]:
    return display_answers(selectors.form_schema_of_case(case), selectors.masked_answers(case))


def _material_names(case: Case) -> list[str]:
    names: list[str] = []
    if case.item is not None:
        names = [m.name for m in case.item.materials.all()]
    names += [m.material_name for m in case.materials.all() if m.material_name not in names]
    return names


def _action_forms(case: Case, allowed: set[str], data: Any = None, which: str = "") -> dict[str, Any]:
    """One form per allowed action; the one just posted is bound to the posted data."""
    version = {"expected_version": case.version}

    def bound(name: str) -> Any:
        return data if name == which else None

    forms: dict[str, Any] = {}
    if "refuse_at_intake" in allowed:
        forms["refuse_at_intake"] = RefuseAtIntakeForm(bound("refuse_at_intake"), initial=version, prefix="refuse")
    if "request_supplement" in allowed:
        forms["request_supplement"] = SupplementRequestForm(
            bound("request_supplement"), initial=version, prefix="supplement", material_names=_material_names(case)
        )
    if "review" in allowed:
        forms["review"] = ReviewForm(bound("review"), initial=version, prefix="review")
    if "decide" in allowed:
        forms["decide"] = DecideForm(bound("decide"), initial=version, prefix="decide")
    if "transfer" in allowed:
        forms["transfer"] = TransferForm(bound("transfer"), initial=version, prefix="transfer")
    if "start_special_procedure" in allowed:
        forms["start_special_procedure"] = SpecialProcedureForm(
            bound("start_special_procedure"), initial=version, prefix="special"
        )
    if "withdraw_on_request" in allowed:
        forms["withdraw_on_request"] = WithdrawOnRequestForm(
            bound("withdraw_on_request"), initial=version, prefix="withdraw"
        )
    if "deliver" in allowed:
        forms["deliver"] = DeliveryForm(bound("deliver"), initial=version, prefix="deliver")
    if {"accept", "end_special_procedure"} & allowed:
        forms["plain"] = VersionedForm(initial=version, prefix="plain")
    return forms


def _case_context(request: HttpRequest, case: Case, forms: dict[str, Any] | None = None) -> dict[str, Any]:
    user = _user(request)
    allowed = selectors.allowed_actions(case=case, user=user)
    clock = case.clock()
    today = timezone.localdate()
    state, ratio = case.time_status
    tasks = [t for t in case.tasks.all() if t.status != TaskStatus.DONE]
    return {
        "case": case,
        "answers": masked_answers(case),
        "materials": list(case.materials.all()),
        "events": list(case.events.all()),
        "pauses": list(case.clock_pauses.all()),
        "clock": clock,
        "days_used": clock.days_used(today) if clock else None,
        "days_left": clock.days_left(today) if clock else None,
        "days_left_words": days_left_words(case.due_on, today),
        "state": state,
        "state_words": _(STATE_WORDS.get(state, "正常")),
        "state_icon": STATE_ICONS.get(state, ""),
        "ratio_percent": round(ratio * 100),
        "allowed": allowed,
        "forms": forms if forms is not None else _action_forms(case, allowed),
        "tasks": tasks,
        "my_tasks": [t for t in tasks if t.claimed_by_id == user.pk],
        # a supplement task waits for the applicant: nothing for a clerk to claim
        "open_tasks": [t for t in tasks if t.status == TaskStatus.OPEN and not t.bpmn_id.startswith("supplement")],
        "paused": bool(clock and clock.is_paused(today)) or case.status == "supplement_requested",
        "children": list(case.children.all().select_related("item", "department")),
        "supplements": list(case.supplements.all()),
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


def _task(case: Case, request: HttpRequest) -> CaseTask:
    raw = request.POST.get("task", "")
    task = next((t for t in case.tasks.all() if str(t.pk) == raw), None)
    if task is None:
        raise Http404
    return task


def _version(request: HttpRequest, prefix: str) -> int:
    raw = request.POST.get(f"{prefix}-expected_version") or request.POST.get("expected_version") or ""
    try:
        return int(raw)
    except ValueError as exc:
        raise ValidationError(_("页面已过期，请刷新后重试。"), code="version_missing") from exc


@staff_required
@require_POST
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Run one action on the case; a conflict or an error re-renders the page with nothing lost."""
    user = _user(request)
    case = selectors.get_case_for(user=user, number=number)
    allowed = selectors.allowed_actions(case=case, user=user)
    if action not in allowed:
        messages.error(request, _("当前不能进行此操作，页面已刷新为最新状态。"))
        return redirect("cases_console:case", number=case.number)
    forms = _action_forms(case, allowed, data=request.POST, which=action)
    form = forms.get(action)
    try:
        if form is not None and not form.is_valid():
            raise _Invalid
        done = _run(request, user, case, action, form)
    except _Invalid:
        return render(request, "cases/console/case.html", _case_context(request, case, forms), status=400)
    except Conflict as exc:
        context = _case_context(request, case, forms)
        context["conflict"] = _(CONFLICT_MESSAGE)
        context["conflict_detail"] = exc.message
        return render(request, "cases/console/case.html", context, status=409)
    except ValidationError as exc:
        if form is not None:
            form.add_error(None, exc.messages)
        else:
            messages.error(request, " ".join(exc.messages))
            return redirect("cases_console:case", number=case.number)
        return render(request, "cases/console/case.html", _case_context(request, case, forms), status=400)
    except PermissionDenied:
        messages.error(request, _("您没有权限进行此操作。"))
        return redirect("cases_console:case", number=case.number)
    messages.success(request, done)
    if request.POST.get("next") == "todo":
        return redirect("cases_console:todo")
    return redirect("cases_console:case", number=case.number)


class _Invalid(Exception):
    """The posted form has errors; they are shown next to its fields."""


def _run(request: HttpRequest, user: User, case: Case, action: str, form: Any) -> str:
    data = form.cleaned_data if form is not None else {}
    if action == "claim":
        task = _task(case, request)
        services.claim_task(task=task, clerk=user, expected_version=int(request.POST.get("expected_version", "-1")))
        return _("已认领办件 %(number)s。") % {"number": case.number}
    if action == "release":
        services.release_task(task=_task(case, request), clerk=user, expected_version=_version(request, "task"))
        return _("已退回待认领：%(number)s。") % {"number": case.number}
    if action == "accept":
        services.accept_case(case=case, clerk=user, expected_version=_version(request, "plain"))
        return _("已受理。")
    if action == "refuse_at_intake":
        services.refuse_at_intake(
            case=case,
            clerk=user,
            reasons=[line for line in data["reasons"].splitlines() if line.strip()],
            legal_basis=data["legal_basis"],
            expected_version=data["expected_version"],
        )
        return _("已作出不予受理决定，申请人会收到通知。")
    if action == "request_supplement":
        services.request_supplement(
            case=case, clerk=user, items=form.items(), note=data["note"], expected_version=data["expected_version"]
        )
        return _("已一次性告知申请人需要补正的内容，办理时限暂停。")
    if action == "review":
        services.review_case(
            case=case,
            clerk=user,
            agree=data["agree"],
            comment=data["comment"],
            expected_version=data["expected_version"],
        )
        return _("审查意见已提交。")
    if action == "decide":
        services.decide_case(
            case=case,
            clerk=user,
            approve=data["approve"],
            decision_text=data["decision_text"],
            expected_version=data["expected_version"],
        )
        return _("决定已作出。")
    if action == "transfer":
        services.transfer_case(
            case=case,
            clerk=user,
            department=data["department"],
            reason=data["reason"],
            expected_version=data["expected_version"],
        )
        return _("已转交 %(name)s。") % {"name": data["department"].name}
    if action == "start_special_procedure":
        services.start_special_procedure(
            case=case,
            clerk=user,
            kind=data["kind"],
            reason=data["reason"],
            expected_version=data["expected_version"],
            days=data.get("days"),
        )
        return _("特别程序已开始，办理时限暂停。")
    if action == "end_special_procedure":
        services.end_special_procedure(case=case, clerk=user, expected_version=_version(request, "plain"))
        return _("特别程序已结束，办理时限继续计算。")
    if action == "withdraw_on_request":
        services.withdraw_on_request(
            case=case, clerk=user, reason=data["reason"], expected_version=data["expected_version"]
        )
        return _("已按申请人的要求撤回办件 %(number)s，申请人会收到通知。") % {"number": case.number}
    if action == "deliver":
        services.record_delivery(case=case, clerk=user, expected_version=data["expected_version"], note=data["note"])
        return _("已登记领取，办件 %(number)s 已送达。") % {"number": case.number}
    raise Http404


# --- comprehensive window (综合窗口) -------------------------------------------------------------


@staff_required
def window(request: HttpRequest) -> HttpResponse:
    """综合窗口 无差别受理: pick an item, identify the person, fill the form, upload, submit."""
    user = _user(request)
    if not selectors_can_file_at_window(user):
        raise PermissionDenied
    code = request.POST.get("item") or request.GET.get("item") or ""
    query = (request.GET.get("q") or "").strip()
    item = ServiceItem.objects.filter(code=code, status=ItemStatus.ACTIVE).first() if code else None
    if item is None:
        found = ServiceItem.objects.filter(status=ItemStatus.ACTIVE)
        if query:
            found = found.filter(name__icontains=query)
        return render(
            request,
            "cases/console/window_pick.html",
            {"items": list(found.order_by("-popularity", "code")[:50]), "q": query},
        )
    schema = selectors.form_schema_for(item)
    needs = selectors.materials_needed(item=item, applicant=None)
    person = WindowIntakeForm(request.POST or None, prefix="person")
    answers = SchemaForm(request.POST or None, schema=schema)
    rows = [_WindowMaterial(index=n, need=need) for n, need in enumerate(needs)]
    key = request.POST.get("idempotency_key") or str(uuid.uuid4())
    if request.method == "POST":
        uploads = []
        for row in rows:
            for upload in request.FILES.getlist(f"material-{row.index}"):
                uploads.append((row.need.name, upload))
        if person.is_valid() and answers.is_valid():
            try:
                case = services.file_at_window(
                    clerk=user,
                    person_name=person.cleaned_data["person_name"],
                    id_number=person.cleaned_data["id_number"],
                    phone=person.cleaned_data["phone"],
                    item=item,
                    answers=answers.answers(),
                    uploads=uploads,
                    consent=person.cleaned_data["consent"],
                    idempotency_key=key,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errs in exc.message_dict.items():
                        target = answers if name in answers.fields else person
                        target.add_error(name if name in target.fields else None, errs)
                else:
                    person.add_error(None, exc.messages)
            else:
                return render(
                    request,
                    "cases/console/window_done.html",
                    {
                        "case": case,
                        "query_code": getattr(case, "query_code_plain", ""),
                        "phone": mask_mobile(person.cleaned_data["phone"]),
                    },
                )
    return render(
        request,
        "cases/console/window.html",
        {"item": item, "person": person, "form": answers, "rows": rows, "idempotency_key": key},
        status=400 if request.method == "POST" else 200,
    )


@dataclass
class _WindowMaterial:
    index: int
    need: Any

    @property
    def name(self) -> str:
        return str(self.need.name)


def selectors_can_file_at_window(user: User) -> bool:
    from tongban.accounts.permissions import can

    return can(user, "cases.file_at_window")
