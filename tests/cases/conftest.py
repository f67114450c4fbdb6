"""Fixtures of the cases tests: demo people, shipped processes, and a small catalogue imported
through the catalogue service (a committed item, an instant item, a window-only item, a bundle)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.cache import cache

from tongban.demo.orgs import department_code

MARKET = department_code(16)  # 天河区市场监管局: banli (handling), kezhang (head)
POLICE = department_code(15)  # 天河公安分局: gongan (handling)

FORM = {
    "type": "object",
    "title": "食品经营许可申请表",
    "required": ["shop_name", "area"],
    "properties": {
        "shop_name": {"type": "string", "title": "店铺名称", "maxLength": 30},
        "area": {"type": "number", "title": "经营面积（平方米）", "minimum": 1},
        "open_date": {"type": "string", "title": "开业日期", "format": "date"},
    },
}


def _item(code, name, department, **extra):
    line = {
        "type": "item",
        "code": code,
        "name": name,
        "kind": "permit",
        "department": department,
        "region": "440106",
        "audience": ["person"],
        "handling": "committed",
        "statutory_days": 20,
        "committed_days": 10,
        "online_depth": 4,
        "max_visits": 0,
        "channels": ["web", "mobile", "window"],
        "fee": {"charged": False},
    }
    line.update(extra)
    return line


LINES = [
    _item(
        "TEST-SJ-001",
        "食品经营许可（测试）",
        MARKET,
        form=FORM,
        materials=[
            {"name": "营业执照", "required": True, "form": "electronic", "source": "applicant"},
            {"name": "健康证明", "required": False, "form": "electronic", "source": "applicant"},
            {
                "name": "居民身份证",
                "required": True,
                "form": "original",
                "source": "government",
                "certificate_type": "resident_id",
            },
        ],
        result={"name": "食品经营许可证", "certificate_type": "food_licence"},
    ),
    _item(
        "TEST-MZ-001",
        "高龄津贴（测试）",
        MARKET,
        kind="payment",
        handling="instant",
        process="instant",
        statutory_days=0,
        committed_days=0,
        form={
            "type": "object",
            "properties": {
                "age": {"type": "integer", "title": "年龄"},
                "local_household": {"type": "boolean", "title": "本市户籍"},
                "already_receiving": {"type": "boolean", "title": "已领取同类津贴"},
            },
        },
    ),
    _item("TEST-SJ-002", "仅窗口办理事项（测试）", MARKET, online_depth=2, max_visits=1, visit_reason="需核验原件"),
    _item(
        "TEST-B-001",
        "设立登记（测试）",
        MARKET,
        form={
            "type": "object",
            "required": ["shop_name"],
            "properties": {"shop_name": {"type": "string", "title": "店铺名称"}},
        },
        result={"name": "设立登记通知书"},
    ),
    _item(
        "TEST-B-002",
        "公章刻制备案（测试）",
        POLICE,
        form={
            "type": "object",
            "required": ["shop_name", "seal_count"],
            "properties": {
                "shop_name": {"type": "string", "title": "店铺名称"},
                "seal_count": {"type": "integer", "title": "印章数量"},
            },
        },
        materials=[{"name": "设立登记通知书", "required": True, "form": "electronic", "source": "government"}],
    ),
    _item(
        "TEST-B-003",
        "税务登记（测试）",
        MARKET,
        materials=[{"name": "营业执照", "required": True, "form": "electronic", "source": "applicant"}],
    ),
    {
        "type": "bundle",
        "code": "test-bundle",
        "name": "开店一件事（测试）",
        "items": ["TEST-B-001", "TEST-B-002", "TEST-B-003"],
        "committed_days": 5,
    },
]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def catalogue(demo):
    from tongban.catalog.importer import import_catalogue
    from tongban.workflow.services import ensure_builtin_processes

    ensure_builtin_processes()
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in LINES) + "\n"
    report = import_catalogue(stream=io.StringIO(text), actor=None)
    assert report.written, report.errors
    return report


@pytest.fixture
def item(catalogue):
    from tongban.catalog.models import ServiceItem

    return ServiceItem.objects.get(code="TEST-SJ-001")


@pytest.fixture
def people(demo):
    from tongban.accounts.models import User

    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


def pdf_bytes() -> bytes:
    """A small valid one-page PDF, written by pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(name: str = "licence.pdf", content: bytes | None = None, content_type: str = "application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, content_type=content_type)


def submit(applicant, item, *, key="k1", answers=None, files=None, **kwargs):
    from tongban.cases import services

    return services.submit_application(
        applicant=applicant,
        item=item,
        answers=answers if answers is not None else {"shop_name": "甜心奶茶", "area": 42},
        uploads=files if files is not None else [("营业执照", upload())],
        idempotency_key=key,
        **kwargs,
    )
