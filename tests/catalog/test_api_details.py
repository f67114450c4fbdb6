"""The catalogue API in detail: every guide field an app needs, suspended items, uploads by an administrator."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from tests.catalog.conftest import department, item, jsonl, theme
from tests.factories import BundleFactory, RegionFactory, ServiceItemFactory, StaffFactory, ThemeFactory, console_client
from tongban.catalog.models import ServiceItem

pytestmark = pytest.mark.django_db


def test_an_item_answers_its_fee_form_process_result_and_status() -> None:
    made = ServiceItemFactory(
        fee=True,
        instant=True,
        window_only=True,
        situation="变更",
        result={"name": "许可证", "certificate_type": "licence"},
    )
    body = Client().get(f"/api/v1/catalog/items/{made.code}").json()
    assert body["fee"] == {"charged": True, "amount": "20.00", "basis": "《测试收费标准》"}
    assert (body["handling"], body["committed_days"], body["statutory_days"]) == ("instant", 0, 0)
    assert (body["online_depth"], body["max_visits"], body["channels"]) == (2, 1, ["window"])
    assert body["result"] == {"name": "许可证", "certificate_type": "licence"}
    assert body["form"]["type"] == "object" and "shop_name" in body["form"]["properties"]
    assert (body["status"], body["situation"], body["process"]) == ("active", "变更", "")
    assert body["base_code"] == made.base_code and body["aliases"] == []


def test_a_suspended_item_is_still_described_with_its_status() -> None:
    made = ServiceItemFactory(suspended=True)
    body = Client().get(f"/api/v1/catalog/items/{made.code}").json()
    assert body["status"] == "suspended"


def test_an_items_children_in_the_api_are_its_active_situations() -> None:
    main = ServiceItemFactory()
    ServiceItemFactory(code="C-1", parent=main, situation="新设", department=main.department)
    ServiceItemFactory(code="C-2", parent=main, situation="注销", suspended=True, department=main.department)
    body = Client().get(f"/api/v1/catalog/items/{main.code}").json()
    assert [c["code"] for c in body["children"]] == ["C-1"]


def test_the_theme_list_is_empty_for_an_empty_catalogue_and_ordered_as_imported() -> None:
    assert Client().get("/api/v1/catalog/themes").json() == []
    from tests.factories.catalog import import_lines

    import_lines(theme("z-last"), theme("a-first"))  # one file: its order is the themes' order
    assert [t["code"] for t in Client().get("/api/v1/catalog/themes").json()] == ["z-last", "a-first"]


def test_a_bundle_lists_its_themes_and_links() -> None:
    theme_ = ThemeFactory()
    bundle = BundleFactory(themes=[theme_], aliases=["开店一件事"], summary="一次办好。")
    body = Client().get(f"/api/v1/catalog/bundles/{bundle.code}").json()
    assert body["themes"] == [theme_.code] and body["aliases"] == ["开店一件事"] and body["summary"] == "一次办好。"
    assert body["url"] == f"/bundles/{bundle.code}/"
    assert all(i["url"] == f"/services/{i['code']}/" for i in body["items"])


def test_public_reads_need_no_log_in_and_answer_json() -> None:
    made = ServiceItemFactory()
    for url in (f"/api/v1/catalog/items/{made.code}", "/api/v1/catalog/themes"):
        response = Client().get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/json")


@pytest.fixture
def admin():
    return StaffFactory(administrator=True, scope=RegionFactory(code="440100", name="广州市"))


def test_an_administrator_uploads_a_file_as_a_multipart_field(admin) -> None:
    upload = io.BytesIO(jsonl(department(), theme(), item()))
    upload.name = "catalogue.jsonl"
    response = console_client(admin).post("/api/v1/catalog/imports", {"file": upload})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["written"] and body["counts"]["item"]["created"] == 1 and body["errors"] == []
    assert ServiceItem.objects.filter(code="440100-GA-001").exists()


def test_an_upload_with_problems_answers_422_naming_the_first_line(admin) -> None:
    response = console_client(admin).post(
        "/api/v1/catalog/imports",
        jsonl(department(), item(committed_days=5), item("OK-1")),
        content_type="application/x-ndjson",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_catalogue" and "第 2 行" in body["message"]
    assert not ServiceItem.objects.exists()


def test_a_dry_run_upload_writes_nothing(admin) -> None:
    response = console_client(admin).post(
        "/api/v1/catalog/imports?dry_run=true",
        jsonl(department(), theme(), item()),
        content_type="application/x-ndjson",
    )
    assert response.status_code == 200 and response.json()["dry_run"] is True
    assert not ServiceItem.objects.exists()
