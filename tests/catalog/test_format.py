"""The exchange format tongban-catalogue/1: validation, plain-Chinese errors, canonical records."""

from __future__ import annotations

from typing import Any

import pytest

from tests.catalog.conftest import item as item_line
from tongban.catalog.format import (
    LINE,
    BundleLine,
    DepartmentLine,
    ItemLine,
    PydanticValidationError,
    ThemeLine,
    dump_line,
    explain,
    field_path,
    record_hash,
    record_of,
)


def problems(line: dict[str, Any] | str) -> dict[str, str]:
    """field → message of every problem of one line."""
    import json

    raw = line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)
    with pytest.raises(PydanticValidationError) as caught:
        LINE.validate_json(raw)
    return dict(explain(caught.value))


def test_each_line_is_read_as_its_type() -> None:
    assert isinstance(
        LINE.validate_python({"type": "department", "code": "D", "name": "局", "region": "440100"}), DepartmentLine
    )
    assert isinstance(
        LINE.validate_python({"type": "theme", "code": "t", "name": "主题", "audience": "person"}), ThemeLine
    )
    assert isinstance(LINE.validate_python(item_line()), ItemLine)
    assert isinstance(
        LINE.validate_python({"type": "bundle", "code": "b", "name": "一件事", "items": ["X"]}), BundleLine
    )


@pytest.mark.parametrize(
    ("given", "kind"),
    [
        ("01", "permit"),
        ("行政许可", "permit"),
        ("20", "public_service"),
        (" 07 ", "confirmation"),
        ("payment", "payment"),
    ],
)
def test_the_kind_may_be_given_by_national_number_or_chinese_name(given: str, kind: str) -> None:
    assert ItemLine.model_validate(item_line(kind=given)).kind == kind


def test_one_audience_may_be_given_as_a_string() -> None:
    assert ItemLine.model_validate(item_line(audience="legal_person")).audience == ["legal_person"]


def test_codes_are_trimmed_names_are_not() -> None:
    line = ItemLine.model_validate(item_line(code="  440100-GA-001 ", name=" 出生登记"))
    assert line.code == "440100-GA-001"
    assert line.name == " 出生登记"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": None}, "name", "缺少必填字段"),
        ({"name": ""}, "name", "不能为空"),
        ({"name": "长" * 201}, "name", "太长了，最多 200 个字"),
        ({"committed_days": "十天"}, "committed_days", "应为整数"),
        ({"committed_days": -1}, "committed_days", "不能小于 0"),
        ({"online_depth": 5}, "online_depth", "不能大于 4"),
        ({"max_visits": 3}, "max_visits", "不能大于 2"),
        ({"region": "4401"}, "region", "应为 6 位行政区划代码（GB/T 2260），例如 440100"),
        ({"audience": []}, "audience", "至少要有 1 项"),
        ({"handling": "fast"}, "handling", "取值应为 instant、committed 之一"),
        ({"aliases": "报户口"}, "aliases", "应为列表（[…]）"),
        ({"fee": "免费"}, "fee", "应为对象（{…}）"),
        ({"fee": {"charged": "是"}}, "fee.charged", "应为 true 或 false"),
        ({"fee": {"charged": True, "amount": "二十"}}, "fee.amount", "收费金额应为数字，例如 20.00"),
        ({"fee": {"charged": True, "amount": "-5"}}, "fee.amount", "收费金额不能为负数"),
    ],
)
def test_problems_are_told_in_plain_chinese_by_field(change: dict[str, Any], field: str, message: str) -> None:
    line = {k: v for k, v in {**item_line(), **change}.items() if v is not None}
    assert problems(line)[field] == message


def test_a_material_problem_names_its_position_counting_from_one() -> None:
    line = item_line(materials=[{"name": "甲", "required": True}, {"name": "", "required": "maybe"}])
    found = problems(line)
    assert found["materials[2].name"] == "不能为空"
    assert found["materials[2].required"] == "应为 true 或 false"


def test_a_form_must_be_a_json_schema() -> None:
    found = problems(item_line(form={"type": "objekt"}))
    assert found["form"].startswith("申请表不是有效的 JSON Schema")
    assert ItemLine.model_validate(item_line(form={"type": "object", "properties": {}})).form == {
        "type": "object",
        "properties": {},
    }


def test_a_line_without_a_known_type_says_which_types_there_are() -> None:
    assert problems({"code": "x"}) == {"type": "缺少 type 字段（department、theme、item 或 bundle）"}
    assert problems({"type": "service", "code": "x"}) == {"type": "type 应为 department、theme、item 或 bundle 之一"}


def test_broken_json_is_one_problem() -> None:
    (message,) = problems('{"type": "item", "code": ').values()
    assert message.startswith("不是有效的 JSON")


def test_a_bundle_needs_at_least_one_item() -> None:
    assert problems({"type": "bundle", "code": "b", "name": "一件事", "items": []}) == {"items": "至少要有 1 项"}


def test_field_paths() -> None:
    assert field_path(["materials", 0, "name"]) == "materials[1].name"
    assert field_path(["fee", "amount"]) == "fee.amount"
    assert field_path([]) == ""


def test_a_fee_amount_given_as_a_number_is_kept_as_text() -> None:
    line = ItemLine.model_validate(item_line(fee={"charged": True, "amount": 20.5}))
    assert line.fee is not None and line.fee.amount == "20.5"


def test_the_record_drops_empty_values_and_keeps_unknown_fields() -> None:
    line = ItemLine.model_validate(
        item_line(
            summary="", aliases=[], situation=None, visit_reason="核验原件", fee={"charged": False, "note": "免费"}
        )
    )
    record = record_of(line)
    assert "summary" not in record and "aliases" not in record and "situation" not in record
    assert record["visit_reason"] == "核验原件"
    assert record["fee"] == {"charged": False, "note": "免费"}  # unknown fields inside known objects too
    assert "type" not in record
    assert record["materials"][0] == {
        "name": "出生医学证明",
        "required": True,
        "form": "electronic",
        "source": "government",
        "certificate_type": "birth_medical_certificate",
    }


def test_the_fingerprint_changes_with_the_content_only() -> None:
    one = record_of(ItemLine.model_validate(item_line()))
    same = record_of(ItemLine.model_validate(item_line(summary="")))  # an empty value is no value
    other = record_of(ItemLine.model_validate(item_line(name="出生登记（新）")))
    assert record_hash(one) == record_hash(same)
    assert record_hash(one) != record_hash(other)
    assert len(record_hash(one)) == 40


def test_a_dumped_line_reads_back_as_the_same_record() -> None:
    record = record_of(ItemLine.model_validate(item_line(visit_reason="核验原件")))
    text = dump_line("item", record)
    assert "\n" not in text and text.startswith('{"type": "item", ')
    assert "出生登记" in text  # not escaped
    assert record_of(LINE.validate_json(text)) == record
