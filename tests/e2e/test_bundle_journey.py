"""The Done-means bundle journey in Chromium: 新生儿出生一件事 applied for once, fanned out to four
city departments (in parallel, and in order where one item's result is the next item's material),
handled in the console, and completed for the citizen and on the public progress page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.cases_ui.conftest import pdf_bytes, png_bytes
from tests.conftest import _Quiet, current_totp
from tongban.accounts.models import User
from tongban.cases import selectors, services
from tongban.cases.models import FINAL_STATUSES, Case, CaseStatus
from tongban.demo.orgs import department_code
from tongban.demo.people import CITIZENS, CITY_HANDLERS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

BUNDLE = "bundle-birth"
CERTIFICATE = "WJ-001"  # 出生医学证明签发: its result is a material of the items that wait for it


@pytest.fixture
def catalogue(demo):
    from tongban.demo import catalog, workflow

    catalog.load(stdout=_Quiet())
    workflow.load(stdout=_Quiet())
    return demo


@pytest.fixture
def city_window(catalogue) -> User:
    """The demo's city comprehensive-window clerk (收办分离): accepts the children for every department."""
    return User.objects.get(username="shichuangkou")


def _login_staff(browser, live_server, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.goto("/console/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_otp").fill(current_totp(User.objects.get(username=username)))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/console/")
    return context, page


def _handle_with_services(child: Case, window: User, handlers: dict[str, User]) -> None:
    """受理 → 审查 → 决定 through the same service functions the console pages call."""
    handler = handlers[child.department.code]
    services.accept_case(case=child, clerk=window, expected_version=child.version)
    child = Case.objects.get(pk=child.pk)
    services.review_case(case=child, clerk=handler, agree=True, comment="材料齐全", expected_version=child.version)
    child = Case.objects.get(pk=child.pk)
    services.decide_case(
        case=child, clerk=handler, approve=True, decision_text="准予办理。", expected_version=child.version
    )


def test_birth_bundle_fans_out_and_completes(city_window, phone, browser, live_server, tmp_path):
    photo = tmp_path / "宝宝照片.png"
    photo.write_bytes(png_bytes())
    bank = tmp_path / "银行卡信息.pdf"
    bank.write_bytes(pdf_bytes())

    # 1. the citizen reads the bundle page and applies once: one merged form, one material list
    phone.goto("/login/")
    phone.get_by_label("账号", exact=True).fill("zhangsan")
    phone.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url("**/account/")
    phone.goto(f"/bundles/{BUNDLE}/")
    guide = phone.locator("main").inner_text()
    assert "新生儿出生一件事" in guide and "一次申请、一次提交" in guide and "出生登记" in guide
    phone.goto(f"/bundles/{BUNDLE}/apply/")  # the bundle page has no link to it (see the report)
    phone.get_by_label("新生儿姓名（必填）").fill("张小宝")
    phone.get_by_label("出生日期（必填）").fill((timezone.localdate() - timedelta(days=3)).isoformat())
    phone.get_by_label("申报人身份证号（必填）").fill(CITIZENS[0][3])
    assert "由本次一件事中先办理的事项产生" in phone.locator("main").inner_text()  # 出生医学证明
    phone.get_by_label("选择文件上传：近期免冠彩色照片").set_input_files(str(photo))
    phone.get_by_text("已上传：宝宝照片.png").wait_for()
    phone.get_by_label("选择文件上传：本人银行账户信息").set_input_files(str(bank))
    phone.get_by_text("已上传：银行卡信息.pdf").wait_for()
    phone.get_by_role("button", name="第三步：提交申请").click()
    phone.wait_for_url("**/submitted/")
    number = phone.locator("#case-number").inner_text().strip()
    code = phone.locator("#query-code").inner_text().strip()

    # 2. one parent, children fanned out: in parallel, or waiting for the birth certificate
    parent = Case.objects.get(number=number)
    children = selectors.children_of(case=parent)
    assert parent.bundle.code == BUNDLE and parent.materials.filter(source="upload").count() == 2
    assert len({c.department_id for c in children}) >= 3
    certificate = next(c for c in children if c.item.code == CERTIFICATE)
    for child in children:
        needs_certificate = child.item.materials.filter(name="出生医学证明").exists()
        assert child.waits_for_id == (certificate.pk if needs_certificate else None), child.item.code
        assert child.status == (CaseStatus.WAITING if needs_certificate else CaseStatus.SUBMITTED), child.item.code
    followers = [c for c in children if c.waits_for_id == certificate.pk]
    assert {c.department_id for c in followers} - {certificate.department_id}, "the order crosses departments"

    # 3. in the console: the window accepts the birth certificate, 市卫健委 reviews and approves it
    context, window = _login_staff(browser, live_server, "shichuangkou")
    window.goto("/console/cases/")
    todo = window.locator("main").inner_text()
    assert certificate.number in todo and all(c.number not in todo for c in followers)
    window.get_by_role("link", name=certificate.number).click()
    window.get_by_role("button", name="受理", exact=True).click()
    window.get_by_text("已受理。").wait_for()
    context.close()
    context, clerk = _login_staff(browser, live_server, "shiweijian")
    clerk.goto(f"/console/cases/{certificate.number}/")
    clerk.get_by_label("同意").check()
    clerk.get_by_label("意见说明").fill("出生信息与医院记录一致")
    clerk.get_by_role("button", name="提交审查意见").click()
    clerk.get_by_text("审查意见已提交。").wait_for()
    clerk.get_by_label("准予许可").check()
    clerk.get_by_label("决定书内容（必填）").fill("准予签发出生医学证明。")
    clerk.get_by_role("button", name="提交决定").click()
    clerk.get_by_text("决定已作出。").wait_for()
    context.close()
    for follower in followers:  # the items waiting for the certificate start now, reusing it
        follower = Case.objects.get(pk=follower.pk)
        assert follower.status == CaseStatus.SUBMITTED, follower.item.code
        assert follower.materials.filter(material_name="出生医学证明", source="reused").exists()

    # 4. the other children, through the services the console calls (the same pages, 6 more times)
    handlers = {department_code(serial): User.objects.get(username=u) for u, _n, _p, serial in CITY_HANDLERS}
    for child in selectors.children_of(case=parent):
        if child.status not in FINAL_STATUSES:
            _handle_with_services(child, city_window, handlers)
    parent = Case.objects.get(pk=parent.pk)
    assert parent.status == CaseStatus.APPROVED

    # 5. the citizen sees the bundle completed with each item's result
    phone.goto(f"/my/cases/{number}/")
    assert phone.locator("#case-status").inner_text() == "准予许可（已办结）"
    text = phone.locator("main").inner_text()
    for child in selectors.children_of(case=parent):
        assert f"{child.title}：准予许可（已办结）" in text

    # 6. anyone with the number and query code sees the combined progress, without logging in
    other = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", base_url=live_server.url)
    stranger = other.new_page()
    stranger.goto("/progress/")
    stranger.get_by_label("办件编号").fill(number)
    stranger.get_by_label("查询码").fill(code)
    stranger.get_by_role("button", name="查询").click()
    result = stranger.locator("#progress-result").inner_text()
    assert "一件事办结" in result and "张三" not in result
    for child in selectors.children_of(case=parent):
        assert f"{child.title} · {child.department.name} · 准予许可（已办结）" in result
    other.close()
