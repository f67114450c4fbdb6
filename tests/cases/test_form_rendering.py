"""申请表渲染: the item's JSON Schema as the form a person fills in — each kind of question gets the
control it needs, errors speak the question's title, what was typed is kept for the draft, and the
answers come back as JSON and are shown back in the form's order."""

from __future__ import annotations

import pytest
from django import forms
from django.http import QueryDict

from tongban.cases.form_rendering import SchemaForm, display_answers, field_for, to_json

pytestmark = pytest.mark.django_db  # the cases tests clear the shared (database) cache around each test

SCHEMA = {
    "type": "object",
    "required": ["shop_name", "area", "kind", "items", "opened"],
    "properties": {
        "shop_name": {"type": "string", "title": "店铺名称", "maxLength": 30, "description": "与招牌一致"},
        "intro": {"type": "string", "title": "经营简介", "maxLength": 500},
        "area": {"type": "number", "title": "经营面积", "minimum": 1},
        "staff": {"type": "integer", "title": "从业人数", "minimum": 0, "maximum": 500},
        "kind": {"type": "string", "title": "主体业态", "enum": ["餐饮服务", "食品销售"]},
        "items": {"type": "array", "title": "经营项目", "items": {"type": "string", "enum": ["热食", "冷食"]}},
        "opened": {"type": "string", "title": "开业日期", "format": "date"},
        "email": {"type": "string", "title": "电子邮箱", "format": "email"},
        "postcode": {"type": "string", "title": "邮政编码", "pattern": "^[0-9]{6}$"},
        "chain": {"type": "boolean", "title": "连锁经营"},
        "promise": {"type": "boolean", "title": "承诺所填属实", "const": True},
        "note": {"type": ["string", "null"], "title": "备注"},
    },
}


def data(**values: object) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in values.items():
        key = f"answers-{name}"
        if isinstance(value, list):
            query.setlist(key, [str(v) for v in value])
        else:
            query[key] = str(value)
    return query


GOOD = {
    "shop_name": "甜心奶茶",
    "area": "40.5",
    "staff": "3",
    "kind": "餐饮服务",
    "items": ["热食", "冷食"],
    "opened": "2026-01-31",
    "promise": "on",
}


def test_each_kind_of_question_gets_its_control():
    form = SchemaForm(schema=SCHEMA)
    fields = form.fields
    assert isinstance(fields["shop_name"].widget, forms.TextInput)
    assert isinstance(fields["intro"].widget, forms.Textarea)  # long text
    assert isinstance(fields["area"], forms.DecimalField) and fields["area"].widget.attrs["inputmode"] == "decimal"
    assert isinstance(fields["staff"], forms.IntegerField)
    assert isinstance(fields["kind"], forms.ChoiceField)
    assert fields["kind"].choices[0] == ("", "请选择")
    assert isinstance(fields["items"].widget, forms.CheckboxSelectMultiple)
    assert fields["opened"].widget.input_type == "date"
    assert isinstance(fields["email"], forms.EmailField)
    assert isinstance(fields["chain"], forms.BooleanField) and not fields["chain"].required
    assert fields["promise"].required  # a box that must be ticked
    assert isinstance(fields["note"], forms.CharField)  # ["string", "null"] is text


def test_labels_say_required_in_words_and_hints_come_from_the_description():
    form = SchemaForm(schema=SCHEMA)
    assert form.fields["shop_name"].label == "店铺名称（必填）"
    assert form.fields["intro"].label == "经营简介"
    assert form.fields["shop_name"].help_text == "与招牌一致"
    assert form.fields["promise"].label == "承诺所填属实"  # a checkbox's label is the statement itself
    html = form.as_p()
    assert 'name="answers-shop_name"' in html and 'class="required"' in html


def test_good_answers_come_back_as_json_values():
    form = SchemaForm(data(**GOOD), schema=SCHEMA)
    assert form.is_valid(), form.errors
    answers = form.answers()
    assert answers == {
        "shop_name": "甜心奶茶",
        "area": 40.5,
        "staff": 3,
        "kind": "餐饮服务",
        "items": ["热食", "冷食"],
        "opened": "2026-01-31",
        "promise": True,
        "chain": False,  # an unticked box is an answer: 否
    }
    assert "intro" not in answers and "email" not in answers  # nothing typed, nothing stored


def test_a_whole_number_typed_as_a_decimal_is_stored_as_an_integer():
    assert to_json(forms.DecimalField().clean("40.0")) == 40
    assert to_json(forms.DecimalField().clean("40.25")) == 40.25


def test_each_error_speaks_the_questions_title():
    form = SchemaForm(
        data(
            shop_name="",
            area="四十",
            staff="2.5",
            kind="",
            opened="31/01/2026",
            email="not-an-address",
            postcode="51000",
            shop="x",
        ),
        schema=SCHEMA,
    )
    assert not form.is_valid()
    errors = {name: messages[0] for name, messages in form.errors.items()}
    assert errors["shop_name"] == "请填写“店铺名称”。"
    assert errors["area"] == "“经营面积”请填写数字。"
    assert errors["staff"] == "“从业人数”请填写整数。"
    assert errors["kind"] == "请选择“主体业态”。"
    assert errors["items"] == "请至少选择一项“经营项目”。"
    assert errors["opened"] == "“开业日期”请按 年-月-日 填写，例如 2026-01-31。"
    assert errors["email"] == "“电子邮箱”不是有效的电子邮箱地址。"
    assert errors["postcode"] == "“邮政编码”的格式不正确。"


def test_limits_of_numbers_and_lengths_are_kept():
    form = SchemaForm(data(**{**GOOD, "area": "0", "staff": "501", "shop_name": "店" * 31}), schema=SCHEMA)
    assert not form.is_valid()
    assert set(form.errors) == {"area", "staff", "shop_name"}
    assert form.errors["shop_name"][0] == "“店铺名称”最多 30 个字。"


def test_what_was_typed_is_kept_for_the_draft_even_when_wrong():
    typed = data(shop_name="甜心", area="四十", items=["热食"], chain="on", opened="")
    form = SchemaForm(typed, schema=SCHEMA)
    assert not form.is_valid()
    assert form.raw_answers() == {"shop_name": "甜心", "area": "四十", "items": ["热食"], "chain": True}


def test_the_questions_keep_the_forms_order():
    form = SchemaForm(schema=SCHEMA)
    assert list(form.fields) == list(SCHEMA["properties"])


def test_answers_are_shown_back_in_the_forms_order_in_words():
    answers = {"chain": False, "items": ["热食", "冷食"], "shop_name": "甜心奶茶", "promise": True, "legacy": "旧字段"}
    assert display_answers(SCHEMA, answers) == [
        ("店铺名称", "甜心奶茶"),
        ("经营项目", "热食、冷食"),
        ("连锁经营", "否"),
        ("承诺所填属实", "是"),
        ("legacy", "旧字段"),  # an answer the form no longer asks is still shown
    ]


def test_a_question_without_a_title_is_labelled_by_its_name():
    field = field_for("remark", {"type": "string"}, required=True)
    assert field.label == "remark（必填）"
