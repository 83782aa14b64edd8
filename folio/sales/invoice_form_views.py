"""The invoice draft form: a new invoice, editing a draft, and the line editor's live totals.

Fixed paths (``/new``, ``/preview``) are mounted before folio.sales.views, whose
``/{invoice_id}`` would otherwise read them as ids.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.clock import today
from folio.commerce.line_form import Preview
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import Conflict, FolioError, Forbidden
from folio.ledger.accounts import list_accounts
from folio.parties.models import Party
from folio.sales.invoices import create_draft, get_invoice, update_draft
from folio.sales.models import Invoice, InvoiceStatus, Project
from folio.sales.page_forms import (
    INVOICE_FIELDS,
    DocumentForm,
    check,
    invoice_form,
    invoice_input,
    item_choices,
    preview,
    read_form,
    saved_preview,
)
from folio.tax.models import TaxCode, TaxKind
from folio.web.forms import FormDep, field_errors
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}/invoices", include_in_schema=False)
InvoiceId = Annotated[int, Path(ge=1, lt=2**63)]


def editor_context(session: Session, book: Book) -> dict[str, Any]:
    """What every document form with the line editor offers to choose from."""
    accounts = [a for a in list_accounts(session, book, include_inactive=False)
                if not a.is_group]
    codes = list(session.scalars(select(TaxCode).where(
        TaxCode.book_id == book.id, TaxCode.is_active.is_(True)).order_by(TaxCode.code)))
    return {
        "customers": list(session.scalars(select(Party).where(
            Party.book_id == book.id, Party.is_customer.is_(True),
            Party.is_active.is_(True)).order_by(Party.name))),
        "projects": list(session.scalars(select(Project).where(
            Project.book_id == book.id).order_by(Project.code))),
        "vat_codes": [c for c in codes if c.kind == TaxKind.VAT.value],
        "withholding_codes": [c for c in codes if c.kind == TaxKind.WITHHOLDING.value],
        "income_accounts": [a for a in accounts if a.type == "income"],
        "items": item_choices(session, book)}


def form_page(request: Request, session: Session, book: Book, form: DocumentForm,
              invoice: Invoice | None = None, errors: dict[str, str] | None = None,
              status_code: int = 200, totals: Preview | None = None) -> HTMLResponse:
    if totals is None:
        data, form_errors = invoice_input(form, book)
        totals = preview(session, book, data, form_errors)
    return render(request, "sales/invoice_form.html", {
        "book": book, "form": form, "invoice": invoice, "errors": errors or {},
        "preview": totals, **editor_context(session, book)}, status_code=status_code)


def _save(request: Request, session: Session, book: Book, form: DocumentForm, action: str,
          invoice: Invoice | None) -> Response:
    if action == "add_line":  # the line editor without JavaScript
        return form_page(request, session, book, form.padded(extra=1), invoice)
    data, form_errors = invoice_input(form, book)
    try:
        if invoice is None:
            invoice = check(form_errors, lambda: create_draft(session, book, data))
        else:
            draft = invoice
            invoice = check(form_errors, lambda: update_draft(session, book, draft, data))
    except FolioError as exc:
        session.rollback()
        if isinstance(exc, Forbidden):
            raise
        errors = field_errors(exc.errors)
        errors.setdefault("", exc.detail)
        return form_page(request, session, book, form.padded(), invoice, errors, exc.status)
    session.commit()
    target = request.app.url_path_for("sales.invoice", slug=book.slug, invoice_id=invoice.id)
    return RedirectResponse(f"{target}?notice=saved", status_code=303)


@router.get("/new", name="sales.invoice_new")
def invoice_new(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    customer = request.query_params.get("customer", "")
    form = DocumentForm({"issue_date": today().isoformat(), "currency": book.base_currency,
                         "customer_id": customer if customer.isdigit() else "",
                         "stamp_duty_borne_by": "issuer", "vat_rounding": "document"})
    return form_page(request, session, book, form.padded(), totals=Preview(
        currency=book.base_currency))


@router.post("/new", name="sales.invoice_create")
def invoice_create(request: Request, form: FormDep, book: WriteBookDep,
                   session: WriteSessionDep) -> Response:
    return _save(request, session, book, read_form(form, INVOICE_FIELDS),
                 str(form.get("action", "")), None)


@router.post("/preview", name="sales.lines_preview")
def lines_preview(request: Request, form: FormDep, book: BookDep,
                  session: SessionDep) -> HTMLResponse:
    """The totals of the form as typed so far (invoice or quotation); reads, never writes."""
    data, form_errors = invoice_input(read_form(form, INVOICE_FIELDS), book)
    return render(request, "sales/_totals.html",
                  {"book": book, "preview": preview(session, book, data, form_errors)},
                  fragment=True)


def _draft(session: Session, book: Book, invoice_id: int) -> Invoice:
    invoice = get_invoice(session, book, invoice_id)
    if invoice.status != InvoiceStatus.DRAFT.value:
        raise Conflict(f"Invoice {invoice.number} is {invoice.status}; only a draft can "
                       f"change (void it or issue a credit note instead)")
    return invoice


@router.get("/{invoice_id}/edit", name="sales.invoice_edit")
def invoice_edit(request: Request, book: BookDep, session: SessionDep,
                 invoice_id: InvoiceId) -> HTMLResponse:
    invoice = _draft(session, book, invoice_id)
    return form_page(request, session, book, invoice_form(session, book, invoice).padded(),
                     invoice, totals=saved_preview(invoice, session))


@router.post("/{invoice_id}/edit", name="sales.invoice_update")
def invoice_update(request: Request, form: FormDep, book: WriteBookDep,
                   session: WriteSessionDep, invoice_id: InvoiceId) -> Response:
    invoice = _draft(session, book, invoice_id)
    return _save(request, session, book, read_form(form, INVOICE_FIELDS),
                 str(form.get("action", "")), invoice)
