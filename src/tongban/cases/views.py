"""办事页面 (portal): apply for an item or a bundle, drafts, my cases, supplements, progress query.

Views read through `selectors` and change state only through `services`; they never save models.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts.models import User, UserKind
from tongban.cases import decision_documents, numbers, selectors, services, throttle
from tongban.cases.errors import Conflict
from tongban.cases.form_rendering import SchemaForm, add_service_errors, display_answers
from tongban.cases.forms import ProgressForm, WithdrawForm
from tongban.cases.models import Case, DecisionDocument, Draft
from tongban.catalog.models import Bundle, ItemStatus, ServiceItem

SESSION_CODES = "cases_query_codes"


# --- helpers -------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _acting_for(request: HttpRequest) -> User | None:
    pk = request.session.get("acting_for")
    if not pk:
        return None
    return User.objects.filter(pk=pk, kind=UserKind.LEGAL_PERSON).first()


def _channel(request: HttpRequest) -> str:
    agent = request.headers.get("User-Agent", "")
    return "mobile" if "Mobile" in agent or "Android" in agent else "web"


def _idempotency_key(request: HttpRequest) -> str:
    raw = request.POST.get("idempotency_key", "")
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return str(uuid.uuid4())


def _own_draft(request: HttpRequest, key: str | None) -> Draft | None:
    if not key:
        return None
    try:
        return selectors.draft_of(applicant=_user(request), key=str(uuid.UUID(key)))
    except ValueError:
        return None


@dataclass
class MaterialRow:
    """A material on the apply page: what is needed, what is already there, what went wrong."""

    index: int
    need: Any
    saved: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def input_name(self) -> str:
        return f"material-{self.index}"

    @property
    def name(self) -> str:
        return str(self.need.name)

    @property
    def needs_upload(self) -> bool:
        need = self.need
        return not need.held_by_government and need.reusable_file is None and not getattr(need, "produced_by", "")

    @property
    def missing(self) -> bool:
        return bool(self.need.required and self.needs_upload and not self.saved)


def _material_rows(needs: list[Any], draft: Draft | None) -> list[MaterialRow]:
    saved = selectors.draft_materials(draft=draft) if draft is not None else []
    rows = []
    for index, need in enumerate(needs):
        rows.append(MaterialRow(index=index, need=need, saved=[f for f in saved if f.material_name == need.name]))
    return rows


def _uploads(request: HttpRequest, rows: list[MaterialRow]) -> list[tuple[MaterialRow, UploadedFile]]:
    """New files per material; one already kept in the draft (same name and size) is not sent twice."""
    found = []
    for row in rows:
        if row.needs_upload:
            for upload in request.FILES.getlist(row.input_name):
                duplicate = any(f.original_name == upload.name and f.size == upload.size for f in row.saved)
                if upload.name and not duplicate:
                    found.append((row, upload))
    return found


def _attach(request: HttpRequest, draft: Draft, uploads: list[tuple[MaterialRow, UploadedFile]]) -> bool:
    """Keep every good file in the draft; a bad one is named next to its material."""
    ok = True
    for row, upload in uploads:
        try:
            saved = services.attach_upload(applicant=_user(request), draft=draft, material_name=row.name, upload=upload)
            row.saved.append(saved)
        except ValidationError as exc:
            row.errors.extend(exc.messages)
            ok = False
    return ok


def _remember_code(request: HttpRequest, case: Case) -> None:
    code = getattr(case, "query_code_plain", "")
    if code:
        codes = dict(request.session.get(SESSION_CODES, {}))
        codes[case.number] = code
        request.session[SESSION_CODES] = codes


# --- apply ---------------------------------------------------------------------------------------


@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """申请: the item's form, its materials, a draft saved as you go, one submission."""
    item = get_object_or_404(ServiceItem, code=code, status=ItemStatus.ACTIVE)
    return _apply_page(request, item=item, bundle=None)


@login_required
def apply_bundle(request: HttpRequest, code: str) -> HttpResponse:
    """一件事: one merged form, one material list, one submission that fans out to every department."""
    bundle = get_object_or_404(Bundle, code=code)
    return _apply_page(request, item=None, bundle=bundle)


def _context_for(item: ServiceItem | None, bundle: Bundle | None, user: User) -> tuple[dict[str, Any], list[Any]]:
    if bundle is not None:
        return selectors.merged_form_for(bundle), list(selectors.merged_materials_for(bundle=bundle, applicant=user))
    assert item is not None
    return selectors.form_schema_for(item), list(selectors.materials_needed(item=item, applicant=user))


