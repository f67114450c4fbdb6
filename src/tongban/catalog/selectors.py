"""Reads of the catalogue for pages and the API."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from tongban.catalog.models import (
    Audience,
    Bundle,
    BundleItem,
    ItemStatus,
    Material,
    MaterialSource,
    ServiceItem,
    Theme,
)
from tongban.orgs.models import ServiceHall

POPULAR_COUNT = 8
THEMES_PER_AUDIENCE = 12


def active_items() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(status=ItemStatus.ACTIVE)


def home_entries(
    *, popular: int = POPULAR_COUNT, themes: int = THEMES_PER_AUDIENCE
) -> dict[str, list[Theme] | list[ServiceItem]]:
    """首页: the life-scenario entries ("我要…") for people and for businesses (in catalogue
    order, at most `themes` of each), and the `popular` most used items."""
    return {
        "person": list(Theme.objects.filter(audience=Audience.PERSON)[:themes]),
        "legal_person": list(Theme.objects.filter(audience=Audience.LEGAL_PERSON)[:themes]),
        "popular": list(active_items().select_related("department").order_by("-popularity", "code")[:popular]),
    }


def item_for_guide(code: str) -> ServiceItem:
    """One item with everything its guide shows; 404 when there is no such item."""
    queryset = ServiceItem.objects.select_related("department", "region", "parent").prefetch_related(
        Prefetch("materials", queryset=Material.objects.order_by("position")),
        "themes",
        Prefetch("children", queryset=ServiceItem.objects.filter(status=ItemStatus.ACTIVE).order_by("code")),
        "bundles",
    )
    return get_object_or_404(queryset, code=code)


def halls_for(item: ServiceItem, *, limit: int = 5) -> list[ServiceHall]:
    """办理地点: service halls in the item's region, above it or below it."""
    path = item.region.path
    ancestors = path.split("/")
    return list(
        ServiceHall.objects.filter(Q(region__code__in=ancestors) | Q(region__path__startswith=path + "/")).order_by(
            "-region__level", "code"
        )[:limit]
    )


def theme_with_entries(code: str) -> tuple[Theme, list[ServiceItem], list[Bundle]]:
    """A theme, its active items (most used first) and its bundles."""
    theme = get_object_or_404(Theme, code=code)
    items = list(
        active_items()
        .filter(theme_links__theme=theme)
        .select_related("department")
        .order_by("-popularity", "code")[:200]
    )
    return theme, items, list(theme.bundles.all())


def themes_with_counts() -> QuerySet[Theme]:
    return Theme.objects.annotate(
        item_count=Count("item_links", filter=Q(item_links__item__status=ItemStatus.ACTIVE))
    ).order_by("position", "code")  # a GROUP BY query does not use Meta.ordering


def bundle_with_items(code: str) -> tuple[Bundle, list[ServiceItem]]:
    """A bundle and its items in the order a person meets them (materials prefetched)."""
    bundle = get_object_or_404(Bundle.objects.prefetch_related("themes"), code=code)
    links = (
        BundleItem.objects.filter(bundle=bundle)
        .select_related("item__department")
        .prefetch_related(Prefetch("item__materials", queryset=Material.objects.order_by("position")))
        .order_by("position")
    )
    return bundle, [link.item for link in links]


# --- one material list for a bundle (一套材料) --------------------------------------------------------

_BRACKETS = re.compile(r"[（(【\[].*?[）)】\]]")


def material_key(material: Material) -> str:
    """Two materials are the same when they share a certificate type, else a name (spaces and
    bracketed remarks such as （原件） aside)."""
    if material.certificate_type:
        return "cert:" + material.certificate_type
    return "name:" + re.sub(r"\s+", "", _BRACKETS.sub("", material.name))


@dataclass
class MergedMaterial:
    """A material of a bundle, asked for once, with the items that need it."""

    name: str
    required: bool
    source: str
    certificate_type: str
    note: str
    item_names: list[str] = field(default_factory=list)

    @property
    def government_held(self) -> bool:
        return self.source == MaterialSource.GOVERNMENT or bool(self.certificate_type)


def merged_materials(items: Iterable[ServiceItem]) -> list[MergedMaterial]:
    """Each material once, in the order first met; required if any item requires it."""
    merged: dict[str, MergedMaterial] = {}
    for item in items:
        for material in item.materials.all():
            key = material_key(material)
            entry = merged.get(key)
            if entry is None:
                entry = merged[key] = MergedMaterial(
                    name=material.name,
                    required=material.required,
                    source=material.source,
                    certificate_type=material.certificate_type,
                    note=material.note,
                )
            else:
                entry.required = entry.required or material.required
                if material.source == MaterialSource.GOVERNMENT:
                    entry.source = material.source
                entry.certificate_type = entry.certificate_type or material.certificate_type
            if item.name not in entry.item_names:
                entry.item_names.append(item.name)
    return list(merged.values())
