"""The portal on a 360 × 740 phone and in each language, as a citizen meets it (issue 8, items 8, 12, 13).

- Search results start on the first screen (filters folded behind 筛选); the header is one line of
  navigation under the brand and one compact 设置 menu (language, elder mode, read-aloud).
- 我的办件 and 办件进度查询 are one tap from the home page and the navigation, logged in or not.
- No text fails axe's colour-contrast rule on home, search, item, progress and my-cases pages, in
  standard and elder mode; in elder mode every text is ≥ 20 px and an item's 在线办理 is on the first
  screen.
- 繁體 pages show the catalogue in Traditional characters; English pages show statuses, history and
  dates in English.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.utils import translation

from tests.e2e.conftest import log_in_on_the_portal, no_sideways_scroll, open_settings, save_step, small_text
from tests.factories import CaseFactory, ServiceItemFactory
from tongban.accounts.models import User
from tongban.demo.orgs import department_code
from tongban.demo.people import DEMO_PASSWORD
from tongban.orgs.models import Department

pytestmark = pytest.mark.django_db(transaction=True)

JOURNEY = "phone-and-languages"
FIRST_SCREEN = 740
ENGLISH_DATE = re.compile(
    r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b"
)


@pytest.fixture
def portal(indexed_catalogue):
    """The demo people and catalogue, indexed for search, and one accepted case of zhangsan's (with
    the messages it sent him, unread)."""
    with translation.override("zh-hans"):  # the services write the history in the source language
        item = ServiceItemFactory(
            name="食品经营许可（测试）", department=Department.objects.get(code=department_code(16))
        )
        return CaseFactory(accepted=True, item=item, applicant=User.objects.get(username="zhangsan"))


def first_screen_for_docs(page, name: str) -> None:
    """The phone's first screen as a picture for the docs, written only when TONGBAN_SCREENSHOT_DIR is
    set (`TONGBAN_SCREENSHOT_DIR=docs/screenshots` refreshes the committed one)."""
    folder = os.environ.get("TONGBAN_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name))


def _login(page) -> None:
    page.goto("/login/")
    log_in_on_the_portal(page, "zhangsan", DEMO_PASSWORD)


def _elder(page) -> None:
    """长辈版 remembered (the switch itself is tried in the elder-mode test)."""
    page.context.add_cookies([{"name": "tongban_elder", "value": "1", "url": page.url}])


def _box(page, selector: str) -> dict[str, float]:
    return page.locator(selector).first.evaluate(
        "el => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, height: r.height}; }"
    )


def _one_line(page, selector: str) -> bool:
    tops = page.locator(selector).evaluate_all("els => els.map(el => Math.round(el.getBoundingClientRect().top))")
    return len(set(tops)) == 1


def contrast_failures(page) -> list[str]:
    """axe-core's color-contrast rule, every impact: text below 4.5 : 1 (3 : 1 when large)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "rule", "values": ["color-contrast"]}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [
        f"{node['target']} {node['any'][0]['message'] if node.get('any') else ''}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


def _progress_result(page, case) -> None:
    page.goto("/progress/")
    page.locator("#id_number").fill(case.number)
    page.locator("#id_query_code").fill(case.query_code_plain)
    page.locator("form.card button[type=submit]").click()
    page.wait_for_selector("#progress-result")


# --- the phone's first screen ------------------------------------------------------------------------


def test_search_results_start_on_the_first_screen_of_a_phone(portal, phone):
    phone.goto("/search/?q=身份证")
    first = _box(phone, "ol.results > li")
    assert first["bottom"] <= FIRST_SCREEN, f"the first result ends at y = {first['bottom']}"
    assert _box(phone, "header.site")["height"] <= 100, "the header is one line of navigation"
    assert _one_line(phone, "header.site nav li")
    assert not phone.locator("#id_department").is_visible(), "filters folded behind 筛选"
    save_step(phone, JOURNEY, "search-results")
    first_screen_for_docs(phone, "phone-search.png")
    phone.get_by_text("筛选", exact=True).click()
    assert phone.locator("#id_department").is_visible()
    assert no_sideways_scroll(phone)


