"""The demo catalogue reads like a real one: forms ask what the real forms ask, visits have real
reasons, and every decision is worded by the kind of item (no 准予许可 for a registration)."""

from __future__ import annotations

import pytest

from tests.conftest import _Quiet
from tongban.cases.decision_wording import wording_for
from tongban.cases.schema import form_schema_for, validate_answers
from tongban.catalog.models import ServiceItem

pytestmark = pytest.mark.django_db

#: the birth bundle's items take their questions from the bundle's field map
IN_BIRTH_BUNDLE = {"WJ-003", "WJ-001", "WJ-004", "GA-001", "YB-010", "RS-001", "YB-003"}


@pytest.fixture
def catalogue(demo):
    from tongban.demo import catalog

    catalog.load(stdout=_Quiet())
    return {item.code: item for item in ServiceItem.objects.all()}


def _questions(item: ServiceItem) -> list[str]:
    return [str(spec.get("title")) for spec in (form_schema_for(item).get("properties") or {}).values()]


def test_the_food_licence_asks_what_the_real_application_asks(catalogue):
    from tongban.demo.cases import ANSWERS

    for code in ("SJ-007", "THSJ-002"):
        form = form_schema_for(catalogue[code])
        titles = _questions(catalogue[code])
        for asked in ("经营者名称", "统一社会信用代码", "经营场所", "经营场所面积（平方米）", "主体业态", "经营项目"):
            assert asked in titles, (code, asked)
        assert (
            "法定代表人（负责人）姓名" in titles and "食品安全管理人员姓名" in titles and "联系电话（手机）" in titles
        )
        assert form["properties"]["area"]["type"] == "number" and "申请说明" not in titles
        assert {"address", "area", "business_items", "phone"} <= set(form["required"])
        assert validate_answers(form, dict(ANSWERS)) == ANSWERS  # the demo's milk-tea shop fills it in


def test_the_most_used_items_have_their_own_forms(catalogue):
    popular = sorted(
        (item for item in catalogue.values() if item.code not in IN_BIRTH_BUNDLE),
        key=lambda item: (-int(item.extra.get("popularity") or 0), item.code),  # the catalogue's figure
    )[:15]
    for item in popular:
        assert len(_questions(item)) >= 2 and "申请说明" not in _questions(item), item.code


def test_no_one_takes_fingerprints_for_a_bus_pass(catalogue):
    bus_pass = catalogue["JT-004"]
    assert "指纹" not in bus_pass.extra.get("visit_reason", "")
    assert not any("指纹" in m.name for m in bus_pass.materials.all())
    fingerprinted = {code for code, item in catalogue.items() if "指纹" in str(item.extra.get("visit_reason", ""))}
    identity_documents = {"居民身份证", "临时居民身份证", "普通护照", "往来港澳通行证", "往来台湾通行证"}
    for code in fingerprinted:
        assert (catalogue[code].result or {}).get("name") in identity_documents, code


@pytest.mark.parametrize(
    ("code", "grant", "title"),
    [
        ("SJ-007", "准予许可", "准予行政许可决定书"),
        ("GA-001", "准予登记", "准予登记通知书"),
        ("MZ-001", "准予登记", "准予登记通知书"),
        ("SJ-001", "准予登记", "准予登记通知书"),
        ("GZ-003", "准予登记", "准予登记通知书"),
        ("GA-025", "准予备案", "备案通知书"),
        ("YB-005", "准予备案", "备案通知书"),
        ("RS-019", "予以确认", "行政确认决定书"),
        ("MZ-006", "准予给付", "给付决定书"),
        ("JT-004", "办理完成", "办理结果告知书"),
    ],
)
def test_decisions_are_worded_by_the_kind_of_item(catalogue, code, grant, title):
    wording = wording_for(catalogue[code])
    assert (str(wording.grant), str(wording.grant_title)) == (grant, title)
