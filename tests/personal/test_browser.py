"""The personal overview in a real browser: the three charts are drawn, in both themes,
with no console errors (a CSP violation or a script error would show as one)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from folio.auth.actor import SYSTEM
from folio.books.service import BookInput, create_book
from folio.clock import today
from folio.db import transaction
from folio.ledger.periods import add_months
from folio.ledger.service import EntryInput, LineInput, create_entry
from tests.conftest import OWNER, ensure_member
from tests.web import test_browser as web

pytestmark = pytest.mark.browser
demo, base_url, browser, browser_page = web.demo, web.base_url, web.browser, web.browser_page

CHARTS = ("spending-chart", "cashflow-chart", "net-worth-chart")


@pytest.fixture(scope="module")
def household(demo: Any) -> str:
    """A personal-chart book with a few months of salary and spending, in the served DB."""
    from decimal import Decimal

    engine, _url = demo
    with transaction(engine, actor=SYSTEM) as session:
        book = create_book(session, BookInput(slug="home", name="Rumah", base_currency="IDR",
                                              locale="id_ID", chart="personal"))
        ensure_member(session, book, OWNER, "owner")
        first = today().replace(day=1)
        for back in range(3, -1, -1):
            day = add_months(first, -back)
            for debit, credit, amount in (("1020", "4010", 8_000_000),
                                          ("5010", "1020", 1_800_000),
                                          ("5030", "1020", 3_000_000),
                                          ("5110", "2010", 186_000)):
                create_entry(session, book, EntryInput(date=day, description="Seed", lines=[
                    LineInput(account=debit, amount=Decimal(amount)),
                    LineInput(account=credit, amount=Decimal(-amount))]), post=True)
    return "home"


def _drawn(page: Any) -> list[bool]:
    return [page.evaluate(f"() => !!window.Chart.getChart(document.getElementById('{c}'))")
            for c in CHARTS]


def test_the_overview_draws_its_three_charts(
        browser_page: tuple[Any, list[str]], household: str) -> None:
    page, errors = browser_page

    page.goto(f"/books/{household}/personal")
    page.wait_for_load_state("networkidle")

    for chart in CHARTS:
        expect(page.locator(f"canvas#{chart}")).to_be_visible()
    assert _drawn(page) == [True, True, True]
    kinds = page.evaluate("() => ['spending-chart', 'cashflow-chart', 'net-worth-chart']"
                          ".map(id => window.Chart.getChart(document.getElementById(id))"
                          ".config.type)")
    assert kinds == ["doughnut", "bar", "line"]
    before = page.evaluate("() => window.Chart.getChart(document.getElementById("
                           "'net-worth-chart')).data.datasets[0].borderColor")

    page.get_by_role("button", name="Light or dark theme").click()
    page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'")

    after = page.evaluate("() => window.Chart.getChart(document.getElementById("
                          "'net-worth-chart')).data.datasets[0].borderColor")
    assert _drawn(page) == [True, True, True]
    assert before != after  # drawn again in the dark theme's colours
    assert errors == []
