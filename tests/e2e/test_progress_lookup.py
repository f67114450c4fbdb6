"""Journey: anonymous progress lookup — someone holding a case number and its query code (a
neighbour helping out, say) opens 办件进度查询 from the home page of a phone, logged out, types the
number as people do — lower case, without the hyphen, with full-width digits — and sees the status
and the history, the applicant's name masked; a wrong code is answered in words. The owner, logged
in, needs no code: 我的办件 is one tap away.

The case is made through the services (submitted and accepted): applying is another journey's subject."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.e2e.conftest import log_in_on_the_portal, no_sideways_scroll, save_step, serious_violations
from tests.factories import CaseFactory, CitizenFactory, ServiceItemFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

JOURNEY = "progress-lookup"
OWNER = "陈小明"
ITEM_NAME = "个体工商户设立登记（测试）"
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


@pytest.fixture
def accepted_case(db):
    with translation.override("zh-hans"):  # the services write the history in the source language
        owner = CitizenFactory(verified=True, name=OWNER)
        return CaseFactory(accepted=True, item=ServiceItemFactory(name=ITEM_NAME), applicant=owner)


def _check(page, step: str) -> None:
    assert serious_violations(page) == [], step
    assert no_sideways_scroll(page), step
    save_step(page, JOURNEY, step)


def _look_up(page, number: str, code: str) -> None:
    page.get_by_label("办件编号").fill(number)
    page.get_by_label("查询码").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()


def test_anonymous_progress_lookup(accepted_case, phone, browser, live_server):
    case, code = accepted_case, accepted_case.query_code_plain
    main = phone.locator("main")

    # 1. logged out, one tap from the home page
    phone.goto("/")
    main.get_by_role("link", name="办件进度查询").click()
    phone.wait_for_url("**/progress/")
    assert phone.get_by_role("heading", level=1).inner_text() == "办件进度查询"
    assert "不用登录" in main.inner_text()
    _check(phone, "01-form")

    # 2. the number typed in lower case without its hyphen: status, department and history, the name masked
    _look_up(phone, case.number.lower().replace("-", ""), code.lower())
    result = phone.locator("#progress-result")
    text = result.inner_text()
    assert ITEM_NAME in text and case.number in text
    assert "已受理" in text and case.department.name in text
    timeline = result.locator("ol.timeline").inner_text()
    assert "申报" in timeline and "受理" in timeline
    assert "*小明" in text and OWNER not in phone.content(), "the applicant masked"
    _check(phone, "02-found")

    # 3. the other ways people type it: full-width digits and dash, spaces
    for typed in (case.number.translate(FULL_WIDTH), " ".join(case.number.split("-")) + " "):
        _look_up(phone, typed, code)
        assert case.number in phone.locator("#progress-result").inner_text(), typed
    save_step(phone, JOURNEY, "03-found-full-width")

    # 4. a wrong code, answered in words, and nothing shown of the case
    wrong = "0000000000" if code != "0000000000" else "1111111111"
    _look_up(phone, case.number, wrong)
    assert "没有找到这个办件，或查询码不正确" in main.get_by_role("alert").inner_text()
    assert phone.locator("#progress-result").count() == 0
    assert ITEM_NAME not in main.inner_text()
    _check(phone, "04-wrong-code")

    # 5. the owner, on their own phone and logged in, needs no code: 我的办件 from the navigation
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", base_url=live_server.url)
    owner = context.new_page()
    owner.goto("/")
    nav = owner.get_by_role("navigation", name="主导航")
    nav.get_by_role("link", name="登录").click()
    log_in_on_the_portal(owner, case.applicant.username, PASSWORD)
    nav.get_by_role("link", name="我的办件").click()
    owner.wait_for_url("**/my/cases/")
    card = owner.locator("main .case-card", has_text=case.number)
    assert ITEM_NAME in card.inner_text() and "已受理" in card.inner_text()
    card.get_by_role("link", name="查看详情和办理过程").click()
    owner.wait_for_url(f"**/my/cases/{case.number}/")
    assert owner.locator("#case-status").inner_text() == "已受理"
    assert "受理" in owner.locator("main ol.timeline").inner_text()
    assert owner.get_by_label("查询码").count() == 0, "no code asked of the owner"
    _check(owner, "05-owner-without-code")
    context.close()
