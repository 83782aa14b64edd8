"""Expense pages: the list, a new expense with its receipt, one expense with its receipts,
and receipt downloads (to members of the book only)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.auth.guard import can, require
from folio.books.models import Book
from folio.clock import today
from folio.commerce.listing import page_count
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden, ValidationError
from folio.ledger.models import Account
from folio.purchases import attachments
from folio.purchases.expenses import (
    ExpenseInput,
    attach_receipt,
    get_expense,
    list_expenses,
    record_expense,
)
from folio.purchases.models import Expense
from folio.purchases.page_support import (
    amount_field,
    date_field,
    expense_accounts,
    money_accounts,
    problem,
)
from folio.tax.models import TaxCode, TaxKind
from folio.web.forms import Blankable
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}", include_in_schema=False)
PAGE_SIZE = 50
ExpenseId = Annotated[int, Path(ge=1, lt=2**63)]
Receipt = Annotated[UploadFile | None, File(description="JPEG, PNG, WebP, HEIC or PDF")]
FIELDS = ("date", "payee", "account", "paid_from", "amount", "tax_code", "description")


def vat_codes(session: Session, book: Book) -> list[TaxCode]:
    return list(session.scalars(select(TaxCode).where(
        TaxCode.book_id == book.id, TaxCode.kind == TaxKind.VAT, TaxCode.is_active.is_(True))
        .order_by(TaxCode.code)))


def account_codes(session: Session, book: Book) -> dict[int, str]:
    return dict(session.execute(select(Account.id, Account.code).where(
        Account.book_id == book.id)).all())


def has_file(upload: UploadFile | None) -> bool:
    return upload is not None and bool(upload.filename)


@router.get("/expenses", name="purchases.expenses")
def expenses_page(
    request: Request, book: BookDep, session: SessionDep,
    kind: Annotated[Literal["direct", "claim"] | None, Blankable, Query()] = None,
    start: Annotated[date | None, Blankable, Query(alias="from")] = None,
    end: Annotated[date | None, Blankable, Query(alias="to")] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    rows, total = list_expenses(session, book, kind=kind, start=start, end=end, page=page,
                                page_size=PAGE_SIZE)
    files = attachments.attachments_of(session, book, "expense", [e.id for e in rows])
    return render(request, "purchases/expenses.html", {
        "book": book, "expenses": rows, "total": total, "page": page,
        "pages": page_count(total, PAGE_SIZE), "files": files,
        "accounts": account_codes(session, book),
        "page_total": sum(e.amount for e in rows),
        "can_record": can(session, book, "payment.record"),
        "filters": {"kind": kind or "", "from": start.isoformat() if start else "",
                    "to": end.isoformat() if end else ""}})


def _form_page(request: Request, session: Session, book: Book, form: dict[str, str], *,
               error: str = "", errors: dict[str, str] | None = None,
               status_code: int = 200) -> HTMLResponse:
    return render(request, "purchases/expense_form.html", {
        "book": book, "form": form, "accounts": expense_accounts(session, book),
        "bank_accounts": money_accounts(session, book), "codes": vat_codes(session, book),
        "max_mb": attachments.max_bytes() // (1024 * 1024) or 1,
        "error": error, "errors": errors or {}}, status_code=status_code)


@router.get("/expenses/new", name="purchases.expense_new")
def new_expense_page(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    require(session, book, "payment.record")
    form = dict.fromkeys(FIELDS, "")
    form["date"] = today().isoformat()
    return _form_page(request, session, book, form)


@router.post("/expenses/new", name="purchases.expense_create")
def create_expense_page(
    request: Request, book: WriteBookDep, session: WriteSessionDep,
    receipt: Receipt = None,
    on: Annotated[str, Form(alias="date", max_length=20)] = "",
    payee: Annotated[str, Form(max_length=200)] = "",
    account: Annotated[str, Form(max_length=20)] = "",
    paid_from: Annotated[str, Form(max_length=20)] = "",
    amount: Annotated[str, Form(max_length=40)] = "",
    tax_code: Annotated[str, Form(max_length=20)] = "",
    description: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Record and post the expense, and keep its receipt; a bad receipt saves nothing."""
    form = {"date": on, "payee": payee, "account": account, "paid_from": paid_from,
            "amount": amount, "tax_code": tax_code, "description": description}
    try:
        if not account:
            raise ValidationError("Choose the expense account", field="account")
        if not paid_from:
            raise ValidationError("Choose the account it was paid from", field="paid_from")
        value = amount_field(book, amount, "amount", required=True)
        assert value is not None
        expense = record_expense(session, book, ExpenseInput(
            date=date_field(on, "date"), payee=payee, account=account, amount=value,
            description=description, tax_code=tax_code or None, paid_from=paid_from))
        if has_file(receipt):
            assert receipt is not None
            attach_receipt(session, book, expense, receipt.file, receipt.filename)
    except FolioError as exc:
        session.rollback()
        if isinstance(exc, Forbidden):
            raise
        detail, errors = problem(exc)
        return _form_page(request, session, book, form, error=detail, errors=errors,
                          status_code=exc.status)
    session.commit()
    target = request.app.url_path_for("purchases.expense", slug=book.slug,
                                      expense_id=str(expense.id))
    return RedirectResponse(f"{target}?notice=recorded", status_code=303)


