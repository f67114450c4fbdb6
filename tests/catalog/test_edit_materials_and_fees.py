"""Editing through `update_item` and the console form: materials replaced in order, fee keys kept, no-op edits."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tests.factories import DepartmentFactory, RegionFactory, ServiceItemFactory, StaffFactory
from tongban.catalog.forms import ItemForm
from tongban.catalog.models import CatalogChange, Material, ServiceItem
from tongban.catalog.services import update_item
from tongban.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting() -> tuple[Any, Any]:
    city = RegionFactory()
    return city, StaffFactory(administrator=True, scope=city)


def item_in(city: Any, **fields: Any) -> ServiceItem:
    return ServiceItemFactory(department=DepartmentFactory(region=city), **fields)


def test_a_new_material_list_replaces_the_old_one_in_order(setting: tuple[Any, Any]) -> None:
    city, admin = setting
    item = item_in(city, with_materials=True)
    update_item(
        item=item,
        actor=admin,
        changes={},
        materials=[
            {"name": "场所平面图", "required": True, "copies": 2, "sample": "https://example/plan.pdf"},
            {"name": "营业执照", "required": False, "form": "copy"},
        ],
    )
    rows = list(Material.objects.filter(item=item).order_by("position"))
    assert [(m.position, m.name, m.required) for m in rows] == [(0, "场所平面图", True), (1, "营业执照", False)]
    assert rows[0].copies == 2 and rows[0].extra == {"sample": "https://example/plan.pdf"}
    assert rows[1].form == "copy"


def test_a_broken_material_list_changes_nothing(setting: tuple[Any, Any]) -> None:
    city, admin = setting
    item = item_in(city, with_materials=True)
    with pytest.raises(ValidationError) as caught:
        update_item(item=item, actor=admin, changes={"name": "新名"}, materials=[{"name": "", "required": True}])
    assert "materials[1].name" in caught.value.message_dict
    assert ServiceItem.objects.get(pk=item.pk).name == item.name
    assert Material.objects.filter(item=item).count() == 3


def test_an_edit_that_changes_nothing_writes_nothing(setting: tuple[Any, Any]) -> None:
    city, admin = setting
    item = item_in(city, with_materials=True)
    before = CatalogChange.objects.count()
    materials = [
        {k: v for k, v in m.items() if v not in ("", None)}
        for m in Material.objects.filter(item=item)
        .order_by("position")
        .values("name", "required", "form", "copies", "source", "certificate_type", "note")
    ]
    update_item(item=item, actor=admin, changes={"name": item.name}, materials=materials)
    assert CatalogChange.objects.count() == before
    assert not AuditEntry.objects.filter(action="catalog.item.update").exists()


def form_for(item: ServiceItem, **posted: Any) -> ItemForm:
    data = {k: v for k, v in ItemForm.initial_for(item).items() if v is not None and v is not False}
    data.update(posted)
    form = ItemForm(data, item=item)
    assert form.is_valid(), form.errors
    return form


def test_the_form_keeps_fee_keys_it_does_not_show(setting: tuple[Any, Any]) -> None:
    city, _admin = setting
    item = item_in(city, fee=True)
    ServiceItem.objects.filter(pk=item.pk).update(fee={"charged": True, "amount": "20.00", "reduction": "低保户减免"})
    item.refresh_from_db()
    changes = form_for(item, fee_amount=" 25 ").changes(item)
    assert changes["fee"] == {"reduction": "低保户减免", "charged": True, "amount": "25"}


def test_a_free_item_without_a_fee_stays_without_one(setting: tuple[Any, Any]) -> None:
    city, _admin = setting
    item = item_in(city)
    ServiceItem.objects.filter(pk=item.pk).update(fee=None)
    item.refresh_from_db()
    assert form_for(item).changes(item)["fee"] is None
    assert form_for(item, fee_online_payment="on").changes(item)["fee"] == {"charged": False, "online_payment": True}


def test_aliases_are_one_a_line(setting: tuple[Any, Any]) -> None:
    city, _admin = setting
    item = item_in(city)
    assert form_for(item, aliases=" 办证 \n\n上牌\r\n").changes(item)["aliases"] == ["办证", "上牌"]


def test_the_process_fields_go_to_the_workflow_not_the_item(setting: tuple[Any, Any]) -> None:
    city, _admin = setting
    item = item_in(city)
    form = form_for(item)
    assert "process" not in form.changes(item) and "review_departments" not in form.changes(item)
    assert form.process_choice() == ("", [])
