"""The pages in a real browser: Debian's headless Chromium driven by Playwright.

The app runs with uvicorn on a localhost port against a temporary SQLite database holding
the demo book. A CSP violation, a missing file or a script error shows as a console error,
so every test also asserts there was none.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.live_server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    demo_engine,
    live_server,
    session_cookie,
)

pytestmark = pytest.mark.browser
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The demo database, served; yields (engine, base URL)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests"
        if IN_CI:
            pytest.fail(message + " (CI=true: nothing may be skipped)")
        pytest.skip(message)
    engine = demo_engine(tmp_path_factory.mktemp("browser") / "folio.db")
    with live_server(engine) as url:
        yield engine, url
    engine.dispose()


@pytest.fixture(scope="module")
def base_url(demo: Any) -> str:
    return str(demo[1])


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser: Any, demo: Any) -> Iterator[tuple[Any, list[str]]]:
    """A fresh page, signed in, in English and the light theme, and the console errors it
    logs."""
    engine, base_url = demo
    errors: list[str] = []
    context = browser.new_context(base_url=base_url, locale="en-US", color_scheme="light",
                                  viewport={"width": 1280, "height": 800})
    context.add_cookies([session_cookie(engine, base_url)])
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page, errors
    context.close()


def test_it_drills_down_from_the_balance_sheet_to_an_entry(
        browser_page: tuple[Any, list[str]]) -> None:
    page, errors = browser_page
    page.goto("/books/demo/reports/balance-sheet")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Balance sheet"
    assert page.get_by_text("Current year earnings").is_visible()
    assert page.locator(".check-ok").is_visible()

    page.get_by_role("link", name=re.compile(r"1111\s+Bank")).click()
    page.wait_for_url(re.compile(r"/reports/general-ledger\?account=1111"))
    assert "Bank" in page.locator("h1").inner_text()
    assert page.get_by_text("Opening balance").is_visible()

    row = page.locator("tr.drill", has_text="Office rent").first
    number = row.locator("td.code").inner_text().strip()
    row.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/books/demo/entries/\d+$"))
    assert page.locator("h1").inner_text().startswith(f"Entry {number}")
    lines = page.locator("table.lines-table tbody tr")
    assert lines.count() == 2
    assert "6201" in lines.nth(0).inner_text()
    assert "15.000.000" in lines.nth(0).inner_text()
    assert "1111" in lines.nth(1).inner_text()
    assert page.locator("tfoot").inner_text().count("15.000.000") == 2
    assert errors == [], errors


def test_the_line_editor_adds_lines_and_checks_the_balance_live(
        browser_page: tuple[Any, list[str]]) -> None:
    page, errors = browser_page
    page.goto("/books/demo/entries/new")
    page.wait_for_load_state("networkidle")
    page.get_by_label("Description").fill("Coffee beans for the studio")
    page.get_by_role("button", name="Add line").click()
    rows = page.locator("#lines tr")
    rows.nth(2).wait_for()
    assert rows.count() == 3
    page.locator("#line-0-account").select_option("6204")
    page.locator("#line-0-debit").fill("250.000")
    page.locator("#line-1-account").select_option("1101")
    page.locator("#line-1-credit").fill("200000")
    difference = page.locator("#entry-totals .totals-difference dd")
    expect(difference).to_have_text("50.000")
    page.locator("#line-2-account").select_option("1111")
    page.locator("#line-2-credit").fill("50000")
    expect(difference).to_have_text("Balanced")
    page.locator("#lines tr").nth(2).get_by_role("button").click()
    expect(page.locator("#lines tr")).to_have_count(2)
    expect(difference).to_have_text("50.000")
    assert errors == [], errors


def test_the_theme_and_language_switches_work(browser_page: tuple[Any, list[str]]) -> None:
    page, errors = browser_page
    page.goto("/books/demo")
    page.wait_for_load_state("networkidle")
    assert page.locator("canvas#trend-chart").is_visible()
    page.get_by_role("button", name="Light or dark theme").click()
    assert page.locator("html").get_attribute("data-theme") == "dark"
    page.get_by_role("button", name="Bahasa Indonesia").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="Neraca Saldo").is_visible()
    assert page.locator("html").get_attribute("data-theme") == "dark"
    assert errors == [], errors


def test_the_navigation_folds_away_on_a_phone(browser_page: tuple[Any, list[str]]) -> None:
    page, errors = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/books/demo/journal")
    page.wait_for_load_state("networkidle")
    journal_link = page.locator("#sidebar").get_by_role("link", name="Chart of accounts")
    assert not journal_link.is_visible() or not _in_viewport(journal_link)
    page.get_by_role("button", name="Menu").click()
    journal_link.click()
    page.wait_for_url(re.compile(r"/books/demo/accounts$"))
    assert errors == [], errors


def _in_viewport(locator: Any) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] + box["width"] > 0



def test_sign_in_with_a_second_factor_then_sign_out(browser: Any, demo: Any) -> None:
    """Signs in, gets the second factor wrong, signs in again with the right code, and
    signs out: the full browser round trip, cookies and CSRF included."""
    import pyotp

    from folio.auth import mfa
    from folio.auth.actor import SYSTEM
    from folio.auth.twofactor import enable
    from folio.db import transaction
    from tests.conftest import PASSWORD, ensure_member

    engine, base_url = demo
    secret = mfa.new_secret()
    with transaction(engine, actor=SYSTEM) as session:
        from folio.books.service import get_book

        user = ensure_member(session, get_book(session, "demo"), "second@example.test",
                             "viewer")
        enable(session, user, secret, pyotp.TOTP(secret).now())
    context = browser.new_context(base_url=base_url, locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    wrong_code = "Failed to load resource: the server responded with a status of 401"

    def password_step() -> None:
        page.goto("/books/demo")
        expect(page).to_have_url(re.compile(r"/login\?next=/books/demo$"))
        page.get_by_label("Email").fill("second@example.test")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(re.compile(r"/login/2fa"))

    password_step()
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("wrong")
    page.goto("/books/demo")  # the half-signed-in cookie admits to nothing
    expect(page).to_have_url(re.compile(r"/login"))

    password_step()
    # A fresh code of the next step: the one used at enrolment may not be replayed.
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/books/demo$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/books/demo")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    # The wrong code is answered 401 on purpose; Chromium logs that, and nothing else.
    assert [e for e in errors if not e.startswith(wrong_code)] == []
    context.close()
