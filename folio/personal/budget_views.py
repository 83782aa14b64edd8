"""The budget editor: a month's budgets against actual spending, set, remove and copy."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from folio.auth.guard import can
from folio.books.models import Book
from folio.clock import today
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden, ValidationError
from folio.ledger.accounts import list_accounts
from folio.ledger.models import AccountType
from folio.ledger.periods import add_months, month_start
from folio.personal.budget_report import budget_vs_actual
from folio.personal.budgets import BudgetInput, copy_budgets, delete_budget, set_budget
from folio.personal.months import month_text, parse_month
from folio.web.forms import Blankable, field_errors, parse_local_amount
from folio.web.templating import render

router = APIRouter(prefix="/budgets")
MonthForm = Annotated[str, Form(max_length=20)]


def _page(request: Request, session: Session, book: Book, first: date, *, error: str = "",
          errors: dict[str, str] | None = None, form: dict[str, str] | None = None,
          status_code: int = 200) -> HTMLResponse:
    report = budget_vs_actual(session, book, month_text(first))
    categories = [a for a in list_accounts(session, book, include_inactive=False)
                  if a.type == AccountType.EXPENSE.value]
    return render(request, "personal/budgets.html", {
        "book": book, "report": report, "month": first, "month_text": month_text(first),
        "previous_month": month_text(add_months(first, -1)),
        "next_month": month_text(add_months(first, 1)), "categories": categories,
        "can_edit": can(session, book, "budget.write"), "error": error,
        "errors": errors or {}, "form": form or {},
        "notice": request.query_params.get("notice")}, status_code=status_code)


@router.get("", name="personal.budgets")
def budgets_page(request: Request, book: BookDep, session: SessionDep,
                 month: Annotated[str | None, Blankable, Query(max_length=20)] = None
                 ) -> HTMLResponse:
    try:
        first = parse_month(month) if month else month_start(today())
    except ValidationError as exc:
        return _page(request, session, book, month_start(today()), error=exc.detail,
                     status_code=exc.status)
    return _page(request, session, book, first)


def _back(request: Request, book: Book, month: str, notice: str) -> RedirectResponse:
    target = request.app.url_path_for("personal.budgets", slug=book.slug)
    return RedirectResponse(f"{target}?month={month}&notice={notice}", status_code=303)


def _failed(request: Request, session: Session, book: Book, month: str, exc: FolioError,
            form: dict[str, str] | None = None) -> HTMLResponse:
    """Show the month again with the service's message; a refusal stays a 403 page."""
    session.rollback()
    if isinstance(exc, Forbidden):
        raise exc
    try:
        first = parse_month(month)
    except ValidationError:
        first = month_start(today())
    return _page(request, session, book, first, error=exc.detail,
                 errors=field_errors(exc.errors), form=form, status_code=exc.status)


@router.post("", name="personal.budget_set")
def set_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
             month: MonthForm, account: Annotated[str, Form(max_length=20)] = "",
             amount: Annotated[str, Form(max_length=40)] = "",
             rollover: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Set one category's budget for the month."""
    form = {"account": account, "amount": amount, "rollover": rollover}
    try:
        if not account:
            raise ValidationError("Choose a category", field="account")
        value = parse_local_amount(amount, book.base_currency, book.locale, "amount")
        set_budget(session, book, BudgetInput(month=month, account=account, amount=value,
                                              rollover=bool(rollover)))
    except FolioError as exc:
        return _failed(request, session, book, month, exc, form)
    session.commit()
    return _back(request, book, month, "saved")


@router.post("/delete", name="personal.budget_delete")
def delete_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                month: MonthForm, account: Annotated[str, Form(max_length=20)]) -> Response:
    try:
        delete_budget(session, book, month, account)
    except FolioError as exc:
        return _failed(request, session, book, month, exc)
    session.commit()
    return _back(request, book, month, "deleted")


@router.post("/copy", name="personal.budget_copy")
def copy_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
              month: MonthForm) -> Response:
    try:
        copy_budgets(session, book, month)
    except FolioError as exc:
        return _failed(request, session, book, month, exc)
    session.commit()
    return _back(request, book, month, "copied")
