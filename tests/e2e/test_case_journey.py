"""The Done-means journey in Chromium: apply, accept, supplement, approve, progress, and accessibility."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

from tests.cases_ui.conftest import ITEM, pdf_bytes, png_bytes
from tests.conftest import _Quiet, current_totp
from tests.e2e.conftest import serious_violations
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

# Screenshots for people to look at; refresh the README's with TONGBAN_SCREENSHOT_DIR=docs/screenshots.
SCREENSHOTS = Path(os.environ.get("TONGBAN_SCREENSHOT_DIR", Path(tempfile.gettempdir()) / "tongban-screenshots"))


@pytest.fixture
def catalogue(demo):
    from tongban.demo import catalog, workflow

    catalog.load(stdout=_Quiet())
    workflow.load(stdout=_Quiet())
    return demo


def _files(tmp_path: Path) -> tuple[Path, Path]:
    pdf = tmp_path / "平面图.pdf"
    pdf.write_bytes(pdf_bytes())
    png = tmp_path / "制度.png"
    png.write_bytes(png_bytes())
    return pdf, png


def _login_citizen(page, username: str = "zhangsan") -> None:
    page.goto("/login/")
    page.get_by_label("账号", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/account/")


def _login_staff(page, username: str) -> None:
    page.goto("/console/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_otp").fill(current_totp(User.objects.get(username=username)))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/console/")


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth") <= 360


def _staff_page(browser, live_server, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    _login_staff(page, username)
    return context, page


def test_apply_supplement_approve_and_look_up_progress(catalogue, phone, browser, live_server, tmp_path):
    pdf, png = _files(tmp_path)
    _login_citizen(phone)

    # 1. the citizen applies on a 360 px phone; files are kept in the draft as soon as they are chosen
    phone.goto(f"/apply/{ITEM}/")
    assert serious_violations(phone) == []
    assert _no_sideways_scroll(phone)
    assert "已由政府部门核发，平台自动调取" in phone.locator("main").inner_text()
    phone.get_by_label("申请说明").fill("天河路 1 号门店")
    file_inputs = phone.locator("main input[type=file]")
    assert file_inputs.count() == 2
    file_inputs.nth(0).set_input_files(str(pdf))
    phone.get_by_text("已上传：平面图.pdf").wait_for()
    phone.locator("main input[type=file]").nth(1).set_input_files(str(png))
    phone.get_by_text("已上传：制度.png").wait_for()
    assert "草稿已自动保存" in phone.locator("#draft-status").inner_text()
    phone.get_by_role("button", name="第三步：提交申请").click()
    phone.wait_for_url("**/submitted/")
    assert "请记下办件编号和查询码" in phone.locator("main").inner_text()
    number = phone.locator("#case-number").inner_text().strip()
    code = phone.locator("#query-code").inner_text().strip()
    case = Case.objects.get(number=number)
    assert case.materials.count() == 2, "each file once, though chosen before submitting"

    phone.goto("/my/cases/")
    assert number in phone.locator("main").inner_text()
    assert serious_violations(phone) == []
    assert _no_sideways_scroll(phone)

    # 2. the intake clerk receives it, claims and accepts
    intake_context, intake = _staff_page(browser, live_server, "chuangkou")
    intake.goto("/console/cases/")
    assert number in intake.locator("main").inner_text()
    assert "即将超期" in intake.locator("main").inner_text()
    assert serious_violations(intake) == []
    intake.get_by_role("link", name=number).click()
    assert serious_violations(intake) == []
    intake.get_by_role("button", name="受理", exact=True).click()
    intake.get_by_text("已受理。").wait_for()
    intake_context.close()

    # 3. the handling clerk asks for a supplement (一次性告知)
    clerk_context, clerk = _staff_page(browser, live_server, "banli")
    clerk.goto(f"/console/cases/{number}/")
    clerk.locator("summary", has_text="一次性告知补正").click()
    clerk.get_by_label("食品安全管理制度").check()
    clerk.get_by_label("其他需要补正的问题").fill("平面图请标明比例")
    clerk.get_by_role("button", name="发出补正告知").click()
    clerk.get_by_text("已一次性告知申请人").wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    clerk.screenshot(path=str(SCREENSHOTS / "console-case.png"), full_page=True)

    # 4. the citizen sees it and supplies the material
    phone.goto("/my/cases/")
    assert "待补正" in phone.locator("main").inner_text()
    phone.get_by_role("link", name=re.compile("去补正")).first.click()
    assert "平面图请标明比例" in phone.locator("main").inner_text()
    phone.locator("main input[type=file]").first.set_input_files(str(png))
    phone.get_by_role("button", name="提交补正").click()
    phone.wait_for_url(f"**/my/cases/{number}/")
    assert "已补正" in phone.locator("main").inner_text()

    # 5. the clerk agrees, the head approves
    clerk.goto(f"/console/cases/{number}/")
    clerk.get_by_label("同意").check()
    clerk.get_by_label("意见说明").fill("材料齐全，符合条件")
    clerk.get_by_role("button", name="提交审查意见").click()
    clerk.get_by_text("审查意见已提交。").wait_for()
    clerk_context.close()
    head_context, head = _staff_page(browser, live_server, "kezhang")
    head.goto(f"/console/cases/{number}/")
    head.get_by_label("准予许可").check()
    head.get_by_label("决定书内容（必填）").fill("经审查，准予食品经营许可。")
    head.get_by_role("button", name="提交决定").click()
    head.get_by_text("决定已作出。").wait_for()
    head_context.close()

    phone.goto(f"/my/cases/{number}/")
    text = phone.locator("main").inner_text()
    assert "准予许可" in text and "受理" in text and "待补正" in text

    # 6. anyone with the number and the query code sees the progress, without logging in
    other = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", base_url=live_server.url)
    stranger = other.new_page()
    stranger.goto("/progress/")
    assert serious_violations(stranger) == []
    stranger.get_by_label("办件编号").fill(number)
    stranger.get_by_label("查询码").fill(code.lower())
    stranger.get_by_role("button", name="查询").click()
    result = stranger.locator("#progress-result").inner_text()
    assert "*三" in result and "张三" not in result and "准予许可" in result
    assert serious_violations(stranger) == []
    assert _no_sideways_scroll(stranger)
    stranger.get_by_label("查询码").fill("0000000000")
    stranger.get_by_role("button", name="查询").click()
    assert "没有找到这个办件，或查询码不正确" in stranger.locator("main").inner_text()
    other.close()


def test_portal_case_pages_in_elder_mode(catalogue, phone, tmp_path):
    _login_citizen(phone)
    phone.goto("/")
    phone.get_by_role("button", name="长辈版（大字）").click()
    phone.wait_for_selector("body.elder")
    phone.goto("/apply/GA-001/")
    assert serious_violations(phone, elder=True) == []
    assert _no_sideways_scroll(phone)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "apply-elder.png"), full_page=True)
    # server-side errors next to the fields, nothing typed lost, still accessible
    phone.get_by_label("新生儿姓名（必填）").fill("张小宝")
    phone.get_by_role("button", name="第三步：提交申请").click()
    phone.wait_for_selector("#error-summary")
    assert phone.get_by_label("新生儿姓名（必填）").input_value() == "张小宝"
    assert "请填写“出生日期”" in phone.locator("main").inner_text()
    assert serious_violations(phone, elder=True) == []
    assert _no_sideways_scroll(phone)
    for url in ("/my/cases/", "/progress/"):
        phone.goto(url)
        assert serious_violations(phone, elder=True) == [], url
        assert _no_sideways_scroll(phone), url
