"""申请表渲染: an item's JSON Schema turned into an accessible Django form, and back into answers.

Supported: string (format date / email, enum → select, maxLength, minLength, pattern), integer,
number (minimum / maximum), boolean → checkbox, array of enum → checkboxes. A property's
`title` is the label, its `description` the hint; required fields say so in words.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.catalog.form_order import ordered_properties
from tongban.core.masking import mask_personal_numbers

ANSWER_PREFIX = "answers"
LONG_TEXT = 200  # a string longer than this gets a text area


def _label(title: str, required: bool) -> str:
    return f"{title}{_('（必填）')}" if required else title


def _choices(values: list[Any], with_blank: bool) -> list[tuple[str, str]]:
    choices = [(str(v), str(v)) for v in values]
    return [("", _("请选择")), *choices] if with_blank else choices


def field_for(name: str, spec: dict[str, Any], required: bool) -> forms.Field:
    """One Django form field for one JSON Schema property."""
    title = str(spec.get("title") or name)
    common: dict[str, Any] = {
        "label": _label(title, required),
        "help_text": str(spec.get("description") or ""),
        "required": required,
        "error_messages": {"required": _("请填写“%(title)s”。") % {"title": title}},
    }
    kind = spec.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "boolean":
        common["required"] = spec.get("const") is True
        common["label"] = title
        return forms.BooleanField(**common)
    if kind == "array":
        options = (spec.get("items") or {}).get("enum") or []
        common["error_messages"]["required"] = _("请至少选择一项“%(title)s”。") % {"title": title}
        return forms.MultipleChoiceField(
            choices=_choices(options, with_blank=False), widget=forms.CheckboxSelectMultiple, **common
        )
    if "enum" in spec:
        common["error_messages"]["required"] = _("请选择“%(title)s”。") % {"title": title}
        return forms.ChoiceField(choices=_choices(spec["enum"], with_blank=True), **common)
    if kind == "integer":
        common["error_messages"]["invalid"] = _("“%(title)s”请填写整数。") % {"title": title}
        return forms.IntegerField(min_value=spec.get("minimum"), max_value=spec.get("maximum"), **common)
    if kind == "number":
        common["error_messages"]["invalid"] = _("“%(title)s”请填写数字。") % {"title": title}
        return forms.DecimalField(
            min_value=_decimal(spec.get("minimum")),
            max_value=_decimal(spec.get("maximum")),
            widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            **common,
        )
    fmt = spec.get("format")
    if fmt == "date":
        common["error_messages"]["invalid"] = _("“%(title)s”请按 年-月-日 填写，例如 2026-01-31。") % {"title": title}
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    if fmt == "email":
        common["error_messages"]["invalid"] = _("“%(title)s”不是有效的电子邮箱地址。") % {"title": title}
        return forms.EmailField(max_length=spec.get("maxLength") or 254, **common)
    max_length = spec.get("maxLength")
    widget = forms.Textarea(attrs={"rows": 4}) if max_length and max_length > LONG_TEXT else None
    validators = []
    if spec.get("pattern"):
        validators.append(RegexValidator(spec["pattern"], _("“%(title)s”的格式不正确。") % {"title": title}))
    field = forms.CharField(
        max_length=max_length, min_length=spec.get("minLength"), widget=widget, validators=validators, **common
    )
    if max_length:
        field.error_messages["max_length"] = _("“%(title)s”最多 %(n)s 个字。") % {"title": title, "n": max_length}
    return field


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class SchemaForm(forms.Form):
    """The applicant's answers; fields come from the schema, names are prefixed `answers-`."""

    required_css_class = "required"

    def __init__(self, *args: Any, schema: dict[str, Any], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", ANSWER_PREFIX)
        super().__init__(*args, **kwargs)
        self.schema = schema or {}
        required = set(self.schema.get("required") or [])
        for name, spec in ordered_properties(self.schema).items():
            self.fields[name] = field_for(name, spec or {}, name in required)

    def answers(self) -> dict[str, Any]:
        """The cleaned data as JSON-ready values (dates as ISO strings, numbers as int or float)."""
        return {k: to_json(v) for k, v in self.cleaned_data.items() if v not in (None, "", [])}

    def raw_answers(self) -> dict[str, Any]:
        """What was typed, valid or not: saved in a draft so that nothing is lost."""
        result: dict[str, Any] = {}
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            if isinstance(field, forms.MultipleChoiceField):
                values = self.data.getlist(key) if hasattr(self.data, "getlist") else self.data.get(key, [])
                if values:
                    result[name] = list(values)
            elif isinstance(field, forms.BooleanField):
                if self.data.get(key) in ("on", "true", "1", True):
                    result[name] = True
            elif self.data.get(key) not in (None, ""):
                result[name] = self.data.get(key)
        return result


def to_json(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def display_answers(schema: dict[str, Any], answers: dict[str, Any]) -> list[tuple[str, str]]:
    """(field title, value as text) pairs in the form's order, then any answers the schema lacks."""
    rows: list[tuple[str, str]] = []
    properties = ordered_properties(schema)
    for name, spec in properties.items():
        if name in answers:
            rows.append((str((spec or {}).get("title") or name), _text(answers[name])))
    for name, value in (answers or {}).items():
        if name not in properties:
            rows.append((name, _text(value)))
    return rows


def _text(value: Any) -> str:
    """An answer as text; a personal number anywhere in it is shown masked (core.masking)."""
    if value is True:
        return str(gettext_lazy("是"))
    if value is False:
        return str(gettext_lazy("否"))
    if isinstance(value, list):
        return "、".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{mask_personal_numbers(str(k))}：{_text(v)}" for k, v in value.items())
    return mask_personal_numbers(str(value))


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's `ValidationError` on a page form: each error next to the field it names, the rest
    at the top of the form (nothing the person typed is lost: the bound form keeps it)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
