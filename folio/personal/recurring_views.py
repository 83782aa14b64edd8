"""Recurring transaction pages: the list with the coming months and detected
subscriptions, the new and edit forms, and "record now"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from folio.auth.guard import can
from folio.books.models import Book
from folio.clock import today
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden, ValidationError
from folio.ledger.accounts import list_accounts
from folio.ledger.models import AccountType
from folio.money import decimal_str
from folio.personal.detection import detect_subscriptions
from folio.personal.forecast import forecast
from folio.personal.models import RecurringTransaction
from folio.personal.recurring import (
    FREQUENCIES,
    KINDS,
    RecurringInput,
    create_recurring,
    delete_recurring,
    get_recurring,
    list_recurring,
    record_now,
    update_recurring,
)
from folio.web.forms import FormDep, field_errors, parse_date, parse_local_amount, text
from folio.web.templating import render

router = APIRouter(prefix="/recurring")
RecurringId = Annotated[int, Path(ge=1, lt=2**63)]
FORECAST_MONTHS = 3
FORM_FIELDS = ("name", "payee", "kind", "amount", "category", "money_account", "frequency",
               "interval", "next_date", "end_date", "active")


def _list_page(request: Request, session: Session, book: Book, *, error: str = "",
               status_code: int = 200) -> HTMLResponse:
    items = list_recurring(session, book)
    names = {a.id: a for a in list_accounts(session, book)}
    may_edit = can(session, book, "budget.write")
    return render(request, "personal/recurring.html", {
        "book": book, "items": items, "accounts": names,
        "forecast": forecast(session, book, FORECAST_MONTHS),
        "suggestions": detect_subscriptions(session, book) if may_edit else [],
        "can_edit": may_edit, "can_record": may_edit and can(session, book, "entry.post"),
        "today": today(), "error": error, "notice": request.query_params.get("notice")},
        status_code=status_code)


@router.get("", name="personal.recurring")
def recurring_page(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    return _list_page(request, session, book)


def _choices(session: Session, book: Book) -> dict[str, object]:
    accounts = [a for a in list_accounts(session, book, include_inactive=False) if not a.is_group]
    return {"categories": [a for a in accounts if a.type in (AccountType.EXPENSE.value,
                                                              AccountType.INCOME.value)],
            "money_accounts": [a for a in accounts if a.type in (AccountType.ASSET.value,
                                                                  AccountType.LIABILITY.value)],
            "kinds": KINDS, "frequencies": FREQUENCIES}


def _form_page(request: Request, session: Session, book: Book, form: dict[str, str], *,
               item: RecurringTransaction | None = None, error: str = "",
               errors: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    if not can(session, book, "budget.write"):
        raise Forbidden("Your role in this book cannot change recurring transactions")
    return render(request, "personal/recurring_form.html", {
        "book": book, "item": item, "form": form, "error": error, "errors": errors or {},
        **_choices(session, book)}, status_code=status_code)


def _form_of(item: RecurringTransaction, session: Session, book: Book) -> dict[str, str]:
    accounts = {a.id: a.code for a in list_accounts(session, book)}
    return {"name": item.name, "payee": item.payee or "", "kind": item.kind,
            "amount": decimal_str(item.amount, book.base_currency),
            "category": accounts.get(item.category_account_id, ""),
            "money_account": accounts.get(item.money_account_id, ""),
            "frequency": item.frequency, "interval": str(item.interval),
            "next_date": item.next_date.isoformat(),
            "end_date": item.end_date.isoformat() if item.end_date else "",
            "active": "1" if item.active else ""}


def _input(book: Book, form: dict[str, str]) -> RecurringInput:
    """The form as the service's input; unreadable fields raise with every error found."""
    errors: list[dict[str, str]] = []
    amount = next_date = end_date = None
    interval = 1
    try:
        amount = parse_local_amount(form["amount"], book.base_currency, book.locale, "amount")
    except ValidationError as exc:
        errors += exc.errors
    try:
        next_date = parse_date(form["next_date"], "next_date")
    except ValidationError as exc:
        errors += exc.errors
    if form["end_date"]:
        try:
            end_date = parse_date(form["end_date"], "end_date")
        except ValidationError as exc:
            errors += exc.errors
    if form["interval"]:
        if form["interval"].isdigit() and len(form["interval"]) <= 3:
            interval = int(form["interval"])
        else:
            errors.append({"field": "interval", "message": "a whole number from 1 to 99"})
    if errors or amount is None or next_date is None:
        raise ValidationError(errors[0]["message"] if len(errors) == 1
                              else "Some fields are invalid", errors=errors)
    return RecurringInput(
        name=form["name"], payee=form["payee"] or None, kind=form["kind"], amount=amount,
        category=form["category"], money_account=form["money_account"],
        frequency=form["frequency"], interval=interval, next_date=next_date,
        end_date=end_date, active=bool(form["active"]))


