"""Item and theme properties the pages rely on, the bundle page's facts, and the shipped demo catalogue."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.factories import BundleFactory, DepartmentFactory, ServiceItemFactory, ThemeFactory
from tongban.catalog.format import LINE, ItemLine
from tongban.catalog.models import KIND_CODES, ItemKind, Material, MaterialSource, ServiceItem, Theme
from tongban.catalog.rules import check_item

DEMO = Path(__file__).resolve().parents[2] / "src" / "tongban" / "catalog" / "data" / "demo-catalogue.jsonl"


def test_every_kind_has_its_national_two_digit_code() -> None:
    assert set(KIND_CODES) == set(ItemKind.values)
    assert KIND_CODES[ItemKind.PERMIT] == "01" and KIND_CODES[ItemKind.PUBLIC_SERVICE] == "20"
    assert len(set(KIND_CODES.values())) == len(KIND_CODES)
    assert ServiceItem(kind="confirmation").kind_code == "07"
    assert ServiceItem(kind="unknown").kind_code == ""


def test_item_properties_read_plainly() -> None:
    item = ServiceItem(
        name="护照签发",
        handling="instant",
        fee={"charged": True},
        audience=["person", "legal_person", "robot"],
        channels=["web", "window", "fax"],
    )
    assert str(item) == "护照签发" and item.is_instant and item.charged
    assert item.audience_labels == ["自然人", "法人"]  # an unknown value is left out
    assert item.channel_labels == ["网上（电脑）", "窗口"]
    assert not ServiceItem(fee=None).charged and not ServiceItem(fee={"charged": False}).charged


def test_a_theme_is_named_by_its_phrase_when_it_has_one() -> None:
    assert Theme(name="户籍办理", phrase="我要办户口").label == "我要办户口"
    assert str(Theme(name="户籍办理", phrase="")) == "户籍办理"


@pytest.mark.parametrize(
    ("source", "certificate", "held"),
    [
        (MaterialSource.GOVERNMENT, "", True),
        (MaterialSource.APPLICANT, "resident_id", True),
        ("applicant", "", False),
        ("", "", False),
    ],
)
def test_what_the_government_already_holds(source: str, certificate: str, held: bool) -> None:
    assert Material(name="x", source=source, certificate_type=certificate).government_held is held


@pytest.mark.django_db
def test_the_bundle_page_sums_up_what_applying_once_saves() -> None:
    shared = {"name": "居民身份证", "required": True, "source": "government", "certificate_type": "resident_id"}
    first = ServiceItemFactory(
        name="设立登记",
        materials=[shared, {"name": "章程", "required": True}],
        department=DepartmentFactory(name="甲局"),
    )
    second = ServiceItemFactory(name="刻章备案", materials=[shared, {"name": "章程", "required": False}])
    bundle = BundleFactory(name="开办企业一件事", items=[first, second], committed_days=3)
    page = Client().get(f"/bundles/{bundle.code}/").content.decode()
    for text in (
        "2 件事，一次申请、一次提交",
        "承诺 3 个工作日全部办结",
        "一套材料 2 份（分开办要交 4 份）",
        "不用跑现场",
        "其中 1 项政府部门已有，您无需提交。",
        "用于：设立登记、刻章备案",
        "甲局",
        f'href="/bundles/{bundle.code}/apply/"',
    ):
        assert text in page, text
    assert page.index("设立登记") < page.index("刻章备案")


@pytest.mark.django_db
def test_a_bundle_with_a_window_only_item_sends_people_to_the_window() -> None:
    bundle = BundleFactory(items=[ServiceItemFactory(), ServiceItemFactory(window_only=True)])
    page = Client().get(f"/bundles/{bundle.code}/").content.decode()
    assert "最多跑 1 次" in page and "需要到大厅综合窗口办理" in page
    assert "/apply/" not in page


@pytest.mark.django_db
def test_the_theme_page_names_its_phrase_and_links_its_entries() -> None:
    theme = ThemeFactory(name="开办企业", phrase="我要开公司", audience="legal_person")
    item = ServiceItemFactory(name="公司设立登记", themes=[theme])
    bundle = BundleFactory(name="开办企业一件事", themes=[theme])
    page = Client().get(f"/themes/{theme.code}/").content.decode()
    assert "我要开公司" in page
    assert f'href="/services/{item.code}/"' in page and f'href="/bundles/{bundle.code}/"' in page


# --- the shipped demo catalogue --------------------------------------------------------------------


def demo_lines() -> list[dict[str, Any]]:
    lines = []
    for raw in DEMO.read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("//"):
            lines.append(json.loads(raw))
    return lines


def test_every_demo_line_is_valid_and_codes_are_unique() -> None:
    lines = demo_lines()
    for line in lines:
        LINE.validate_python(line)
    codes = Counter((line["type"], line["code"]) for line in lines)
    assert [key for key, n in codes.items() if n > 1] == []
    kinds = Counter(line["type"] for line in lines)
    assert kinds["item"] >= 150 and kinds["bundle"] >= 7 and kinds["theme"] >= 20


def test_demo_items_refer_only_to_what_the_file_holds() -> None:
    lines = demo_lines()
    departments = {x["code"] for x in lines if x["type"] == "department"}
    themes = {x["code"] for x in lines if x["type"] == "theme"}
    items = {x["code"] for x in lines if x["type"] == "item"}
    for line in lines:
        if line["type"] == "item":
            assert line["department"] in departments, line["code"]
            assert set(line.get("themes", [])) <= themes, line["code"]
            assert line.get("parent") in (None, *items), line["code"]
        if line["type"] == "bundle":
            assert set(line["items"]) <= items and set(line.get("themes", [])) <= themes, line["code"]


def test_demo_items_keep_every_consistency_rule() -> None:
    for line in demo_lines():
        if line["type"] != "item":
            continue
        item = ItemLine.model_validate(line)
        errors = [
            issue
            for issue in check_item(
                kind=item.kind,
                handling=item.handling,
                statutory_days=item.statutory_days,
                committed_days=item.committed_days,
                online_depth=item.online_depth,
                max_visits=item.max_visits,
                fee=item.fee.model_dump() if item.fee else None,
                extra=item.model_extra,
                editing=True,  # as strict as the console: a visit needs its reason too
            )
        ]
        assert errors == [], (item.code, [(i.field, i.message) for i in errors])


def test_demo_forms_are_json_schemas_with_titles() -> None:
    for line in demo_lines():
        form = line.get("form")
        if line["type"] == "item" and form:
            assert form.get("type") == "object", line["code"]
            for name, spec in (form.get("properties") or {}).items():
                assert spec.get("title"), (line["code"], name)
