"""Catalogue console pages and services on factory data: scoping, forms, fees, materials, processes, views."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.factories import DepartmentFactory, RegionFactory, ServiceItemFactory, StaffFactory, console_client
from tongban.catalog.forms import ItemForm, MaterialFormSet, material_initial, material_records
from tongban.catalog.models import CatalogChange, ServiceItem
from tongban.catalog.permissions import administered_scopes, administers_region_code, region_code_within
from tongban.catalog.services import record_item_view, update_item
from tongban.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def city() -> Any:
    return RegionFactory()


@pytest.fixture
def admin(city: Any) -> Any:
    return StaffFactory(administrator=True, scope=city)


def form_data(client: Client, url: str) -> dict[str, Any]:
    """What the edit page would post back unchanged."""
    response = client.get(url)
    assert response.status_code == 200
    form, formset = response.context["form"], response.context["formset"]
    data: dict[str, Any] = {}
    for name, value in form.initial.items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update({f"materials-{k}": v for k, v in formset.management_form.initial.items()})
    for i, initial in enumerate(formset.initial):
        for key, value in initial.items():
            if isinstance(value, bool):
                if value:
                    data[f"materials-{i}-{key}"] = "on"
            elif value is not None:
                data[f"materials-{i}-{key}"] = value
    return data


# --- who may see and change what -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "scope", "within"),
    [
        ("440106", "440100", True),
        ("440106005", "440106", True),
        ("440100", "440000", True),
        ("440300", "440100", False),
        ("450100", "440000", False),
        ("440106", "440106", True),
    ],
)
def test_region_codes_are_compared_by_their_significant_digits(code: str, scope: str, within: bool) -> None:
    assert region_code_within(code, scope) is within


def test_an_administrator_looks_after_the_regions_of_their_roles(city: Any, admin: Any) -> None:
    assert administered_scopes(admin) == [city.code]
    assert administers_region_code(admin, city.code[:4] + "06")
    assert not administers_region_code(admin, "450100")
    assert administered_scopes(StaffFactory(handling=True)) == []


def test_the_item_list_shows_only_the_items_of_the_administrators_regions(city: Any, admin: Any) -> None:
    county = RegionFactory(county=True, parent=city)
    mine = ServiceItemFactory(name="本市事项", department=DepartmentFactory(region=county))
    theirs = ServiceItemFactory(name="外市事项")
    page = console_client(admin).get("/console/catalog/").content.decode()
    assert mine.code in page and theirs.code not in page


def test_the_item_list_finds_by_code_or_name_and_pages(city: Any, admin: Any) -> None:
    department = DepartmentFactory(region=city)
    for i in range(55):
        ServiceItemFactory(code=f"LIST-{i:03d}", name=f"列表事项{i}", department=department)
    client = console_client(admin)
    first = client.get("/console/catalog/").content.decode()
    assert "LIST-049" in first and "LIST-050" not in first and "page=2" in first
    assert "LIST-054" in client.get("/console/catalog/", {"page": "2"}).content.decode()
    found = client.get("/console/catalog/", {"q": "列表事项7"}).content.decode()
    assert "LIST-007" in found and "LIST-008" not in found
    assert "LIST-013" in client.get("/console/catalog/", {"q": "list-013"}).content.decode()


def test_a_superuser_sees_every_region(city: Any) -> None:
    from tongban.accounts.services import create_administrator

    RegionFactory(province=True)
    root = create_administrator(username="root", password="x-Tongban@2026", name="根管理员")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=root, name="default", confirmed=True)
    item = ServiceItemFactory()
    assert item.code in console_client(root).get("/console/catalog/").content.decode()


def test_another_regions_administrator_may_not_open_the_edit_page(admin: Any) -> None:
    item = ServiceItemFactory()  # another city
    assert console_client(admin).get(f"/console/catalog/items/{item.code}/").status_code == 403
    assert console_client(admin).get("/console/catalog/items/NONE/").status_code == 404


# --- the edit page --------------------------------------------------------------------------------------


def test_an_unchanged_post_saves_nothing(city: Any, admin: Any) -> None:
    item = ServiceItemFactory(department=DepartmentFactory(region=city), with_materials=True, fee=True)
    client = console_client(admin)
    url = f"/console/catalog/items/{item.code}/"
    before = CatalogChange.objects.count()
    response = client.post(url, form_data(client, url))
    assert response.status_code == 302
    assert CatalogChange.objects.count() == before
    assert not AuditEntry.objects.filter(action="catalog.item.update").exists()


def test_the_fee_is_edited_and_an_amount_without_a_charge_is_refused_by_its_field(city: Any, admin: Any) -> None:
    item = ServiceItemFactory(department=DepartmentFactory(region=city))
    client = console_client(admin)
    url = f"/console/catalog/items/{item.code}/"
    data = form_data(client, url) | {"fee_amount": "15"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "不收费的事项不应填写收费金额" in response.content.decode()
    assert "fee_amount" in response.context["form"].errors
    data |= {"fee_charged": "on", "fee_basis": "《收费标准》"}
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.fee == {"charged": True, "amount": "15", "basis": "《收费标准》"}


def test_materials_are_reordered_removed_and_added_on_the_page(city: Any, admin: Any) -> None:
    item = ServiceItemFactory(department=DepartmentFactory(region=city), with_materials=True)
    client = console_client(admin)
    url = f"/console/catalog/items/{item.code}/"
    data = form_data(client, url)
    data["materials-1-DELETE"] = "on"  # 健康证明 goes
    data |= {"materials-3-name": "场所平面图", "materials-3-required": "on", "materials-3-source": "applicant"}
    data["materials-TOTAL_FORMS"] = "4"
    assert client.post(url, data).status_code == 302
    assert [m.name for m in item.materials.order_by("position")] == ["营业执照", "居民身份证", "场所平面图"]
    assert item.materials.get(name="居民身份证").certificate_type == "resident_id"


def test_a_material_row_described_but_unnamed_is_an_error_next_to_it(city: Any, admin: Any) -> None:
    item = ServiceItemFactory(department=DepartmentFactory(region=city))
    client = console_client(admin)
    url = f"/console/catalog/items/{item.code}/"
    data = form_data(client, url) | {"materials-0-note": "需加盖公章"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["name"] == ["请填写材料名称"]


def test_a_parallel_process_needs_two_existing_departments(city: Any, admin: Any) -> None:
    from tongban.workflow.services import ensure_builtin_processes

    ensure_builtin_processes()
    department = DepartmentFactory(region=city)
    item = ServiceItemFactory(department=department)
    other = DepartmentFactory(region=city)
    client = console_client(admin)
    url = f"/console/catalog/items/{item.code}/"
    data = form_data(client, url) | {"process": "parallel_review", "review_departments": department.code}
    response = client.post(url, data)
    assert response.status_code == 200 and "review_departments" in response.context["form"].errors
    data["review_departments"] = f"{department.code}\nNO-SUCH-DEPT"
    assert "NO-SUCH-DEPT" in client.post(url, data).content.decode()
    data["review_departments"] = f"{department.code}\n{other.code}"
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.process == "parallel_review" and item.extra["departments"] == [department.code, other.code]


def test_an_unknown_process_key_is_refused() -> None:
    form = ItemForm({"process": "no_such_process"})
    form.is_valid()
    assert "process" in form.errors


def test_the_form_keeps_a_current_process_that_no_longer_exists() -> None:
    item = ServiceItem(process="retired_process", extra={})
    choices = dict(ItemForm(item=item).fields["process"].choices)
    assert "retired_process" in choices and "流程不存在" in str(choices["retired_process"])


def test_material_rows_round_trip_through_the_formset_with_their_extras() -> None:
    item = ServiceItemFactory(
        materials=[{"name": "营业执照", "required": True, "copies": 2, "sample": "https://example/sample.pdf"}]
    )
    stored = list(item.materials.all())
    initial = material_initial(stored)
    data = {"materials-TOTAL_FORMS": "1", "materials-INITIAL_FORMS": "1"}
    data |= {f"materials-0-{k}": v for k, v in initial[0].items() if v is not None and v != "" and v is not False}
    data["materials-0-required"] = "on"
    assert data["materials-0-key"] == 0  # the row's position: how its extras are found again
    formset = MaterialFormSet(data, prefix="materials")
    assert formset.is_valid()
    assert material_records(formset, stored) == [
        {"name": "营业执照", "required": True, "copies": 2, "sample": "https://example/sample.pdf"}
    ]


# --- services -----------------------------------------------------------------------------------------


def test_fields_that_cannot_be_edited_are_refused_by_name(city: Any, admin: Any) -> None:
    item = ServiceItemFactory(department=DepartmentFactory(region=city))
    with pytest.raises(ValidationError) as caught:
        update_item(item=item, actor=admin, changes={"code": "NEW", "department": "X", "name": "新名"})
    assert set(caught.value.message_dict) == {"code", "department"}
    assert ServiceItem.objects.get(pk=item.pk).name == item.name


def test_blank_optional_values_clear_the_field(city: Any, admin: Any) -> None:
    item = ServiceItemFactory(department=DepartmentFactory(region=city), fee=True)
    update_item(item=item, actor=admin, changes={"statutory_days": "", "fee": None, "phone": "020-1"})
    item.refresh_from_db()
    assert item.statutory_days is None and item.fee is None and item.extra["phone"] == "020-1"
    update_item(item=item, actor=admin, changes={"phone": ""})
    item.refresh_from_db()
    assert "phone" not in item.extra


def test_an_edit_records_which_fields_changed(city: Any, admin: Any) -> None:
    item = ServiceItemFactory(department=DepartmentFactory(region=city))
    update_item(item=item, actor=admin, changes={"name": "新名称", "summary": "新简介"})
    entry = AuditEntry.objects.get(action="catalog.item.update")
    assert entry.details == {"code": item.code, "fields": ["name", "summary"]}
    assert entry.actor == admin
    item.refresh_from_db()
    assert item.content_hash  # the fingerprint follows the new content


def test_popularity_reaches_the_index_each_time_it_doubles() -> None:
    item = ServiceItemFactory()
    from tests.factories import BundleFactory

    bundle = BundleFactory(items=[item, ServiceItemFactory()])
    before = CatalogChange.objects.filter(code=item.code).count()
    counts = [record_item_view(item=item) for _ in range(9)]
    assert counts == list(range(1, 10))
    assert CatalogChange.objects.filter(code=item.code).count() - before == 4  # at 1, 2, 4 and 8 views
    assert CatalogChange.objects.filter(kind="bundle", code=bundle.code).count() == 1 + 4


def test_a_view_of_a_deleted_item_counts_nothing() -> None:
    item = ServiceItemFactory()
    ServiceItem.objects.filter(pk=item.pk).delete()
    assert record_item_view(item=item) == 0
