"""Page routes for emailing documents (the form is ``sales/_send_form.html``, included by
the invoice and quotation pages) and for downloading receipts and statements as PDFs."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import NoMatchFound

from folio.books.models import Book
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden
from folio.parties.service import get_party
from folio.sales import reports
from folio.sales.invoices import get_invoice
from folio.sales.quotations import get_quotation
from folio.sales.sending import SendInput, send_invoice, send_quotation_mail, send_reminder
from folio.web.forms import field_errors
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}", include_in_schema=False)
ObjectId = Annotated[int, Path(ge=1, lt=2**63)]
To = Annotated[str, Form(max_length=1000)]
Subject = Annotated[str, Form(max_length=300)]
Body = Annotated[str, Form(max_length=20000)]


def _back(request: Request, book: Book, route: str, notice: str, **params: int) -> Response:
    try:
        target = request.app.url_path_for(route, slug=book.slug, **params)
    except NoMatchFound:  # the document's page is not mounted: the outbox shows the mail
        target = request.app.url_path_for("books.outbox", slug=book.slug)
    return RedirectResponse(f"{target}?notice={notice}", status_code=303)


def _refused(request: Request, book: Book, exc: FolioError, back: str) -> HTMLResponse:
    if isinstance(exc, Forbidden):
        raise exc
    return render(request, "sales/send_refused.html", {
        "book": book, "error": exc.detail, "errors": field_errors(exc.errors), "back": back},
        status_code=exc.status)


def _input(to: str, cc: str, subject: str, message: str) -> SendInput:
    return SendInput(to=to.strip() or None, cc=cc.strip() or None,
                     subject=subject.strip() or None, message=message.strip() or None)


def _invoice_url(request: Request, book: Book, invoice_id: int) -> str:
    try:
        return str(request.app.url_path_for("sales.invoice", slug=book.slug,
                                            invoice_id=invoice_id))
    except NoMatchFound:
        return str(request.app.url_path_for("books.outbox", slug=book.slug))


@router.post("/invoices/{invoice_id}/send", name="sales.invoice_send")
def invoice_send(request: Request, book: WriteBookDep, session: WriteSessionDep,
                 invoice_id: ObjectId, to: To = "", cc: To = "", subject: Subject = "",
                 message: Body = "") -> Response:
    """Queue the invoice email with its PDF; back to the invoice."""
    try:
        invoice = get_invoice(session, book, invoice_id, for_update=True)
        send_invoice(session, book, invoice, _input(to, cc, subject, message))
    except FolioError as exc:
        session.rollback()
        return _refused(request, book, exc, _invoice_url(request, book, invoice_id))
    session.commit()
    return _back(request, book, "sales.invoice", "emailed", invoice_id=invoice_id)


@router.post("/invoices/{invoice_id}/remind", name="sales.invoice_remind")
def invoice_remind(request: Request, book: WriteBookDep, session: WriteSessionDep,
                   invoice_id: ObjectId, to: To = "", cc: To = "", subject: Subject = "",
                   message: Body = "") -> Response:
    """Queue a payment reminder now."""
    try:
        invoice = get_invoice(session, book, invoice_id, for_update=True)
        send_reminder(session, book, invoice, _input(to, cc, subject, message))
    except FolioError as exc:
        session.rollback()
        return _refused(request, book, exc, _invoice_url(request, book, invoice_id))
    session.commit()
    return _back(request, book, "sales.invoice", "reminded", invoice_id=invoice_id)


@router.post("/quotations/{quotation_id}/email", name="sales.quotation_email")
def quotation_email(request: Request, book: WriteBookDep, session: WriteSessionDep,
                    quotation_id: ObjectId, to: To = "", cc: To = "", subject: Subject = "",
                    message: Body = "") -> Response:
    """Email the quotation with its public link (a draft is marked sent)."""
    try:
        quotation = get_quotation(session, book, quotation_id, for_update=True)
        send_quotation_mail(session, book, quotation, _input(to, cc, subject, message),
                            base_url=str(request.base_url))
    except FolioError as exc:
        session.rollback()
        try:
            back = str(request.app.url_path_for("sales.quotation", slug=book.slug,
                                                quotation_id=quotation_id))
        except NoMatchFound:
            back = str(request.app.url_path_for("books.outbox", slug=book.slug))
        return _refused(request, book, exc, back)
    session.commit()
    return _back(request, book, "sales.quotation", "emailed", quotation_id=quotation_id)


@router.get("/payments/{payment_id}/receipt.pdf", name="sales.receipt_pdf")
def receipt_download(book: BookDep, session: SessionDep, payment_id: ObjectId) -> Response:
    from folio.documents.pdf import receipt_pdf

    name, pdf = receipt_pdf(session, book, payment_id)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/customers/{customer_id}/statement.pdf", name="sales.statement_pdf")
def statement_download(book: BookDep, session: SessionDep, customer_id: ObjectId,
                       start: Annotated[date, Query(alias="from")],
                       end: Annotated[date, Query(alias="to")]) -> Response:
    from folio.documents.pdf import statement_pdf

    customer = get_party(session, book, customer_id)
    name, pdf = statement_pdf(session, book, reports.customer_statement(
        session, book, customer, start, end))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
