"""Who used my data (谁用了我的数据), in Chromium: a clerk opens the citizen's case in the console,
then the citizen, on a 360 px phone, finds that read as a card naming the department, the clerk's
role and staff number, and the case."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.cases_ui.conftest import ITEM, ITEM_ANSWERS, uploads_for_item
from tests.conftest import _Quiet, current_totp
from tests.e2e.conftest import serious_violations
from tongban.accounts.data_uses import staff_number
from tongban.accounts.models import User
from tongban.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

# Screenshots for people to look at; refresh docs/screenshots with TONGBAN_SCREENSHOT_DIR=docs/screenshots.
SCREENSHOTS = Path(os.environ.get("TONGBAN_SCREENSHOT_DIR", Path(tempfile.gettempdir()) / "tongban-screenshots"))


@pytest.fixture
def submitted(demo, settings, tmp_path):
    """zhangsan's application for the demo's 天河区食品经营许可, handled by 天河区市场监管局."""
    from tongban.cases import services
    from tongban.catalog.models import ServiceItem
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
    return services.submit_application(
        applicant=User.objects.get(username="zhangsan"),
        item=ServiceItem.objects.get(code=ITEM),
        answers=ITEM_ANSWERS,
        uploads=uploads_for_item(),
        idempotency_key="data-uses-journey",
    )


def _clerk_opens_the_case(browser, live_server, number: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.goto("/console/login/")
    page.locator("#id_username").fill("banli")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_otp").fill(current_totp(User.objects.get(username="banli")))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/console/")
    page.goto(f"/console/cases/{number}/")
    assert number in page.locator("main").inner_text()
    context.close()


def test_citizen_sees_the_clerks_read_of_their_case_on_a_phone(submitted, phone, browser, live_server):
    number = submitted.number
    _clerk_opens_the_case(browser, live_server, number)

    phone.goto("/login/")
    phone.get_by_label("账号", exact=True).fill("zhangsan")
    phone.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url("**/account/")
    phone.get_by_role("link", name="谁用了我的数据").first.click()
    phone.wait_for_url("**/account/data-uses/")

    card = phone.locator("li.data-use").filter(has_text="查看了您的办件").first
    text = card.inner_text()
    assert "广州市天河区市场监督管理局" in text
    assert "业务办理员" in text and f"编号 {staff_number(User.objects.get(username='banli').pk)}" in text
    assert "办件办理" in text
    link = card.get_by_role("link", name=number)
    assert link.get_attribute("href") == f"/my/cases/{number}/"

    # cards, not a squeezed table: each card as wide as the screen allows, nothing scrolls sideways
    assert phone.locator("main table").count() == 0
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 360
    box = card.bounding_box()
    assert box is not None and box["width"] >= 300
    assert serious_violations(phone) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "data-uses-phone.png"), full_page=True)

    link.click()
    phone.wait_for_url(f"**/my/cases/{number}/")
    assert number in phone.locator("main").inner_text()
