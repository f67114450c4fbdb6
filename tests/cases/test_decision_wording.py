"""决定用语: each kind of item words its decisions its own way — a registration is never 准予许可, a
filing never a licence — by its kind or by its name (…登记, …备案, a bracketed situation after it);
the history says it in Chinese whatever language the clerk works in."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.factories import CaseFactory, ServiceItemFactory
from tongban.cases.decision_wording import OTHER, WORDINGS, history_label, wording_for
from tongban.catalog.models import ItemKind, ServiceItem

pytestmark = pytest.mark.django_db


def item(kind: str, name: str = "测试事项") -> ServiceItem:
    """An unsaved item of `kind` named `name` (the wording reads only these two)."""
    return ServiceItem(kind=kind, name=name)


@pytest.mark.parametrize(
    ("kind", "grant", "refuse"),
    [
        (ItemKind.PERMIT, "准予许可", "不予许可"),
        (ItemKind.CONFIRMATION, "予以确认", "不予确认"),
        (ItemKind.PAYMENT, "准予给付", "不予给付"),
        (ItemKind.REWARD, "给予奖励", "不予奖励"),
        (ItemKind.RULING, "作出裁决", "驳回申请"),
        (ItemKind.PUBLIC_SERVICE, "办理完成", "不予办理"),
    ],
)
def test_each_kind_has_its_words(kind, grant, refuse):
    wording = wording_for(item(kind))
    assert (str(wording.grant), str(wording.refuse)) == (grant, refuse)


@pytest.mark.parametrize(
    ("name", "grant"),
    [
        ("不动产转移登记（继承）", "准予登记"),
        ("个体工商户设立登记", "准予登记"),
        ("民办非企业单位章程核准备案", "准予备案"),
        ("机动车抵押登记(解除)", "准予登记"),
        ("登记信息查询", "办理完成"),  # 登记 not at the end: a public service
    ],
)
def test_registrations_and_filings_are_known_by_their_names(name, grant):
    assert str(wording_for(item(ItemKind.PUBLIC_SERVICE, name)).grant) == grant


def test_a_licence_stays_a_licence_whatever_its_name():
    assert wording_for(item(ItemKind.PERMIT, "娱乐场所经营登记")) is WORDINGS[ItemKind.PERMIT]


def test_no_item_and_an_unknown_kind_are_worded_plainly():
    assert wording_for(None) is OTHER
    assert wording_for(item("something_new")) is OTHER


def test_only_public_services_are_not_appealable():
    appealable = {kind for kind, wording in WORDINGS.items() if not wording.appealable}
    assert appealable == {ItemKind.PUBLIC_SERVICE}


@pytest.mark.parametrize(
    ("outcome", "label"),
    [
        ("approved", "准予登记，办结"),
        ("refused", "不予登记"),
        ("not_accepted", "不予受理"),
        ("cancelled", "已撤回"),
        ("not_supplemented", "补正不来办结"),
        ("other_end", "办结（终止办理）"),
    ],
)
def test_the_history_label_of_each_outcome(outcome, label):
    registration = item(ItemKind.PUBLIC_SERVICE, "婚姻登记")
    assert history_label(registration, outcome, "终止办理") == label


def test_the_history_is_written_in_chinese_for_a_clerk_working_in_english():
    with translation.override("en"):
        assert history_label(item(ItemKind.PERMIT), "approved") == "准予许可，办结"


def test_a_decided_registration_reads_as_one_in_the_case_history():
    registration = ServiceItemFactory(kind="public_service", name="居住登记", result={"name": "居住证"})
    case = CaseFactory(item=registration, approved=True)
    labels = list(case.events.filter(public=True).values_list("label", flat=True))
    assert "准予登记，办结" in labels
    assert not any("许可" in label for label in labels)


def test_a_refused_licence_reads_as_a_refused_licence():
    case = CaseFactory(refused=True)
    assert "不予许可" in case.events.filter(public=True).values_list("label", flat=True)
