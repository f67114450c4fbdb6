"""The order of an application form's fields (申请表字段顺序), kept on both databases.

A form is a JSON Schema whose `properties` object lists the fields in the order a person fills
them in. PostgreSQL keeps JSON in `jsonb`, which does not keep the order of an object's keys (it
sorts them by length, then bytes), so the order is also written down where the schema is stored:
`"x-order"`, the list of the property names in order, beside every `properties` object (a list keeps
its order in `jsonb`; JSON Schema ignores keywords it does not know). The catalogue writes it on
import and edit (`with_field_order`); whatever shows, merges or exports a form reads the fields
through `ordered_properties`; the exchange format does not know `x-order`, so the export and the API
give the schema back as the catalogue wrote it (`without_field_order`).
"""

from __future__ import annotations

from typing import Any

ORDER_KEY = "x-order"

#: Keywords whose values are data, not schemas: never searched for `properties`.
_DATA_KEYWORDS = frozenset({"enum", "const", "default", "examples", "required", ORDER_KEY})


def ordered_properties(schema: Any) -> dict[str, Any]:
    """The schema's `properties` in the catalogue's order: the names `x-order` lists first, then any
    it does not list in the order stored (a schema without `x-order` keeps its own order)."""
    if not isinstance(schema, dict):
        return {}
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return {}
    order = schema.get(ORDER_KEY)
    names = [n for n in order if isinstance(n, str) and n in properties] if isinstance(order, list) else []
    listed = dict.fromkeys(names)
    return {**{n: properties[n] for n in listed}, **{n: s for n, s in properties.items() if n not in listed}}


def with_field_order(schema: Any) -> Any:
    """A copy of the schema with `x-order` beside every `properties` (nested ones too), as stored.

    The order recorded is the one `ordered_properties` reads, so writing a schema back keeps it."""
    return _rewrite(schema, record=True)


def without_field_order(schema: Any) -> Any:
    """A copy of the schema with every `properties` in its recorded order and no `x-order`: the
    schema as the catalogue wrote it (for the export, the API and record comparisons)."""
    return _rewrite(schema, record=False)


def _rewrite(node: Any, *, record: bool) -> Any:
    if isinstance(node, list):
        return [_rewrite(value, record=record) for value in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == ORDER_KEY:
            continue
        if key == "properties" and isinstance(value, dict):
            properties = ordered_properties(node)
            out[key] = {name: _rewrite(spec, record=record) for name, spec in properties.items()}
            if record:
                out[ORDER_KEY] = list(properties)
        elif key in _DATA_KEYWORDS:
            out[key] = value
        else:
            out[key] = _rewrite(value, record=record)
    return out


def with_form_orders(extra: dict[str, Any]) -> dict[str, Any]:
    """A bundle's `extra` with the order of its own form's fields recorded (`form`, see
    `cases.schema.bundle_form_of`)."""
    form = extra.get("form")
    return {**extra, "form": with_field_order(form)} if isinstance(form, dict) else extra


def without_form_orders(extra: dict[str, Any]) -> dict[str, Any]:
    """A bundle's `extra` with its form as the catalogue wrote it."""
    form = extra.get("form")
    return {**extra, "form": without_field_order(form)} if isinstance(form, dict) else extra
