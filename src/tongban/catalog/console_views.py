"""Console pages of the catalogue: administrators list and edit the items of their regions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tongban.accounts.permissions import ensure_can
from tongban.catalog import selectors
from tongban.catalog.forms import ItemForm, MaterialFormSet, material_initial, material_records
from tongban.catalog.models import ServiceItem
from tongban.catalog.permissions import administered_scopes
from tongban.catalog.services import update_item
from tongban.console.decorators import staff_required
from tongban.orgs.models import Region
from tongban.workflow.services import assign_process

PAGE_SIZE = 50
# service error keys that are not form fields of the same name
FIELD_FOR = {
    "fee": "fee_online_payment",
    "fee.amount": "fee_amount",
    "fee.basis": "fee_basis",
    "fee.charged": "fee_charged",
    "departments": "review_departments",
}


@staff_required
def item_list(request: HttpRequest) -> HttpResponse:
    """事项管理: the items of the regions this administrator looks after, searchable by code or name."""
    user = request.user
    ensure_can(user, "catalog.manage")
    items = ServiceItem.objects.select_related("department", "region").order_by("code")
    scopes = administered_scopes(user)  # type: ignore[arg-type]
    if scopes is not None:
        paths = Region.objects.filter(code__in=scopes).values_list("path", flat=True)
        within = Q(pk__in=[])
        for path in paths:
            within |= Q(region__path=path) | Q(region__path__startswith=path + "/")
        items = items.filter(within)
    query = request.GET.get("q", "").strip()
    if query:
        items = items.filter(Q(code__icontains=query) | Q(name__icontains=query))
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/console/item_list.html", {"page": page, "query": query})


@staff_required
def item_edit(request: HttpRequest, code: str) -> HttpResponse:
    """修改事项: the guide fields and the material list; the consistency rules are checked on save."""
    item = selectors.item_for_guide(code)
    ensure_can(request.user, "catalog.edit_item", item)
    stored = list(item.materials.all())
    if request.method == "POST":
        form = ItemForm(request.POST, item=item)
        formset = MaterialFormSet(request.POST, prefix="materials")
        if form.is_valid() and formset.is_valid():
            try:
                with transaction.atomic():  # the item and its process are saved together or not at all
                    update_item(
                        item=item,
                        actor=request.user,
                        changes=form.changes(item),
                        materials=material_records(formset, stored),
                    )
                    key, departments = form.process_choice()
                    assign_process(item=item, key=key, departments=departments, actor=request.user)
            except ValidationError as exc:
                for field, problems in exc.message_dict.items():
                    target = FIELD_FOR.get(field, field)
                    for problem in problems:
                        if target in form.fields:
                            form.add_error(target, problem)
                        else:
                            form.add_error(None, f"{field}：{problem}")
            else:
                messages.success(request, _("已保存。"))
                return redirect("catalog_console:item_edit", code=item.code)
    else:
        form = ItemForm(initial=ItemForm.initial_for(item), item=item)
        formset = MaterialFormSet(initial=material_initial(stored), prefix="materials")
    return render(request, "catalog/console/item_edit.html", {"item": item, "form": form, "formset": formset})