def _apply_page(request: HttpRequest, *, item: ServiceItem | None, bundle: Bundle | None) -> HttpResponse:
    user = _user(request)
    schema, needs = _context_for(item, bundle, user)
    draft = _own_draft(request, request.POST.get("draft") or request.GET.get("draft"))
    if draft is None and request.method == "GET":
        draft = selectors.latest_draft(applicant=user, item=item, bundle=bundle)
    rows = _material_rows(needs, draft)
    key = _idempotency_key(request)
    if request.method != "POST":
        form = SchemaForm(initial=draft.answers if draft else None, schema=schema)
        return _render_apply(request, item, bundle, form, rows, draft, key)

    form = SchemaForm(request.POST, schema=schema)
    uploads = _uploads(request, rows)
    if request.POST.get("action") == "submit" and form.is_valid():
        new_names = {row.name for row, _upload in uploads}
        missing = [row for row in rows if row.missing and row.name not in new_names]
        if not missing:
            try:
                case = _submit(request, item, bundle, form.answers(), draft, uploads, key)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                _remember_code(request, case)
                return redirect("cases:submitted", number=case.number)
        for row in missing:
            row.errors.append(_("请上传“%(name)s”。") % {"name": row.name})
    # Save what was typed and every good file, so that nothing is lost.
    try:
        draft = services.save_draft(applicant=user, item=item, bundle=bundle, answers=form.raw_answers(), draft=draft)
    except ValidationError as exc:  # e.g. a huge paste: said on the page, what was typed stays in the form
        form.add_error(None, exc.messages)
        return _render_apply(request, item, bundle, form, rows, draft, key, status=400)
    files_ok = _attach(request, draft, uploads)
    if request.POST.get("action") != "submit":
        form = SchemaForm(initial=draft.answers, schema=schema)
        if files_ok:
            messages.success(request, _("草稿已保存。您可以稍后在“我的办件”中继续填写，换一台设备也可以。"))
    return _render_apply(request, item, bundle, form, rows, draft, key, status=400 if not files_ok else 200)


def _submit(
    request: HttpRequest,
    item: ServiceItem | None,
    bundle: Bundle | None,
    answers: dict[str, Any],
    draft: Draft | None,
    uploads: list[tuple[MaterialRow, UploadedFile]],
    key: str,
) -> Case:
    files = [(row.name, upload) for row, upload in uploads]
    if bundle is not None:
        return services.submit_bundle(
            applicant=_user(request),
            bundle=bundle,
            answers=answers,
            draft=draft,
            uploads=files,
            idempotency_key=key,
            channel=_channel(request),
            acting_for=_acting_for(request),
        )
    assert item is not None
    return services.submit_application(
        applicant=_user(request),
        item=item,
        answers=answers,
        draft=draft,
        uploads=files,
        idempotency_key=key,
        channel=_channel(request),
        acting_for=_acting_for(request),
    )


def _render_apply(
    request: HttpRequest,
    item: ServiceItem | None,
    bundle: Bundle | None,
    form: SchemaForm,
    rows: list[MaterialRow],
    draft: Draft | None,
    key: str,
    status: int = 200,
) -> HttpResponse:
    draft_url = (
        reverse("cases:bundle_draft_save", args=[bundle.code])
        if bundle is not None
        else reverse("cases:draft_save", args=[item.code if item else ""])
    )
    has_errors = bool(form.errors) or any(r.errors for r in rows)
    return render(
        request,
        "cases/apply.html",
        {
            "item": item,
            "bundle": bundle,
            "title": bundle.name if bundle is not None else (item.name if item else ""),
            "form": form,
            "rows": rows,
            "draft": draft,
            "idempotency_key": key,
            "draft_url": draft_url,
            "has_errors": has_errors,
            "acting_for": _acting_for(request),
            "open_case": (
                None
                if item is None
                else selectors.open_case_of(applicant=_user(request), item=item, acting_for=_acting_for(request))
            ),
        },
        status=400 if has_errors and request.method == "POST" and status == 200 else status,
    )


@login_required
@require_POST
def draft_save(request: HttpRequest, code: str) -> HttpResponse:
    """htmx: save the draft as the applicant types; answers a small status fragment."""
    item = get_object_or_404(ServiceItem, code=code, status=ItemStatus.ACTIVE)
    return _draft_save(request, item=item, bundle=None)


@login_required
@require_POST
def bundle_draft_save(request: HttpRequest, code: str) -> HttpResponse:
    bundle = get_object_or_404(Bundle, code=code)
    return _draft_save(request, item=None, bundle=bundle)


