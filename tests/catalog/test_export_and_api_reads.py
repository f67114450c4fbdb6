"""Export of the whole catalogue, and the public read endpoints of the catalogue API."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import BundleFactory, DepartmentFactory, ServiceItemFactory, ThemeFactory
from tongban.catalog.exporter import export_catalogue
from tongban.catalog.form_order import ordered_properties
from tongban.catalog.format import LINE, record_of
from tongban.catalog.models import Bundle, DepartmentExtra, ServiceItem, Theme
from tongban.catalog.services import import_catalogue
from tongban.orgs.models import Department

pytestmark = pytest.mark.django_db


def exported() -> list[dict[str, Any]]:
    out = io.StringIO()
    export_catalogue(stream=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.fixture
def small() -> dict[str, Any]:
    parent = DepartmentFactory(name="上级局")
    department = DepartmentFactory(name="测试局", phone="020-1")
    Department.objects.filter(pk=department.pk).update(parent=parent)
    DepartmentExtra.objects.create(department=department, extra={"website": "https://example.gov.cn"})
    theme = ThemeFactory(code="t-hukou", name="户籍", phrase="我要办户口")
    main = ServiceItemFactory(code="X-001", name="户口迁移", department=department, themes=[theme], with_materials=True)
    sub = ServiceItemFactory(code="X-001-01", parent=main, situation="新设", department=department, hotline="12345")
    bundle = BundleFactory(code="b-move", items=[main, sub], themes=[theme], aliases=["搬家一件事"])
    return {"department": department, "parent": parent, "theme": theme, "main": main, "sub": sub, "bundle": bundle}


def test_export_writes_departments_themes_items_and_bundles_in_that_order(small: dict[str, Any]) -> None:
    kinds = [line["type"] for line in exported()]
    assert kinds == sorted(kinds, key=["department", "theme", "item", "bundle"].index)
    assert kinds.count("item") == 2 and kinds.count("bundle") == 1


def test_every_exported_line_is_valid_in_the_format(small: dict[str, Any]) -> None:
    for line in exported():
        LINE.validate_python(line)


def test_export_keeps_references_extras_and_unknown_fields(small: dict[str, Any]) -> None:
    lines = {(line["type"], line["code"]): line for line in exported()}
    department = lines[("department", small["department"].code)]
    assert department["parent"] == small["parent"].code and department["phone"] == "020-1"
    assert department["website"] == "https://example.gov.cn"
    sub = lines[("item", "X-001-01")]
    assert sub["parent"] == "X-001" and sub["situation"] == "新设" and sub["hotline"] == "12345"
    main = lines[("item", "X-001")]
    assert main["themes"] == ["t-hukou"] and [m["name"] for m in main["materials"]] == [
        "营业执照",
        "健康证明",
        "居民身份证",
    ]
    bundle = lines[("bundle", "b-move")]
    assert bundle["items"] == ["X-001", "X-001-01"] and bundle["aliases"] == ["搬家一件事"]


def test_an_exported_catalogue_imports_into_an_empty_database_unchanged(small: dict[str, Any]) -> None:
    before = exported()
    out = io.BytesIO()
    report = export_catalogue(stream=out)
    assert report.counts == {"department": 2, "theme": 1, "item": 2, "bundle": 1}
    assert report.total == 6
    Bundle.objects.all().delete()
    ServiceItem.objects.all().delete()
    Theme.objects.all().delete()
    again = import_catalogue(stream=io.BytesIO(out.getvalue()), actor=None)
    assert again.written and not again.errors
    assert exported() == before


def test_reimporting_an_export_changes_nothing(small: dict[str, Any]) -> None:
    out = io.BytesIO()
    export_catalogue(stream=out)
    report = import_catalogue(stream=io.BytesIO(out.getvalue()), actor=None)
    assert all(c.created == 0 and c.updated == 0 for c in report.counts.values())


def test_export_reports_progress_to_the_end(small: dict[str, Any]) -> None:
    seen: list[tuple[int, int]] = []
    export_catalogue(stream=io.StringIO(), progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (6, 6)


def test_an_empty_catalogue_exports_nothing() -> None:
    out = io.StringIO()
    assert export_catalogue(stream=out).total == 0 and out.getvalue() == ""


def test_the_export_command_writes_a_file(
    small: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "catalogue.jsonl"
    call_command("export_catalogue", str(path), "--no-progress")
    assert path.read_text(encoding="utf-8").count("\n") == 6
    assert "已导出 6 条：部门 2，主题 1，事项 2，一件事 1。" in capsys.readouterr().err


# --- the public API -----------------------------------------------------------------------------------


def test_an_item_in_the_api_has_the_guide_fields(small: dict[str, Any]) -> None:
    main = small["main"]
    body = Client().get(f"/api/v1/catalog/items/{main.code}").json()
    assert body["code"] == "X-001" and body["kind"] == "permit" and body["kind_code"] == "01"
    assert body["department"] == {"code": main.department_id, "name": "测试局", "phone": "020-1"}
    assert body["region"]["code"] == main.region_id
    assert body["themes"] == ["t-hukou"]
    assert [(m["name"], m["government_held"]) for m in body["materials"]] == [
        ("营业执照", False),
        ("健康证明", False),
        ("居民身份证", True),
    ]
    assert body["children"] == [
        {"code": "X-001-01", "name": small["sub"].name, "department": "测试局", "url": "/services/X-001-01/"}
    ]
    assert (body["url"], body["apply_url"]) == ("/services/X-001/", "/apply/X-001/")
    assert body["parent"] is None
    assert Client().get("/api/v1/catalog/items/X-001-01").json()["parent"] == "X-001"


def test_an_unknown_item_or_bundle_answers_404_json() -> None:
    for url in ("/api/v1/catalog/items/NONE", "/api/v1/catalog/bundles/none"):
        response = Client().get(url)
        assert response.status_code == 404 and set(response.json()) == {"code", "message"}


def test_themes_are_listed_with_their_active_item_counts(small: dict[str, Any]) -> None:
    ServiceItemFactory(themes=[small["theme"]], suspended=True)
    (theme,) = Client().get("/api/v1/catalog/themes").json()
    assert theme == {
        "code": "t-hukou",
        "name": "户籍",
        "audience": "person",
        "phrase": "我要办户口",
        "items": 1,
        "url": "/themes/t-hukou/",
    }


def test_a_bundle_in_the_api_has_its_items_and_one_material_list(small: dict[str, Any]) -> None:
    body = Client().get("/api/v1/catalog/bundles/b-move").json()
    assert [i["code"] for i in body["items"]] == ["X-001", "X-001-01"]
    assert body["themes"] == ["t-hukou"] and body["committed_days"] == 5
    names = [m["name"] for m in body["materials"]]
    assert len(names) == len(set(names)) == 3
    assert body["materials"][0]["items"] == [small["main"].name]


def test_a_forms_fields_keep_the_order_the_catalogue_gave() -> None:
    form = {
        "type": "object",
        "properties": {
            "shop_name": {"type": "string", "title": "店铺名称"},
            "area": {"type": "number", "title": "经营面积"},
            "open_date": {"type": "string", "title": "开业日期"},
        },
    }
    made = ServiceItemFactory(form=form)
    # PostgreSQL's jsonb does not keep the stored object's key order; the recorded order says it
    stored = ServiceItem.objects.get(pk=made.pk).form
    assert list(ordered_properties(stored)) == ["shop_name", "area", "open_date"]
    body = Client().get(f"/api/v1/catalog/items/{made.code}").json()
    assert list(body["form"]["properties"]) == ["shop_name", "area", "open_date"]


def test_record_of_the_exported_line_equals_the_stored_record(small: dict[str, Any]) -> None:
    from tongban.catalog.format import item_record, material_record

    main = ServiceItem.objects.get(code="X-001")
    stored = item_record(
        main,
        materials=[material_record(m) for m in main.materials.order_by("position")],
        theme_codes=["t-hukou"],
    )
    line = next(x for x in exported() if x.get("code") == "X-001")
    assert record_of(LINE.validate_python(line)) == stored
