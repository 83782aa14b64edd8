"""Banking pages: money accounts with a statement upload (previewed before it is kept), and
the statement lines screen: categorise open lines, book them in bulk, or match them to the
invoice or bill they settle in one click. The reconciliation pages live in
folio.banking.reconcile_views and are mounted on this router."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.auth.guard import can
from folio.banking import reconcile_views
from folio.banking.accounts import get_money_account, list_money_accounts
from folio.banking.imports import import_statement
from folio.banking.matching import (
    match_bill,
    match_invoice,
    matched_documents,
    suggest_for_lines,
)
from folio.banking.models import BankLine, LineStatus
from folio.banking.reconcile import locked_line_ids
from folio.banking.service import categorise, list_lines
from folio.banking.statements.csv_generic import PRESETS
from folio.banking.suggestions import suggest_many
from folio.books.models import Book
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden, ValidationError
from folio.ledger.accounts import list_accounts
from folio.ledger.models import Account, AccountBalance
from folio.web.forms import Blankable
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}/banking", include_in_schema=False)
# The preview carries the file in the page, so page uploads stay small; the API takes more.
MAX_PAGE_UPLOAD = 2 * 1024 * 1024
LINES_PAGE_SIZE = 50
MATCHES_SHOWN = 3  # match suggestions per line on the statement lines page


def _accounts_page(request: Request, session: Session, book: Book, *, error: str = "",
                   status_code: int = 200) -> HTMLResponse:
    accounts = list_money_accounts(session, book)
    ids = [money.account_id for money in accounts]
    balances = dict(session.execute(
        select(AccountBalance.account_id, func.sum(AccountBalance.amount))
        .where(AccountBalance.book_id == book.id, AccountBalance.account_id.in_(ids))
        .group_by(AccountBalance.account_id)).all())
    codes = dict(session.execute(select(Account.id, Account.code)
                                 .where(Account.id.in_(ids))).all())
    open_counts = dict(session.execute(
        select(BankLine.money_account_id, func.count()).where(
            BankLine.book_id == book.id, BankLine.status == LineStatus.UNMATCHED.value)
        .group_by(BankLine.money_account_id)).all())
    return render(request, "banking/accounts.html", {
        "book": book, "accounts": accounts, "balances": balances, "codes": codes,
        "open_counts": open_counts, "presets": list(PRESETS), "error": error,
        "notice": request.query_params.get("notice")}, status_code=status_code)


@router.get("", name="banking.accounts")
def accounts_page(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    return _accounts_page(request, session, book)


@router.post("/import", name="banking.import")
def import_page(
    request: Request, book: WriteBookDep, session: WriteSessionDep,
    account_id: Annotated[int, Form(ge=1, lt=2**63)],
    file: Annotated[UploadFile | None, File()] = None,
    preset: Annotated[str, Form(max_length=20)] = "",
    content: Annotated[str, Form(max_length=MAX_PAGE_UPLOAD * 2)] = "",
    filename: Annotated[str, Form(max_length=255)] = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Preview an upload (import, show, roll back), then import it for good on confirm."""
    try:
        if confirm and content:
            data = base64.b64decode(content, validate=True)
        elif file is not None and file.filename:
            data, filename = file.file.read(MAX_PAGE_UPLOAD + 1), file.filename
        else:
            raise ValidationError("Choose a statement file to upload", field="file")
        if len(data) > MAX_PAGE_UPLOAD:
            raise ValidationError("The file is larger than 2 MB; import it with "
                                  "'folio import bank' or the API", field="file")
        money = get_money_account(session, book, account_id)
        result = import_statement(session, book, money, filename, data,
                                  preset=preset if preset in PRESETS else None)
    except (FolioError, binascii.Error) as exc:
        session.rollback()
        message = exc.detail if isinstance(exc, FolioError) else "The upload was damaged"
        return _accounts_page(request, session, book, error=message, status_code=422)
    if confirm:
        session.commit()
        target = request.app.url_path_for("banking.lines", slug=book.slug)
        return RedirectResponse(f"{target}?account={money.id}&notice=imported",
                                status_code=303)
    codes = dict(session.execute(select(Account.id, Account.code)
                                 .where(Account.book_id == book.id)).all())
    page = render(request, "banking/preview.html", {
        "book": book, "money": money, "result": result, "codes": codes,
        "filename": filename, "preset": preset if preset in PRESETS else "",
        "content": base64.b64encode(data).decode()})
    session.rollback()  # a preview writes nothing
    return page


