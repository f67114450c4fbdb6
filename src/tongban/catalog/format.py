"""The exchange format tongban-catalogue/1 (docs: catalogue-format.md): one JSON object a line.

Each line is validated by a pydantic model; fields the format does not know are kept (`extra`)
and written back on export. A *record* is the canonical dict of one entry — the format's fields
without empty values, then the unknown ones — and is the same whether it comes from a line or
from the database, so `record_hash` tells whether an import would change anything.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    field_validator,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import to_json

from tongban.catalog.form_order import without_field_order, without_form_orders
from tongban.catalog.models import (
    KIND_CODES,
    Bundle,
    ItemKind,
    Material,
    ServiceItem,
    Theme,
)

FORMAT_NAME = "tongban-catalogue/1"


def _code(max_length: int) -> Any:
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)]


def _text(max_length: int) -> Any:
    return Annotated[str, StringConstraints(min_length=1, max_length=max_length)]


RegionCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{6}(\d{3}){0,2}$")]
AudienceValue = Literal["person", "legal_person"]

_KIND_ALIASES: dict[str, str] = {}
for _kind, _number in KIND_CODES.items():
    _KIND_ALIASES[_number] = _kind
    _KIND_ALIASES[str(ItemKind(_kind).label)] = _kind


def _kind_alias(value: Any) -> Any:
    """Accept the GB/T 39046 number ("01") or the Chinese name ("行政许可") for the kind."""
    if isinstance(value, str):
        value = value.strip()
        return _KIND_ALIASES.get(value, value)
    return value


def _listify(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class _Line(BaseModel):
    model_config = ConfigDict(extra="allow", str_strip_whitespace=False)


class DepartmentLine(_Line):
    type: Literal["department"]
    code: _code(40)  # type: ignore[valid-type]
    name: _text(100)  # type: ignore[valid-type]
    region: RegionCode
    parent: _code(40) | None = None  # type: ignore[valid-type]
    phone: Annotated[str, StringConstraints(max_length=30)] | None = None


class ThemeLine(_Line):
    type: Literal["theme"]
    code: _code(64)  # type: ignore[valid-type]
    name: _text(100)  # type: ignore[valid-type]
    audience: AudienceValue
    phrase: Annotated[str, StringConstraints(max_length=100)] | None = None


class FeeLine(_Line):
    charged: bool
    amount: str | None = None
    basis: str | None = None

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            try:
                number = Decimal(value.strip())
            except InvalidOperation:
                raise ValueError("收费金额应为数字，例如 20.00") from None
            if number < 0 or not number.is_finite():
                raise ValueError("收费金额不能为负数")
        return value


class ResultLine(_Line):
    name: str | None = None
    certificate_type: Annotated[str, StringConstraints(max_length=64)] | None = None


class MaterialLine(_Line):
    name: _text(300)  # type: ignore[valid-type]
    required: bool
    form: Literal["original", "copy", "electronic"] | None = None
    copies: Annotated[int, Field(ge=0, le=1000)] | None = None
    source: Literal["applicant", "government"] | None = None
    certificate_type: Annotated[str, StringConstraints(max_length=64)] | None = None
    note: str | None = None


class ItemLine(_Line):
    type: Literal["item"]
    code: _code(100)  # type: ignore[valid-type]
    base_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None = None
    name: _text(200)  # type: ignore[valid-type]
    aliases: list[str] = []
    kind: Annotated[
        Literal[
            "permit",
            "penalty",
            "enforcement",
            "levy",
            "payment",
            "inspection",
            "confirmation",
            "reward",
            "ruling",
            "other_power",
            "public_service",
        ],
        BeforeValidator(_kind_alias),
    ]
    department: _code(40)  # type: ignore[valid-type]
    region: RegionCode
    audience: Annotated[list[AudienceValue], BeforeValidator(_listify), Field(min_length=1)]
    themes: list[_code(64)] = []  # type: ignore[valid-type]
    summary: str | None = None
    conditions: str | None = None
    legal_basis: str | None = None
    handling: Literal["instant", "committed"]
    statutory_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    committed_days: Annotated[int, Field(ge=0, le=3650)]
    online_depth: Annotated[int, Field(ge=1, le=4)]
    max_visits: Annotated[int, Field(ge=0, le=2)]
    scope: Literal["local", "city", "province", "cross_province"] | None = None
    channels: list[Literal["web", "mobile", "window", "kiosk"]] = []
    fee: FeeLine | None = None
    materials: list[MaterialLine] = []
    form: dict[str, Any] | None = None
    process: Annotated[str, StringConstraints(max_length=100)] | None = None
    result: ResultLine | None = None
    status: Literal["active", "suspended"] = "active"
    parent: _code(100) | None = None  # type: ignore[valid-type]
    situation: Literal["新设", "变更", "延续", "注销"] | None = None

    @field_validator("form")
    @classmethod
    def _form_is_json_schema(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value:
            try:
                Draft202012Validator.check_schema(value)
            except SchemaError as exc:
                raise ValueError(f"申请表不是有效的 JSON Schema：{exc.message}") from None
        return value


class BundleLine(_Line):
    type: Literal["bundle"]
    code: _code(64)  # type: ignore[valid-type]
    name: _text(200)  # type: ignore[valid-type]
    aliases: list[str] = []
    themes: list[_code(64)] = []  # type: ignore[valid-type]
    items: Annotated[list[_code(100)], Field(min_length=1)]  # type: ignore[valid-type]
    summary: str | None = None
    committed_days: Annotated[int, Field(ge=0, le=3650)] | None = None


# known field names of each line model, and which of them hold nested models
_KNOWN: dict[type[BaseModel], tuple[frozenset[str], dict[str, type[BaseModel]]]] = {
    model: (frozenset(model.model_fields), {}) for model in (DepartmentLine, ThemeLine, BundleLine, FeeLine, ResultLine)
}
_KNOWN[MaterialLine] = (frozenset(MaterialLine.model_fields), {})
_KNOWN[ItemLine] = (
    frozenset(ItemLine.model_fields),
    {"fee": FeeLine, "materials": MaterialLine, "result": ResultLine},
)

AnyLine = DepartmentLine | ThemeLine | ItemLine | BundleLine
LINE: TypeAdapter[AnyLine] = TypeAdapter(
    Annotated[AnyLine, Field(discriminator="type")]  # type: ignore[arg-type, maybe-unrecognized-str-typeform]
)

# --- errors in plain Chinese ----------------------------------------------------------------------

_MESSAGES = {
    "missing": "缺少必填字段",
    "string_type": "应为文本",
    "string_too_short": "不能为空",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表（[…]）",
    "dict_type": "应为对象（{…}）",
    "model_type": "应为对象（{…}）",
    "model_attributes_type": "应为对象（{…}）",
    "union_tag_not_found": "缺少 type 字段（department、theme、item 或 bundle）",
    "union_tag_invalid": "type 应为 department、theme、item 或 bundle 之一",
}


def _message(error: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "json_invalid":
        return f"不是有效的 JSON（{ctx.get('error', '')}）"
    if kind == "string_too_long":
        return f"太长了，最多 {ctx.get('max_length')} 个字"
    if kind == "string_pattern_mismatch":
        return "应为 6 位行政区划代码（GB/T 2260），例如 440100"
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于 {ctx.get('le', ctx.get('lt'))}"
    if kind == "too_short":
        return f"至少要有 {ctx.get('min_length')} 项"
    if kind == "literal_error":
        return f"取值应为 {ctx.get('expected', '')} 之一".replace(" or ", "、").replace("'", "")
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "")))
    if kind == "extra_forbidden":
        return "不认识的字段"
    return str(error.get("msg", "取值有误"))


def field_path(loc: Iterable[Any]) -> str:
    """`("materials", 0, "name")` → `materials[1].name` (list positions count from 1)."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part + 1}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def explain(exc: PydanticValidationError) -> list[tuple[str, str]]:
    """(field, message) for every problem of a line; the line's type tag is left out of paths."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = list(error.get("loc", ()))
        if loc and loc[0] in ("department", "theme", "item", "bundle"):
            loc = loc[1:]
        if error["type"] in ("union_tag_not_found", "union_tag_invalid"):
            loc = ["type"]
        problems.append((field_path(loc), _message(error)))
    return problems


# --- records ----------------------------------------------------------------------------------------


def _kept(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _prune(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """Drop the empty values of known fields (unknown ones stay as given), recursing into models."""
    out: dict[str, Any] = {}
    known, nested = _KNOWN[model]
    for key, value in data.items():
        if key not in known:
            out[key] = value
        elif value is None or value == "" or value == [] or value == {}:
            continue
        elif key in nested:
            inner = nested[key]
            out[key] = [_prune(inner, v) for v in value] if isinstance(value, list) else _prune(inner, value)
        else:
            out[key] = value
    return out


def record_of(line: BaseModel) -> dict[str, Any]:
    """The canonical dict of a validated line: known fields without empty values, then unknown ones."""
    data = line.model_dump(exclude={"type"})
    return _prune(type(line), data)


def _clean(fields: dict[str, Any], extra: dict[str, Any] | None) -> dict[str, Any]:
    out = {k: v for k, v in fields.items() if _kept(v)}
    out.update(extra or {})
    return out


def record_hash(record: dict[str, Any]) -> str:
    """A fingerprint of a record; an import skips entries whose fingerprint did not change.

    Canonical JSON — every object's keys sorted, a form without its recorded field order — so that
    the order in which a database (PostgreSQL's `jsonb`) gives keys back never counts as a change."""
    form = record.get("form")
    if isinstance(form, dict):
        record = {**record, "form": without_field_order(form)}
    return hashlib.sha1(to_json(_keys_sorted(record)), usedforsecurity=False).hexdigest()


def _keys_sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _keys_sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_keys_sorted(v) for v in value]
    return value


