"""A quotation to a paid invoice in a real browser (headless Chromium): the line editor's
live totals, the customer's approval through the public link, conversion, issuing, two
payments, and the aging showing nothing owed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from folio.auth.actor import SYSTEM
from folio.books.service import get_book
from folio.db import transaction
from folio.parties.service import PartyInput, create_party
from folio.sales.items import ItemInput, create_item
from folio.sales.models import Invoice
from folio.tax.service import seed_default_tax_codes
from tests.web import test_browser as web

pytestmark = pytest.mark.browser
demo, base_url, browser, browser_page = web.demo, web.base_url, web.browser, web.browser_page


def test_a_quotation_becomes_a_paid_invoice(browser: Any,
                                            browser_page: tuple[Any, list[str]],
                                            demo: Any) -> None:
    engine, url = demo
    with transaction(engine, actor=SYSTEM) as session:
        book = get_book(session, "demo")
        seed_default_tax_codes(session, book)
        create_item(session, book, ItemInput(code="WEB", name="Website redesign", unit="page",
                                             default_price=Decimal(2_500_000),
                                             tax_code="PPN12"))
        create_party(session, book, PartyInput(name="PT Peramban Jaya", is_customer=True,
                                               tax_id="0123456789012345",
                                               payment_terms_days=14))
    page, errors = browser_page

    # The quotation, with the line editor's live totals from the server.
    page.goto("/books/demo/quotations")
    page.get_by_role("link", name="New quotation").first.click()
    page.get_by_label("Customer").select_option(label="PT Peramban Jaya")
    # The item fills the row: description, unit, price and tax code.
    page.locator("#line-0-item").select_option(label="WEB · Website redesign")
    expect(page.locator("#line-0-description")).to_have_value("Website redesign")
    expect(page.locator("#line-0-unit")).to_have_value("page")
    expect(page.locator("#line-0-unit_price")).to_have_value("2.500.000")
    expect(page.locator("#line-0-tax_code")).to_have_value("PPN12")
    page.locator("#line-0-quantity").fill("2")
    totals = page.locator("[data-line-totals]")
    # 5.000.000 + PPN 12% x 11/12 = 550.000.
    expect(totals.locator('[data-total="total"]')).to_contain_text("5.550.000")
    page.get_by_role("button", name="Add line").click()
    expect(page.locator("#line-1-item")).to_be_focused()
    page.locator("#line-1-description").fill("Hosting")
    page.locator("#line-1-unit_price").fill("1.000.000")
    expect(totals.locator('[data-total="total"]')).to_contain_text("6.550.000")
    page.locator("[data-doc-line]").nth(1).get_by_role("button", name="Remove this line").click()
    expect(totals.locator('[data-total="total"]')).to_contain_text("5.550.000")
    page.get_by_role("button", name="Save draft").last.click()
    expect(page.get_by_text("The draft is saved")).to_be_visible()

    # Sent: the customer's link, opened without an account, and approved.
    quotation_url = page.url.split("?")[0]
    page.get_by_role("button", name="Mark as sent").click()
    link = page.locator("#public-link").input_value()
    assert "/q/q_" in link
    customer = browser.new_context(base_url=url, locale="id-ID")
    public = customer.new_page()
    public.goto(link[link.index("/q/"):])
    public.locator("#q-name").fill("Rina (PT Peramban Jaya)")
    public.locator("button.button-primary").click()
    expect(public.locator("main")).to_contain_text("Rina")
    customer.close()

    # Converted in full, issued, paid in two parts.
    page.goto(quotation_url)  # not a reload, which would post "send" again
    expect(page.get_by_text("Approved", exact=True).first).to_be_visible()
    page.get_by_role("button", name="Make draft invoices").click()
    expect(page.get_by_text("A draft invoice is made")).to_be_visible()
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.get_by_text("The invoice is issued")).to_be_visible()
    for amount in ("2000000", "3550000"):
        page.get_by_label("Paid into").select_option("1111")
        page.get_by_label("Amount received").fill(amount)
        page.get_by_role("button", name="Record payment").click()
        expect(page.get_by_text("The payment is recorded")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Paid")

    page.get_by_role("link", name="Receivables aging").click()
    expect(page.locator("h1")).to_have_text("Receivables aging")
    expect(page.locator("main")).not_to_contain_text("PT Peramban Jaya")

    with transaction(engine, actor=SYSTEM) as session:
        invoice = session.scalars(select(Invoice).where(Invoice.total == 5_550_000)).one()
        assert invoice.status == "paid"
        assert invoice.amount_due == 0
    assert errors == []
