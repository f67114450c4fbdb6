"""申请表 answers as the services check them (schema.validate_answers): a message per field in the
words of the form, every field format (ID number, mobile, credit code, date) refused or kept
normalised, and the merged form of a bundle with each item's share."""

from __future__ import annotations

import pytest

from tests.factories import BundleFactory, CaseFactory, ServiceItemFactory
from tongban.cases.schema import (
    DEFAULT_FORM,
    AnswersInvalid,
    form_schema_for,
    merged_form_for,
    share_form_for,
    share_of,
    validate_answers,
)
from tongban.demo.codes import credit_code, id_number

pytestmark = pytest.mark.django_db  # the cases tests clear the shared (database) cache around each test

SHOP = {
    "type": "object",
    "required": ["shop_name", "area", "owner_id", "phone"],
    "properties": {
        "shop_name": {"type": "string", "title": "店铺名称", "maxLength": 5, "minLength": 2},
        "area": {"type": "number", "title": "经营面积", "minimum": 1, "maximum": 1000},
        "staff": {"type": "integer", "title": "从业人数", "exclusiveMinimum": 0},
        "kind": {"type": "string", "title": "主体业态", "enum": ["餐饮服务", "食品销售"]},
        "items": {
            "type": "array",
            "title": "经营项目",
            "items": {"type": "string", "enum": ["热食", "冷食"]},
            "minItems": 1,
            "maxItems": 2,
        },
        "owner_id": {"type": "string", "title": "负责人身份证号", "format": "id-number"},
        "phone": {"type": "string", "title": "联系手机", "format": "mobile"},
        "code": {"type": "string", "title": "统一社会信用代码", "format": "credit-code"},
        "opened": {"type": "string", "title": "开业日期", "format": "date"},
        "postcode": {"type": "string", "title": "邮政编码", "pattern": "^[0-9]{6}$"},
    },
}
OWNER = id_number("440106", "19900101", 123)
CODE = credit_code("92", "440106", 20260002)
GOOD = {"shop_name": "甜心奶茶", "area": 40, "owner_id": OWNER, "phone": "13800000001"}


def errors_of(answers, schema=SHOP) -> dict[str, list[str]]:
    with pytest.raises(AnswersInvalid) as refused:
        validate_answers(schema, answers)
    assert refused.value.code == "invalid_answers"
    return refused.value.message_dict


def test_good_answers_pass_unchanged():
    assert validate_answers(SHOP, dict(GOOD)) == GOOD


def test_every_missing_required_field_is_named_once_next_to_itself():
    errors = errors_of({"area": 40})
    assert errors == {
        "shop_name": ["请填写“店铺名称”。"],
        "owner_id": ["请填写“负责人身份证号”。"],
        "phone": ["请填写“联系手机”。"],
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("shop_name", "甜心奶茶加盟店", "“店铺名称”最多 5 个字。"),
        ("shop_name", "甜", "“店铺名称”至少 2 个字。"),
        ("area", "四十", "“经营面积”应填写数字。"),
        ("area", 0, "“经营面积”不能小于 1。"),
        ("area", 5000, "“经营面积”不能大于 1000。"),
        ("staff", 0, "“从业人数”须大于 0。"),
        ("staff", 2.5, "“从业人数”应填写整数。"),
        ("kind", "批发", "“主体业态”请从给定的选项中选择。"),
        ("items", [], "“经营项目”至少填写 1 项。"),
        ("items", ["热食", "冷食", "热食"], "“经营项目”最多填写 2 项。"),
        ("postcode", "51000", "“邮政编码”的格式不正确，请核对。"),
        ("opened", "2025-13-01", "“开业日期”："),
    ],
)
def test_each_rule_has_its_own_plain_message(field, value, message):
    errors = errors_of({**GOOD, field: value})
    assert list(errors) == [field]
    assert errors[field][0].startswith(message)


def test_an_array_item_outside_the_choices_is_named_by_the_array():
    errors = errors_of({**GOOD, "items": ["热食", "生鲜"]})
    assert errors == {"items.1": ["“经营项目”请从给定的选项中选择。"]}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("owner_id", "123456"),
        ("owner_id", OWNER[:-1] + ("0" if OWNER[-1] != "0" else "1")),  # wrong check digit
        ("phone", "0201234567"),
        ("code", CODE[:-1] + ("0" if CODE[-1] != "0" else "1")),
        ("opened", "2025/10/08"),
    ],
)
def test_field_formats_refuse_wrong_values_naming_the_field(field, value):
    errors = errors_of({**GOOD, field: value})
    title = SHOP["properties"][field]["title"]
    assert list(errors) == [field] and errors[field][0].startswith(f"“{title}”：")


