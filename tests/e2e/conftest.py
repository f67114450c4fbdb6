"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures here
# are ordinary synchronous test code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, live_server):
    """A 360 px wide phone in Simplified Chinese."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


def serious_violations(page, *, elder: bool = False) -> list[str]:
    """axe-core violations of impact serious or critical, with WCAG 2.1 AA rules."""
    from axe_playwright_python.sync_playwright import Axe

    options = {
        "resultTypes": ["violations"],
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    }
    results = Axe().run(page, options=options)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.append(f"{violation['id']}: {violation['help']} {targets}")
    return found


def small_targets(page, minimum: int) -> list[str]:
    """Main controls (buttons, form fields, tiles) smaller than minimum × minimum CSS px."""
    return page.evaluate(
        """(minimum) => Array.from(document.querySelectorAll('main button, main .button, main input:not([type=hidden]), main select, main .tile, .tools button, .tools select'))
            .filter(el => el.offsetParent !== null)
            .map(el => [el, el.getBoundingClientRect()])
            .filter(([el, r]) => r.width < minimum || r.height < minimum)
            .map(([el, r]) => `${el.tagName} ${el.textContent.trim().slice(0, 20)} ${Math.round(r.width)}x${Math.round(r.height)}`)""",
        minimum,
    )


def open_settings(page) -> None:
    """Open the header's 设置 menu (language, elder mode, read-aloud), a <details>."""
    menu = page.locator("header details.settings")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()


# --- screenshots: one convention for every browser test ------------------------------------------

#: Step screenshots go here unless TONGBAN_E2E_SCREENSHOTS names another folder (CI shows it).
SCREENSHOTS = Path(__file__).parent / "screenshots"


def screenshots_dir() -> Path:
    return Path(os.environ.get("TONGBAN_E2E_SCREENSHOTS") or SCREENSHOTS)


def save_step(page, journey: str, step: str) -> Path:
    """Keep what the person sees at one step of a journey, the whole page: `<dir>/<journey>/<step>.png`."""
    folder = screenshots_dir() / journey
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{step}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def save_for_docs(page, name: str) -> Path | None:
    """A picture for the README, written only when TONGBAN_SCREENSHOT_DIR is set
    (`TONGBAN_SCREENSHOT_DIR=docs/screenshots` refreshes the committed ones)."""
    folder = os.environ.get("TONGBAN_SCREENSHOT_DIR")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    path = Path(folder) / name
    page.screenshot(path=str(path), full_page=True)
    return path


# --- what a phone user meets ------------------------------------------------------------------------


def no_sideways_scroll(page) -> bool:
    """The page is no wider than the screen (nothing to scroll sideways to)."""
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def small_text(page, minimum: float = 20) -> list[str]:
    """Visible elements with text of their own set smaller than `minimum` px."""
    return page.evaluate(
        """(minimum) => Array.from(document.body.querySelectorAll('*'))
            .filter(el => el.offsetParent !== null || getComputedStyle(el).position === 'fixed')
            .filter(el => !el.closest('.visually-hidden'))
            .filter(el => Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()))
            .filter(el => parseFloat(getComputedStyle(el).fontSize) < minimum)
            .map(el => `${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 16)}" ${getComputedStyle(el).fontSize}`)""",
        minimum,
    )


def log_in_on_the_portal(page, username: str, password: str) -> None:
    """Fill the portal's log-in form (the page is already on it) and wait for where it leads."""
    page.get_by_label("账号", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


@pytest.fixture
def indexed_catalogue(demo, settings, tmp_path):
    """The demo people, catalogue and processes, with a search index of their own (in tmp_path)."""
    from tests.conftest import _Quiet
    from tongban.demo import catalog, workflow
    from tongban.search import services

    settings.DATA_DIR = tmp_path
    services._engine = None
    services.synonym_cache.invalidate()
    catalog.load(stdout=_Quiet())
    workflow.load(stdout=_Quiet())
    services.rebuild_index()
    yield demo
    services._engine = None
    services.synonym_cache.invalidate()


def log_in_to_the_console(page, username: str) -> None:
    """Staff log-in on an open page: password, then the device's current TOTP code."""
    from tests.conftest import current_totp
    from tongban.accounts.models import User
    from tongban.demo.people import DEMO_PASSWORD

    page.goto("/console/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_otp").fill(current_totp(User.objects.get(username=username)))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/console/")


def console_page(browser, live_server, username: str):
    """A desktop browser context logged in to the console as `username`: (context, page)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    log_in_to_the_console(page, username)
    return context, page
