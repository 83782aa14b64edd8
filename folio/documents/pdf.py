"""Invoice, quotation, receipt and statement PDFs: HTML templates printed by WeasyPrint,
each with the book's letterhead (folio.books.profile: logo, address, NPWP, bank details).

The print stylesheet and fonts come from this package and the system (DejaVu/Noto); the
URL fetcher refuses everything but this package's files and ``data:`` URIs, so rendering a
document never touches the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import segno
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.books.profile import letterhead
from folio.documents.terbilang import in_words
from folio.money import decimal_str, from_minor
from folio.parties.models import Party
from folio.sales.invoices import get_invoice
from folio.sales.models import Invoice, Payment
from folio.sales.payments import get_payment
from folio.sales.quotation_models import Quotation
from folio.sales.quotations import get_quotation
from folio.sales.reports import Statement
from folio.tax.calc import stamp_duty_due
from folio.web.templating import environment

STATIC = Path(__file__).parent / "static"


def book_language(book: Book) -> str:
    """Documents speak the book's language (id_ID -> "id"), whatever the reader's UI."""
    return "id" if book.locale.lower().startswith("id") else "en"


def _fetcher() -> Any:
    """A WeasyPrint URL fetcher for this package's static files and ``data:`` URIs only."""
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher

    root = STATIC.resolve()

    class PackageOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file:"):
                path = Path(unquote(urlsplit(url).path)).resolve()
                if not path.is_relative_to(root):
                    raise ValueError(f"documents load nothing from outside the package: {url}")
            return super().fetch(url, headers)

    return PackageOnly(allowed_protocols={"file", "data"})


def _qr(text: str) -> str:
    return str(segno.make(text, error="m").svg_data_uri(scale=3, border=0))


def _invoice_qr(invoice: Invoice) -> str | None:
    """What a payer types into a bank transfer: number, amount, reference."""
    if not invoice.number:
        return None
    amount = f"{decimal_str(invoice.total, invoice.currency)} {invoice.currency}"
    return _qr("\n".join(filter(None, [invoice.number, amount, invoice.reference])))


def _render(session: Session, book: Book, doc: Invoice | Quotation, **context: Any) -> str:
    """The shared document template, in the book's language, for an invoice or quotation."""
    language = book_language(book)
    total = from_minor(doc.total, doc.currency)
    full = {
        "book": book, "lang": language, "doc": doc, "cur": doc.currency,
        "customer": session.get_one(Party, doc.customer_id),
        "lines": sorted(doc.lines, key=lambda line: line.line_no),
        "tax_base": sum(line.tax_base for line in doc.lines),
        "in_words": in_words(total, doc.currency, language),
        "stamp_duty": 0, "withholding": 0, "qr": None, "terms": None,
        "letterhead": letterhead(session, book),
        **context,
    }
    return environment(language).get_template("documents/document.html").render(full)


def invoice_html(session: Session, book: Book, invoice: Invoice) -> str:
    """The invoice as the HTML the PDF is printed from."""
    total = from_minor(invoice.total, invoice.currency)
    return _render(session, book, invoice, kind=invoice.kind,
                   stamp_duty=invoice.stamp_duty or int(stamp_duty_due(total, invoice.currency)),
                   withholding=invoice.withholding_amount, qr=_invoice_qr(invoice))


def quotation_html(session: Session, book: Book, quotation: Quotation,
                   link: str | None = None) -> str:
    """The quotation as HTML; ``link`` (its public page, known only when it is sent) becomes
    a QR code. A quotation acknowledges no payment, so it carries no meterai box."""
    return _render(session, book, quotation, kind="quotation",
                   terms=quotation.terms, qr=_qr(link) if link else None)


def render_pdf(html: str) -> bytes:
    """Print ``html`` to A4 PDF with the package's print stylesheet and no network."""
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=_fetcher()).write_pdf()
    return bytes(pdf or b"")


def invoice_pdf(session: Session, book: Book, invoice: Invoice) -> bytes:
    """The invoice as a PDF a business would send (needs ``report.read``)."""
    get_invoice(session, book, invoice.id)  # the permission check
    return render_pdf(invoice_html(session, book, invoice))


def quotation_pdf(session: Session, book: Book, quotation: Quotation,
                  link: str | None = None) -> bytes:
    """The quotation as a PDF (needs ``report.read``), with a QR code to ``link``."""
    get_quotation(session, book, quotation.id)  # the permission check
    return render_pdf(quotation_html(session, book, quotation, link))


def receipt_number(payment: Payment) -> str:
    """A receipt's number: the payment's id, by its year (payments carry no series)."""
    return f"RCPT/{payment.date.year}/{payment.id:05d}"


def receipt_html(session: Session, book: Book, payment: Payment) -> str:
    """A receipt for a customer payment: who paid, how much (and in words), the invoices
    it settled and the tax the customer withheld."""
    language = book_language(book)
    cur = payment.currency
    allocations = [(a, session.get_one(Invoice, a.invoice_id))
                   for a in sorted(payment.allocations, key=lambda a: (a.date, a.id))]
    context = {"book": book, "lang": language, "payment": payment, "cur": cur,
               "number": receipt_number(payment),
               "customer": session.get_one(Party, payment.customer_id),
               "allocations": allocations, "letterhead": letterhead(session, book),
               "in_words": in_words(from_minor(payment.settles, cur), cur, language)}
    return environment(language).get_template("documents/receipt.html").render(context)


def receipt_pdf(session: Session, book: Book, payment_id: int) -> tuple[str, bytes]:
    """The receipt of payment ``payment_id`` as (file name, PDF); needs ``report.read``."""
    payment = get_payment(session, book, payment_id)
    name = receipt_number(payment).replace("/", "-")
    return f"{name}.pdf", render_pdf(receipt_html(session, book, payment))


def statement_html(session: Session, book: Book, statement: Statement) -> str:
    """A customer's statement of account (folio.sales.reports.customer_statement)."""
    language = book_language(book)
    cur = statement.currency or book.base_currency
    context = {"book": book, "lang": language, "statement": statement, "cur": cur,
               "customer": statement.customer, "letterhead": letterhead(session, book),
               "in_words": in_words(from_minor(abs(statement.closing), cur), cur, language)}
    return environment(language).get_template("documents/statement.html").render(context)


def statement_pdf(session: Session, book: Book, statement: Statement) -> tuple[str, bytes]:
    """The statement as (file name, PDF); the caller built it (which checks the permission)."""
    safe = "".join(c if c.isalnum() else "-" for c in statement.customer.name)[:60].strip("-")
    name = f"statement-{safe or statement.customer.id}-{statement.end.isoformat()}.pdf"
    return name, render_pdf(statement_html(session, book, statement))
