"""Fixtures for the cases pages: the demo organisations, people, catalogue and processes."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest
from pypdf import PdfWriter

from tests.conftest import _Quiet
from tongban.demo.cases import ANSWERS

#: 天河区食品经营许可: handled by 天河区市场监管局 (banli, kezhang), accepted at 天河区政数局 (chuangkou);
#: one material the government holds and two the applicant uploads.
ITEM = "THSJ-002"
BUNDLE = "bundle-birth"
#: ITEM's form (食品经营许可申请书) filled in as the demo's milk-tea shop does
ITEM_ANSWERS = ANSWERS
#: the same answers as the portal form posts them (fields prefixed `answers-`)
ITEM_FORM_DATA: dict[str, object] = {f"answers-{name}": value for name, value in ANSWERS.items()}


def fill_item_form(page: Any) -> None:
    """Fill ITEM's application form in the browser (Playwright page) as a person would."""
    page.get_by_label("经营者名称（必填）").fill(ANSWERS["operator_name"])
    page.get_by_label("统一社会信用代码（必填）").fill(ANSWERS["credit_code"])
    page.get_by_label("法定代表人（负责人）姓名（必填）").fill("张三")
    page.get_by_label("经营场所（必填）").fill("天河路 1 号门店")
    page.get_by_label("经营场所面积（平方米）（必填）").fill(str(ANSWERS["area"]))
    page.get_by_label("主体业态（必填）").select_option(ANSWERS["business_type"])
    for choice in ANSWERS["business_items"]:
        page.get_by_label(choice, exact=True).check()
    page.get_by_label("食品安全管理人员姓名（必填）").fill("张三")
    page.get_by_label("从业人员人数（必填）").fill(str(ANSWERS["employees"]))
    page.get_by_label("联系电话（手机）（必填）").fill(ANSWERS["phone"])


@pytest.fixture
def catalogue(demo):
    from tongban.demo import catalog, workflow

    catalog.load(stdout=_Quiet())
    workflow.load(stdout=_Quiet())
    return demo


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    """A valid 2×2 red PNG, written by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xc8\x1e\x1e" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def uploads_for_item() -> list[tuple[str, object]]:
    """The two materials of ITEM the applicant uploads, as (material name, file) pairs."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tongban.catalog.models import ServiceItem

    item = ServiceItem.objects.get(code=ITEM)
    names = [m.name for m in item.materials.all() if not m.government_held]
    files = [
        SimpleUploadedFile("plan.pdf", pdf_bytes(), content_type="application/pdf"),
        SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png"),
    ]
    return list(zip(names, files, strict=False))


@pytest.fixture
def submitted(catalogue):
    """A case of zhangsan for ITEM, submitted through the service; `query_code_plain` is set."""
    from tongban.accounts.models import User
    from tongban.cases import services
    from tongban.catalog.models import ServiceItem

    return services.submit_application(
        applicant=User.objects.get(username="zhangsan"),
        item=ServiceItem.objects.get(code=ITEM),
        answers=ITEM_ANSWERS,
        uploads=uploads_for_item(),
        idempotency_key="fixture-1",
    )
