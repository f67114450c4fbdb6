"""Citizen pages: 办事指南 (item guide), theme pages ("我要…"), bundle pages (一件事)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tongban.catalog import selectors
from tongban.catalog.models import ItemStatus, OnlineDepth, ServiceItem
from tongban.catalog.services import record_item_view


@require_safe
def item_guide(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.item_for_guide(code)
    if request.method == "GET":
        record_item_view(item=item)
    materials = list(item.materials.all())
    return render(
        request,
        "catalog/item.html",
        {
            "item": item,
            "materials": materials,
            "held_count": sum(1 for m in materials if m.government_held),
            "halls": selectors.halls_for(item),
            "can_apply": _online(item),
            "active": item.status == ItemStatus.ACTIVE,
        },
    )


@require_safe
def theme_page(request: HttpRequest, code: str) -> HttpResponse:
    theme, items, bundles = selectors.theme_with_entries(code)
    return render(request, "catalog/theme.html", {"theme": theme, "items": items, "bundles": bundles})


def _online(item: ServiceItem) -> bool:
    """Can be applied for online: accepted online (depth 3) or fully online (depth 4)."""
    return item.status == ItemStatus.ACTIVE and item.online_depth >= OnlineDepth.ACCEPTED_ONLINE


@require_safe
def bundle_page(request: HttpRequest, code: str) -> HttpResponse:
    bundle, items = selectors.bundle_with_items(code)
    materials = selectors.merged_materials(items)
    asked = sum(len(item.materials.all()) for item in items)
    return render(
        request,
        "catalog/bundle.html",
        {
            "bundle": bundle,
            "items": items,
            "materials": materials,
            "asked_separately": asked,
            "held_count": sum(1 for m in materials if m.government_held),
            "max_visits": max((item.max_visits for item in items), default=0),
            "can_apply": bool(items) and all(_online(item) for item in items),
        },
    )
