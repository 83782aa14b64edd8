"""Receipt and statement PDFs: the figures and words a customer reads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.documents.pdf import receipt_pdf, statement_pdf
from folio.parties.models import Party
from folio.sales.payments import AllocationInput, PaymentInput, record_payment
from folio.sales.reports import customer_statement
from tests.mailing.conftest import pdf_text
from tests.sales.conftest import MakeInvoice


def test_a_receipt_in_words_with_the_invoices_and_withheld_tax(
        session: Session, studio: Book, client_co: Party, make_invoice: MakeInvoice) -> None:
    first = make_invoice((10_000_000, "PPN12"), issue=True, withholding_code="PPH23")
    second = make_invoice((1_250_000, None), issue=True)
    # 11.100.000 less PPh 23 of 2% on 10.000.000 (200.000) arrives as 10.900.000; then
    # 1.000.000 of the second invoice's 1.250.000.
    payment = record_payment(session, studio, PaymentInput(
        customer_id=client_co.id, date=date(2026, 3, 20), account="1111",
        amount=Decimal(11_900_000), withheld_tax=Decimal(200_000),
        withholding_reference="BP-0042", reference="TRF 8812",
        allocations=[AllocationInput(first.id, Decimal(11_100_000)),
                     AllocationInput(second.id, Decimal(1_000_000))]))
    session.commit()
    name, pdf = receipt_pdf(session, studio, payment.id)
    assert name == f"RCPT-2026-{payment.id:05d}.pdf"
    text = pdf_text(pdf)
    assert "Kuitansi" in text
    assert "PT Klien Maju" in text
    assert "TRF 8812" in text
    assert "Uang sejumlah Rp12.100.000" in text
    assert "Dua belas juta seratus ribu rupiah" in text
    assert "Diterima di rekening kami Rp11.900.000" in text
    assert "Pajak dipotong pelanggan Rp200.000 (BP-0042)" in text
    assert f"{first.number} " in text
    assert "11.100.000" in text
    assert f"{second.number} " in text
    assert "1.000.000 250.000" in text


def test_a_statement_with_its_closing_balance(session: Session, studio: Book,
                                              client_co: Party,
                                              make_invoice: MakeInvoice) -> None:
    make_invoice((1_000_000, None), issue=True, day="2026-02-10")
    make_invoice((2_500_000, None), issue=True, day="2026-03-05")
    record_payment(session, studio, PaymentInput(
        customer_id=client_co.id, date=date(2026, 3, 15), account="1111",
        amount=Decimal(1_500_000), reference="TRF-1"))
    session.commit()
    statement = customer_statement(session, studio, client_co, date(2026, 3, 1),
                                   date(2026, 3, 31))
    name, pdf = statement_pdf(session, studio, statement)
    assert name == "statement-PT-Klien-Maju-2026-03-31.pdf"
    text = pdf_text(pdf)
    # Opening 1.000.000; + 2.500.000; - 1.500.000: closing 2.000.000.
    assert "Saldo Awal Rp1.000.000" in text
    assert "TRF-1 -1.500.000 2.000.000" in text
    assert "Saldo Akhir Rp2.000.000" in text
    assert "Sisa tagihan: Dua juta rupiah" in text


def test_the_downloads_and_their_refusals(client: Any, session: Session, studio: Book,
                                          client_co: Party, make_invoice: MakeInvoice) -> None:
    make_invoice((1_000_000, None), issue=True)
    payment = record_payment(session, studio, PaymentInput(
        customer_id=client_co.id, date=date(2026, 3, 15), account="1111",
        amount=Decimal(1_000_000)))
    session.commit()
    api = client.get(f"/api/v1/books/studio/payments/{payment.id}/receipt")
    assert api.status_code == 200
    assert api.content.startswith(b"%PDF")
    page = client.get(f"/books/studio/payments/{payment.id}/receipt.pdf")
    assert page.status_code == 200
    assert "attachment" in page.headers["content-disposition"]
    assert client.get("/api/v1/books/studio/payments/999999/receipt").status_code == 404
    query = "from=2026-03-01&to=2026-03-31"
    statement = client.get(f"/api/v1/books/studio/customers/{client_co.id}/statement?{query}")
    assert statement.status_code == 200
    assert statement.content.startswith(b"%PDF")
    backwards = client.get(f"/api/v1/books/studio/customers/{client_co.id}/statement"
                           "?from=2026-03-31&to=2026-03-01")
    assert backwards.status_code == 422
    assert client.get(f"/books/studio/customers/{client_co.id}/statement.pdf?{query}"
                      ).status_code == 200
