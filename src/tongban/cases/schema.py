"""申请表: the item's JSON Schema (or a default form), validation with messages people understand,
and the merged form of a bundle (一表申请: a property asked by several items is asked once).

Field formats (字段格式): a text property may say `"format": "id-number"` (居民身份证号码, GB 11643),
`"mobile"` (手机号码), `"credit-code"` (统一社会信用代码, GB 32100) or `"date"` (年-月-日). Every form —
an item's, a bundle's merged form, the window's — is checked by the same validators
(`core.validators.FIELD_FORMATS`); a wrong value is refused with a message naming the field, and a
right one is kept normalised (upper-case X, no spaces).

A bundle's form (一件事) is described by two fields of its catalogue line that the format keeps in
the bundle's `extra`:
- `form`: a JSON Schema of questions the bundle asks besides its items' (asked after theirs);
- `field_map`: which merged answers each item receives — `{"item code": ["field", …]}` where the
  names are the same, or `{"item code": {"item's field": "merged field"}}` where the item names it
  otherwise. An item the map leaves out receives the answers named like its own form's properties.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError
from jsonschema.exceptions import ValidationError as SchemaValidationError

from tongban.catalog.form_order import ORDER_KEY, ordered_properties
from tongban.catalog.models import Bundle, ServiceItem
from tongban.core.validators import FIELD_FORMATS

DEFAULT_FORM: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "title": "申请表",
    "properties": {"remark": {"type": "string", "title": "申请说明", "maxLength": 500}},
}

_TYPE_LABELS = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "是或否",
    "array": "列表",
    "object": "一组内容",
}


class AnswersInvalid(ValidationError):
    """The answers break the form: `message_dict` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.code = "invalid_answers"


def form_schema_for(item: ServiceItem) -> dict[str, Any]:
    """The item's JSON Schema, or the default form when the catalogue gives none."""
    return item.form if isinstance(item.form, dict) and item.form else DEFAULT_FORM


def _title(schema: dict[str, Any], path: list[Any]) -> str:
    node: Any = schema
    title = ""
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {}) if isinstance(node, dict) else {}
            continue
        node = (node.get("properties") or {}).get(part, {}) if isinstance(node, dict) else {}
        title = node.get("title") or str(part)
    return title or _("申请表")


def _message(error: SchemaValidationError, schema: dict[str, Any]) -> tuple[str, str]:
    path = list(error.absolute_path)
    validator = error.validator
    if validator == "required":
        # one error per missing property, each naming its own at the start of its message
        absent = [n for n in error.validator_value if n not in (error.instance or {})]
        missing = next((n for n in absent if error.message.startswith(repr(n))), absent[0] if absent else "")
        path = [*path, missing]
        title = _title(schema, path)
        return ".".join(str(p) for p in path), _("请填写“%(title)s”。") % {"title": title}
    title = _title(schema, path)
    field = ".".join(str(p) for p in path) or "__all__"
    value = error.validator_value
    if validator == "format" and isinstance(error.cause, ValidationError):
        return field, _("“%(title)s”：%(reason)s") % {"title": title, "reason": " ".join(error.cause.messages)}
    messages = {
        "type": _("“%(title)s”应填写%(kind)s。") % {"title": title, "kind": _TYPE_LABELS.get(str(value), str(value))},
        "maxLength": _("“%(title)s”最多 %(n)s 个字。") % {"title": title, "n": value},
        "minLength": _("“%(title)s”至少 %(n)s 个字。") % {"title": title, "n": value},
        "minimum": _("“%(title)s”不能小于 %(n)s。") % {"title": title, "n": value},
        "maximum": _("“%(title)s”不能大于 %(n)s。") % {"title": title, "n": value},
        "exclusiveMinimum": _("“%(title)s”须大于 %(n)s。") % {"title": title, "n": value},
        "exclusiveMaximum": _("“%(title)s”须小于 %(n)s。") % {"title": title, "n": value},
        "enum": _("“%(title)s”请从给定的选项中选择。") % {"title": title},
        "const": _("“%(title)s”的值不符合要求。") % {"title": title},
        "pattern": _("“%(title)s”的格式不正确，请核对。") % {"title": title},
        "format": _("“%(title)s”的格式不正确（应为%(format)s）。")
        % {"title": title, "format": {"date": "日期，如 2025-10-08", "email": "电子邮箱"}.get(str(value), str(value))},
        "minItems": _("“%(title)s”至少填写 %(n)s 项。") % {"title": title, "n": value},
        "maxItems": _("“%(title)s”最多填写 %(n)s 项。") % {"title": title, "n": value},
    }
    if validator in ("additionalProperties", "unevaluatedProperties"):
        declared = _declared_names(error.schema) if isinstance(error.schema, dict) else set()
        names = [str(n) for n in (error.instance or {}) if n not in declared] or [""]
        field = ".".join(str(p) for p in [*path, names[0]])
        shown = "、".join(f"“{n[:40]}”" for n in names[:5])
        return field, _("申请表中没有这些项：%(names)s。请删除后再提交。") % {"names": shown}
    return field, messages.get(str(validator), _("“%(title)s”填写有误，请核对。") % {"title": title})


