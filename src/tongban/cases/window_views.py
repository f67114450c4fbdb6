"""综合窗口 pages of the console: find the item (same search engine as the portal), identify the person,
fill the form, receive the scans (kept across form errors), file, print the receipt."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tongban.accounts.models import User
from tongban.accounts.permissions import can
from tongban.cases import selectors, services, window_selectors
from tongban.cases.form_rendering import SchemaForm
from tongban.cases.forms import WindowIntakeForm
from tongban.cases.models import Draft, MaterialFile
from tongban.catalog.models import ItemStatus, ServiceItem
from tongban.console.decorators import staff_required
from tongban.core.masking import mask_mobile


@staff_required
def window(request: HttpRequest) -> HttpResponse:
    """综合窗口 无差别受理: pick an item, identify the person, fill the form, upload, submit."""
    user = request.user
    assert isinstance(user, User)
    if not can(user, "cases.file_at_window"):
        raise PermissionDenied
    code = request.POST.get("item") or request.GET.get("item") or ""
    query = (request.GET.get("q") or "").strip()
    item = ServiceItem.objects.filter(code=code, status=ItemStatus.ACTIVE).first() if code else None
    if item is None:
        return render(
            request, "cases/console/window_pick.html", {"items": window_selectors.items_for_window(query), "q": query}
        )
    schema = selectors.form_schema_for(item)
    needs = selectors.materials_needed(item=item, applicant=None)
    person = WindowIntakeForm(request.POST or None, prefix="person")
    answers = SchemaForm(request.POST or None, schema=schema)
    rows = [_WindowMaterial(index=n, need=need) for n, need in enumerate(needs)]
    key = request.POST.get("idempotency_key") or str(uuid.uuid4())
    draft = _window_draft(user, item, request.POST.get("draft", ""))
    if request.method == "POST":
        draft = _hold_scans(user, item, draft, rows, request, person)
        if person.is_valid() and answers.is_valid():
            try:
                case = services.file_at_window(
                    clerk=user,
                    person_name=person.cleaned_data["person_name"],
                    id_number=person.cleaned_data["id_number"],
                    phone=person.cleaned_data["phone"],
                    item=item,
                    answers=answers.answers(),
                    draft=draft,
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
                        "receipt": window_selectors.window_receipt(case),
                    },
                )
    held = window_selectors.held_scans(draft)
    for row in rows:
        row.held = held.get(row.name, [])
    return render(
        request,
        "cases/console/window.html",
        {
            "item": item,
            "person": person,
            "form": answers,
            "rows": rows,
            "idempotency_key": key,
            "draft": draft,
        },
        status=400 if request.method == "POST" else 200,
    )


def _window_draft(clerk: User, item: ServiceItem, draft_id: str) -> Draft | None:
    """The clerk's window draft of this item (it holds scans received before a form error)."""
    if not (draft_id.isascii() and draft_id.isdigit()):
        return None
    return Draft.objects.filter(pk=int(draft_id), applicant=clerk, item=item, submitted_case__isnull=True).first()


def _hold_scans(
    clerk: User, item: ServiceItem, draft: Draft | None, rows: list[_WindowMaterial], request: HttpRequest, person: Any
) -> Draft | None:
    """Keep every scan received in the clerk's window draft at once, so a form error loses none."""
    for row in rows:
        for upload in request.FILES.getlist(f"material-{row.index}"):
            if draft is None:
                draft = services.save_draft(applicant=clerk, item=item, answers={})
            try:
                services.attach_upload(applicant=clerk, draft=draft, material_name=row.name, upload=upload)
            except ValidationError as exc:
                person.add_error(
                    None, _("%(material)s：%(error)s") % {"material": row.name, "error": "；".join(exc.messages)}
                )
    return draft


@dataclass
class _WindowMaterial:
    index: int
    need: Any
    held: list[MaterialFile] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.need.name)
