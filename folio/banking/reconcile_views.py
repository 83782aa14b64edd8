"""Reconciliation pages: start one for a money account, tick its lines off against the
statement (the difference is worked out on the server after every tick), finish it when
nothing differs, read its report, and see each account's history. The rules (dates, locks,
who may undo) stay in folio.banking.reconcile; these pages show them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from folio.auth.guard import can
from folio.banking.accounts import get_money_account, list_money_accounts
from folio.banking.models import MoneyAccount, ReconciliationStatus
from folio.banking.reconcile import (
    change_statement_balance,
    delete_open,
    finish,
    latest_finished,
    list_reconciliations,
    reconciliation_status,
    set_cleared,
    start_reconciliation,
    undo,
)
from folio.books.models import Book
from folio.clock import today
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden, ValidationError
from folio.web.forms import Blankable, parse_date, parse_local_amount
from folio.web.templating import render

# Mounted on folio.banking.views.router, under /books/{slug}/banking.
router = APIRouter(include_in_schema=False)
Id = Annotated[int, Path(ge=1, lt=2**63)]
ONE = "/accounts/{account_id}/reconciliations/{reconciliation_id}"
MAX_LINES = 1000


def _refused(session: Session, exc: FolioError) -> None:
    """Roll back a failed action; a permission refusal stays a 403 page."""
    session.rollback()
    if isinstance(exc, Forbidden):
        raise exc


def _overview(request: Request, session: Session, book: Book, account: int | None, *,
              error: str = "", errors: dict[str, str] | None = None,
              form: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    accounts = list_money_accounts(session, book)
    money: MoneyAccount | None = None
    if account is not None:
        money = get_money_account(session, book, account)
    elif accounts:
        money = accounts[0]
    history = [reconciliation_status(session, book, money.id, rec.id)
               for rec in list_reconciliations(session, book, money.id)] if money else []
    current = next((r for r in history
                    if r.reconciliation.status == ReconciliationStatus.OPEN.value), None)
    last = latest_finished(session, book, money.id) if money else None
    may = can(session, book, "bank.reconcile")
    return render(request, "banking/reconcile.html", {
        "book": book, "accounts": accounts, "money": money, "history": history,
        "current": current, "last_id": last.id if last else None,
        "can_reconcile": may, "can_undo": may and can(session, book, "book.manage"),
        "form": form or {"statement_date": today().isoformat(), "statement_balance": ""},
        "error": error, "errors": errors or {},
        "notice": request.query_params.get("notice")}, status_code=status_code)


@router.get("/reconcile", name="banking.reconcile")
def reconcile_page(request: Request, book: BookDep, session: SessionDep,
                   account: Annotated[int | None, Blankable, Query(ge=1, lt=2**63)] = None
                   ) -> HTMLResponse:
    """Pick a money account: its open reconciliation, a form to start one, its history."""
    return _overview(request, session, book, account)


def _to(request: Request, book: Book, account_id: int, reconciliation_id: int,
        notice: str = "") -> RedirectResponse:
    target = request.app.url_path_for("banking.reconciliation", slug=book.slug,
                                      account_id=str(account_id),
                                      reconciliation_id=str(reconciliation_id))
    return RedirectResponse(f"{target}?notice={notice}" if notice else str(target),
                            status_code=303)


@router.post("/reconcile/start", name="banking.reconcile_start")
def start_page(
    request: Request, book: WriteBookDep, session: WriteSessionDep,
    account_id: Annotated[int, Form(ge=1, lt=2**63)],
    statement_date: Annotated[str, Form(max_length=20)] = "",
    statement_balance: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Start reconciling against a statement's end date and closing balance."""
    form = {"statement_date": statement_date, "statement_balance": statement_balance}
    try:
        money = get_money_account(session, book, account_id)
        if not statement_balance.strip():
            raise ValidationError("Enter the statement's closing balance",
                                  field="statement_balance")
        on = parse_date(statement_date, "statement_date")
        balance = parse_local_amount(statement_balance, money.currency, book.locale,
                                     "statement_balance")
        rec = start_reconciliation(session, book, money.id, on, balance)
    except FolioError as exc:
        _refused(session, exc)
        errors = {e["field"]: e["message"] for e in exc.errors if e.get("field")}
        return _overview(request, session, book, account_id, error=exc.detail, errors=errors,
                         form=form, status_code=exc.status)
    session.commit()
    return _to(request, book, money.id, rec.id)


