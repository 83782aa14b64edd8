"""Quotation PDFs: the same document template, with validity, terms and the public link."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.documents.pdf import quotation_html, quotation_pdf
from folio.parties.models import Party
from folio.sales.quotations import public_url
from tests.conftest import sign_in_as
from tests.documents.conftest import pdf_text
from tests.sales.test_public_quotation import sent


def test_a_sent_quotation(session: Session, studio: Book, client_co: Party) -> None:
    quotation, token = sent(session, studio, client_co, (10_000_000, "PPN12"),
                            terms="50% down payment")
    link = public_url(token, "https://books.example.com")
    pdf = quotation_pdf(session, studio, quotation, link)

    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert quotation.number
    assert quotation.number in text
    assert "Penawaran" in text
    assert "Berlaku hingga" in text
    assert "PT Klien Maju" in text
    assert "Rp11.100.000" in text
    assert "Sebelas juta seratus ribu rupiah" in text
    assert "50% down payment" in text
    assert "Meterai" not in text  # a quotation acknowledges no payment
    assert "Pindai kode" in text  # the QR code to the public page is there
    assert 'src="data:image/svg+xml' in quotation_html(session, studio, quotation, link)


def test_without_a_link_there_is_no_qr_code(session: Session, studio: Book,
                                            client_co: Party) -> None:
    quotation, _token = sent(session, studio, client_co)
    html = quotation_html(session, studio, quotation)
    assert "data:image/svg+xml" not in html
    assert "Pindai kode" not in pdf_text(quotation_pdf(session, studio, quotation))


def test_the_api_serves_the_quotation_pdf(client: Any, anonymous_too: Any, engine: Engine,
                                          session: Session, studio: Book,
                                          client_co: Party) -> None:
    quotation, _token = sent(session, studio, client_co)
    path = f"/api/v1/books/{studio.slug}/quotations/{quotation.id}/pdf"

    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert anonymous_too.get(path).status_code == 401
    sign_in_as(anonymous_too, engine, "outsider@example.com")
    assert anonymous_too.get(path).status_code == 404
