"""Invoice pages: the list with search and filters, and one invoice with its actions
(issue, void, record a payment). Permissions and rules stay in the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.auth.guard import can
from folio.books.models import Book
from folio.clock import today
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden, ValidationError
from folio.ledger.accounts import list_accounts
from folio.parties.models import Party
from folio.sales.invoices import get_invoice, is_overdue, list_invoices
from folio.sales.issuing import issue_invoice, void_invoice
from folio.sales.models import Invoice, InvoiceStatus, Payment, PaymentAllocation
from folio.sales.payments import AllocationInput, PaymentInput, record_payment
from folio.web.forms import Blankable
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}/invoices", include_in_schema=False)
PAGE_SIZE = 50
InvoiceId = Annotated[int, Path(ge=1, lt=2**63)]
StatusFilter = Literal["draft", "issued", "partially_paid", "paid", "written_off", "void",
                       "overdue"]


def _customers(session: Session, book: Book) -> list[Party]:
    return list(session.scalars(select(Party).where(
        Party.book_id == book.id, Party.is_customer.is_(True)).order_by(Party.name)))


@router.get("", name="sales.invoices")
def invoices_page(
    request: Request, book: BookDep, session: SessionDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[StatusFilter | None, Blankable, Query()] = None,
    customer: Annotated[int | None, Blankable, Query(ge=1, lt=2**63)] = None,
    start: Annotated[date | None, Blankable, Query(alias="from")] = None,
    end: Annotated[date | None, Blankable, Query(alias="to")] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    """Invoices newest first, searchable by number or customer."""
    result = list_invoices(session, book, search=q, status=status, customer_id=customer,
                           start=start, end=end, page=page, page_size=PAGE_SIZE)
    customers = _customers(session, book)
    names = {party.id: party.name for party in customers}
    missing = {i.customer_id for i in result.invoices} - names.keys()
    if missing:
        names.update(session.execute(select(Party.id, Party.name)
                                     .where(Party.id.in_(missing))).all())
    return render(request, "sales/invoices.html", {
        "book": book, "result": result, "customers": customers, "names": names,
        "overdue": {i.id for i in result.invoices if is_overdue(i)},
        "filters": {"q": q or "", "status": status or "", "customer": customer,
                    "from": start.isoformat() if start else "",
                    "to": end.isoformat() if end else ""}})


def _invoice_page(request: Request, session: Session, book: Book, invoice: Invoice, *,
                  error: str = "", errors: dict[str, str] | None = None,
                  form: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    customer = session.get_one(Party, invoice.customer_id)
    payments = session.execute(
        select(PaymentAllocation, Payment).join(Payment, PaymentAllocation.payment_id == Payment.id)
        .where(PaymentAllocation.book_id == book.id, PaymentAllocation.invoice_id == invoice.id)
        .order_by(PaymentAllocation.date, PaymentAllocation.id)).all()
    credit_notes = list(session.scalars(select(Invoice).where(
        Invoice.book_id == book.id, Invoice.credit_of_id == invoice.id).order_by(Invoice.id)))
    is_open = invoice.status in (InvoiceStatus.ISSUED.value,
                                 InvoiceStatus.PARTIALLY_PAID.value)
    may_issue = can(session, book, "sales.issue")
    settled = bool(payments) or bool(invoice.amount_paid or invoice.amount_credited
                                     or invoice.amount_written_off)
    return render(request, "sales/invoice.html", {
        "book": book, "invoice": invoice, "customer": customer, "payments": payments,
        "credit_notes": credit_notes,
        "overdue": {invoice.id} if is_overdue(invoice) else set(),
        "can_issue": may_issue and invoice.status == InvoiceStatus.DRAFT.value,
        "can_void": may_issue and is_open and not settled,
        "can_pay": can(session, book, "payment.record") and is_open
        and invoice.kind == "invoice" and invoice.amount_due > 0,
        "bank_accounts": [a for a in list_accounts(session, book, include_inactive=False)
                          if a.type == "asset" and not a.is_group],
        "today": today().isoformat(), "error": error, "errors": errors or {},
        "form": form or {}, "notice": request.query_params.get("notice")},
        status_code=status_code)


@router.get("/{invoice_id}", name="sales.invoice")
def invoice_page(request: Request, book: BookDep, session: SessionDep,
                 invoice_id: InvoiceId) -> HTMLResponse:
    return _invoice_page(request, session, book, get_invoice(session, book, invoice_id))


def _done(request: Request, book: Book, invoice: Invoice, notice: str) -> RedirectResponse:
    target = request.app.url_path_for("sales.invoice", slug=book.slug, invoice_id=invoice.id)
    return RedirectResponse(f"{target}?notice={notice}", status_code=303)


def _failed(request: Request, session: Session, book: Book, invoice_id: int, exc: FolioError,
            form: dict[str, str] | None = None) -> HTMLResponse:
    """Re-show the invoice with the service's message; a refusal stays a 403 page."""
    session.rollback()
    if isinstance(exc, Forbidden):
        raise exc
    errors = {e["field"]: e["message"] for e in exc.errors if e.get("field")}
    invoice = get_invoice(session, book, invoice_id)
    return _invoice_page(request, session, book, invoice, error=exc.detail, errors=errors,
                         form=form, status_code=exc.status)


