"""Journey: an application in elder mode — 王芳, 74, on her phone, switches on 长辈版 from the home
page, asks for a free bus pass the way she would say it ("老人坐车免费"), finds 在线办理 without
scrolling, logs in, forgets to choose how to collect the card, is told so next to the question, and
submits with a photo; the case number is shown large. Every page: text at least 20 px, controls at
least 60 × 60 px, axe clean, nothing to scroll sideways to."""

from __future__ import annotations

import re

import pytest

from tests.cases_ui.conftest import png_bytes
from tests.e2e.conftest import (
    log_in_on_the_portal,
    no_sideways_scroll,
    save_for_docs,
    save_step,
    serious_violations,
    small_targets,
    small_text,
)
from tongban.cases.models import Case
from tongban.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

JOURNEY = "apply-in-elder-mode"
ITEM_NAME = "老年人免费乘车卡办理"
FIRST_SCREEN = 740


def _check(page, step: str) -> None:
    """What holds on every page in elder mode: large text, large targets, accessible, no sideways scroll."""
    assert page.locator("body.elder").count() == 1, f"{step}: elder mode is remembered"
    assert small_text(page, 20) == [], step
    assert small_targets(page, 60) == [], step
    assert serious_violations(page, elder=True) == [], step
    assert no_sideways_scroll(page), step
    save_step(page, JOURNEY, step)


def _font_px(locator) -> float:
    return locator.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")


def test_an_application_in_elder_mode(indexed_catalogue, phone, tmp_path):
    photo = tmp_path / "照片.png"
    photo.write_bytes(png_bytes())
    main = phone.locator("main")

    # 1. 长辈版 is one button on the home page
    phone.goto("/")
    switch = main.get_by_role("button", name="长辈版（大字）")
    assert switch.get_attribute("aria-pressed") == "false"
    switch.click()
    phone.wait_for_selector("body.elder")
    assert main.get_by_role("button", name="退出长辈版").get_attribute("aria-pressed") == "true"
    assert _font_px(phone.locator("body")) >= 20
    assert main.locator(".help-line a.button").is_visible(), "one tap to call the help line"
    _check(phone, "01-home")

    # 2. she asks the way she would say it; the bus pass comes first
    search = main.get_by_role("combobox", name="搜索服务")
    search.fill("老人坐车免费")
    search.press("Enter")
    phone.wait_for_url(re.compile(r"/search/\?q="))
    first = main.locator("ol.results > li").first
    assert ITEM_NAME in first.inner_text()
    _check(phone, "02-results")
    first.get_by_role("link", name=ITEM_NAME).click()

    # 3. the guide: 在线办理 on the first screen, large
    phone.wait_for_url("**/services/JT-004/")
    assert phone.get_by_role("heading", level=1).inner_text() == ITEM_NAME
    apply = main.get_by_role("link", name="在线办理")
    box = apply.bounding_box()
    assert box is not None and box["y"] + box["height"] <= FIRST_SCREEN, "the main action on the first screen"
    assert box["height"] >= 60 and _font_px(apply) >= 24
    _check(phone, "03-guide")
    apply.click()

    # 4. logging in on the way, still in elder mode, and back at the form
    phone.wait_for_url(re.compile(r"/login/\?next=/apply/JT-004/"))
    assert phone.locator("body.elder").count() == 1
    log_in_on_the_portal(phone, "wangfang", DEMO_PASSWORD)
    phone.wait_for_url("**/apply/JT-004/")
    assert phone.get_by_role("heading", level=1).inner_text() == f"申请：{ITEM_NAME}"
    assert "居民身份证已由政府部门核发，平台自动调取" in main.inner_text()
    _check(phone, "04-form")
    save_for_docs(phone, "apply-elder.png")

    # 5. she submits without saying how to collect the card: told next to the question, in large type
    phone.get_by_label("联系电话（手机）（必填）").fill("13800000003")
    main.get_by_label("选择文件上传：近期免冠彩色照片").set_input_files(str(photo))
    phone.get_by_text("已上传：照片.png").wait_for()
    phone.get_by_role("button", name="第三步：提交申请").click()
    phone.locator("#error-summary").wait_for()
    collect = phone.get_by_label("领卡方式（必填）")
    error = main.locator(".field.has-error", has=collect).locator(".field-error")
    assert "领卡方式" in error.inner_text() and _font_px(error) >= 20
    assert phone.get_by_label("联系电话（手机）（必填）").input_value() == "13800000003"
    assert phone.get_by_text("已上传：照片.png").is_visible(), "the photo is kept"
    assert not Case.objects.exists()
    _check(phone, "05-error-next-to-the-question")

    # 6. chosen and submitted: the number to note down, large
    collect.select_option("羊城通服务网点领取")
    phone.get_by_role("button", name="第三步：提交申请").click()
    phone.wait_for_url("**/submitted/")
    number = phone.locator("#case-number")
    case = Case.objects.get(number=number.inner_text().strip())
    assert case.item.code == "JT-004" and case.applicant.username == "wangfang"
    assert _font_px(number) >= 28 and _font_px(phone.locator("#query-code")) >= 28
    number_box = number.bounding_box()
    assert number_box is not None and number_box["y"] + number_box["height"] <= FIRST_SCREEN, "seen without scrolling"
    _check(phone, "06-submitted")

    # 7. one tap to 我的办件, where the case waits for her, as large as the rest
    phone.get_by_role("navigation", name="主导航").get_by_role("link", name="我的办件").click()
    phone.wait_for_url("**/my/cases/")
    card = main.locator(".case-card", has_text=case.number)
    assert ITEM_NAME in card.inner_text() and "已申报" in card.inner_text()
    assert _font_px(card.locator(".case-title")) >= 22
    _check(phone, "07-my-cases")

    # 8. and 办件进度查询, for the cases her family applied for, just as large
    phone.get_by_role("navigation", name="主导航").get_by_role("link", name="进度查询").click()
    phone.wait_for_url("**/progress/")
    _check(phone, "08-progress")
