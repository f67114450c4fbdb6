"""Catalogue records as database rows (导入记录与数据行): the columns and values an item is written with.

A record is the canonical dict `format.record_of` makes of a valid line. `item_values` and
`material_values` turn one into the parameters of `ITEM_COLUMNS` and `MATERIAL_COLUMNS` for the
batched upsert; `item_from_record` makes an unsaved `ServiceItem` of one (the single-item edit in
`services` uses it); `same` compares a stored bundle's record with the file's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tongban.catalog.form_order import with_field_order
from tongban.catalog.format import ItemLine, MaterialLine
from tongban.catalog.models import ItemStatus, ServiceItem

ITEM_FIELDS = frozenset(ItemLine.model_fields) - {"type"}
MATERIAL_FIELDS = frozenset(MaterialLine.model_fields)


def same(stored: dict[str, Any], record: dict[str, Any]) -> bool:
    """Equal records; a bundle's themes are a set (they are stored in the themes' own order)."""
    return {**stored, "themes": sorted(stored.get("themes", []))} == {
        **record,
        "themes": sorted(record.get("themes", [])),
    }


ITEM_COLUMNS = [
    "code",
    "base_code",
    "name",
    "aliases",
    "kind",
    "department",
    "region",
    "audience",
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
    "form",
    "process",
    "result",
    "status",
    "extra",
    "parent",
    "situation",
    "content_hash",
]
MATERIAL_COLUMNS = [
    "item",
    "position",
    "name",
    "required",
    "form",
    "copies",
    "source",
    "certificate_type",
    "note",
    "extra",
]


def item_values(record: dict[str, Any], digest: str, json: Callable[[Any], Any]) -> tuple[Any, ...]:
    """The parameters of ITEM_COLUMNS for a record; `json` turns a JSON value into a parameter."""
    get = record.get
    return (
        record["code"],
        get("base_code", ""),
        record["name"],
        json(get("aliases", [])),
        record["kind"],
        record["department"],
        record["region"],
        json(record["audience"]),
        get("summary", ""),
        get("conditions", ""),
        get("legal_basis", ""),
        record["handling"],
        get("statutory_days"),
        record["committed_days"],
        record["online_depth"],
        record["max_visits"],
        get("scope", ""),
        json(get("channels", [])),
        json(get("fee")),
        json(with_field_order(get("form"))),
        get("process", ""),
        json(get("result")),
        get("status", ItemStatus.ACTIVE),
        json({k: v for k, v in record.items() if k not in ITEM_FIELDS}),
        get("parent"),
        get("situation", ""),
        digest,
    )


def material_values(record: dict[str, Any], json: Callable[[Any], Any]) -> list[tuple[Any, ...]]:
    return [
        (
            record["code"],
            position,
            m["name"],
            m["required"],
            m.get("form", ""),
            m.get("copies"),
            m.get("source", ""),
            m.get("certificate_type", ""),
            m.get("note", ""),
            json({k: v for k, v in m.items() if k not in MATERIAL_FIELDS}),
        )
        for position, m in enumerate(record.get("materials", []))
    ]


def item_from_record(record: dict[str, Any], digest: str) -> ServiceItem:
    """An unsaved item holding a record's values."""
    return ServiceItem(
        code=record["code"],
        base_code=record.get("base_code", ""),
        name=record["name"],
        aliases=record.get("aliases", []),
        kind=record["kind"],
        department_id=record["department"],
        region_id=record["region"],
        audience=record["audience"],
        summary=record.get("summary", ""),
        conditions=record.get("conditions", ""),
        legal_basis=record.get("legal_basis", ""),
        handling=record["handling"],
        statutory_days=record.get("statutory_days"),
        committed_days=record["committed_days"],
        online_depth=record["online_depth"],
        max_visits=record["max_visits"],
        scope=record.get("scope", ""),
        channels=record.get("channels", []),
        fee=record.get("fee"),
        form=with_field_order(record.get("form")),
        process=record.get("process", ""),
        result=record.get("result"),
        status=record.get("status", ItemStatus.ACTIVE),
        extra={k: v for k, v in record.items() if k not in ITEM_FIELDS},
        parent_id=record.get("parent"),
        situation=record.get("situation", ""),
        content_hash=digest,
    )
