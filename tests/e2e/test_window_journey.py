"""Journey: window filing with its receipt — the 天河区 comprehensive window files a city department's
item for an old man standing at the counter, keeps his scan through a typing mistake, prints the
receipt and opens the case it filed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cases_ui.conftest import png_bytes
from tests.conftest import _Quiet, current_totp
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.demo.codes import id_number
from tongban.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

STEPS = Path(os.environ.get("TONGBAN_E2E_SCREENSHOTS", Path(__file__).parent / "screenshots")) / "window-filing"
ZHAOLIU = id_number("440104", "20000229", 77)  # in the demo population registry, no account yet


@pytest.fixture
def catalogue(demo, settings, tmp_path):
    from tongban.demo import catalog, workflow
    from tongban.search import services as search_services

    settings.DATA_DIR = tmp_path
    search_services._engine = None
    catalog.load(stdout=_Quiet())
    workflow.load(stdout=_Quiet())
    search_services.rebuild_index()
    yield demo
    search_services._engine = None


def _shot(page, name: str) -> None:
    STEPS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(STEPS / f"{name}.png"), full_page=True)


def test_window_filing_with_its_receipt(catalogue, desktop, tmp_path):
    page = desktop
    page.goto("/console/login/")
    page.locator("#id_username").fill("chuangkou")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_otp").fill(current_totp(User.objects.get(username="chuangkou")))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/console/")

    # find the item the way the old man says it
    page.goto("/console/cases/window/")
    page.get_by_label("事项名称").fill("老人坐车免费")
    page.get_by_role("button", name="查找事项").click()
    options = page.locator("#item-select option").all_inner_texts()
    assert any("免费乘车" in o for o in options), options
    page.locator("#item-select").select_option(label=next(o for o in options if "免费乘车" in o))
    page.get_by_role("button", name="填写申请").click()
    _shot(page, "1-form")

    # a typing mistake in the ID number, with the photo already scanned
    photo = tmp_path / "照片.png"
    photo.write_bytes(png_bytes())
    page.locator("#id_person-person_name").fill("赵六")
    page.locator("#id_person-id_number").fill(ZHAOLIU[:-1] + ("0" if ZHAOLIU[-1] != "0" else "1"))
    page.locator("#id_person-phone").fill("13800000099")
    page.locator("#id_person-consent").check()
    page.get_by_label("领卡方式").select_option(index=1)
    page.get_by_label("联系电话（手机）").fill("13800000099")
    page.locator("input[type=file]").first.set_input_files(str(photo))
    page.get_by_role("button", name="提交并打印回执").click()
    assert page.get_by_role("alert").first.is_visible()
    assert page.get_by_text("已收：照片.png").is_visible()  # the scan survived the error
    _shot(page, "2-error-scan-kept")

    # corrected: no need to scan again
    page.locator("#id_person-id_number").fill(ZHAOLIU)
    page.locator("#id_person-consent").check()
    page.get_by_role("button", name="提交并打印回执").click()
    page.get_by_role("heading", name="收件回执").wait_for()
    case = Case.objects.get(item__code="JT-004", filed_by__username="chuangkou")
    assert page.locator("#case-number").inner_text() == case.number
    assert len(page.locator("#query-code").inner_text()) == 10
    assert "免费乘车" in page.locator("#receipt-item").inner_text()
    received = page.locator("#receipt-materials").inner_text()
    assert "近期免冠彩色照片" in received
    assert "居民身份证：政府部门已有，免提交" in received
    assert page.locator("#receipt-collect").inner_text().strip()
    assert "工作日" in page.locator("#receipt-promise").inner_text()
    _shot(page, "3-receipt")
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="打印回执").is_visible()  # only the receipt goes on paper
    _shot(page, "4-receipt-printed")
    page.emulate_media(media="screen")

    # the filing clerk opens what they filed, though the city department handles it
    page.get_by_role("link", name="查看办件").click()
    page.wait_for_url(f"**/console/cases/{case.number}/")
    assert case.number in page.content()
    assert "页面不存在" not in page.content()
    _shot(page, "5-case")
