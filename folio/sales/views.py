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
from starlette.datastructures import FormData

from folio.auth.guard import can
from folio.books.models import Book
from folio.clock import today
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden, ValidationError
from folio.i18n import N_
from folio.ledger.accounts import account_by_role, list_accounts
from folio.ledger.models import Account
from folio.money import from_minor
from folio.parties.models import Party
from folio.sales.adjustments import CreditNoteInput, create_credit_note, write_off
from folio.sales.invoices import (
    InvoiceLineInput,
    delete_draft,
    get_invoice,
    is_overdue,
    list_invoices,
)
from folio.sales.issuing import issue_invoice, void_invoice
from folio.sales.models import Invoice, InvoiceStatus, Payment, PaymentAllocation
from folio.sales.payments import (
    AllocationInput,
    PaymentInput,
    apply_credit,
    customer_credit,
    record_payment,
)
from folio.tax.models import TaxCode
from folio.web.forms import Blankable, FormDep, text
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
        "can_draft": can(session, book, "sales.draft"),
        "notice": request.query_params.get("notice"),
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
    accounts = [a for a in list_accounts(session, book, include_inactive=False)
                if not a.is_group]
    may_pay = can(session, book, "payment.record")
    owed = is_open and invoice.kind == "invoice" and invoice.amount_due > 0
    credit = customer_credit(session, book, invoice.customer_id) if may_pay and owed else 0
    bad_debt = account_by_role(session, book, "bad_debt") \
        or account_by_role(session, book, "impairment")
    return render(request, "sales/invoice.html", {
        "book": book, "invoice": invoice, "customer": customer, "payments": payments,
        "credit_notes": credit_notes,
        "overdue": {invoice.id} if is_overdue(invoice) else set(),
        "can_issue": may_issue and invoice.status == InvoiceStatus.DRAFT.value,
        "can_edit": can(session, book, "sales.draft")
        and invoice.status == InvoiceStatus.DRAFT.value,
        "can_void": may_issue and is_open and not settled,
        "can_pay": may_pay and owed,
        "can_adjust": may_issue and owed,
        "can_email": may_issue,
        "credit": credit if credit > 0 else 0,
        "tax_codes": {c.id: c.code for c in session.scalars(
            select(TaxCode).where(TaxCode.book_id == book.id))},
        "expense_accounts": [a for a in accounts if a.type == "expense"],
        "bad_debt": bad_debt.code if bad_debt else "",
        # A foreign invoice is paid into an account kept in its currency.
        "bank_accounts": [a for a in accounts if a.type == "asset" and (
            a.currency == invoice.currency if invoice.currency != book.base_currency
            else a.currency in (None, book.base_currency))],
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
            currency=invoice.currency, bank_fee=fee, withheld_tax=withheld,
            reference=reference.strip() or None,
            allocations=[AllocationInput(invoice_id=invoice.id, amount=settles)]))
    except FolioError as exc:
        return _failed(request, session, book, invoice_id, exc, form)
    session.commit()
    return _done(request, book, invoice, "paid")


@router.post("/{invoice_id}/delete", name="sales.invoice_delete")
def delete_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                invoice_id: InvoiceId) -> Response:
    """Delete a draft (it never had a number or an entry)."""
    try:
        delete_draft(session, book, get_invoice(session, book, invoice_id, for_update=True))
    except FolioError as exc:
        return _failed(request, session, book, invoice_id, exc)
    session.commit()
    target = request.app.url_path_for("sales.invoices", slug=book.slug)
    return RedirectResponse(f"{target}?notice=deleted", status_code=303)