def _reconciliation_page(request: Request, session: Session, book: Book, account_id: int,
                         reconciliation_id: int, *, error: str = "",
                         status_code: int = 200) -> HTMLResponse:
    report = reconciliation_status(session, book, account_id, reconciliation_id)
    is_open = report.reconciliation.status == ReconciliationStatus.OPEN.value
    last = latest_finished(session, book, account_id)
    may = can(session, book, "bank.reconcile")
    rows = sorted(report.cleared + report.uncleared, key=lambda x: (x.date, x.id)) \
        if is_open else report.cleared
    return render(request, "banking/reconciliation.html", {
        "book": book, "report": report, "rec": report.reconciliation, "money": report.money,
        "rows": rows[:MAX_LINES], "too_many": len(rows) > MAX_LINES, "is_open": is_open,
        "can_reconcile": may and is_open,
        "can_undo": (not is_open and may and can(session, book, "book.manage")
                     and last is not None and last.id == reconciliation_id),
        "error": error, "notice": request.query_params.get("notice")},
        status_code=status_code)


@router.get(ONE, name="banking.reconciliation")
def reconciliation_page(request: Request, book: BookDep, session: SessionDep,
                        account_id: Id, reconciliation_id: Id) -> HTMLResponse:
    """An open reconciliation's tick list and difference, or a finished one's report."""
    return _reconciliation_page(request, session, book, account_id, reconciliation_id)


def _failed(request: Request, session: Session, book: Book, account_id: int,
            reconciliation_id: int, exc: FolioError) -> HTMLResponse:
    _refused(session, exc)
    return _reconciliation_page(request, session, book, account_id, reconciliation_id,
                                error=exc.detail, status_code=exc.status)


@router.post(ONE + "/cleared", name="banking.reconcile_cleared")
def cleared_page(
    request: Request, book: WriteBookDep, session: WriteSessionDep, account_id: Id,
    reconciliation_id: Id,
    shown: Annotated[list[int], Form(max_length=MAX_LINES)] = [],  # noqa: B006
    cleared: Annotated[list[int], Form(max_length=MAX_LINES)] = [],  # noqa: B006
) -> Response:
    """Save the ticks: each listed line is cleared exactly when it is ticked. An htmx tick
    gets the page back (it swaps in the new balances); a plain form is redirected."""
    try:
        set_cleared(session, book, account_id, reconciliation_id, shown, cleared)
    except FolioError as exc:
        return _failed(request, session, book, account_id, reconciliation_id, exc)
    session.commit()
    if request.headers.get("HX-Request"):
        report = reconciliation_status(session, book, account_id, reconciliation_id)
        return render(request, "banking/_reconciliation_summary.html", {
            "book": book, "report": report, "rec": report.reconciliation,
            "money": report.money, "is_open": True,
            "can_reconcile": can(session, book, "bank.reconcile")}, fragment=True)
    return _to(request, book, account_id, reconciliation_id, "saved")


@router.post(ONE + "/balance", name="banking.reconcile_balance")
def balance_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                 account_id: Id, reconciliation_id: Id,
                 statement_balance: Annotated[str, Form(max_length=40)] = "") -> Response:
    """Correct the statement's closing balance."""
    try:
        money = get_money_account(session, book, account_id)
        if not statement_balance.strip():
            raise ValidationError("Enter the statement's closing balance",
                                  field="statement_balance")
        balance = parse_local_amount(statement_balance, money.currency, book.locale,
                                     "statement_balance")
        change_statement_balance(session, book, account_id, reconciliation_id, balance)
    except FolioError as exc:
        return _failed(request, session, book, account_id, reconciliation_id, exc)
    session.commit()
    return _to(request, book, account_id, reconciliation_id, "balance")


@router.post(ONE + "/finish", name="banking.reconcile_finish")
def finish_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                account_id: Id, reconciliation_id: Id) -> Response:
    """Finish when the difference is zero; otherwise say by how much it differs."""
    try:
        finish(session, book, account_id, reconciliation_id)
    except FolioError as exc:
        return _failed(request, session, book, account_id, reconciliation_id, exc)
    session.commit()
    return _to(request, book, account_id, reconciliation_id, "finished")


@router.post(ONE + "/delete", name="banking.reconcile_delete")
def delete_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                account_id: Id, reconciliation_id: Id) -> Response:
    """Drop an open reconciliation and its ticks."""
    try:
        delete_open(session, book, account_id, reconciliation_id)
    except FolioError as exc:
        return _failed(request, session, book, account_id, reconciliation_id, exc)
    session.commit()
    target = request.app.url_path_for("banking.reconcile", slug=book.slug)
    return RedirectResponse(f"{target}?account={account_id}&notice=deleted", status_code=303)


@router.post("/accounts/{account_id}/reconciliations/undo", name="banking.reconcile_undo")
def undo_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
              account_id: Id) -> Response:
    """Reopen the account's last finished reconciliation (owners and admins)."""
    try:
        rec = undo(session, book, account_id)
    except FolioError as exc:
        _refused(session, exc)
        return _overview(request, session, book, account_id, error=exc.detail,
                         status_code=exc.status)
    session.commit()
    return _to(request, book, account_id, rec.id, "undone")