_OPEN_KEYWORDS = ("additionalProperties", "unevaluatedProperties", "patternProperties")


def _declared_names(node: dict[str, Any]) -> set[str]:
    """The fields an object schema declares: its `properties`, and those of its `allOf` / `anyOf` /
    `oneOf` / `if` / `then` / `else` branches."""
    names = set(node.get("properties") or {})
    branches = [*(node.get("allOf") or []), *(node.get("anyOf") or []), *(node.get("oneOf") or [])]
    branches += [node[key] for key in ("if", "then", "else") if key in node]
    for branch in branches:
        if isinstance(branch, dict):
            names |= _declared_names(branch)
    return names


def closed_form(schema: Any) -> Any:
    """未声明的字段不收: the form with `unevaluatedProperties: false` on every object that lists its fields
    (`properties`, also inside `properties` and `items`) and says nothing of others. A field declared
    by a branch of the same object (`allOf`, `if`/`then` …) counts as declared; a form that allows
    other fields (`additionalProperties`, `patternProperties`) keeps its word."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    if isinstance(out.get("properties"), dict):
        out["properties"] = {name: closed_form(spec) for name, spec in out["properties"].items()}
        if not any(key in out for key in _OPEN_KEYWORDS):
            out["unevaluatedProperties"] = False
    if isinstance(out.get("items"), dict):
        out["items"] = closed_form(out["items"])
    return out


def _format_checker() -> FormatChecker:
    """The standard formats, and ours (`FIELD_FORMATS`) checked by the shared validators."""
    checker = FormatChecker()
    for name, check in FIELD_FORMATS.items():

        def is_valid(instance: object, check: Callable[[str], str] = check) -> bool:
            if isinstance(instance, str):
                check(instance)  # raises ValidationError with the reason, kept as the error's cause
            return True

        checker.checks(name, raises=ValidationError)(is_valid)
    return checker


FORMAT_CHECKER = _format_checker()


@lru_cache(maxsize=512)
def _validator(schema_json: str) -> Draft202012Validator:
    import json

    schema = json.loads(schema_json)
    return Draft202012Validator(closed_form(schema), format_checker=FORMAT_CHECKER)


def _normalised(schema: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """Valid answers with formatted fields in their normal form (ID numbers with upper-case X …)."""
    out = dict(answers)
    for name, spec in ordered_properties(schema).items():
        check = FIELD_FORMATS.get(str((spec or {}).get("format") or "")) if isinstance(spec, dict) else None
        if check is not None and isinstance(out.get(name), str):
            out[name] = check(out[name])
    return out


def validate_answers(schema: dict[str, Any], answers: Any, *, kept: Collection[str] = ()) -> dict[str, Any]:
    """Check `answers` against `schema`; raise AnswersInvalid naming each field by its title. A field
    the form does not declare is refused (`closed_form`), except those named in `kept`: answers a case
    already holds that its item's form does not declare (given through a bundle's field map, or before
    forms were closed), which a correction (补正) keeps as they are."""
    import json

    if not isinstance(answers, dict):
        raise AnswersInvalid({"__all__": [_("申请表内容格式不正确。")]})
    declared = _declared_names(schema)
    aside = {name: answers[name] for name in kept if name in answers and name not in declared}
    answers = {name: value for name, value in answers.items() if name not in aside}
    try:
        validator = _validator(json.dumps(schema, sort_keys=True, ensure_ascii=False))
    except SchemaError as exc:
        raise ValidationError(_("该事项的申请表配置有误，请联系主管部门。"), code="form_broken") from exc
    errors: dict[str, list[str]] = {}
    for error in sorted(validator.iter_errors(answers), key=lambda e: list(e.absolute_path)):
        field, message = _message(error, schema)
        errors.setdefault(field, []).append(message)
    if errors:
        raise AnswersInvalid(errors)
    return {**_normalised(schema, answers), **aside}


def bundle_form_of(bundle: Bundle) -> dict[str, Any]:
    """The questions the bundle itself asks besides its items' (`extra["form"]`), or none."""
    form = (bundle.extra or {}).get("form")
    return form if isinstance(form, dict) else {}