def _credit_lines(session: Session, invoice: Invoice, form: FormData
                  ) -> list[InvoiceLineInput]:
    """The lines a partial credit note takes: quantities of the invoice's lines, and an
    amount (before tax, at the first line's tax code and account)."""
    cur = invoice.currency
    codes = dict(session.execute(select(TaxCode.id, TaxCode.code).where(
        TaxCode.book_id == invoice.book_id)).all())
    made: list[InvoiceLineInput] = []
    for n, line in enumerate(invoice.lines):
        quantity = _decimal(text(form, f"credit-{n}-quantity", 40), f"credit-{n}-quantity")
        if quantity is None or quantity == 0:
            continue
        if quantity < 0 or quantity > line.quantity:
            raise ValidationError(f"at most {line.quantity}", field=f"credit-{n}-quantity")
        made.append(InvoiceLineInput(
            description=line.description, quantity=quantity,
            unit_price=from_minor(line.unit_price, cur), discount_percent=line.discount_percent,
            tax_code=codes.get(line.tax_code_id, "") if line.tax_code_id else "",
            account=session.get_one(Account, line.account_id).code, item_id=line.item_id))
    amount = _decimal(text(form, "credit_amount", 40), "credit_amount")
    if amount is not None and amount != 0:
        if amount < 0:
            raise ValidationError("cannot be negative", field="credit_amount")
        first = invoice.lines[0]
        made.append(InvoiceLineInput(
            description=text(form, "credit_description", 500) or "Adjustment",
            unit_price=amount,
            tax_code=codes.get(first.tax_code_id, "") if first.tax_code_id else "",
            account=session.get_one(Account, first.account_id).code))
    if not made:
        raise ValidationError(N_("Enter a quantity to credit or an amount"), field="credit_amount")
    return made


@router.post("/{invoice_id}/credit-notes", name="sales.invoice_credit")
def credit_page(request: Request, form: FormDep, book: WriteBookDep, session: WriteSessionDep,
                invoice_id: InvoiceId) -> Response:
    """Issue a credit note for the whole invoice, or for some lines or an amount."""
    typed = {key: text(form, key, 500) for key in form if isinstance(form.get(key), str)}
    try:
        invoice = get_invoice(session, book, invoice_id, for_update=True)
        on = text(form, "issue_date", 20)
        try:
            day = date.fromisoformat(on) if on else None
        except ValueError:
            raise ValidationError("enter a date as YYYY-MM-DD", field="issue_date") from None
        partial = text(form, "mode", 10) == "part"
        note = create_credit_note(session, book, invoice, CreditNoteInput(
            issue_date=day, reason=text(form, "reason", 2000) or None,
            lines=_credit_lines(session, invoice, form) if partial else None))
    except FolioError as exc:
        return _failed(request, session, book, invoice_id, exc, typed)
    session.commit()
    target = request.app.url_path_for("sales.invoice", slug=book.slug, invoice_id=note.id)
    return RedirectResponse(f"{target}?notice=credited", status_code=303)


@router.post("/{invoice_id}/write-off", name="sales.invoice_write_off")
def write_off_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                   invoice_id: InvoiceId,
                   written_on: Annotated[str, Form(max_length=20)] = "",
                   account: Annotated[str, Form(max_length=20)] = "",
                   reason: Annotated[str, Form(max_length=200)] = "") -> Response:
    """Write what is still due off to a bad-debt expense account."""
    form = {"written_on": written_on, "account": account, "reason": reason}
    try:
        invoice = get_invoice(session, book, invoice_id, for_update=True)
        try:
            day = date.fromisoformat(written_on) if written_on else None
        except ValueError:
            raise ValidationError("enter a date as YYYY-MM-DD", field="date") from None
        write_off(session, book, invoice, on=day, account=account or None,
                  reason=reason.strip() or None)
    except FolioError as exc:
        return _failed(request, session, book, invoice_id, exc, form)
    session.commit()
    return _done(request, book, invoice, "written_off")


@router.post("/{invoice_id}/apply-credit", name="sales.invoice_apply_credit")
def apply_credit_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                      invoice_id: InvoiceId,
                      applied_on: Annotated[str, Form(max_length=20)] = "",
                      amount: Annotated[str, Form(max_length=40)] = "") -> Response:
    """Settle the invoice from the customer's credit (earlier overpayments)."""
    form = {"applied_on": applied_on, "credit": amount}
    try:
        invoice = get_invoice(session, book, invoice_id, for_update=True)
        try:
            day = date.fromisoformat(applied_on) if applied_on else today()
        except ValueError:
            raise ValidationError("enter a date as YYYY-MM-DD", field="date") from None
        apply_credit(session, book, invoice, on=day, amount=_decimal(amount, "amount"))
    except FolioError as exc:
        return _failed(request, session, book, invoice_id, exc, form)
    session.commit()
    return _done(request, book, invoice, "credit_applied")