def _expense_page(request: Request, session: Session, book: Book, expense: Expense, *,
                  error: str = "", errors: dict[str, str] | None = None,
                  status_code: int = 200) -> HTMLResponse:
    taxes = dict(session.execute(select(TaxCode.id, TaxCode.code).where(
        TaxCode.book_id == book.id)).all())
    return render(request, "purchases/expense.html", {
        "book": book, "expense": expense, "accounts": account_codes(session, book),
        "taxes": taxes,
        "files": attachments.attachments_of(session, book, "expense", [expense.id])[expense.id],
        "can_attach": can(session, book, "payment.record"),
        "error": error, "errors": errors or {}, "notice": request.query_params.get("notice")},
        status_code=status_code)


@router.get("/expenses/{expense_id}", name="purchases.expense")
def expense_page(request: Request, book: BookDep, session: SessionDep,
                 expense_id: ExpenseId) -> HTMLResponse:
    return _expense_page(request, session, book, get_expense(session, book, expense_id))


@router.post("/expenses/{expense_id}/receipts", name="purchases.expense_receipt")
def receipt_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                 expense_id: ExpenseId, receipt: Receipt = None) -> Response:
    """Add a receipt to an expense; a claim's items take theirs on the claim's page."""
    try:
        expense = get_expense(session, book, expense_id)
        if not has_file(receipt):
            raise ValidationError("Choose a file to upload", field="file")
        assert receipt is not None
        attach_receipt(session, book, expense, receipt.file, receipt.filename)
    except FolioError as exc:
        session.rollback()
        if isinstance(exc, Forbidden):
            raise
        detail, errors = problem(exc)
        return _expense_page(request, session, book, get_expense(session, book, expense_id),
                             error=detail, errors=errors, status_code=exc.status)
    session.commit()
    target = request.app.url_path_for("purchases.expense", slug=book.slug,
                                      expense_id=str(expense_id))
    return RedirectResponse(f"{target}?notice=attached", status_code=303)


@router.get("/attachments/{attachment_id}", name="purchases.attachment")
def attachment_download(book: BookDep, session: SessionDep,
                        attachment_id: Annotated[int, Path(ge=1, lt=2**63)]) -> Response:
    """A stored receipt or scan, as a download, to members of the book."""
    found, path = attachments.get_attachment(session, book, attachment_id)
    return FileResponse(path, media_type=found.media_type, filename=found.original_name,
                        content_disposition_type="attachment",
                        headers={"X-Content-Type-Options": "nosniff"})
