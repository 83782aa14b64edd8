"""Bill pages: the list with search and filters, one bill with its actions (approve, void,
pay, apply a vendor credit), and the payables aging report. Rules stay in the services."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.auth.guard import can
from folio.books.models import Book
from folio.clock import today
from folio.commerce.listing import page_count
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden, ValidationError
from folio.ledger.models import Account
from folio.parties.models import Party
from folio.purchases import attachments, reports
from folio.purchases.bills import OPEN, approve_bill, get_bill, is_overdue, list_bills, void_bill
from folio.purchases.models import Bill, BillAllocation, BillPayment, BillStatus
from folio.purchases.page_support import (
    amount_field,
    date_field,
    money_accounts,
    optional_id,
    problem,
    vendors,
)
from folio.purchases.payments import BillAllocationInput, BillPaymentInput, pay_bills
from folio.purchases.vendor_credits import (
    allocations_of,
    apply_vendor_credit,
    get_vendor_credit,
    unapplied_credits,
)
from folio.tax.models import TaxCode
from folio.web.forms import Blankable
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}", include_in_schema=False)
PAGE_SIZE = 50
BillId = Annotated[int, Path(ge=1, lt=2**63)]
StatusFilter = Literal["draft", "approved", "partially_paid", "paid", "void", "overdue"]


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Party.id, Party.name).where(Party.id.in_(ids))).all())


@router.get("/bills", name="purchases.bills")
def bills_page(
    request: Request, book: BookDep, session: SessionDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[StatusFilter | None, Blankable, Query()] = None,
    vendor: Annotated[int | None, Blankable, Query(ge=1, lt=2**63)] = None,
    start: Annotated[date | None, Blankable, Query(alias="from")] = None,
    end: Annotated[date | None, Blankable, Query(alias="to")] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    """Bills newest first, searchable by our number, the vendor's number or the vendor."""
    rows, total = list_bills(session, book, search=q, status=status, vendor_id=vendor,
                             start=start, end=end, page=page, page_size=PAGE_SIZE)
    return render(request, "purchases/bills.html", {
        "book": book, "bills": rows, "total": total, "page": page,
        "pages": page_count(total, PAGE_SIZE), "vendors": vendors(session, book),
        "names": _names(session, {b.vendor_id for b in rows}),
        "overdue": {b.id for b in rows if is_overdue(b)},
        "due_total": sum(b.amount_due for b in rows if b.status in OPEN),
        "can_draft": can(session, book, "sales.draft"),
        "notice": request.query_params.get("notice"),
        "filters": {"q": q or "", "status": status or "", "vendor": vendor,
                    "from": start.isoformat() if start else "",
                    "to": end.isoformat() if end else ""}})


def _bill_page(request: Request, session: Session, book: Book, bill: Bill, *,
               error: str = "", errors: dict[str, str] | None = None,
               form: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    seller = session.get_one(Party, bill.vendor_id)
    payments = session.execute(
        select(BillAllocation, BillPayment)
        .join(BillPayment, BillAllocation.payment_id == BillPayment.id)
        .where(BillAllocation.book_id == book.id, BillAllocation.bill_id == bill.id)
        .order_by(BillAllocation.date, BillAllocation.id)).all()
    credited = allocations_of(session, book, bill_id=bill.id)
    accounts = dict(session.execute(select(Account.id, Account.code).where(
        Account.book_id == book.id)).all())
    taxes = dict(session.execute(select(TaxCode.id, TaxCode.code).where(
        TaxCode.book_id == book.id)).all())
    is_open = bill.status in OPEN
    may_pay = can(session, book, "payment.record") and is_open and bill.amount_due > 0
    credits = unapplied_credits(session, book, bill.vendor_id, bill.currency) \
        if may_pay else []
    return render(request, "purchases/bill.html", {
        "book": book, "bill": bill, "vendor": seller, "payments": payments,
        "credited": credited, "accounts": accounts, "taxes": taxes,
        "files": attachments.attachments_of(session, book, "bill", [bill.id])[bill.id],
        "overdue": {bill.id} if is_overdue(bill) else set(),
        "can_edit": can(session, book, "sales.draft") and bill.status == BillStatus.DRAFT.value,
        "can_approve": can(session, book, "sales.issue")
        and bill.status == BillStatus.DRAFT.value,
        "can_void": can(session, book, "sales.issue") and is_open and not payments
        and not credited and not bill.amount_paid,
        "can_pay": may_pay, "credits": credits, "bank_accounts": money_accounts(session, book),
        "today": today().isoformat(), "error": error, "errors": errors or {},
        "form": form or {}, "notice": request.query_params.get("notice")},
        status_code=status_code)


@router.get("/bills/{bill_id}", name="purchases.bill")
def bill_page(request: Request, book: BookDep, session: SessionDep,
              bill_id: BillId) -> HTMLResponse:
    return _bill_page(request, session, book, get_bill(session, book, bill_id))


def _done(request: Request, book: Book, bill_id: int, notice: str) -> RedirectResponse:
    target = request.app.url_path_for("purchases.bill", slug=book.slug, bill_id=str(bill_id))
    return RedirectResponse(f"{target}?notice={notice}", status_code=303)


def _failed(request: Request, session: Session, book: Book, bill_id: int, exc: FolioError,
            form: dict[str, str] | None = None) -> HTMLResponse:
    """Re-show the bill with the service's message; a refusal stays a 403 page."""
    session.rollback()
    if isinstance(exc, Forbidden):
        raise exc
    detail, errors = problem(exc)
    return _bill_page(request, session, book, get_bill(session, book, bill_id), error=detail,
                      errors=errors, form=form, status_code=exc.status)


@router.post("/bills/{bill_id}/approve", name="purchases.bill_approve")
def approve_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                 bill_id: BillId) -> Response:
    try:
        approve_bill(session, book, get_bill(session, book, bill_id, for_update=True))
    except FolioError as exc:
        return _failed(request, session, book, bill_id, exc)
    session.commit()
    return _done(request, book, bill_id, "approved")


