"""Journey: apply on a phone with uploads — 张三, on a 360 × 740 phone, finds 天河区食品经营许可 from
the home page, reads the guide, logs in on the way, fills the real application form, uploads the
floor plan (PDF) and a photo of the food-safety rules, makes a typing mistake that costs him
nothing, submits, notes the number and query code, and finds the case in 我的办件. The intake
clerk of the department then sees it, with both files, on the to-do list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cases_ui.conftest import ITEM, ITEM_ANSWERS, fill_item_form, pdf_bytes, png_bytes
from tests.conftest import current_totp
from tests.e2e.conftest import log_in_on_the_portal, no_sideways_scroll, save_for_docs, save_step, serious_violations
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

JOURNEY = "apply-on-a-phone"
ITEM_NAME = "天河区食品经营许可"
FIRST_SCREEN = 740


def _files(tmp_path: Path) -> tuple[Path, Path]:
    plan = tmp_path / "平面图.pdf"
    plan.write_bytes(pdf_bytes())
    rules = tmp_path / "制度.png"
    rules.write_bytes(png_bytes())
    return plan, rules


def _bottom(locator) -> float:
    box = locator.bounding_box()
    assert box is not None, "shown"
    return box["y"] + box["height"]


def _check(page, step: str) -> None:
    """What holds on every page of the journey: accessible, nothing to scroll sideways to; then the picture."""
    assert serious_violations(page) == [], step
    assert no_sideways_scroll(page), step
    save_step(page, JOURNEY, step)


def test_apply_on_a_phone_with_uploads(indexed_catalogue, phone, browser, live_server, tmp_path):
    plan, rules = _files(tmp_path)
    main = phone.locator("main")

    # 1. the home page: a search box, and the way to one's cases
    phone.goto("/")
    search = main.get_by_role("combobox", name="搜索服务")
    assert search.is_visible()
    assert main.get_by_role("link", name="我的办件").first.is_visible()
    _check(phone, "01-home")

    # 2. he searches the way he would say it, and finds the item
    search.fill("天河开饭店")
    search.press("Enter")
    phone.wait_for_url(re.compile(r"/search/\?q="))
    first = main.locator("ol.results > li").first
    assert first.get_by_role("heading").inner_text() == ITEM_NAME
    assert _bottom(first) <= FIRST_SCREEN, "the answer on the first screen"
    _check(phone, "02-results")
    first.get_by_role("link", name=ITEM_NAME).click()

    # 3. the guide: what to bring, how long, and the main action on the first screen
    phone.wait_for_url(f"**/services/{ITEM}/")
    assert phone.get_by_role("heading", level=1).inner_text() == ITEM_NAME
    guide = main.inner_text()
    assert "要准备什么材料" in guide and "承诺 10 个工作日内办结" in guide and "不收费" in guide
    apply = main.get_by_role("link", name="在线办理")
    assert _bottom(apply) <= FIRST_SCREEN, "在线办理 on the first screen"
    _check(phone, "03-guide")
    apply.click()

    # 4. asked to log in on the way, then straight back to the form
    phone.wait_for_url(re.compile(r"/login/\?next=/apply/"))
    log_in_on_the_portal(phone, "zhangsan", DEMO_PASSWORD)
    phone.wait_for_url(f"**/apply/{ITEM}/")
    assert phone.get_by_role("heading", level=1).inner_text() == f"申请：{ITEM_NAME}"
    assert "营业执照已由政府部门核发，平台自动调取" in main.inner_text(), "no need to upload what the government holds"
    assert main.locator("input[type=file]").count() == 2
    _check(phone, "04-form")

    # 5. the real form, with a slip of the finger in the credit code; the files are kept as soon as chosen
    fill_item_form(phone)
    credit_code = ITEM_ANSWERS["credit_code"]
    typo = credit_code[:-1] + ("0" if credit_code[-1] != "0" else "1")
    phone.get_by_label("统一社会信用代码（必填）").fill(typo)
    main.get_by_label("选择文件上传：经营场所布局平面图").set_input_files(str(plan))
    phone.get_by_text("已上传：平面图.pdf").wait_for()
    main.get_by_label("选择文件上传：食品安全管理制度").set_input_files(str(rules))
    phone.get_by_text("已上传：制度.png").wait_for()
    assert "草稿已自动保存" in phone.locator("#draft-status").inner_text()
    _check(phone, "05-filled-and-uploaded")

    # 6. the mistake is named next to its field; what he typed and uploaded is all still there
    phone.get_by_role("button", name="第三步：提交申请").click()
    phone.locator("#error-summary").wait_for()
    assert "您已填写的内容都保留着，已上传的文件也已保存" in phone.locator("#error-summary").inner_text()
    code_field = phone.get_by_label("统一社会信用代码（必填）")
    assert code_field.input_value() == typo
    assert code_field.get_attribute("aria-invalid") == "true"
    assert "统一社会信用代码" in main.locator(".field.has-error", has=code_field).locator(".field-error").inner_text()
    assert phone.get_by_label("经营者名称（必填）").input_value() == ITEM_ANSWERS["operator_name"]
    assert phone.get_by_label("经营场所面积（平方米）（必填）").input_value() == str(ITEM_ANSWERS["area"])
    assert phone.get_by_label("自制饮品制售", exact=True).is_checked()
    assert phone.get_by_text("已上传：平面图.pdf").is_visible()
    assert phone.get_by_text("已上传：制度.png").is_visible()
    assert not Case.objects.exists(), "nothing submitted on an error"
    _check(phone, "06-error-keeps-everything")

    # 7. corrected and submitted, with no file chosen again: the number and the query code to note down
    code_field.fill(credit_code)
    phone.get_by_role("button", name="第三步：提交申请").click()
    phone.wait_for_url("**/submitted/")
    assert phone.get_by_role("heading", level=1).inner_text().endswith("申请已提交")
    assert "请记下办件编号和查询码" in main.inner_text()
    assert "当前状态：已申报" in main.inner_text()
    number = phone.locator("#case-number").inner_text().strip()
    code = phone.locator("#query-code").inner_text().strip()
    case = Case.objects.get(number=number)
    assert len(code) == 10 and case.item.code == ITEM
    assert sorted(case.materials.exclude(original_name="").values_list("original_name", flat=True)) == [
        "制度.png",
        "平面图.pdf",
    ], "each file once, though chosen before the error"
    _check(phone, "07-submitted")

    # 8. later, from the home page, one tap to 我的办件, and the case is there
    phone.goto("/")
    main.get_by_role("link", name="我的办件").first.click()
    phone.wait_for_url("**/my/cases/")
    card = main.locator(".case-card", has_text=number)
    assert ITEM_NAME in card.inner_text() and "已申报" in card.inner_text()
    _check(phone, "08-my-cases")
    card.get_by_role("link", name="查看详情和办理过程").click()
    phone.wait_for_url(f"**/my/cases/{number}/")
    details = main.inner_text()
    assert "经营场所布局平面图 · 申请人上传 · 平面图.pdf" in details
    assert "食品安全管理制度 · 申请人上传 · 制度.png" in details
    assert "申报" in main.locator("ol.timeline").inner_text()
    _check(phone, "09-case")

    # 9. the intake clerk of 天河区 finds it on the to-do list, the files with it
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=live_server.url)
    clerk = context.new_page()
    clerk.goto("/console/login/")
    clerk.locator("#id_username").fill("chuangkou")
    clerk.locator("#id_password").fill(DEMO_PASSWORD)
    clerk.locator("#id_otp").fill(current_totp(User.objects.get(username="chuangkou")))
    clerk.get_by_role("button", name="登录").click()
    clerk.wait_for_url("**/console/")
    clerk.goto("/console/cases/")
    row = clerk.locator("main").get_by_role("row").filter(has_text=number)
    assert all(word in row.inner_text() for word in (ITEM_NAME, "*三", "已申报")), row.inner_text()
    assert serious_violations(clerk) == []
    clerk.get_by_role("link", name=number).click()
    clerk.wait_for_url(f"**/console/cases/{number}/")
    received = clerk.locator("main").inner_text()
    assert "平面图.pdf" in received and "制度.png" in received and ITEM_ANSWERS["operator_name"] in received
    assert serious_violations(clerk) == []
    save_step(clerk, JOURNEY, "10-console-case")
    save_for_docs(clerk, "console-case.png")
    context.close()
