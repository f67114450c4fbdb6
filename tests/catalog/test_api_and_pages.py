"""The catalogue API, the citizen pages (guide, theme, bundle), home entries and the demo loader."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client

from tests.catalog.conftest import department, item, jsonl, small_catalogue, stream, theme
from tongban.accounts.models import User
from tongban.accounts.services import issue_api_token
from tongban.catalog.models import ServiceItem
from tongban.catalog.selectors import home_entries, merged_materials
from tongban.catalog.services import import_catalogue

FILE = jsonl(*small_catalogue())


def bearer(username: str) -> dict[str, str]:
    token = issue_api_token(user=User.objects.get(username=username), name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def catalogue(demo):
    assert import_catalogue(stream=stream(*small_catalogue()), actor=None).written


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- import through the API ----------------------------------------------------------------------


def test_import_api_needs_an_administrator(demo):
    client = Client()
    url = "/api/v1/catalog/imports"
    anonymous = client.post(url, FILE, content_type="application/x-ndjson")
    assert anonymous.status_code == 401
    citizen = client.post(url, FILE, content_type="application/x-ndjson", **bearer("zhangsan"))
    assert citizen.status_code == 403
    clerk = client.post(url, FILE, content_type="application/x-ndjson", **bearer("banli"))
    assert clerk.status_code == 403
    assert ServiceItem.objects.count() == 0
    admin = client.post(url, FILE, content_type="application/x-ndjson", **bearer("admin"))
    assert admin.status_code == 200, admin.content
    body = admin.json()
    assert body["written"] and body["counts"]["item"]["created"] == 4
    assert ServiceItem.objects.count() == 4


def test_import_api_takes_an_upload_and_reports_errors(demo):
    client = Client()
    upload = io.BytesIO(jsonl(department(), theme(), item(committed_days=4), item("OK-2")))
    upload.name = "catalogue.jsonl"
    response = client.post("/api/v1/catalog/imports", {"file": upload}, **bearer("admin"))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_catalogue" and not body["written"]
    assert body["errors"] == [{"line": 3, "field": "committed_days", "message": body["errors"][0]["message"]}]
    assert ServiceItem.objects.count() == 0

    upload.seek(0)
    response = client.post("/api/v1/catalog/imports?skip_invalid=true", {"file": upload}, **bearer("admin"))
    assert response.status_code == 200
    assert response.json()["skipped"] == [{"line": 3, "type": "item", "code": "440100-GA-001"}]
    assert list(ServiceItem.objects.values_list("code", flat=True)) == ["OK-2"]


def test_public_item_theme_and_bundle_api(catalogue):
    client = Client()
    found = client.get("/api/v1/catalog/items/440100-GA-001").json()
    assert found["name"] == "出生登记" and found["kind_code"] == "07"
    assert found["department"]["name"] == "广州市公安局"
    assert [m["government_held"] for m in found["materials"]] == [True, False]
    assert found["apply_url"] == "/apply/440100-GA-001/"
    assert client.get("/api/v1/catalog/items/NOPE").status_code == 404
    parent = client.get("/api/v1/catalog/items/440100-GA-002").json()
    assert [c["code"] for c in parent["children"]] == ["440100-GA-002-01"]

    themes = client.get("/api/v1/catalog/themes").json()
    assert {t["code"]: t["items"] for t in themes} == {"hukou": 2, "yibao": 1}

    bundle = client.get("/api/v1/catalog/bundles/birth-bundle").json()
    assert [i["code"] for i in bundle["items"]] == ["440100-GA-001", "440100-YB-020"]
    names = [m["name"] for m in bundle["materials"]]
    assert names.count("出生医学证明") == 1
    assert names == ["出生医学证明", "父母居民身份证", "居民户口簿", "参保登记表"]


# --- pages -----------------------------------------------------------------------------------------------


def test_guide_page_marks_what_the_government_already_holds(catalogue):
    response = Client().get("/services/440100-YB-020/")
    assert response.status_code == 200
    page = text_of(response)
    for words in (
        "新生儿医保参保登记",
        "承诺 5 个工作日内办结",
        "法定时限 20 个工作日",
        "最多跑 1 次现场",
        "核验原件",
        "不收费",
    ):
        assert words in page, words
    assert "其中 2 项政府部门已有，您无需提交" in page
    html = response.content.decode()
    held = re.findall(r'<li class="material held">.*?</li>', html, re.S)
    assert len(held) == 2 and all("政府已有，免提交" in li for li in held)
    assert "参保登记表" in html and "参保登记表" not in "".join(held)
    assert 'href="/apply/440100-YB-020/"' in html
    assert "020-12393" in html  # the department's enquiry phone
    assert ServiceItem.objects.get(code="440100-YB-020").popularity == 1


def test_guide_page_in_elder_mode_and_for_a_suspended_item(catalogue):
    ServiceItem.objects.filter(code="440100-GA-001").update(status="suspended")
    client = Client()
    client.cookies["tongban_elder"] = "1"
    response = client.get("/services/440100-GA-001/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="elder' in html and "暂停办理" in html and "/apply/" not in html
    assert Client().get("/services/NOPE/").status_code == 404


def test_guide_page_lists_the_situations_of_a_main_item(catalogue):
    page = Client().get("/services/440100-GA-002/").content.decode()
    assert "请选择您的情形" in page and "/services/440100-GA-002-01/" in page
    child = Client().get("/services/440100-GA-002-01/").content.decode()
    assert 'href="/services/440100-GA-002/"' in child


def test_bundle_page_asks_for_each_material_once(catalogue):
    response = Client().get("/bundles/birth-bundle/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<p class="material-name">出生医学证明') == 1
    page = text_of(response)
    assert "一套材料 4 份" in page and "分开办要交 5 份" in page
    assert "用于：出生登记、新生儿医保参保登记" in page
    assert Client().get("/bundles/nope/").status_code == 404


def test_merged_materials_dedupe_by_certificate_type_and_name(db):
    materials_a = [
        {"name": "居民身份证", "required": False, "certificate_type": "resident_id"},
        {"name": "申请表（原件）", "required": True},
    ]
    materials_b = [
        {"name": "身份证", "required": True, "source": "government", "certificate_type": "resident_id"},
        {"name": "申请表", "required": False},
        {"name": "照片", "required": True},
    ]
    lines = [
        department(),
        theme(),
        item("A", name="甲", materials=materials_a),
        item("B", name="乙", materials=materials_b),
    ]
    assert import_catalogue(stream=stream(*lines), actor=None).written
    items = list(ServiceItem.objects.filter(code__in=["A", "B"]).order_by("code").prefetch_related("materials"))
    merged = merged_materials(items)
    assert [(m.name, m.required, m.item_names) for m in merged] == [
        ("居民身份证", True, ["甲", "乙"]),
        ("申请表（原件）", True, ["甲", "乙"]),
        ("照片", True, ["乙"]),
    ]
    assert merged[0].government_held and merged[0].source == "government"


def test_theme_page_and_home_entries(catalogue):
    response = Client().get("/themes/hukou/")
    assert response.status_code == 200
    page = text_of(response)
    assert "我要办户口" in page and "出生登记" in page and "新生儿出生一件事" in page
    ServiceItem.objects.filter(code="440100-YB-020").update(popularity=9)
    entries = home_entries()
    assert [t.code for t in entries["person"]] == ["hukou", "yibao"]
    assert entries["legal_person"] == []
    assert entries["popular"][0].code == "440100-YB-020"
    home = Client().get("/").content.decode()
    assert 'href="/themes/hukou/"' in home and 'href="/services/440100-YB-020/"' in home


# --- demo loader -------------------------------------------------------------------------------------------


class _Out:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, text: str) -> None:
        self.lines.append(text)


def test_demo_loader_imports_the_demo_file_idempotently(demo, tmp_path):
    from tongban.demo import catalog

    out = _Out()
    catalog.load(stdout=out, path=tmp_path / "missing.jsonl")
    assert "not found" in out.lines[-1]
    path = tmp_path / "demo.jsonl"
    path.write_bytes(jsonl(*small_catalogue()))
    catalog.load(stdout=out, path=path)
    catalog.load(stdout=out, path=path)
    assert ServiceItem.objects.count() == 4
    assert "新增 0" in out.lines[-1]


def test_the_shipped_demo_catalogue_loads(demo):
    from tongban.demo import catalog

    if not catalog.DEMO_FILE.is_file():
        pytest.skip("the demo catalogue is not there yet")
    catalog.load(stdout=_Out())
    assert ServiceItem.objects.count() >= 120
