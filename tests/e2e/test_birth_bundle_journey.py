"""The birth bundle journey in Chromium, as the people in it meet it: a parent applies for
新生儿出生一件事 on a phone with a photo and bank details; the city window accepts each item; the
clerks of 市卫健委, 市公安局, 市医保局 and 市人社局 each open their own item and see their share of the
form, every material they need and the bundle it belongs to, and complete it; the parent sees the
bundle concluded with one combined result, having heard from the bundle once per stage."""

from __future__ import annotations

import os
import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.cases_ui.conftest import pdf_bytes, png_bytes
from tests.conftest import _Quiet
from tests.e2e.conftest import console_page
from tongban.accounts.models import User
from tongban.cases import selectors
from tongban.cases.decision_documents import outcome_word
from tongban.cases.models import Case, CaseStatus
from tongban.demo.orgs import department_code
from tongban.demo.people import CITIZENS, CITY_HANDLERS, DEMO_PASSWORD
from tongban.notices.models import Message

pytestmark = pytest.mark.django_db(transaction=True)

BUNDLE = "bundle-birth"
CERTIFICATE = "WJ-001"  # 出生医学证明签发: the items needing the certificate wait for it
STEPS = Path(os.environ.get("TONGBAN_E2E_SCREENSHOTS", Path(__file__).parent / "screenshots")) / "birth-bundle"
# the README-style picture of a bundle item as its department sees it (TONGBAN_SCREENSHOT_DIR=docs/screenshots)
DOCS = Path(os.environ.get("TONGBAN_SCREENSHOT_DIR", Path(tempfile.gettempdir()) / "tongban-screenshots"))
HANDLER_OF = {department_code(serial): username for username, _n, _p, serial in CITY_HANDLERS}


@pytest.fixture
def catalogue(demo):
    from tongban.demo import catalog, workflow

    catalog.load(stdout=_Quiet())
    workflow.load(stdout=_Quiet())
    STEPS.mkdir(parents=True, exist_ok=True)
    DOCS.mkdir(parents=True, exist_ok=True)
    return demo


def _shot(page, name: str) -> None:
    page.screenshot(path=str(STEPS / f"{name}.png"), full_page=True)


class Staff:
    """Each member of staff logs in once (a TOTP code is good for one log-in) and keeps the page."""

    def __init__(self, browser, live_server) -> None:
        self.browser, self.live_server, self.open = browser, live_server, {}

    def page(self, username: str):
        if username not in self.open:
            self.open[username] = console_page(self.browser, self.live_server, username)
        return self.open[username][1]

    def close(self) -> None:
        for context, _page in self.open.values():
            context.close()


def _accept_all(window, cases: list[Case]) -> None:
    """The city comprehensive window (收办分离) accepts each item for its department."""
    for case in cases:
        window.goto(f"/console/cases/{case.number}/")
        window.get_by_role("button", name="受理", exact=True).click()
        window.get_by_text("已受理。").wait_for()


def _section(page, heading_id: str) -> str:
    return page.locator(f"section:has(#{heading_id})").inner_text()


def _complete(clerk, case: Case) -> None:
    """The department's clerk reviews and decides its item on the case page."""
    clerk.goto(f"/console/cases/{case.number}/")
    clerk.get_by_label("同意").check()
    clerk.get_by_label("意见说明").fill("信息与材料一致")
    clerk.get_by_role("button", name="提交审查意见").click()
    clerk.get_by_text("审查意见已提交。").wait_for()
    clerk.locator("input[type=radio][name$=approve][value=yes]").first.check()  # the grant, in the item's own words
    clerk.get_by_label("决定书内容（必填）").fill("准予办理。")
    clerk.get_by_role("button", name="提交决定").click()
    clerk.get_by_text("决定已作出。").wait_for()


def _department_sees_its_share(clerk, parent: Case, child: Case) -> None:
    """Its share of the form, every material it needs and the bundle it belongs to."""
    clerk.goto(f"/console/cases/{child.number}/")
    assert clerk.locator("h1").inner_text().startswith(child.title)
    facts = clerk.locator("#parent-bundle").inner_text()
    assert parent.number in facts and "新生儿出生一件事" in facts
    request = _section(clerk, "request-heading")
    properties = selectors.form_schema_of_case(child)["properties"]
    assert child.answers, child.item.code  # its share of the merged form, never "申请表 无"
    for name in child.answers:
        assert properties[name]["title"] in request, (child.item.code, name)
    materials = _section(clerk, "materials-heading")
    for material in child.item.materials.all():
        assert material.name in materials, (child.item.code, material.name)
    progress = _section(clerk, "children-heading")
    assert "（本办件）" in progress and re.search(r"已办结 \d / 7 项", progress)


