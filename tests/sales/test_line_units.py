"""A unit on document lines ("hour", "pcs"): kept from the API and the line editor,
carried into converted invoices and credit notes, and printed next to the quantity."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import ValidationError
from folio.parties.models import Party
from folio.purchases.bills import BillInput, BillLineInput, create_bill
from folio.sales.adjustments import CreditNoteInput, create_credit_note
from folio.sales.invoices import InvoiceInput, InvoiceLineInput, create_draft
from folio.sales.issuing import issue_invoice
from folio.sales.models import Invoice, InvoiceLine
from folio.sales.quotations import (
    QuotationInput,
    convert,
    create_quotation,
    record_decision,
    send_quotation,
)
from tests.documents.conftest import pdf_text
from tests.sales.test_invoice_form_pages import DESIGN, form

API = "/api/v1/books/studio/invoices"


def test_the_api_keeps_the_unit_and_the_pdf_prints_it(
        client: Any, session: Session, studio: Book, client_co: Party, counts: Any) -> None:
    made = client.post(API, json={"customer_id": client_co.id, "issue_date": "2026-03-02",
                                  "lines": [{"description": "Design", "quantity": "3",
                                             "unit": "hour", "unit_price": "250000",
                                             "tax_code": ""}]})
    assert made.status_code == 201, made.text
    assert made.json()["lines"][0]["unit"] == "hour"
    before = counts()
    too_long = client.post(API, json={"customer_id": client_co.id, "lines": [
        {"description": "Design", "unit": "u" * 21, "unit_price": "1"}]})
    assert too_long.status_code == 422
    assert counts() == before
    pdf = client.get(f"{API}/{made.json()['id']}/pdf")
    assert pdf.status_code == 200
    assert "3 hour" in pdf_text(pdf.content)


def test_the_line_editor_saves_the_unit(client: Any, session: Session, studio: Book,
                                        client_co: Party) -> None:
    session.rollback()
    done = client.post("/books/studio/invoices/new",
                       data=form(client_co, {**DESIGN, "quantity": "2", "unit": "jam"}),
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    line = session.scalars(select(InvoiceLine)).one()
    assert (line.unit, line.quantity) == ("jam", Decimal(2))
    invoice_id = line.invoice_id
    session.rollback()
    edit = client.get(f"/books/studio/invoices/{invoice_id}/edit")
    assert edit.status_code == 200
    assert 'value="jam"' in edit.text


def test_the_unit_goes_into_converted_invoices_and_credit_notes(
        session: Session, studio: Book, client_co: Party) -> None:
    quotation = create_quotation(session, studio, QuotationInput(
        customer_id=client_co.id, lines=[InvoiceLineInput(
            description="Workshop", quantity=Decimal(2), unit="day",
            unit_price=Decimal(4_000_000), tax_code="PPN12")]))
    assert quotation.lines[0].unit == "day"
    send_quotation(session, studio, quotation)
    record_decision(session, studio, quotation, approve=True, name="Budi")
    [invoice] = convert(session, studio, quotation)
    assert invoice.lines[0].unit == "day"
    issue_invoice(session, studio, invoice)
    credit = create_credit_note(session, studio, invoice, CreditNoteInput())
    assert [line.unit for line in credit.lines] == ["day"]
    with pytest.raises(ValidationError) as refused:
        create_draft(session, studio, InvoiceInput(customer_id=client_co.id, lines=[
            InvoiceLineInput(description="x", unit="u" * 21, unit_price=Decimal(1))]))
    assert refused.value.errors[0]["field"] == "lines[0].unit"
    assert session.scalars(select(Invoice).where(Invoice.kind == "invoice")).all() \
        == [invoice]


def test_a_bill_line_keeps_its_unit(session: Session, studio: Book) -> None:
    from folio.parties.service import PartyInput, create_party

    vendor, _ = create_party(session, studio, PartyInput(name="CV Kertas", is_vendor=True))
    bill = create_bill(session, studio, BillInput(
        vendor_id=vendor.id, vendor_reference="K-1", lines=[BillLineInput(
            description="Paper", quantity=Decimal(5), unit=" ream ",
            unit_price=Decimal(60_000))]))
    assert bill.lines[0].unit == "ream"
