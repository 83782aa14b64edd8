"""Savings goal pages: progress of every goal, new goals, contributions, removal."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from folio.auth.guard import can
from folio.books.models import Book
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden, ValidationError
from folio.ledger.accounts import list_accounts
from folio.ledger.models import AccountType
from folio.personal.goals import (
    GoalInput,
    contribute,
    create_goal,
    delete_goal,
    get_goal,
    list_goals,
)
from folio.web.forms import field_errors, parse_date, parse_local_amount
from folio.web.templating import render

router = APIRouter(prefix="/goals")
GoalId = Annotated[int, Path(ge=1, lt=2**63)]


def _page(request: Request, session: Session, book: Book, *, error: str = "",
          errors: dict[str, str] | None = None, form: dict[str, str] | None = None,
          status_code: int = 200) -> HTMLResponse:
    return render(request, "personal/goals.html", {
        "book": book, "rows": list_goals(session, book),
        "asset_accounts": [a for a in list_accounts(session, book, include_inactive=False)
                           if a.type == AccountType.ASSET.value],
        "can_edit": can(session, book, "budget.write"), "error": error,
        "errors": errors or {}, "form": form or {},
        "notice": request.query_params.get("notice")}, status_code=status_code)


@router.get("", name="personal.goals")
def goals_page(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    return _page(request, session, book)


def _failed(request: Request, session: Session, book: Book, exc: FolioError,
            form: dict[str, str] | None = None) -> HTMLResponse:
    session.rollback()
    if isinstance(exc, Forbidden):
        raise exc
    return _page(request, session, book, error=exc.detail, errors=field_errors(exc.errors),
                 form=form, status_code=exc.status)


def _back(request: Request, book: Book, notice: str) -> RedirectResponse:
    target = request.app.url_path_for("personal.goals", slug=book.slug)
    return RedirectResponse(f"{target}?notice={notice}", status_code=303)


@router.post("", name="personal.goal_create")
def create_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                name: Annotated[str, Form(max_length=200)] = "",
                target_amount: Annotated[str, Form(max_length=40)] = "",
                target_date: Annotated[str, Form(max_length=20)] = "",
                account: Annotated[str, Form(max_length=20)] = "") -> Response:
    form = {"name": name, "target_amount": target_amount, "target_date": target_date,
            "account": account}
    try:
        amount = parse_local_amount(target_amount, book.base_currency, book.locale,
                                    "target_amount")
        day = parse_date(target_date, "target_date") if target_date.strip() else None
        create_goal(session, book, GoalInput(name=name, target_amount=amount, target_date=day,
                                             account=account or None))
    except FolioError as exc:
        return _failed(request, session, book, exc, form)
    session.commit()
    return _back(request, book, "created")


@router.post("/{goal_id}/contribute", name="personal.goal_contribute")
def contribute_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                    goal_id: GoalId, amount: Annotated[str, Form(max_length=40)] = "") -> Response:
    try:
        if not amount.strip():
            raise ValidationError("Enter an amount", field="amount")
        value = parse_local_amount(amount, book.base_currency, book.locale, "amount")
        contribute(session, book, get_goal(session, book, goal_id, for_update=True), value)
    except FolioError as exc:
        return _failed(request, session, book, exc)
    session.commit()
    return _back(request, book, "contributed")


@router.post("/{goal_id}/delete", name="personal.goal_delete")
def delete_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                goal_id: GoalId) -> Response:
    try:
        delete_goal(session, book, get_goal(session, book, goal_id, for_update=True))
    except FolioError as exc:
        return _failed(request, session, book, exc)
    session.commit()
    return _back(request, book, "deleted")