def test_my_cases_and_progress_are_one_tap_away_logged_in_or_not(portal, phone):
    phone.goto("/")
    first_screen_for_docs(phone, "portal-home.png")
    for name, url in (("我的办件", r"/login/\?next=/my/cases/$"), ("办件进度查询", r"/progress/$")):
        phone.locator("main").get_by_role("link", name=name).first.click()
        phone.wait_for_url(re.compile(url))
        phone.goto("/")
    nav = phone.get_by_role("navigation", name="主导航")
    nav.get_by_role("link", name="进度查询").click()
    phone.wait_for_url("**/progress/")
    _login(phone)
    nav.get_by_role("link", name="我的办件").click()
    phone.wait_for_url("**/my/cases/")
    assert portal.number in phone.locator("main").inner_text()
    phone.goto("/account/")
    main = phone.locator("main")
    assert main.get_by_role("link", name="我的办件").is_visible()
    assert main.get_by_role("link", name="办件进度查询").is_visible()
    assert _one_line(phone, "header.site nav li"), "logged in, the navigation still fits one line"


def test_one_compact_menu_holds_language_elder_mode_and_read_aloud(portal, phone):
    phone.goto("/")
    menu = phone.locator("header details.settings")
    assert not menu.get_by_role("button", name="朗读本页").is_visible()
    open_settings(phone)
    assert menu.get_by_role("button", name="朗读本页").is_visible()
    assert menu.get_by_role("button", name="长辈版（大字）").is_visible()
    assert contrast_failures(phone) == [], "the open menu"
    menu.get_by_role("button", name="English").click()
    phone.wait_for_selector("html[lang=en]")
    open_settings(phone)
    phone.locator("header details.settings").get_by_role("button", name="Large text (elder mode)").click()
    phone.wait_for_selector("body.elder")
    assert phone.get_attribute("html", "lang") == "en", "the language is remembered"


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_every_text_has_enough_contrast(portal, phone, elder):
    phone.goto("/")
    if elder:
        _elder(phone)
    _login(phone)
    assert phone.locator("header nav .count").is_visible(), "the unread count is shown"
    pages = {
        "home": "/",
        "search": "/search/?q=身份证",
        "item": "/services/GA-001/",
        "my cases": "/my/cases/",
        "messages": "/messages/",
    }
    for name, url in pages.items():
        phone.goto(url)
        assert contrast_failures(phone) == [], name
    _progress_result(phone, portal)
    assert contrast_failures(phone) == [], "progress"
    if elder:
        save_step(phone, JOURNEY, "progress-elder")


def test_elder_mode_text_is_large_and_the_main_action_is_on_the_first_screen(portal, phone):
    phone.goto("/")
    phone.get_by_role("button", name="长辈版（大字）").click()
    phone.wait_for_selector("body.elder")
    first_screen_for_docs(phone, "portal-home-elder.png")
    phone.goto("/services/GA-001/")
    apply = _box(phone, "a.button.apply")
    assert apply["bottom"] <= FIRST_SCREEN, f"在线办理 ends at y = {apply['bottom']}"
    save_step(phone, JOURNEY, "item-elder")
    for url in ("/", "/search/?q=身份证", "/services/GA-001/", "/progress/"):
        phone.goto(url)
        assert small_text(phone) == [], url
    _login(phone)
    for url in ("/my/cases/", "/messages/", "/account/"):
        phone.goto(url)
        assert small_text(phone) == [], url
    _progress_result(phone, portal)
    assert small_text(phone) == [], "progress result"
    assert _box(phone, "header.site")["height"] <= 140


# --- languages ---------------------------------------------------------------------------------------


def test_traditional_item_page_shows_the_item_in_traditional_characters(portal, phone):
    phone.goto("/")
    phone.context.add_cookies([{"name": "tongban_lang", "value": "zh-hant", "url": phone.url}])
    phone.goto("/services/GA-004/")
    assert phone.locator("h1").inner_text().startswith("居民身份證補領")
    assert "居民身份證補領" in phone.title()
    text = phone.locator("main").inner_text()
    assert "身份证" not in text, "no simplified content left on the page"
    save_step(phone, JOURNEY, "item-zh-hant")
    phone.goto("/login/")
    assert "用戶名或手機號碼" in phone.locator("main").inner_text(), "no mixed-script interface strings"


def test_english_case_pages_show_status_history_and_dates_in_english(portal, phone):
    _login(phone)
    open_settings(phone)
    phone.get_by_role("button", name="English").click()
    phone.wait_for_selector("html[lang=en]")
    phone.goto("/my/cases/")
    card = phone.locator(".case-card").first.inner_text()
    assert "Accepted" in card and ENGLISH_DATE.search(card), card
    assert "年" not in card and "已受理" not in card
    _progress_result(phone, portal)
    result = phone.locator("#progress-result").inner_text()
    assert "Application submitted" in result and "Accepted" in result, result
    assert ENGLISH_DATE.search(result) and "年" not in result
    save_step(phone, JOURNEY, "progress-en")
