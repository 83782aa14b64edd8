"""The System dashboard in a real browser: it refreshes itself, and "Run now" works."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from folio.settings import get_settings
from tests.web.live_server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    demo_engine,
    live_server,
    session_cookie,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def dashboard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, list[str]]]:
    """A signed-in administrator's browser page on a served demo database, and its console
    errors."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message + " (CI=true: nothing may be skipped)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    engine = demo_engine(tmp_path / "folio.db")
    errors: list[str] = []
    with live_server(engine) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base_url, locale="en-US",
                                      viewport={"width": 390, "height": 844})
        context.add_cookies([session_cookie(engine, base_url)])
        page = context.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page, errors
        context.close()
        browser.close()
    engine.dispose()
    get_settings.cache_clear()


def test_the_overview_refreshes_and_a_job_runs_from_the_jobs_page(
        dashboard: tuple[Any, list[str]]) -> None:
    page, errors = dashboard
    page.goto("/system")
    expect(page.get_by_role("heading", name="System overview")).to_be_visible()
    with page.expect_response(lambda r: r.url.endswith("/system/fragments/overview"),
                              timeout=15_000) as refreshed:
        pass
    assert refreshed.value.status == 200
    expect(page.locator("#system-overview")).to_contain_text("Requests per minute")

    page.get_by_role("link", name="Jobs").click()
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm asks first
    page.locator("#job-prune-logs").get_by_role("button", name="Run now").click()
    expect(page.get_by_text("The job prune-logs ran.")).to_be_visible()
    expect(page.locator("table").nth(1)).to_contain_text("dashboard")
    assert errors == []
