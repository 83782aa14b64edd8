"""Import a statement and categorise its lines in a real browser (headless Chromium)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from folio.auth.actor import SYSTEM
from folio.banking.accounts import MoneyAccountInput, create_money_account
from folio.banking.models import BankLine
from folio.books.service import get_book
from folio.db import transaction
from tests.banking.factories import generic_csv
from tests.web import test_browser as web

pytestmark = pytest.mark.browser
# The browser tests' fixtures: the demo book served, Chromium, a signed-in page.
demo, base_url, browser, browser_page = web.demo, web.base_url, web.browser, web.browser_page

STATEMENT = generic_csv(("16/11/2026", "-250.000", "Kopi Kenangan", "QRIS"),
                        ("17/11/2026", "-1.250.000", "Tokopedia", "Printer ink"))


def test_it_previews_imports_and_categorises_a_statement(
        browser_page: tuple[Any, list[str]], demo: Any) -> None:
    engine, _url = demo
    with transaction(engine, actor=SYSTEM) as session:
        create_money_account(session, get_book(session, "demo"),
                             MoneyAccountInput(name="BCA Giro", account="1111"))
    page, errors = browser_page

    page.goto("/books/demo/banking")
    page.get_by_label("Statement file").set_input_files(
        {"name": "mutasi.csv", "mimeType": "text/csv", "buffer": STATEMENT})
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("2 new lines, 0 booked by rules")).to_be_visible()
    page.get_by_role("button", name="Import 2 lines").click()
    expect(page.get_by_text("The statement is imported.")).to_be_visible()
    page.get_by_label("Select line", exact=False).first.check()
    page.locator("#bulk-target").select_option("6204")
    page.get_by_role("button", name="Book the ticked lines").click()
    expect(page.get_by_text("The lines are booked")).to_be_visible()

    with transaction(engine, actor=SYSTEM) as session:
        statuses = sorted(session.scalars(select(BankLine.status)))
    assert statuses == ["categorised", "unmatched"]
    assert errors == []