@router.post("/bills/{bill_id}/void", name="purchases.bill_void")
def void_page(request: Request, book: WriteBookDep, session: WriteSessionDep, bill_id: BillId,
              reason: Annotated[str, Form(max_length=200)] = "") -> Response:
    try:
        void_bill(session, book, get_bill(session, book, bill_id, for_update=True),
                  reason=reason.strip() or None)
    except FolioError as exc:
        return _failed(request, session, book, bill_id, exc)
    session.commit()
    return _done(request, book, bill_id, "voided")


@router.post("/bills/{bill_id}/payments", name="purchases.bill_pay")
def pay_page(
    request: Request, book: WriteBookDep, session: WriteSessionDep, bill_id: BillId,
    paid_on: Annotated[str, Form(max_length=20)] = "",
    account: Annotated[str, Form(max_length=20)] = "",
    amount: Annotated[str, Form(max_length=40)] = "",
    bank_fee: Annotated[str, Form(max_length=40)] = "",
    reference: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Pay this bill only, from a bank or cash account; the bank's fee comes on top."""
    form = {"paid_on": paid_on, "account": account, "amount": amount, "bank_fee": bank_fee,
            "reference": reference}
    try:
        bill = get_bill(session, book, bill_id, for_update=True)
        day = date_field(paid_on, "date")
        if not account:
            raise ValidationError("Choose the account the money was paid from", field="account")
        value = amount_field(book, amount, "amount", required=True)
        assert value is not None
        pay_bills(session, book, BillPaymentInput(
            vendor_id=bill.vendor_id, date=day, account=account, amount=value,
            bank_fee=amount_field(book, bank_fee, "bank_fee"),
            reference=reference.strip() or None,
            allocations=[BillAllocationInput(bill_id=bill.id, amount=value)]))
    except FolioError as exc:
        return _failed(request, session, book, bill_id, exc, form)
    session.commit()
    return _done(request, book, bill_id, "paid")


@router.post("/bills/{bill_id}/credits", name="purchases.bill_apply_credit")
def apply_credit_page(
    request: Request, book: WriteBookDep, session: WriteSessionDep, bill_id: BillId,
    credit: Annotated[str, Form(max_length=20)] = "",
    amount: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Set one of the vendor's open credits against this bill."""
    form = {"credit": credit, "credit_amount": amount}
    try:
        bill = get_bill(session, book, bill_id)
        credit_id = optional_id(credit, "credit")
        if credit_id is None:
            raise ValidationError("Choose a credit to apply", field="credit")
        found = get_vendor_credit(session, book, credit_id, for_update=True)
        apply_vendor_credit(session, book, found, bill.id,
                            amount_field(book, amount, "credit_amount"))
    except FolioError as exc:
        if exc.errors and exc.errors[0].get("field") == "amount":
            exc.errors[0]["field"] = "credit_amount"
        return _failed(request, session, book, bill_id, exc, form)
    session.commit()
    return _done(request, book, bill_id, "credited")


@router.get("/payables-aging", name="purchases.aging")
def aging_page(request: Request, book: BookDep, session: SessionDep,
               as_of: Annotated[date | None, Blankable, Query()] = None) -> HTMLResponse:
    """What we owe each vendor, by days past the due date, on a chosen day."""
    day = as_of or today()
    report = reports.payables_aging(session, book, day)
    return render(request, "purchases/aging.html", {
        "book": book, "report": report, "as_of": day,
        "grand_total": sum(report.totals.values())})