@router.post("/{invoice_id}/issue", name="sales.invoice_issue")
def issue_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
               invoice_id: InvoiceId) -> Response:
    try:
        invoice = issue_invoice(session, book,
                                get_invoice(session, book, invoice_id, for_update=True))
    except FolioError as exc:
        return _failed(request, session, book, invoice_id, exc)
    session.commit()
    return _done(request, book, invoice, "issued")


@router.post("/{invoice_id}/void", name="sales.invoice_void")
def void_page(request: Request, book: WriteBookDep, session: WriteSessionDep, invoice_id: InvoiceId,
              reason: Annotated[str, Form(max_length=200)] = "") -> Response:
    try:
        invoice = void_invoice(session, book,
                               get_invoice(session, book, invoice_id, for_update=True),
                               reason=reason.strip() or None)
    except FolioError as exc:
        return _failed(request, session, book, invoice_id, exc)
    session.commit()
    return _done(request, book, invoice, "voided")


def _decimal(value: str, name: str, *, required: bool = False) -> Decimal | None:
    text = value.strip().replace(" ", "")
    if not text:
        if required:
            raise ValidationError("Enter an amount", field=name)
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise ValidationError("Enter a number such as 1500000", field=name)
    return number


@router.post("/{invoice_id}/payments", name="sales.invoice_pay")
def pay_page(
    request: Request, book: WriteBookDep, session: WriteSessionDep, invoice_id: InvoiceId,
    paid_on: Annotated[str, Form(max_length=20)] = "",
    account: Annotated[str, Form(max_length=20)] = "",
    amount: Annotated[str, Form(max_length=40)] = "",
    bank_fee: Annotated[str, Form(max_length=40)] = "",
    withheld_tax: Annotated[str, Form(max_length=40)] = "",
    reference: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Record money received against this invoice only."""
    form = {"paid_on": paid_on, "account": account, "amount": amount, "bank_fee": bank_fee,
            "withheld_tax": withheld_tax, "reference": reference}
    try:
        invoice = get_invoice(session, book, invoice_id, for_update=True)
        try:
            day = date.fromisoformat(paid_on)
        except ValueError:
            raise ValidationError("Enter the date the money arrived", field="date") from None
        if not account:
            raise ValidationError("Choose the account the money went into", field="account")
        net = _decimal(amount, "amount", required=True)
        fee = _decimal(bank_fee, "bank_fee")
        withheld = _decimal(withheld_tax, "withheld_tax")
        assert net is not None
        settles = net + (fee or 0) + (withheld or 0)
        record_payment(session, book, PaymentInput(
            customer_id=invoice.customer_id, date=day, account=account, amount=net,
            bank_fee=fee, withheld_tax=withheld, reference=reference.strip() or None,
            allocations=[AllocationInput(invoice_id=invoice.id, amount=settles)]))
    except FolioError as exc:
        return _failed(request, session, book, invoice_id, exc, form)
    session.commit()
    return _done(request, book, invoice, "paid")