def _draft_save(request: HttpRequest, *, item: ServiceItem | None, bundle: Bundle | None) -> HttpResponse:
    user = _user(request)
    schema, needs = _context_for(item, bundle, user)
    draft = _own_draft(request, request.POST.get("draft"))
    form = SchemaForm(request.POST, schema=schema)
    try:
        draft = services.save_draft(applicant=user, item=item, bundle=bundle, answers=form.raw_answers(), draft=draft)
    except ValidationError as exc:
        return HttpResponse(format_html('<span class="field-error">{}</span>', "；".join(exc.messages)), status=400)
    rows = _material_rows(needs, draft)
    uploads = _uploads(request, rows)
    _attach(request, draft, uploads)
    changed = {row.index for row, _upload in uploads}
    return render(
        request,
        "cases/_draft_status.html",
        {"draft": draft, "changed_rows": [r for r in rows if r.index in changed]},
    )


@login_required
def submitted(request: HttpRequest, number: str) -> HttpResponse:
    """提交成功: the case number and query code in large type."""
    case = selectors.get_case_for(user=_user(request), number=number)
    code = request.session.get(SESSION_CODES, {}).get(case.number) or selectors.query_code_for(case, _user(request))
    return render(request, "cases/submitted.html", {"case": case, "query_code": code})


# --- my cases ------------------------------------------------------------------------------------


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    """我的办件: status, due date, what is asked of me now, and my drafts."""
    user = _user(request)
    cases = selectors.cases_of(applicant=user)
    drafts = list(selectors.drafts_of(applicant=user).order_by("-updated_at")[:50])
    return render(request, "cases/my_cases.html", {"cases": cases, "drafts": drafts})


@login_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """办件详情: timeline, materials, decision, and the progress of a bundle's items.

    This is the applicant's page; staff handle cases in the console (its own page, its own audit).
    """
    user = _user(request)
    if user.kind == UserKind.STAFF:
        return redirect("cases_console:case", number=number)
    case = selectors.get_case_for(user=user, number=number)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "answers": display_answers(selectors.form_schema_of_case(case), selectors.masked_answers(case)),
            "timeline": [e for e in case.events.all() if e.public],
            "materials": list(case.materials.all()),
            "children": list(case.children.select_related("item", "department").order_by("position")),
            "supplement": selectors.open_supplement(case=case),
            "allowed": selectors.applicant_actions(case=case, user=user),
            "query_code": selectors.query_code_for(case, user),
            "result_document": decision_documents.document_of(case),
            "outcome": decision_documents.outcome_word(case) if case.concluded_at else "",
        },
    )


@login_required
def case_result(request: HttpRequest, number: str) -> HttpResponse:
    """办理结果: the decision document (PDF) of one of my cases; anyone else gets 404."""
    user = _user(request)
    if user.kind == UserKind.STAFF:
        return redirect("cases_console:result", number=number)
    case = selectors.get_case_for(user=user, number=number)
    document = decision_documents.document_of(case)
    if document is None:
        raise Http404
    return result_file_response(document, case)


def result_file_response(document: DecisionDocument, case: Case) -> HttpResponse:
    """The decision document as a download (portal, console and API answer alike)."""
    with document.file.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type="application/pdf")
    filename = decision_documents.download_name(document, case)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    return response


def case_link(request: HttpRequest, number: str) -> HttpResponse:
    """The short link in notices (/cases/<number>/) leads to the case page."""
    return redirect("cases:case_detail", number=number)


@login_required
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    """撤回: a confirmation page; the POST withdraws."""
    user = _user(request)
    case = selectors.get_case_for(user=user, number=number)
    if "withdraw" not in selectors.applicant_actions(case=case, user=user):
        raise Http404
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_case(case=case, applicant=user, reason=form.cleaned_data["reason"])
        except (ValidationError, Conflict, PermissionDenied) as exc:
            messages.error(request, _message_of(exc))
        else:
            messages.success(request, _("办件 %(number)s 已撤回。") % {"number": case.number})
        return redirect("cases:case_detail", number=case.number)
    return render(request, "cases/withdraw.html", {"case": case, "form": form})


def _message_of(exc: Exception) -> str:
    if isinstance(exc, Conflict):
        return exc.message
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return _("您没有权限进行此操作。")


# --- progress (no log-in) ------------------------------------------------------------------------


def progress(request: HttpRequest) -> HttpResponse:
    """办件进度查询: number + query code; a wrong code and an unknown number get the same answer."""
    form = ProgressForm(request.POST or None)
    view = None
    not_found = False
    if request.method == "POST" and form.is_valid():
        number = numbers.normalise_case_number(form.cleaned_data["number"])
        attempt = throttle.progress_try(address=throttle.client_address(request.META), number=number, user=request.user)
        if attempt.refused:
            return render(request, "cases/progress.html", {"form": form, "limited": True}, status=429)
        view = selectors.progress(number=number, query_code=form.cleaned_data["query_code"])
        not_found = view is None
        if view is not None:
            attempt.found()
    return render(
        request,
        "cases/progress.html",
        {"form": form, "view": view, "not_found": not_found},
        status=404 if not_found else (400 if form.errors else 200),
    )