def material_record(material: Material) -> dict[str, Any]:
    return _clean(
        {
            "name": material.name,
            "required": material.required,
            "form": material.form,
            "copies": material.copies,
            "source": material.source,
            "certificate_type": material.certificate_type,
            "note": material.note,
        },
        material.extra,
    )


def item_record(
    item: ServiceItem, *, materials: Iterable[dict[str, Any]], theme_codes: Iterable[str]
) -> dict[str, Any]:
    """The record of an item as stored (material records and theme codes passed in, in their order)."""
    return _clean(
        {
            "code": item.code,
            "base_code": item.base_code,
            "name": item.name,
            "aliases": item.aliases,
            "kind": item.kind,
            "department": item.department_id,
            "region": item.region_id,
            "audience": item.audience,
            "themes": list(theme_codes),
            "summary": item.summary,
            "conditions": item.conditions,
            "legal_basis": item.legal_basis,
            "handling": item.handling,
            "statutory_days": item.statutory_days,
            "committed_days": item.committed_days,
            "online_depth": item.online_depth,
            "max_visits": item.max_visits,
            "scope": item.scope,
            "channels": item.channels,
            "fee": item.fee,
            "materials": list(materials),
            "form": without_field_order(item.form),
            "process": item.process,
            "result": item.result,
            "status": item.status,
            "parent": item.parent_id,
            "situation": item.situation,
        },
        item.extra,
    )


def theme_record(theme: Theme) -> dict[str, Any]:
    return _clean(
        {"code": theme.code, "name": theme.name, "audience": theme.audience, "phrase": theme.phrase}, theme.extra
    )


def bundle_record(bundle: Bundle, *, theme_codes: Iterable[str], item_codes: Iterable[str]) -> dict[str, Any]:
    return _clean(
        {
            "code": bundle.code,
            "name": bundle.name,
            "aliases": bundle.aliases,
            "themes": list(theme_codes),
            "items": list(item_codes),
            "summary": bundle.summary,
            "committed_days": bundle.committed_days,
        },
        without_form_orders(bundle.extra or {}),
    )


def dump_line(kind: str, record: dict[str, Any]) -> str:
    """One line of the file (without the newline)."""
    return json.dumps({"type": kind, **record}, ensure_ascii=False, separators=(", ", ": "))
