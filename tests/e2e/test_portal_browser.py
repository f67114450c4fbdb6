import re

import pytest

from tests.conftest import current_totp
from tests.e2e.conftest import open_settings, serious_violations, small_targets
from tongban.accounts.models import User
from tongban.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _login_citizen(page, username="zhangsan"):
    page.goto("/login/")
    page.get_by_label("账号", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/account/")


def test_citizen_logs_in_on_a_phone_and_sees_masked_data(demo, phone):
    _login_citizen(phone)
    text = phone.locator("main").inner_text()
    assert "*三" in text and "138****0001" in text
    assert re.search(r"440\*{11}\d{3}[\dX]", text)
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 360, "no sideways scrolling at 360 px"


def test_company_representative_acts_for_the_company(demo, phone):
    _login_citizen(phone, "lisi")
    phone.get_by_role("button", name="以此企业身份办理").click()
    assert "甜心奶茶店" in phone.locator(".messages").inner_text()


def test_elder_mode_is_large_remembered_and_fewer_choices(demo, phone):
    phone.goto("/")
    assert phone.locator("#mine-heading").is_visible()
    phone.get_by_role("button", name="长辈版（大字）").click()
    phone.wait_for_selector("body.elder")
    phone.goto("/login/")  # remembered across pages
    sizes = phone.evaluate(
        """() => { const b = getComputedStyle(document.body), h = getComputedStyle(document.querySelector('h1'));
                   return [parseFloat(b.fontSize), parseFloat(b.lineHeight), parseFloat(h.fontSize)]; }"""
    )
    body_px, line_px, h1_px = sizes
    assert body_px >= 20 and line_px >= 1.3 * body_px and h1_px >= 30
    assert small_targets(phone, 60) == []
    phone.goto("/")
    assert not phone.locator("#mine-heading").is_visible(), "elder home shows fewer choices"
    assert phone.locator(".help-line a.button").is_visible(), "one tap to call the help line"
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 360


def test_standard_mode_targets_are_at_least_44px(demo, phone):
    for url in ("/", "/login/", "/login/?mode=sms"):
        phone.goto(url)
        assert small_targets(phone, 44) == [], url


def test_language_switch_to_english_and_traditional(demo, phone):
    phone.goto("/")
    open_settings(phone)
    phone.get_by_role("button", name="English").click()
    phone.wait_for_selector("html[lang=en]")
    assert "Log in" in phone.locator("header").inner_text()
    open_settings(phone)
    phone.get_by_role("button", name="繁體中文").click()
    phone.wait_for_selector("html[lang=zh-HK]")
    assert "登錄" in phone.locator("header").inner_text()


def test_read_aloud_button_uses_speech_synthesis(demo, phone):
    phone.goto("/")
    phone.evaluate(
        """() => { window.__spoken = null;
                   if (!('speechSynthesis' in window)) { return; }
                   window.speechSynthesis.speak = (u) => { window.__spoken = u.text; }; }"""
    )
    open_settings(phone)
    phone.get_by_role("button", name="朗读本页").click()
    spoken = phone.evaluate("window.__spoken")
    supported = phone.evaluate("'speechSynthesis' in window")
    if supported:
        assert spoken and "一网通办" in spoken
    else:
        assert phone.locator("#read-aloud-status").inner_text()


def test_sms_login_in_the_browser(demo, phone, live_server, sms_handset):
    phone.goto("/login/?mode=sms")
    phone.get_by_label("手机号码").fill("13800000001")
    phone.get_by_role("button", name="获取验证码").click()
    phone.wait_for_selector("text=验证码已发送")
    code = sms_handset.last_code("13800000001")
    phone.get_by_label("短信验证码", exact=True).fill(code)
    phone.get_by_role("button", name="登录", exact=True).click()
    phone.wait_for_url("**/account/")


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_portal_pages_have_no_serious_accessibility_violations(demo, phone, elder):
    if elder:
        phone.goto("/")
        phone.get_by_role("button", name="长辈版（大字）").click()
        phone.wait_for_selector("body.elder")
    pages = ["/", "/login/", "/login/?mode=sms"]
    for url in pages:
        phone.goto(url)
        assert serious_violations(phone) == [], url
    _login_citizen(phone)
    for url in ["/account/", "/account/data-uses/", "/messages/"]:
        phone.goto(url)
        assert serious_violations(phone) == [], url


def test_staff_console_login_with_totp_and_accessibility(demo, desktop):
    desktop.goto("/console/login/")
    assert serious_violations(desktop) == []
    desktop.get_by_label("用户名", exact=True).fill("banli")
    desktop.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    desktop.get_by_label("动态验证码", exact=True).fill(current_totp(User.objects.get(username="banli")))
    desktop.get_by_role("button", name="登录").click()
    desktop.wait_for_url("**/console/")
    assert "业务办理员" in desktop.locator("main").inner_text()
    assert serious_violations(desktop) == []


def _tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the focus is on `selector` (as a keyboard user moves through the page)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def test_language_and_elder_mode_by_keyboard_only(demo, desktop):
    """The 设置 menu opens with Enter; a language and the elder-mode switch are buttons in it."""
    desktop.goto("/")
    _tab_to(desktop, "header details.settings summary")
    desktop.keyboard.press("Enter")
    _tab_to(desktop, "header details.settings button[value=en]")
    with desktop.expect_navigation():
        desktop.keyboard.press("Enter")
    desktop.wait_for_selector("html[lang=en]")
    assert "Log in" in desktop.locator("header").inner_text()

    _tab_to(desktop, "header details.settings summary")
    desktop.keyboard.press("Enter")
    _tab_to(desktop, "header details.settings button[value=zh-hant]")
    with desktop.expect_navigation():
        desktop.keyboard.press("Enter")
    desktop.wait_for_selector("html[lang=zh-HK]")

    _tab_to(desktop, "header details.settings summary")
    desktop.keyboard.press("Enter")
    _tab_to(desktop, "#elder-toggle")
    with desktop.expect_navigation():
        desktop.keyboard.press("Enter")
    desktop.wait_for_selector("body.elder")
    assert desktop.get_attribute("#elder-toggle", "aria-pressed") == "true"
    _tab_to(desktop, "header details.settings summary")
    desktop.keyboard.press("Enter")
    _tab_to(desktop, "#elder-toggle")
    with desktop.expect_navigation():
        desktop.keyboard.press("Enter")
    desktop.wait_for_selector("body:not(.elder)")
    assert desktop.get_attribute("html", "lang") == "zh-HK", "the language choice is remembered"
