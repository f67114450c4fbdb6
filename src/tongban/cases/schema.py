"""申请表: the item's JSON Schema (or a default form), validation with messages people understand,
and the merged form of a bundle (一表申请: a property asked by several items is asked once)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError
from jsonschema.exceptions import ValidationError as SchemaValidationError

from tongban.catalog.models import Bundle, ServiceItem

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
        missing = next((n for n in error.validator_value if n not in (error.instance or {})), "")
        path = [*path, missing]
        title = _title(schema, path)
        return ".".join(str(p) for p in path), _("请填写“%(title)s”。") % {"title": title}
    title = _title(schema, path)
    field = ".".join(str(p) for p in path) or "__all__"
    value = error.validator_value
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
        "additionalProperties": _("申请表中有无法识别的内容，请刷新页面后重新填写。"),
    }
    return field, messages.get(str(validator), _("“%(title)s”填写有误，请核对。") % {"title": title})


@lru_cache(maxsize=512)
def _validator(schema_json: str) -> Draft202012Validator:
    import json

    schema = json.loads(schema_json)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def validate_answers(schema: dict[str, Any], answers: Any) -> dict[str, Any]:
    """Check `answers` against `schema`; raise AnswersInvalid naming each field by its title."""
    import json

    if not isinstance(answers, dict):
        raise AnswersInvalid({"__all__": [_("申请表内容格式不正确。")]})
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
    return answers


def merged_form_for(bundle: Bundle) -> dict[str, Any]:
    """一表申请: the items' schemas merged; a property name asked by several items is asked once."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for link in bundle.bundle_items.select_related("item").order_by("position"):
        schema = form_schema_for(link.item)
        for name, spec in (schema.get("properties") or {}).items():
            properties.setdefault(name, spec)
        for name in schema.get("required") or []:
            if name not in required:
                required.append(name)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "title": f"{bundle.name}联合申请表",
        "properties": properties,
        "required": required,
    }


def answers_for(schema: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """The part of merged answers one item's form asks for."""
    names = set((schema.get("properties") or {}).keys())
    return {k: v for k, v in answers.items() if k in names}
