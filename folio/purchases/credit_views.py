"""Vendor credit pages: the list, recording a vendor's credit note, and one credit with its
actions (apply to a bill, record a refund, void)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.auth.guard import can, require
from folio.books.models import Book
from folio.clock import today
from folio.commerce.listing import page_count
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden, ValidationError
from folio.ledger.models import Account
from folio.parties.models import Party
from folio.purchases.bills import OPEN
from folio.purchases.models import Bill, VendorCredit, VendorCreditStatus
from folio.purchases.page_support import (
    amount_field,
    date_field,
    expense_accounts,
    money_accounts,
    optional_id,
    problem,
    vendors,
)
from folio.purchases.vendor_credits import (
    VendorCreditInput,
    VendorCreditLineInput,
    allocations_of,
    apply_vendor_credit,
    create_vendor_credit,
    get_vendor_credit,
    list_vendor_credits,
    refund_vendor_credit,
    refunds_of,
    void_vendor_credit,
)
from folio.tax.models import TaxCode, TaxKind
from folio.web.forms import Blankable, FormDep, text
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}/vendor-credits", include_in_schema=False)
PAGE_SIZE = 50
LINE_ROWS = 3  # blank line rows on the form; more lines go through the API
CreditId = Annotated[int, Path(ge=1, lt=2**63)]


@router.get("", name="purchases.credits")
def credits_page(
    request: Request, book: BookDep, session: SessionDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[Literal["open", "closed", "void"] | None, Blankable, Query()] = None,
    vendor: Annotated[int | None, Blankable, Query(ge=1, lt=2**63)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    rows, total = list_vendor_credits(session, book, search=q, status=status, vendor_id=vendor,
                                      page=page, page_size=PAGE_SIZE)
    ids = {c.vendor_id for c in rows}
    names = dict(session.execute(select(Party.id, Party.name).where(Party.id.in_(ids))).all()) \
        if ids else {}
    return render(request, "purchases/credits.html", {
        "book": book, "credits": rows, "total": total, "page": page,
        "pages": page_count(total, PAGE_SIZE), "names": names, "vendors": vendors(session, book),
        "can_create": can(session, book, "sales.issue"),
        "filters": {"q": q or "", "status": status or "", "vendor": vendor}})


def _vat_codes(session: Session, book: Book) -> list[TaxCode]:
    return list(session.scalars(select(TaxCode).where(
        TaxCode.book_id == book.id, TaxCode.kind == TaxKind.VAT, TaxCode.is_active.is_(True))
        .order_by(TaxCode.code)))


def _form_page(request: Request, session: Session, book: Book, form: dict[str, object], *,
               error: str = "", errors: dict[str, str] | None = None,
               status_code: int = 200) -> HTMLResponse:
    return render(request, "purchases/credit_form.html", {
        "book": book, "form": form, "vendors": vendors(session, book),
        "accounts": expense_accounts(session, book), "codes": _vat_codes(session, book),
        "error": error, "errors": errors or {}}, status_code=status_code)


@router.get("/new", name="purchases.credit_new")
def new_credit_page(request: Request, book: BookDep, session: SessionDep,
                    vendor: Annotated[int | None, Blankable, Query(ge=1, lt=2**63)] = None,
                    bill: Annotated[int | None, Blankable, Query(ge=1, lt=2**63)] = None
                    ) -> HTMLResponse:
    require(session, book, "sales.issue")
    lines = [{"description": "", "account": "", "tax_code": "", "amount": ""}
             for _ in range(LINE_ROWS)]
    return _form_page(request, session, book, {
        "vendor_id": str(vendor or ""), "bill_id": str(bill or ""), "vendor_reference": "",
        "date": today().isoformat(), "notes": "", "lines": lines})


@router.post("/new", name="purchases.credit_create")
def create_credit_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                       form: FormDep) -> Response:
    """Record the credit note; blank line rows are left out."""
    lines = [{key: text(form, f"lines-{n}-{key}", 500)
              for key in ("description", "account", "tax_code", "amount")}
             for n in range(LINE_ROWS)]
    shown: dict[str, object] = {
        key: text(form, key, 2000) for key in ("vendor_id", "bill_id", "vendor_reference",
                                               "date", "notes")}
    shown["lines"] = lines
    try:
        filled = [(n, row) for n, row in enumerate(lines) if any(row.values())]
        inputs = []
        for n, row in filled:
            amount = amount_field(book, row["amount"], f"lines[{n}].amount", required=True)
            assert amount is not None
            inputs.append(VendorCreditLineInput(description=row["description"], amount=amount,
                                                account=row["account"] or None,
                                                tax_code=row["tax_code"] or None))
        vendor_id = optional_id(str(shown["vendor_id"]), "vendor_id")
        if vendor_id is None:
            raise ValidationError("Choose the vendor", field="vendor_id")
        credit = create_vendor_credit(session, book, VendorCreditInput(
            vendor_id=vendor_id, vendor_reference=str(shown["vendor_reference"]),
            lines=inputs, date=date_field(str(shown["date"]), "date"),
            bill_id=optional_id(str(shown["bill_id"]), "bill_id"),
            notes=str(shown["notes"]) or None))
    except FolioError as exc:
        session.rollback()
        if isinstance(exc, Forbidden):
            raise
        detail, errors = problem(exc)
        return _form_page(request, session, book, shown, error=detail, errors=errors,
                          status_code=exc.status)
    session.commit()
    return _done(request, book, credit.id, "created")


def _credit_page(request: Request, session: Session, book: Book, credit: VendorCredit, *,
                 error: str = "", errors: dict[str, str] | None = None,
                 form: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    seller = session.get_one(Party, credit.vendor_id)
    allocations = allocations_of(session, book, credit_id=credit.id)
    bill_ids = {a.bill_id for a in allocations} | ({credit.bill_id} if credit.bill_id else set())
    bills = {b.id: b for b in session.scalars(select(Bill).where(Bill.id.in_(bill_ids)))} \
        if bill_ids else {}
    usable = credit.status == VendorCreditStatus.OPEN.value and credit.remaining > 0
    may_pay = can(session, book, "payment.record") and usable
    open_bills = list(session.scalars(select(Bill).where(
        Bill.book_id == book.id, Bill.vendor_id == credit.vendor_id, Bill.status.in_(OPEN),
        Bill.currency == credit.currency)
        .order_by(Bill.due_date, Bill.id))) if may_pay else []
    accounts = dict(session.execute(select(Account.id, Account.code).where(
        Account.book_id == book.id)).all())
    return render(request, "purchases/credit.html", {
        "book": book, "credit": credit, "vendor": seller, "allocations": allocations,
        "refunds": refunds_of(session, book, credit.id), "bills": bills,
        "open_bills": open_bills, "accounts": accounts, "can_apply": may_pay and open_bills,
        "can_refund": may_pay, "bank_accounts": money_accounts(session, book),
        "can_void": can(session, book, "sales.issue")
        and credit.status != VendorCreditStatus.VOID.value
        and not credit.amount_applied and not credit.amount_refunded,
        "today": today().isoformat(), "error": error, "errors": errors or {},
        "form": form or {}, "notice": request.query_params.get("notice")},
        status_code=status_code)


@router.get("/{credit_id}", name="purchases.credit")
def credit_page(request: Request, book: BookDep, session: SessionDep,
                credit_id: CreditId) -> HTMLResponse:
    return _credit_page(request, session, book, get_vendor_credit(session, book, credit_id))


def _done(request: Request, book: Book, credit_id: int, notice: str) -> RedirectResponse:
    target = request.app.url_path_for("purchases.credit", slug=book.slug,
                                      credit_id=str(credit_id))
    return RedirectResponse(f"{target}?notice={notice}", status_code=303)


def _failed(request: Request, session: Session, book: Book, credit_id: int, exc: FolioError,
            form: dict[str, str] | None = None) -> HTMLResponse:
    session.rollback()
    if isinstance(exc, Forbidden):
        raise exc
    detail, errors = problem(exc)
    return _credit_page(request, session, book, get_vendor_credit(session, book, credit_id),
                        error=detail, errors=errors, form=form, status_code=exc.status)


@router.post("/{credit_id}/apply", name="purchases.credit_apply")
def apply_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
               credit_id: CreditId, bill: Annotated[str, Form(max_length=20)] = "",
               amount: Annotated[str, Form(max_length=40)] = "") -> Response:
    form = {"bill": bill, "amount": amount}
    try:
        credit = get_vendor_credit(session, book, credit_id, for_update=True)
        bill_id = optional_id(bill, "bill_id")
        if bill_id is None:
            raise ValidationError("Choose a bill", field="bill_id")
        apply_vendor_credit(session, book, credit, bill_id, amount_field(book, amount, "amount"))
    except FolioError as exc:
        return _failed(request, session, book, credit_id, exc, form)
    session.commit()
    return _done(request, book, credit_id, "applied")


@router.post("/{credit_id}/refund", name="purchases.credit_refund")
def refund_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                credit_id: CreditId, refunded_on: Annotated[str, Form(max_length=20)] = "",
                account: Annotated[str, Form(max_length=20)] = "",
                amount: Annotated[str, Form(max_length=40)] = "",
                reference: Annotated[str, Form(max_length=100)] = "") -> Response:
    form = {"refunded_on": refunded_on, "account": account, "amount": amount,
            "reference": reference}
    try:
        credit = get_vendor_credit(session, book, credit_id, for_update=True)
        day = date_field(refunded_on, "date")
        if not account:
            raise ValidationError("Choose the account the money arrived in", field="account")
        refund_vendor_credit(session, book, credit, on=day, account=account,
                             amount=amount_field(book, amount, "amount"),
                             reference=reference.strip() or None)
    except FolioError as exc:
        return _failed(request, session, book, credit_id, exc, form)
    session.commit()
    return _done(request, book, credit_id, "refunded")


@router.post("/{credit_id}/void", name="purchases.credit_void")
def void_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
              credit_id: CreditId, reason: Annotated[str, Form(max_length=200)] = "") -> Response:
    try:
        void_vendor_credit(session, book,
                           get_vendor_credit(session, book, credit_id, for_update=True),
                           reason=reason.strip() or None)
    except FolioError as exc:
        return _failed(request, session, book, credit_id, exc)
    session.commit()
    return _done(request, book, credit_id, "voided")
