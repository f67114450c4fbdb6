"""补正 page (portal): every item of the one-time notice with a replacement-file input and a text
reply (a form field also with its corrected value); one submission answers them all.

A mistake keeps what was typed and says, item by item, what is missing and which chosen files to
pick again (a browser cannot keep a chosen file across a page load).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tongban.accounts.models import User
from tongban.cases import selectors, services
from tongban.cases.errors import Conflict
from tongban.cases.form_rendering import SchemaForm
from tongban.cases.supplement_items import ItemAnswer, ItemKind, SupplementItem, items_of

REPLY_CHARS = 2000


@dataclass
class ItemRow:
    """One item of the notice on the page: what is asked, what was typed, what went wrong."""

    item: SupplementItem
    reply: str = ""
    picked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    field: BoundField | None = None

    @property
    def number(self) -> int:
        return self.item.index + 1

    @property
    def reply_name(self) -> str:
        return f"reply-{self.item.index}"

    @property
    def file_name(self) -> str:
        return f"file-{self.item.index}"


@login_required
def supplement(request: HttpRequest, number: str) -> HttpResponse:
    """补正: exactly what to fix, each item answered by a file, a reply or a corrected field."""
    user = request.user
    assert isinstance(user, User)
    case = selectors.get_case_for(user=user, number=number)
    notice = selectors.open_supplement(case=case)
    if notice is None:
        messages.info(request, _("该办件目前不需要补正。"))
        return redirect("cases:case_detail", number=case.number)
    properties = selectors.form_schema_of_case(case).get("properties") or {}
    rows = [ItemRow(item=i) for i in items_of(notice, properties)]
    field_schema = {
        "type": "object",
        "properties": {r.item.name: properties[r.item.name] for r in rows if r.item.kind == ItemKind.FIELD},
    }
    status = 200
    if request.method == "POST":
        form = SchemaForm(request.POST, schema=field_schema)
        replies = _replies(request, rows)
        if form.is_valid():
            try:
                services.submit_supplement(case=case, applicant=user, answers=form.answers(), replies=replies)
            except ValidationError as exc:
                _place_errors(exc, form, rows)
            except Conflict as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("补正材料已提交，办理时限继续计算。"))
                return redirect("cases:case_detail", number=case.number)
        status = 400
    else:
        form = SchemaForm(initial=case.answers, schema=field_schema)
    for row in rows:
        if row.item.kind == ItemKind.FIELD and row.item.name in form.fields:
            row.field = form[row.item.name]
    return render(
        request,
        "cases/supplement.html",
        {
            "case": case,
            "notice": notice,
            "form": form,
            "rows": rows,
            "has_errors": bool(form.errors) or any(r.errors for r in rows),
            "repick": [name for r in rows for name in r.picked] if status == 400 else [],
        },
        status=status,
    )


def _replies(request: HttpRequest, rows: list[ItemRow]) -> dict[int, ItemAnswer]:
    """What was typed and chosen for each item."""
    replies = {}
    for row in rows:
        row.reply = request.POST.get(row.reply_name, "").strip()[:REPLY_CHARS]
        files = tuple(f for f in request.FILES.getlist(row.file_name) if f.name)
        row.picked = [str(f.name) for f in files]
        if row.reply or files:
            replies[row.item.index] = ItemAnswer(text=row.reply, files=files)
    return replies


def _place_errors(exc: ValidationError, form: SchemaForm, rows: list[ItemRow]) -> None:
    """Each error next to its item or field; the rest at the top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    by_key = {f"item-{r.item.index}": r for r in rows}
    for key, errors in exc.message_dict.items():
        if key in by_key:
            by_key[key].errors.extend(errors)
        else:
            form.add_error(key if key in form.fields else None, errors)
