"""The order of a form's fields (`x-order`): recorded where the catalogue writes a form, read back
through `ordered_properties`, left out of the export, and never counted as a change by the hash."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import BundleFactory, ServiceItemFactory, StaffFactory
from tongban.catalog.exporter import export_catalogue
from tongban.catalog.form_order import (
    ORDER_KEY,
    ordered_properties,
    with_field_order,
    without_field_order,
)
from tongban.catalog.format import record_hash
from tongban.catalog.models import Bundle, ServiceItem
from tongban.catalog.services import update_item

SHOP_FORM: dict[str, Any] = {
    "type": "object",
    "properties": {
        "shop_name": {"type": "string", "title": "店铺名称"},
        "area": {"type": "number", "title": "经营面积"},
        "address": {
            "type": "object",
            "title": "地址",
            "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
        },
    },
    "required": ["shop_name"],
}


def _as_jsonb(value: Any) -> Any:
    """What PostgreSQL's jsonb gives back: every object's keys by length, then bytes."""
    if isinstance(value, dict):
        return {k: _as_jsonb(value[k]) for k in sorted(value, key=lambda k: (len(k.encode()), k.encode()))}
    if isinstance(value, list):
        return [_as_jsonb(v) for v in value]
    return value


# --- the helpers ------------------------------------------------------------------------------------


def test_the_recorded_order_survives_a_database_that_sorts_keys() -> None:
    stored = _as_jsonb(with_field_order(SHOP_FORM))
    assert list(stored["properties"]) == ["area", "address", "shop_name"]
    assert list(ordered_properties(stored)) == ["shop_name", "area", "address"]
    assert list(ordered_properties(stored["properties"]["address"])) == ["street", "city"]


def test_the_schema_comes_back_as_the_catalogue_wrote_it() -> None:
    back = without_field_order(_as_jsonb(with_field_order(SHOP_FORM)))
    assert back == SHOP_FORM
    assert list(back["properties"]) == ["shop_name", "area", "address"]
    assert list(back["properties"]["address"]["properties"]) == ["street", "city"]
    assert ORDER_KEY not in json.dumps(back)


def test_recording_twice_keeps_the_first_order() -> None:
    once = with_field_order(SHOP_FORM)
    assert with_field_order(_as_jsonb(once)) == once
    assert once[ORDER_KEY] == ["shop_name", "area", "address"]


def test_a_schema_without_a_recorded_order_keeps_its_own() -> None:
    assert list(ordered_properties(SHOP_FORM)) == ["shop_name", "area", "address"]
    assert ordered_properties(None) == {} and ordered_properties({"type": "object"}) == {}


def test_names_the_order_does_not_list_come_after_it_and_unknown_names_are_ignored() -> None:
    schema = {"properties": {"b": {}, "a": {}, "c": {}}, ORDER_KEY: ["c", "gone", "a"]}
    assert list(ordered_properties(schema)) == ["c", "a", "b"]


def test_data_inside_a_schema_is_left_alone() -> None:
    schema = {"properties": {"kind": {"enum": [{"properties": {"x": 1}}], "default": {"properties": {}}}}}
    recorded = with_field_order(schema)
    assert recorded["properties"]["kind"] == schema["properties"]["kind"]


def test_the_hash_does_not_depend_on_key_order_nor_on_the_recorded_order() -> None:
    record = {"code": "X-1", "name": "开店", "fee": {"charged": True, "amount": "20.00"}, "form": SHOP_FORM}
    assert record_hash(_as_jsonb(record)) == record_hash(record)
    assert record_hash({**record, "form": with_field_order(SHOP_FORM)}) == record_hash(record)
    assert record_hash({**record, "name": "开店铺"}) != record_hash(record)


# --- through the catalogue ----------------------------------------------------------------------------


def _exported() -> dict[tuple[str, str], dict[str, Any]]:
    out = io.StringIO()
    export_catalogue(stream=out)
    return {(line["type"], line["code"]): line for line in map(json.loads, out.getvalue().splitlines())}


@pytest.mark.django_db
def test_the_import_records_the_order_and_the_export_gives_the_form_back_without_it() -> None:
    item = ServiceItemFactory(form=SHOP_FORM)
    bundle = BundleFactory(items=[item, ServiceItemFactory()], form=SHOP_FORM, field_map={item.code: ["area"]})
    stored = ServiceItem.objects.get(pk=item.pk).form
    assert stored[ORDER_KEY] == ["shop_name", "area", "address"]
    assert Bundle.objects.get(pk=bundle.pk).extra["form"][ORDER_KEY] == ["shop_name", "area", "address"]
    lines = _exported()
    for form in (lines[("item", item.code)]["form"], lines[("bundle", bundle.code)]["form"]):
        assert form == SHOP_FORM and ORDER_KEY not in json.dumps(form)
        assert list(form["properties"]) == ["shop_name", "area", "address"]
        assert list(form["properties"]["address"]["properties"]) == ["street", "city"]


@pytest.mark.django_db
def test_an_edit_keeps_the_recorded_order_and_the_same_content_hashes_as_the_import() -> None:
    item = ServiceItemFactory(form=SHOP_FORM)
    imported = ServiceItem.objects.get(pk=item.pk).content_hash
    admin = StaffFactory(administrator=True, scope=item.region)
    update_item(item=item, actor=admin, changes={"summary": "新的简介"})
    edited = ServiceItem.objects.get(pk=item.pk)
    assert edited.form[ORDER_KEY] == ["shop_name", "area", "address"]
    assert list(ordered_properties(edited.form)) == ["shop_name", "area", "address"]
    assert edited.content_hash != imported
    update_item(item=edited, actor=admin, changes={"summary": item.summary})
    assert ServiceItem.objects.get(pk=item.pk).content_hash == imported


@pytest.mark.django_db(transaction=True)
def test_the_migration_records_the_order_of_stored_forms_and_removes_it_when_reversed() -> None:
    item = ServiceItemFactory(form=SHOP_FORM)
    bundle = BundleFactory(items=[item, ServiceItemFactory()], form=SHOP_FORM)
    try:
        call_command("migrate", "catalog", "0001", verbosity=0)
        assert ORDER_KEY not in json.dumps(ServiceItem.objects.get(pk=item.pk).form)
        assert ORDER_KEY not in json.dumps(Bundle.objects.get(pk=bundle.pk).extra)
    finally:
        call_command("migrate", "catalog", verbosity=0)
    # forward: the order as stored — the catalogue's on SQLite; PostgreSQL lost it while no order was
    # recorded (the next import of the catalogue file records it again)
    for form in (ServiceItem.objects.get(pk=item.pk).form, Bundle.objects.get(pk=bundle.pk).extra["form"]):
        assert form[ORDER_KEY] == list(form["properties"])
        assert form["properties"]["address"][ORDER_KEY] == list(form["properties"]["address"]["properties"])
        if connection.vendor == "sqlite":
            assert form[ORDER_KEY] == ["shop_name", "area", "address"]
