"""State changes of the catalogue, each one transaction, audited and logged for the search index.

Import and export of whole files live in `importer.py` and `exporter.py` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction

from tongban.accounts.permissions import ensure_can
from tongban.catalog import rules
from tongban.catalog.changes import record_change, record_changes
from tongban.catalog.exporter import ExportReport, export_catalogue
from tongban.catalog.format import (
    ItemLine,
    PydanticValidationError,
    explain,
    item_record,
    material_record,
    record_hash,
    record_of,
)
from tongban.catalog.importer import (
    ITEM_COLUMNS,
    ImportReport,
    Problem,
    import_catalogue,
    item_from_record,
)
from tongban.catalog.models import Bundle, Material, ServiceItem
from tongban.core import audit

__all__ = [
    "EDITABLE_FIELDS",
    "EXTRA_EDITABLE_FIELDS",
    "ExportReport",
    "ImportReport",
    "Problem",
    "delete_item",
    "export_catalogue",
    "import_catalogue",
    "record_item_view",
    "update_item",
]

EDITABLE_FIELDS = frozenset(
    {
        "name",
        "aliases",
        "summary",
        "conditions",
        "legal_basis",
        "handling",
        "statutory_days",
        "committed_days",
        "online_depth",
        "max_visits",
        "scope",
        "channels",
        "fee",
        "process",
        "status",
        "situation",
    }
)
#: Not fields of the exchange format: kept in the item's `extra` (and exported with it).
EXTRA_EDITABLE_FIELDS = frozenset({"visit_reason", "phone", "complaint_phone"})
_BLANK_NONE = {"statutory_days", "fee"}


def _validate(record: dict[str, Any]) -> ItemLine:
    """Format checks then consistency rules (a visit reason is required when editing)."""
    problems: dict[str, list[str]] = {}
    try:
        line = ItemLine.model_validate({"type": "item", **record})
    except PydanticValidationError as exc:
        for field, message in explain(exc):
            problems.setdefault(field or "__all__", []).append(message)
        raise ValidationError(problems) from None
    for issue in rules.check_item(
        kind=line.kind,
        handling=line.handling,
        statutory_days=line.statutory_days,
        committed_days=line.committed_days,
        online_depth=line.online_depth,
        max_visits=line.max_visits,
        fee=line.fee.model_dump() if line.fee else None,
        extra=line.model_extra,
        editing=True,
    ):
        problems.setdefault(issue.field, []).append(issue.message)
    if problems:
        raise ValidationError(problems)
    return line


@transaction.atomic
def update_item(
    *,
    item: ServiceItem,
    actor: Any,
    changes: Mapping[str, Any],
    materials: list[dict[str, Any]] | None = None,
) -> ServiceItem:
    """修改事项: change fields of an item (and, given `materials`, its whole material list).

    Raises ValidationError keyed by field when a value or a consistency rule is broken;
    nothing is saved then.
    """
    ensure_can(actor, "catalog.edit_item", item)
    unknown = set(changes) - EDITABLE_FIELDS - EXTRA_EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: ["这个字段不能在这里修改"] for name in sorted(unknown)})
    item = ServiceItem.objects.select_for_update().select_related("region").get(pk=item.pk)
    old_materials = [material_record(m) for m in item.materials.order_by("position")]
    theme_codes = [str(code) for code in item.theme_links.order_by("pk").values_list("theme_id", flat=True)]
    before = item_record(item, materials=old_materials, theme_codes=theme_codes)
    extra = dict(item.extra)
    for name, value in changes.items():
        if name in EXTRA_EDITABLE_FIELDS:
            if value in (None, ""):
                extra.pop(name, None)
            else:
                extra[name] = value
        elif name in _BLANK_NONE and value in ("", None):
            setattr(item, name, None)
        else:
            setattr(item, name, "" if value is None else value)
    item.extra = extra
    new_materials = old_materials if materials is None else materials
    line = _validate(item_record(item, materials=new_materials, theme_codes=theme_codes))
    record = record_of(line)
    if record == record_of(ItemLine.model_validate({"type": "item", **before})):
        return item
    normalised = item_from_record(record, record_hash(record))
    for name in ITEM_COLUMNS[1:]:
        field = ServiceItem._meta.get_field(name)
        assert isinstance(field, models.Field)
        setattr(item, field.attname, getattr(normalised, field.attname))
    item.save()
    if materials is not None:
        item.materials.all().delete()
        Material.objects.bulk_create(
            [
                Material(
                    item=item,
                    position=position,
                    name=m.name,
                    required=m.required,
                    form=m.form or "",
                    copies=m.copies,
                    source=m.source or "",
                    certificate_type=m.certificate_type or "",
                    note=m.note or "",
                    extra=m.model_extra or {},
                )
                for position, m in enumerate(line.materials)
            ]
        )
    changed = sorted(k for k in set(before) | set(record) if before.get(k) != record.get(k))
    audit.record(
        actor=actor, action="catalog.item.update", subject=item, details={"code": item.code, "fields": changed}
    )
    record_change(kind="item", code=item.code)
    return item


@transaction.atomic
def delete_item(*, item: ServiceItem, actor: Any) -> None:
    """删除事项 (its materials go with it)."""
    ensure_can(actor, "catalog.edit_item", item)
    code = item.code
    audit.record(actor=actor, action="catalog.item.delete", subject=item, details={"code": code})
    item.delete()
    record_change(kind="item", code=code, deleted=True)


@transaction.atomic
def record_item_view(*, item: ServiceItem) -> int:
    """Someone opened the item's guide: its popularity (热度, used by home and search ranking) grows by one.

    Search ranks by the logarithm of popularity, so the index is told (a change-log row for the item
    and its bundles) each time the count doubles — 1, 2, 4, 8 … views — which keeps what the index
    ranks by within a factor of two of the truth at a handful of updates per item, however popular.
    One `UPDATE … RETURNING`: concurrent views each see their own count, so no doubling is missed.
    Returns the new count.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE catalog_serviceitem SET popularity = popularity + 1 WHERE id = %s RETURNING popularity", [item.pk]
        )
        row = cursor.fetchone()
    if row is None:  # deleted meanwhile
        return 0
    views = int(row[0])
    if views & (views - 1) == 0:
        record_change(kind="item", code=item.code)
        bundles = Bundle.objects.filter(bundle_items__item=item).values_list("code", flat=True)
        record_changes(kind="bundle", codes=list(bundles))
    return views
