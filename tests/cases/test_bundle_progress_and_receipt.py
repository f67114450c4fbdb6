"""What the pages read about a bundle (一件事): its parent and every item's progress, the materials an
item holds no file for and why; and the receipt (收件回执) the window prints: what was received, the
promise, and where the result is collected."""

from __future__ import annotations

import pytest

from tests.factories import (
    BundleCaseFactory,
    BundleFactory,
    CaseFactory,
    RegionFactory,
    ServiceHallFactory,
    ServiceItemFactory,
)
from tests.factories.cases import _Clerks, advance
from tongban.cases.bundle_progress import bundle_of, materials_not_on_file
from tongban.cases.models import CaseStatus, DeliveryMethod
from tongban.cases.window_selectors import window_receipt

pytestmark = pytest.mark.django_db


# --- a bundle's progress ----------------------------------------------------------------------------


def test_a_case_of_its_own_belongs_to_no_bundle():
    assert bundle_of(CaseFactory()) is None


def test_the_parent_and_each_child_see_the_same_bundle_in_order():
    first, second = ServiceItemFactory(), ServiceItemFactory()
    parent = BundleCaseFactory(bundle=BundleFactory(items=[first, second]))
    from_parent = bundle_of(parent)
    assert from_parent is not None and from_parent.parent == parent
    assert [part.item for part in from_parent.parts] == [first, second]
    child = parent.children.get(item=second)
    from_child = bundle_of(child)
    assert from_child is not None and from_child.parent == parent
    assert [p.pk for p in from_child.parts] == [p.pk for p in from_parent.parts]


def test_progress_counts_the_items_done_and_approved():
    first, second = ServiceItemFactory(), ServiceItemFactory()
    parent = BundleCaseFactory(bundle=BundleFactory(items=[first, second]))
    assert (bundle_of(parent).done, bundle_of(parent).approved) == (0, 0)
    advance(parent.children.get(item=first), "approved", _Clerks({}))
    view = bundle_of(parent)
    assert (view.done, view.approved) == (1, 1)
    advance(parent.children.get(item=second), "refused", _Clerks({}))
    view = bundle_of(parent)
    assert (view.done, view.approved) == (2, 1)


def test_materials_not_on_file_say_why():
    case = CaseFactory(item__with_materials=True, uploads=["营业执照"])
    why = {m.name: m.why for m in materials_not_on_file(case)}
    assert why == {
        "健康证明": "非必要材料，申请人未提供",
        "居民身份证": "政府部门已有，免于提交（请通过数据共享核验）",
    }


def test_a_material_coming_from_an_earlier_item_of_the_bundle_says_so():
    birth = ServiceItemFactory(name="出生医学证明签发", result={"name": "出生医学证明"})
    registration = ServiceItemFactory(
        name="出生登记",
        materials=[{"name": "出生医学证明", "required": True, "form": "electronic", "source": "applicant"}],
    )
    parent = BundleCaseFactory(bundle=BundleFactory(items=[birth, registration]))
    waiting = parent.children.get(item=registration)
    assert waiting.status == CaseStatus.WAITING
    (missing,) = materials_not_on_file(waiting)
    assert missing.name == "出生医学证明"
    assert missing.why == "由本一件事中的“出生医学证明签发”办结后复用"


def test_a_bundle_parent_has_no_material_list_of_its_own():
    assert materials_not_on_file(BundleCaseFactory()) == []


# --- the window's receipt ----------------------------------------------------------------------------


def test_the_receipt_lists_scans_received_and_what_the_government_holds():
    case = CaseFactory(window=True, item__with_materials=True)
    receipt = window_receipt(case)
    assert receipt.number == case.number and receipt.department == case.department.name
    assert receipt.item == case.title
    how = {m.name: m.how for m in receipt.materials}
    assert how["营业执照"] == "已收扫描件"
    assert how["居民身份证"] == "政府部门已有，免提交"


def test_the_receipt_promises_the_due_day_of_an_accepted_case():
    case = CaseFactory(window=True)
    receipt = window_receipt(case)
    assert receipt.due_on == case.due_on
    assert receipt.promise == f"已受理，承诺 10 个工作日内办结，最迟 {case.due_on.isoformat()}"


def test_before_acceptance_the_promise_names_the_department():
    case = CaseFactory()
    assert window_receipt(case).promise == f"由{case.department.name}受理后 10 个工作日内办结"


def test_an_electronic_result_is_delivered_to_the_account():
    case = CaseFactory(window=True, item__result={"name": "食品经营许可证", "certificate_type": "food_licence"})
    assert case.delivery == DeliveryMethod.ELECTRONIC
    assert window_receipt(case).collect_at.startswith("电子送达")


def test_a_paper_result_is_collected_at_the_nearest_hall_above_the_department():
    county = RegionFactory(county=True)
    hall = ServiceHallFactory(region=county.parent, address="测试市府前路 1 号", opening_hours="工作日 9:00–17:00")
    case = CaseFactory(window=True, item__department__region=county, item__online_depth=3)
    assert case.delivery == DeliveryMethod.PICKUP
    collect = window_receipt(case).collect_at
    assert hall.name in collect and "测试市府前路 1 号" in collect and "工作日 9:00–17:00" in collect


def test_without_a_hall_the_result_is_collected_at_the_departments_window():
    case = CaseFactory(window=True, item__online_depth=3)
    assert window_receipt(case).collect_at == f"凭本回执和身份证件到{case.department.name}窗口领取"