def test_field_formats_keep_right_values_normalised():
    x_number = next(n for n in (id_number("110101", "19491001", s) for s in range(1, 200)) if n.endswith("X"))
    answers = validate_answers(
        SHOP,
        {**GOOD, "owner_id": x_number.lower(), "phone": "138 0000 0001", "code": CODE.lower(), "opened": "2025-10-08"},
    )
    assert answers["owner_id"] == x_number
    assert answers["phone"] == "13800000001"
    assert answers["code"] == CODE
    assert answers["opened"] == "2025-10-08"


def test_answers_that_are_not_an_object_are_refused():
    assert errors_of(["shop_name"]) == {"__all__": ["申请表内容格式不正确。"]}


# --- through the services ----------------------------------------------------------------------------


def test_an_item_without_a_form_asks_for_a_remark_only():
    item = ServiceItemFactory(form={})
    assert form_schema_for(item) is DEFAULT_FORM
    case = CaseFactory(item=item, answers={"remark": "急用"})
    assert case.answers == {"remark": "急用"}


def test_a_submission_keeps_the_normalised_answers():
    item = ServiceItemFactory(form=SHOP)
    case = CaseFactory(item=item, answers={**GOOD, "phone": "+86 138-0000-0001", "code": CODE.lower()})
    assert case.answers["phone"] == "13800000001" and case.answers["code"] == CODE


def test_a_refused_submission_writes_no_case():
    from tongban.cases.models import Case

    item = ServiceItemFactory(form=SHOP)
    with pytest.raises(AnswersInvalid):
        CaseFactory(item=item, answers={**GOOD, "owner_id": "123456"})
    assert not Case.objects.filter(item=item).exists()


# --- a bundle's merged form and each item's share ------------------------------------------------------


@pytest.fixture
def birth_like():
    """Two items asking the child's name under different names, a third without a form, and the
    bundle's own question."""
    health = ServiceItemFactory(
        form={
            "type": "object",
            "required": ["child_name"],
            "properties": {
                "child_name": {"type": "string", "title": "新生儿姓名"},
                "hospital": {"type": "string", "title": "出生医院"},
            },
        }
    )
    police = ServiceItemFactory(
        form={
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string", "title": "申报户口姓名"}, "phone": {"type": "string"}},
        }
    )
    plain = ServiceItemFactory(form={})
    bundle = BundleFactory(items=[health, police, plain])
    bundle.extra = {
        **(bundle.extra or {}),
        "form": {"type": "object", "properties": {"bank": {"type": "string", "title": "银行账号"}}},
        "field_map": {police.code: {"name": "child_name"}, plain.code: ["hospital"]},
    }
    bundle.save(update_fields=["extra"])
    return bundle, health, police, plain


def test_the_merged_form_asks_each_question_once_in_order(birth_like):
    bundle, *_ = birth_like
    merged = merged_form_for(bundle)
    assert list(merged["properties"]) == ["child_name", "hospital", "phone", "bank", "remark"]
    assert merged["required"] == ["child_name"]
    assert merged["title"] == f"{bundle.name}联合申请表"


def test_each_item_receives_its_share_under_its_own_names(birth_like):
    bundle, health, police, plain = birth_like
    answers = {"child_name": "张小宝", "hospital": "市妇幼", "phone": "13800000001", "bank": "6222", "remark": "无"}
    assert share_of(bundle, health, answers) == {"child_name": "张小宝", "hospital": "市妇幼"}
    assert share_of(bundle, police, answers) == {"name": "张小宝", "phone": "13800000001"}
    assert share_of(bundle, plain, answers) == {"remark": "无", "hospital": "市妇幼"}


def test_the_share_form_shows_the_items_questions_and_what_the_map_adds(birth_like):
    bundle, _health, police, plain = birth_like
    assert list(share_form_for(bundle, police)["properties"]) == ["name", "phone"]
    plain_share = share_form_for(bundle, plain)["properties"]
    assert list(plain_share) == ["remark", "hospital"]
    assert plain_share["hospital"]["title"] == "出生医院"  # titled as the merged form asks it