def _read(raw: FormDep) -> dict[str, str]:
    return {name: text(raw, name, 200) for name in FORM_FIELDS}


@router.get("/new", name="personal.recurring_new")
def new_page(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    """The form, empty or filled from a suggestion (its fields come as query parameters)."""
    query = request.query_params
    form = {name: query.get(name, "")[:200] for name in FORM_FIELDS}
    form["kind"] = form["kind"] or "subscription"
    form["frequency"] = form["frequency"] or "monthly"
    form["interval"] = form["interval"] or "1"
    form["next_date"] = form["next_date"] or today().isoformat()
    form["active"] = "1"
    return _form_page(request, session, book, form)


def _failed(request: Request, session: Session, book: Book, form: dict[str, str],
            exc: FolioError, item_id: int | None = None) -> HTMLResponse:
    session.rollback()
    if isinstance(exc, Forbidden):
        raise exc
    item = get_recurring(session, book, item_id) if item_id else None
    return _form_page(request, session, book, form, item=item, error=exc.detail,
                      errors=field_errors(exc.errors), status_code=exc.status)


def _to_list(request: Request, book: Book, notice: str) -> RedirectResponse:
    target = request.app.url_path_for("personal.recurring", slug=book.slug)
    return RedirectResponse(f"{target}?notice={notice}", status_code=303)


@router.post("/new", name="personal.recurring_create")
def create_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                raw: FormDep) -> Response:
    form = _read(raw)
    try:
        create_recurring(session, book, _input(book, form))
    except FolioError as exc:
        return _failed(request, session, book, form, exc)
    session.commit()
    return _to_list(request, book, "created")


@router.get("/{recurring_id}/edit", name="personal.recurring_edit")
def edit_page(request: Request, book: BookDep, session: SessionDep,
              recurring_id: RecurringId) -> HTMLResponse:
    item = get_recurring(session, book, recurring_id)
    return _form_page(request, session, book, _form_of(item, session, book), item=item)


@router.post("/{recurring_id}/edit", name="personal.recurring_update")
def update_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                recurring_id: RecurringId, raw: FormDep) -> Response:
    form = _read(raw)
    try:
        item = get_recurring(session, book, recurring_id, for_update=True)
        update_recurring(session, book, item, _input(book, form))
    except FolioError as exc:
        return _failed(request, session, book, form, exc, recurring_id)
    session.commit()
    return _to_list(request, book, "saved")


def _list_failed(request: Request, session: Session, book: Book,
                 exc: FolioError) -> HTMLResponse:
    session.rollback()
    if isinstance(exc, Forbidden):
        raise exc
    return _list_page(request, session, book, error=exc.detail, status_code=exc.status)


@router.post("/{recurring_id}/record", name="personal.recurring_record")
def record_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                recurring_id: RecurringId) -> Response:
    """Post the due occurrence now, dated its due date."""
    try:
        record_now(session, book, get_recurring(session, book, recurring_id, for_update=True))
    except FolioError as exc:
        return _list_failed(request, session, book, exc)
    session.commit()
    return _to_list(request, book, "recorded")


@router.post("/{recurring_id}/delete", name="personal.recurring_delete")
def delete_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                recurring_id: RecurringId) -> Response:
    try:
        delete_recurring(session, book, get_recurring(session, book, recurring_id,
                                                      for_update=True))
    except FolioError as exc:
        return _list_failed(request, session, book, exc)
    session.commit()
    return _to_list(request, book, "deleted")