def field_map_of(bundle: Bundle) -> dict[str, dict[str, str]]:
    """Item code → {the item's field: the merged field}, from the bundle's `extra["field_map"]`."""
    raw = (bundle.extra or {}).get("field_map")
    mapping: dict[str, dict[str, str]] = {}
    if not isinstance(raw, dict):
        return mapping
    for code, entry in raw.items():
        if isinstance(entry, list):
            mapping[str(code)] = {name: name for name in entry if isinstance(name, str)}
        elif isinstance(entry, dict):
            mapping[str(code)] = {str(k): v for k, v in entry.items() if isinstance(v, str)}
    return mapping


def merged_form_for(bundle: Bundle) -> dict[str, Any]:
    """一表申请: the items' own forms merged, then the bundle's own questions, then the default form's
    (申请说明) where an item has no form of its own; a property asked by several items (by name, or
    mapped onto one merged field) is asked once."""
    mapping = field_map_of(bundle)
    forms = [
        (mapping.get(link.item.code, {}), form_schema_for(link.item))
        for link in bundle.bundle_items.select_related("item").order_by("position")
    ]
    ordered = [
        *(pair for pair in forms if pair[1] is not DEFAULT_FORM),
        ({}, bundle_form_of(bundle)),
        *(pair for pair in forms if pair[1] is DEFAULT_FORM),
    ]
    properties: dict[str, Any] = {}
    required: list[str] = []
    for renamed, schema in ordered:
        for name, spec in ordered_properties(schema).items():
            properties.setdefault(renamed.get(name, name), spec)
        for name in schema.get("required") or []:
            merged = renamed.get(name, name)
            if merged in properties and merged not in required:
                required.append(merged)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "title": f"{bundle.name}联合申请表",
        "properties": properties,
        "required": required,
    }


def _share_names(bundle: Bundle, item: ServiceItem, merged: dict[str, Any]) -> dict[str, str]:
    """The item's field → the merged field it is answered from, for every field of its share: the
    item's own fields in their order, then those the field map adds, in the merged form's order."""
    own = ordered_properties(form_schema_for(item))
    renamed = field_map_of(bundle).get(item.code, {})
    names = {name: renamed.get(name, name) for name in own}
    position = {name: index for index, name in enumerate(ordered_properties(merged))}
    added = [(name, source) for name, source in renamed.items() if name not in names and source in position]
    for name, source in sorted(added, key=lambda pair: position[pair[1]]):
        names[name] = source
    return names


def share_form_for(bundle: Bundle, item: ServiceItem, merged: dict[str, Any] | None = None) -> dict[str, Any]:
    """The form of one item of a bundle as its department sees it: the item's own questions and the
    merged answers the bundle's field map gives it, each under the item's name for it."""
    merged = merged if merged is not None else merged_form_for(bundle)
    own = form_schema_for(item)
    merged_properties = ordered_properties(merged)
    own_properties = ordered_properties(own)
    properties = {
        name: own_properties.get(name) or merged_properties[source]
        for name, source in _share_names(bundle, item, merged).items()
    }
    return {**{k: v for k, v in own.items() if k != ORDER_KEY}, "properties": properties}


def share_of(
    bundle: Bundle, item: ServiceItem, answers: dict[str, Any], merged: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The part of the merged answers one item of the bundle receives (under the item's names)."""
    merged = merged if merged is not None else merged_form_for(bundle)
    names = _share_names(bundle, item, merged)
    return {name: answers[source] for name, source in names.items() if source in answers}
