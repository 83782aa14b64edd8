"""From a statement upload to a finished reconciliation, in a real browser (headless
Chromium): preview, import, a learned suggestion, a line booked by hand, a rule, a line
matched to an open invoice, then reconciling with a statement balance that first disagrees.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from folio.auth.actor import SYSTEM
from folio.banking.accounts import MoneyAccountInput, create_money_account
from folio.banking.imports import import_statement
from folio.banking.models import BankLine, Reconciliation
from folio.banking.rules import RuleInput, create_rule
from folio.banking.service import categorise
from folio.books.service import get_book
from folio.db import transaction
from folio.parties.service import PartyInput, create_party
from folio.sales.invoices import InvoiceInput, InvoiceLineInput, create_draft
from folio.sales.issuing import issue_invoice
from folio.sales.models import Invoice
from tests.banking.factories import generic_csv
from tests.web import test_browser as web

pytestmark = pytest.mark.browser
# The browser tests' fixtures: the demo book served, Chromium, a signed-in page.
demo, base_url, browser, browser_page = web.demo, web.base_url, web.browser, web.browser_page

EARLIER = generic_csv(("10/11/2026", "-50.000", "Kopi Kenangan", "QRIS"))


def _seed(engine: Any) -> str:
    """BCA Giro opened with 10.000.000, a coffee line booked before (the suggestion learns
    from it), a rule for PLN and an open invoice of 2.000.000; returns its number."""
    with transaction(engine, actor=SYSTEM) as session:
        book = get_book(session, "demo")
        money = create_money_account(session, book, MoneyAccountInput(
            name="BCA Giro", account="1111", opening_balance=Decimal(10_000_000),
            opening_date=date(2026, 10, 31)))
        earlier = import_statement(session, book, money, "oktober.csv", EARLIER)
        categorise(session, book, [earlier.lines[0].id], "6204")
        create_rule(session, book, RuleInput(name="Listrik", account="6202", payee="pln"))
        customer, _ = create_party(session, book, PartyInput(name="PT Klien Maju",
                                                             is_customer=True))
        invoice = create_draft(session, book, InvoiceInput(
            customer_id=customer.id, issue_date=date(2026, 11, 2),
            lines=[InvoiceLineInput(description="Desain logo", unit_price=Decimal(2_000_000),
                                    tax_code="", account="4101")]))
        issue_invoice(session, book, invoice)
        assert invoice.number is not None
        return invoice.number


def test_from_upload_to_a_finished_reconciliation(
        browser_page: tuple[Any, list[str]], demo: Any) -> None:
    engine, _url = demo
    number = _seed(engine)
    statement = generic_csv(("16/11/2026", "-250.000", "Kopi Kenangan", "QRIS"),
                            ("17/11/2026", "-1.250.000", "Tokopedia", "Printer ink"),
                            ("18/11/2026", "2.000.000", "PT Klien Maju", f"Bayar {number}"),
                            ("19/11/2026", "-500.000", "PLN", "Listrik"))
    page, errors = browser_page

    # Upload, preview, import: the rule books PLN at once.
    page.goto("/books/demo/banking")
    page.get_by_label("Statement file").set_input_files(
        {"name": "november.csv", "mimeType": "text/csv", "buffer": statement})
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("4 new lines, 1 booked by rules")).to_be_visible()
    page.get_by_role("button", name="Import 4 lines").click()
    expect(page.get_by_text("The statement is imported.")).to_be_visible()

    # The coffee line takes its learned suggestion; Tokopedia is booked by hand.
    page.get_by_role("button", name=re.compile(r"^6204 ")).click()
    expect(page.get_by_text("The lines are booked")).to_be_visible()
    page.get_by_role("row", name=re.compile("Tokopedia")).get_by_role("checkbox").check()
    page.locator("#bulk-target").select_option("6204")
    page.get_by_role("button", name="Book the ticked lines").click()
    expect(page.get_by_text("The lines are booked")).to_be_visible()

    # The money received matches the open invoice in one click.
    row = page.get_by_role("row", name=re.compile("PT Klien Maju"))
    expect(row.get_by_text("same amount, number in the text, same name")).to_be_visible()
    row.get_by_role("button", name=f"Match invoice {number}").click()
    expect(page.get_by_text("The payment is recorded and the line is matched.")).to_be_visible()

    # Reconcile to 30 November with a closing balance that is 50.000 off.
    page.get_by_role("link", name="Reconcile").click()
    page.get_by_label("Statement date").fill("2026-11-30")
    page.get_by_label("Closing balance on the statement").fill("9.900.000")
    page.get_by_role("button", name="Start reconciling").click()
    difference = page.locator("[data-difference]")
    expect(difference).to_have_text("-100.000")  # 9.900.000 - 10.000.000, nothing ticked
    for box in page.get_by_role("checkbox", name=re.compile("^Cleared")).all():
        box.check()
    # 10.000.000 - 50.000 - 250.000 - 1.250.000 + 2.000.000 - 500.000 = 9.950.000
    expect(page.locator("[data-cleared-balance]")).to_have_text("9.950.000")
    expect(difference).to_have_text("-50.000")
    page.get_by_role("button", name="Finish the reconciliation").click()
    expect(page.get_by_text("differs from the statement by -50000 IDR")).to_be_visible()

    page.get_by_label("Closing balance on the statement").fill("9.950.000")
    page.get_by_role("button", name="Change the balance").click()
    expect(page.locator("[data-difference]")).to_have_text("0")
    page.get_by_role("button", name="Finish the reconciliation").click()

    expect(page.get_by_text("The reconciliation is finished; its lines are locked.")) \
        .to_be_visible()
    expect(page.locator("[data-difference]")).to_have_text("0")
    expect(page.locator("td .badge", has_text="Locked")).to_have_count(5)
    page.goto("/books/demo/banking/lines?status=")
    expect(page.locator("td .badge", has_text="Reconciled")).to_have_count(5)

    with transaction(engine, actor=SYSTEM) as session:
        statuses = sorted(session.scalars(select(BankLine.status)))
        assert statuses == ["categorised"] * 4 + ["matched"]
        assert session.scalars(select(Reconciliation.status)).all() == ["done"]
        assert session.scalars(select(Invoice.status)).all() == ["paid"]
    # The refused finish is answered 409 (its page explains it); Chromium logs that status.
    assert errors == ["Failed to load resource: the server responded with a status of 409 "
                      "(Conflict)"]
