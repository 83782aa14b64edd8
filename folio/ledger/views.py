"""Ledger pages: the chart of accounts, the journal, an entry and what can be done to it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.clock import today
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError
from folio.ledger.account_tree import account_tree
from folio.ledger.accounts import AccountInput, create_account, list_accounts
from folio.ledger.general_ledger import journal
from folio.ledger.models import JournalEntry
from folio.ledger.reports import net_by_account
from folio.ledger.service import delete_draft, get_entry, post_entry, reverse_entry
from folio.web.forms import Blankable, FormDep, field_errors, text
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}", include_in_schema=False)
JOURNAL_PAGE_SIZE = 25


def _redirect(request: Request, name: str, notice: str | None = None, **path: object) -> Response:
    target = str(request.app.url_path_for(name, **{k: str(v) for k, v in path.items()}))
    return RedirectResponse(target + (f"?notice={notice}" if notice else ""), status_code=303)


def _accounts_page(request: Request, session: Session, book: Book,
                   form: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                   status_code: int = 200) -> HTMLResponse:
    accounts = list_accounts(session, book)
    rows = account_tree(accounts, net_by_account(session, book, None, today()))
    return render(request, "ledger/accounts.html", {
        "book": book, "rows": rows, "groups": [a for a in accounts if a.is_group],
        "form": form or {}, "errors": errors or {},
        "notice": request.query_params.get("notice")}, status_code=status_code)


@router.get("/accounts", name="ledger.accounts")
def accounts_page(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    return _accounts_page(request, session, book)


@router.post("/accounts", name="ledger.account_create")
def account_create(request: Request, form: FormDep, book: WriteBookDep,
                   session: WriteSessionDep) -> Response:
    fields = {name: text(form, name, 500) for name in
              ("code", "name", "name_id", "type", "parent", "description", "is_group")}
    data = AccountInput(code=fields["code"], name=fields["name"], type=fields["type"],
                        parent=fields["parent"] or None, name_id=fields["name_id"] or None,
                        is_group=fields["is_group"] == "on",
                        description=fields["description"] or None)
    try:
        create_account(session, book, data)
    except FolioError as exc:
        session.rollback()
        return _accounts_page(request, session, book, form=fields,
                              errors=field_errors(exc.errors) or {"": exc.detail},
                              status_code=exc.status)
    session.commit()
    return _redirect(request, "ledger.accounts", "account_created", slug=book.slug)


@router.get("/journal", name="ledger.journal")
def journal_page(request: Request, book: BookDep, session: SessionDep,
                 q: Annotated[str | None, Query(max_length=100)] = None,
                 start: Annotated[date | None, Blankable, Query(alias="from")] = None,
                 end: Annotated[date | None, Blankable, Query(alias="to")] = None,
                 status: Annotated[Literal["draft", "posted"] | None, Blankable, Query()] = None,
                 page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> HTMLResponse:
    result = journal(session, book, start, end, status=status, search=q, page=page,
                     page_size=JOURNAL_PAGE_SIZE)
    return render(request, "ledger/journal.html", {
        "book": book, "result": result,
        "filters": {"q": q or "", "from": start, "to": end, "status": status or ""},
        "filtered": bool(q or start or end or status),
        "notice": request.query_params.get("notice")})


def _entry_page(request: Request, session: Session, book: Book, entry: JournalEntry,
                error: str | None = None, status_code: int = 200) -> HTMLResponse:
    reversed_by = session.scalar(select(JournalEntry).where(
        JournalEntry.book_id == book.id, JournalEntry.reversal_of_id == entry.id))
    reversal_of = (session.get(JournalEntry, entry.reversal_of_id)
                   if entry.reversal_of_id is not None else None)
    return render(request, "ledger/entry.html", {
        "book": book, "entry": entry, "reversed_by": reversed_by, "reversal_of": reversal_of,
        "error": error, "notice": request.query_params.get("notice")},
        status_code=status_code)


@router.get("/entries/{entry_id}", name="ledger.entry")
def entry_page(request: Request, entry_id: int, book: BookDep,
               session: SessionDep) -> HTMLResponse:
    return _entry_page(request, session, book, get_entry(session, book, entry_id))


def _entry_action(request: Request, session: Session, book: Book, entry_id: int,
                  action: Callable[[JournalEntry], Response]) -> Response:
    """Run ``action`` on the entry and commit; a refused action shows the entry with why."""
    entry = get_entry(session, book, entry_id)
    try:
        response = action(entry)
    except FolioError as exc:
        session.rollback()
        return _entry_page(request, session, book, get_entry(session, book, entry_id),
                           exc.detail, exc.status)
    session.commit()
    return response


@router.post("/entries/{entry_id}/post", name="ledger.entry_post")
def entry_post(request: Request, entry_id: int, book: WriteBookDep,
               session: WriteSessionDep) -> Response:
    def action(entry: JournalEntry) -> Response:
        post_entry(session, book, entry)
        return _redirect(request, "ledger.entry", "posted", slug=book.slug, entry_id=entry.id)
    return _entry_action(request, session, book, entry_id, action)


@router.post("/entries/{entry_id}/reverse", name="ledger.entry_reverse")
def entry_reverse(request: Request, entry_id: int, book: WriteBookDep,
                  session: WriteSessionDep) -> Response:
    def action(entry: JournalEntry) -> Response:
        mirror = reverse_entry(session, book, entry)  # dated today
        return _redirect(request, "ledger.entry", "reversed", slug=book.slug,
                         entry_id=mirror.id)
    return _entry_action(request, session, book, entry_id, action)


@router.post("/entries/{entry_id}/delete", name="ledger.entry_delete")
def entry_delete(request: Request, entry_id: int, book: WriteBookDep,
                 session: WriteSessionDep) -> Response:
    def action(entry: JournalEntry) -> Response:
        delete_draft(session, entry)
        return _redirect(request, "ledger.journal", "deleted", slug=book.slug)
    return _entry_action(request, session, book, entry_id, action)
