"""Invoice PDFs: what the customer reads in the printed document, and who may fetch it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.documents.pdf import invoice_pdf, render_pdf
from tests.conftest import sign_in_as
from tests.documents.conftest import pdf_text
from tests.sales.conftest import MakeInvoice


def test_an_issued_rupiah_invoice(session: Session, studio: Book,
                                  make_invoice: MakeInvoice) -> None:
    invoice = make_invoice((10_000_000, "PPN12"), issue=True)
    pdf = invoice_pdf(session, studio, invoice)

    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert invoice.number
    assert invoice.number in text
    assert studio.name in text
    assert "PT Klien Maju" in text
    assert "0123456789012345" in text  # the customer's NPWP
    assert "Rp11.100.000" in text  # total: 10.000.000 + PPN 12% of DPP 11/12
    assert "Rp1.100.000" in text  # the PPN
    assert "Sebelas juta seratus ribu rupiah" in text
    assert "Meterai Rp10.000" in text  # over Rp5.000.000


def test_a_small_invoice_has_no_stamp_duty_box(session: Session, studio: Book,
                                               make_invoice: MakeInvoice) -> None:
    invoice = make_invoice((1_250_000, None), issue=True)
    text = pdf_text(invoice_pdf(session, studio, invoice))

    assert "Rp1.250.000" in text
    assert "Satu juta dua ratus lima puluh ribu rupiah" in text
    assert "Meterai" not in text


def test_withholding_shows_what_the_customer_will_pay(session: Session, studio: Book,
                                                      make_invoice: MakeInvoice) -> None:
    invoice = make_invoice((5_550_000, "PPN12"), issue=True, withholding_code="PPH23")
    text = pdf_text(invoice_pdf(session, studio, invoice))

    assert "Rp6.160.500" in text
    assert "Rp111.000" in text
    assert "Rp6.049.500" in text
    assert "Enam juta seratus enam puluh ribu lima ratus rupiah" in text


def test_the_api_serves_the_pdf_to_the_owner(client: Any, studio: Book,
                                             make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    response = client.get(f"/api/v1/books/{studio.slug}/invoices/{invoice.id}/pdf")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert invoice.number
    assert invoice.number.replace("/", "-") in response.headers["content-disposition"]
    assert response.content.startswith(b"%PDF")


def test_outsiders_and_strangers_get_no_pdf(anonymous: Any, engine: Engine, studio: Book,
                                            make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    path = f"/api/v1/books/{studio.slug}/invoices/{invoice.id}/pdf"

    assert anonymous.get(path).status_code == 401
    sign_in_as(anonymous, engine, "outsider@example.com")
    assert anonymous.get(path).status_code == 404


def test_an_unknown_invoice_is_a_404(client: Any, studio: Book) -> None:
    response = client.get(f"/api/v1/books/{studio.slug}/invoices/999999/pdf")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("language", ["en"])
def test_an_english_book_words_in_english(session: Session, studio: Book,
                                          make_invoice: MakeInvoice, language: str) -> None:
    studio.locale = "en_US"
    session.commit()
    invoice = make_invoice((1_250_000, None), issue=True)
    text = pdf_text(invoice_pdf(session, studio, invoice))
    assert "One million two hundred fifty thousand rupiah" in text


@pytest.mark.parametrize("url", ["https://fonts.example.com/font.css", "http://127.0.0.1/x.png",
                                 "file:///etc/hostname"])
def test_documents_fetch_nothing_from_outside_the_package(url: str) -> None:
    from folio.documents.pdf import _fetcher

    with pytest.raises(ValueError, match=r"disallowed protocol|outside the package"):
        _fetcher().fetch(url)
    html = f'<html><head><link rel="stylesheet" href="{url}"></head><body>Hi</body></html>'
    assert render_pdf(html).startswith(b"%PDF")  # the missing resource is left out


def test_the_print_stylesheet_is_the_packages_own() -> None:
    from folio.documents.pdf import STATIC, _fetcher

    response = _fetcher().fetch((STATIC / "print.css").as_uri())
    assert b"size: A4" in response.read()