def test_birth_bundle_fans_out_to_four_departments_and_concludes_once(catalogue, phone, browser, live_server, tmp_path):
    photo = tmp_path / "宝宝照片.png"
    photo.write_bytes(png_bytes())
    bank = tmp_path / "银行卡信息.pdf"
    bank.write_bytes(pdf_bytes())
    zhang = User.objects.get(username="zhangsan")

    # 1. the parent applies once on the phone: a wrong ID number is refused next to its field
    phone.goto("/login/")
    phone.get_by_label("账号", exact=True).fill("zhangsan")
    phone.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url("**/account/")
    phone.goto(f"/bundles/{BUNDLE}/apply/")
    phone.get_by_label("新生儿姓名（必填）").fill("张小宝")
    phone.get_by_label("出生日期（必填）").fill((timezone.localdate() - timedelta(days=3)).isoformat())
    phone.get_by_label("申报人身份证号（必填）").fill("123456")
    phone.get_by_label("联系手机").fill("13800000001")
    phone.get_by_label("选择文件上传：近期免冠彩色照片").set_input_files(str(photo))
    phone.get_by_text("已上传：宝宝照片.png").wait_for()
    phone.get_by_label("选择文件上传：本人银行账户信息").set_input_files(str(bank))
    phone.get_by_text("已上传：银行卡信息.pdf").wait_for()
    _shot(phone, "01-apply-phone")
    phone.get_by_role("button", name="第三步：提交申请").click()
    error = phone.locator(".field.has-error").filter(has_text="申报人身份证号")
    assert "“申报人身份证号”：身份证号码应为 18 位" in error.inner_text()
    _shot(phone, "02-id-number-refused")
    assert not Case.objects.exists()
    phone.get_by_label("申报人身份证号（必填）").fill(CITIZENS[0][3])
    phone.get_by_role("button", name="第三步：提交申请").click()  # the uploads were kept
    phone.locator("#case-number").wait_for()
    number = phone.locator("#case-number").inner_text().strip()
    _shot(phone, "03-submitted")

    parent = Case.objects.get(number=number)
    assert re.fullmatch(rf"YJS-BIRTH{timezone.localdate():%Y%m%d}\d{{6}}", number)
    children = selectors.children_of(case=parent)
    assert len(children) == 7 and len({c.department_id for c in children}) == 4
    assert all(c.department.code in HANDLER_OF for c in children)
    first = [c for c in children if c.status == CaseStatus.SUBMITTED]
    waiting = [c for c in children if c.status == CaseStatus.WAITING]
    assert CERTIFICATE in {c.item.code for c in first} and waiting

    # 2. the window accepts what can start; 市卫健委 completes the birth certificate first
    staff = Staff(browser, live_server)
    _accept_all(staff.page("shichuangkou"), first)
    health = staff.page(HANDLER_OF[department_code(4)])
    for child in sorted(first, key=lambda c: c.item.code != CERTIFICATE):
        if child.department.code == department_code(4):
            _department_sees_its_share(health, parent, child)
            _complete(health, child)
    _accept_all(staff.page("shichuangkou"), [Case.objects.get(pk=c.pk) for c in waiting])

    # 3. each department opens its own items, sees its share and the bundle, and completes them
    for department, username in HANDLER_OF.items():
        mine = [c for c in selectors.children_of(case=parent) if c.department.code == department]
        mine = [c for c in mine if c.status not in (CaseStatus.APPROVED,)]
        if not mine:
            continue
        clerk = staff.page(username)
        for child in mine:
            _department_sees_its_share(clerk, parent, child)
            if child.item.code == "RS-001":  # 市人社局: the social-security card for the baby
                request = _section(clerk, "request-heading")
                assert "新生儿姓名\n张小宝" in request and "申报人身份证号" in request
                assert CITIZENS[0][3] not in request  # masked
                materials = _section(clerk, "materials-heading")
                assert "近期免冠彩色照片" in materials and "宝宝照片.png" in materials
                clerk.screenshot(path=str(DOCS / "bundle-child-console.png"), full_page=True)
                _shot(clerk, "04-social-security-child-console")
            if child.item.code == "YB-003":  # 市医保局: the maternity allowance gets the bank details
                assert "银行卡信息.pdf" in _section(clerk, "materials-heading")
            _complete(clerk, child)
    staff.close()

    parent = Case.objects.get(pk=parent.pk)
    assert parent.status == CaseStatus.APPROVED
    assert all(c.due_on is None or c.due_on <= parent.due_on for c in selectors.children_of(case=parent))

    # 4. the parent sees one combined result, and heard from the bundle once per stage
    phone.goto(f"/my/cases/{number}/")
    assert phone.locator("#case-status").inner_text() == "准予办理（已办结）"
    result = _section(phone, "decision-heading")
    assert "一件事办结：各事项均已准予办理" in result
    for child in selectors.children_of(case=parent):
        assert f"{child.title}：{outcome_word(child)}" in result  # each item in its own words
    _shot(phone, "05-bundle-concluded-phone")
    titles = [m.title for m in Message.objects.filter(recipient=zhang).order_by("pk")]
    assert titles == [
        "新生儿出生一件事：已收到您的一件事申请",
        "新生儿出生一件事：各事项均已受理",
        "新生儿出生一件事：一件事办结",
    ]