@router.get("/lines", name="banking.lines")
def lines_page(
    request: Request, book: BookDep, session: SessionDep,
    account: Annotated[int | None, Blankable, Query(ge=1, lt=2**63)] = None,
    status: Annotated[Literal["unmatched", "categorised", "matched", "transfer", "ignored"]
                      | None,
                      Blankable, Query()] = "unmatched",
    q: Annotated[str | None, Query(max_length=100)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    """The categorise screen: open lines with suggestions, booked one by one or in bulk."""
    return _lines_page(request, session, book, account, status, q, page)


def _lines_page(request: Request, session: Session, book: Book, account: int | None,
                status: str | None, q: str | None, page: int, *, error: str = "",
                status_code: int = 200) -> HTMLResponse:
    result = list_lines(session, book, money_account_id=account, status=status, search=q,
                        page=page, page_size=LINES_PAGE_SIZE)
    codes = dict(session.execute(select(Account.id, Account.code)
                                 .where(Account.book_id == book.id)).all())
    accounts = list_money_accounts(session, book)
    may_book = can(session, book, "bank.import")
    return render(request, "banking/lines.html", {
        "book": book, "result": result, "hints": suggest_many(session, book, result.lines),
        "matches": suggest_for_lines(session, book, result.lines, limit=MATCHES_SHOWN),
        "matched": matched_documents(session, book, result.lines),
        "locked": locked_line_ids(session, book, result.lines),
        "money_names": {a.account_id: a.name for a in accounts},
        "can_book": may_book, "can_match": may_book and can(session, book, "payment.record"),
        "codes": codes, "accounts": accounts,
        "targets": [a for a in list_accounts(session, book, include_inactive=False)
                    if not a.is_group],
        "filters": {"account": account, "status": status or "", "q": q or ""},
        "error": error, "notice": request.query_params.get("notice")},
        status_code=status_code)


@router.post("/lines/categorise", name="banking.categorise")
def categorise_page(
    request: Request, book: WriteBookDep, session: WriteSessionDep,
    line_ids: Annotated[list[int], Form(max_length=LINES_PAGE_SIZE)] = [],  # noqa: B006
    target: Annotated[str, Form(max_length=20)] = "",
    memo: Annotated[str, Form(max_length=500)] = "",
    suggested: Annotated[str, Form(max_length=60)] = "",
    back: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Book the ticked lines to one account, or one line to its suggestion."""
    ids, account = list(line_ids), target
    if suggested:  # "<line id>:<account code>" from a row's own button
        line_id, _, account = suggested.partition(":")
        ids = [int(line_id)] if _is_id(line_id) else []
    try:
        if not account:
            raise ValidationError("Choose the account to book the lines to", field="target")
        if not ids:
            raise ValidationError("Tick the lines to book", field="line_ids")
        booked = categorise(session, book, ids, account, memo=memo or None)
    except FolioError as exc:
        return _refused(request, session, book, exc)
    session.commit()
    return _back(request, book, back, f"notice=categorised&booked={len(booked)}")


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) < 20


def _refused(request: Request, session: Session, book: Book, exc: FolioError) -> HTMLResponse:
    """The open lines again, with the service's message; a permission refusal stays 403."""
    session.rollback()
    if isinstance(exc, Forbidden):
        raise exc
    return _lines_page(request, session, book, None, "unmatched", None, 1,
                       error=exc.detail, status_code=exc.status)


def _back(request: Request, book: Book, back: str, query: str) -> RedirectResponse:
    path = back if back.startswith("/") and not back.startswith("//") else \
        str(request.app.url_path_for("banking.lines", slug=book.slug))
    separator = "&" if "?" in path else "?"
    return RedirectResponse(f"{path}{separator}{query}", status_code=303)


@router.post("/lines/match", name="banking.match")
def match_page(
    request: Request, book: WriteBookDep, session: WriteSessionDep,
    match: Annotated[str, Form(max_length=80)] = "",
    back: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Record a line as the payment of the suggested invoice or bill: "<line>:<kind>:<id>"."""
    line_id, kind, document_id = [*match.split(":"), "", "", ""][:3]
    try:
        if not (_is_id(line_id) and _is_id(document_id) and kind in ("invoice", "bill")):
            raise ValidationError("Choose a suggested invoice or bill to match", field="match")
        if kind == "bill":
            match_bill(session, book, int(line_id), int(document_id))
        else:
            match_invoice(session, book, int(line_id), int(document_id))
    except FolioError as exc:
        return _refused(request, session, book, exc)
    session.commit()
    return _back(request, book, back, "notice=matched")


router.include_router(reconcile_views.router)
