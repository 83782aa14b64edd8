"""JSON API for accounts, journal entries and reports."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response, status
from sqlalchemy import select

from folio.books.models import Book
from folio.clock import today
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.idempotency import IdempotencyKey, idempotent
from folio.ledger import report_output as output
from folio.ledger.accounts import (
    AccountInput,
    create_account,
    get_account,
    list_accounts,
    update_account,
)
from folio.ledger.general_ledger import general_ledger, journal
from folio.ledger.models import Account, JournalEntry
from folio.ledger.reports import balance_sheet, income_statement, report_period, trial_balance
from folio.ledger.schemas import (
    AccountCreate,
    AccountOut,
    AccountUpdate,
    CloseYearIn,
    EntryIn,
    EntryOut,
    EntryPage,
    ReverseIn,
)
from folio.ledger.service import (
    EntryInput,
    LineInput,
    close_fiscal_year,
    create_entry,
    delete_draft,
    get_entry,
    post_entry,
    reverse_entry,
    update_draft,
)

router = APIRouter(prefix="/books/{slug}")
Format = Annotated[Literal["json", "csv"], Query(description="json (default) or csv")]


def _parents(session: SessionDep, book: Book) -> dict[int, str]:
    return dict(session.execute(select(Account.id, Account.code)
                                .where(Account.book_id == book.id)).all())


@router.get("/accounts", response_model=list[AccountOut], tags=["accounts"])
def get_accounts(book: BookDep, session: SessionDep) -> list[AccountOut]:
    """The chart of accounts, ordered by code."""
    codes = _parents(session, book)
    return [AccountOut.of(a, codes.get(a.parent_id or 0)) for a in list_accounts(session, book)]


@router.post("/accounts", response_model=AccountOut, status_code=201, tags=["accounts"])
def post_account(data: AccountCreate, book: WriteBookDep, session: WriteSessionDep) -> AccountOut:
    account = create_account(session, book, AccountInput(**data.model_dump()))
    session.commit()
    return AccountOut.of(account, data.parent)


@router.get("/accounts/{code}", response_model=AccountOut, tags=["accounts"])
def get_one_account(code: str, book: BookDep,
                    session: SessionDep) -> AccountOut:
    account = get_account(session, book, code)
    return AccountOut.of(account, _parents(session, book).get(account.parent_id or 0))


@router.patch("/accounts/{code}", response_model=AccountOut, tags=["accounts"])
def patch_account(code: str, data: AccountUpdate, book: WriteBookDep,
                  session: WriteSessionDep) -> AccountOut:
    account = update_account(session, get_account(session, book, code),
                             **data.model_dump(exclude_unset=True))
    session.commit()
    return AccountOut.of(account, _parents(session, book).get(account.parent_id or 0))


def _entry_input(data: EntryIn) -> EntryInput:
    return EntryInput(date=data.date, description=data.description, party=data.party,
                      reference=data.reference,
                      lines=[LineInput(account=x.account, amount=x.amount, currency=x.currency,
                                       rate=x.rate, memo=x.memo) for x in data.lines])


def _entry_out(session: SessionDep, book: Book, entry: JournalEntry) -> EntryOut:
    reversed_by = session.scalar(select(JournalEntry.id).where(
        JournalEntry.book_id == book.id, JournalEntry.reversal_of_id == entry.id))
    return EntryOut.of(entry, book.base_currency, reversed_by)


@router.get("/entries", response_model=EntryPage, tags=["entries"])
def get_entries(book: BookDep, session: SessionDep,
                start: Annotated[date | None, Query(alias="from")] = None,
                end: Annotated[date | None, Query(alias="to")] = None,
                status_: Annotated[Literal["draft", "posted"] | None, Query(alias="status")] = None,
                q: Annotated[str | None, Query(max_length=100)] = None,
                page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
                page_size: Annotated[int, Query(ge=1, le=500)] = 50) -> EntryPage:
    """The journal (day book): entries newest first, with filters."""
    result = journal(session, book, start, end, status=status_, search=q, page=page,
                     page_size=page_size)
    return EntryPage(items=[_entry_out(session, book, e) for e in result.entries],
                     page=result.page, pages=result.pages, total=result.total)


@router.post("/entries", response_model=EntryOut, status_code=201, tags=["entries"])
def post_entry_route(data: EntryIn, request: Request, book: WriteBookDep,
                     session: WriteSessionDep, key: IdempotencyKey = None) -> Response:
    """Create a draft entry, or a posted one with ``"post": true``."""
    def run() -> tuple[int, Any]:
        entry = create_entry(session, book, _entry_input(data), post=data.post)
        return 201, _entry_out(session, book, entry).model_dump(mode="json")
    return idempotent(request, session, key, data.model_dump(mode="json"), run)


@router.get("/entries/{entry_id}", response_model=EntryOut, tags=["entries"])
def get_one_entry(entry_id: int, book: BookDep,
                  session: SessionDep) -> EntryOut:
    return _entry_out(session, book, get_entry(session, book, entry_id))


@router.put("/entries/{entry_id}", response_model=EntryOut, tags=["entries"])
def put_entry(entry_id: int, data: EntryIn, book: WriteBookDep,
              session: WriteSessionDep) -> EntryOut:
    """Replace a draft; posted entries are immutable (409)."""
    entry = update_draft(session, book, get_entry(session, book, entry_id), _entry_input(data))
    if data.post:
        post_entry(session, book, entry)
    session.commit()
    return _entry_out(session, book, entry)


@router.delete("/entries/{entry_id}", status_code=204, tags=["entries"])
def delete_entry(entry_id: int, book: WriteBookDep, session: WriteSessionDep) -> Response:
    """Delete a draft; a posted entry is never deleted (409)."""
    delete_draft(session, get_entry(session, book, entry_id))
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/entries/{entry_id}/post", response_model=EntryOut, tags=["entries"])
def post_draft(entry_id: int, book: WriteBookDep, session: WriteSessionDep) -> EntryOut:
    """Post a draft: it gets its number and hash and becomes immutable."""
    entry = post_entry(session, book, get_entry(session, book, entry_id))
    session.commit()
    return _entry_out(session, book, entry)


@router.post("/entries/{entry_id}/reverse", response_model=EntryOut, status_code=201,
             tags=["entries"])
def reverse(entry_id: int, request: Request, book: WriteBookDep, session: WriteSessionDep,
            data: ReverseIn | None = None, key: IdempotencyKey = None) -> Response:
    """Post the mirror entry of a posted entry, linked to it."""
    data = data or ReverseIn()

    def run() -> tuple[int, Any]:
        mirror = reverse_entry(session, book, get_entry(session, book, entry_id),
                               on=data.date, description=data.description)
        return 201, _entry_out(session, book, mirror).model_dump(mode="json")
    return idempotent(request, session, key, data.model_dump(mode="json"), run)


@router.post("/close-year", response_model=EntryOut | None, tags=["entries"])
def close_year(data: CloseYearIn, book: WriteBookDep, session: WriteSessionDep) -> Any:
    """Close the fiscal year containing ``date`` into retained earnings and lock it."""
    entry = close_fiscal_year(session, book, data.date)
    session.commit()
    return None if entry is None else _entry_out(session, book, entry)


def _csv(table: output.Table, name: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table[0])
    writer.writerows(table[1])
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@router.get("/reports/trial-balance", tags=["reports"])
def report_trial_balance(book: BookDep, session: SessionDep,
                         as_of: date | None = None, format: Format = "json") -> Any:
    """Every account with a non-zero balance at the end of ``as_of`` (default today)."""
    report = trial_balance(session, book, as_of or today())
    if format == "csv":
        return _csv(output.trial_balance_table(report), "trial-balance")
    return output.trial_balance_dict(report)


@router.get("/reports/balance-sheet", tags=["reports"])
def report_balance_sheet(book: BookDep, session: SessionDep,
                         as_of: date | None = None, format: Format = "json") -> Any:
    """Assets, liabilities and equity (with this year's earnings) at the end of ``as_of``."""
    report = balance_sheet(session, book, as_of or today())
    if format == "csv":
        return _csv(output.balance_sheet_table(report), "balance-sheet")
    return output.balance_sheet_dict(report)


@router.get("/reports/income-statement", tags=["reports"])
def report_income_statement(book: BookDep, session: SessionDep,
                            start: Annotated[date | None, Query(alias="from")] = None,
                            end: Annotated[date | None, Query(alias="to")] = None,
                            format: Format = "json") -> Any:
    """Income and expenses for a period beside the previous period of equal length."""
    report = income_statement(session, book, *report_period(book, start, end))
    if format == "csv":
        return _csv(output.income_statement_table(report), "income-statement")
    return output.income_statement_dict(report)


@router.get("/reports/general-ledger", tags=["reports"])
def report_general_ledger(book: BookDep, session: SessionDep,
                          account: Annotated[str, Query(min_length=1, max_length=20)],
                          start: Annotated[date | None, Query(alias="from")] = None,
                          end: Annotated[date | None, Query(alias="to")] = None,
                          page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
                          page_size: Annotated[int, Query(ge=1, le=1000)] = 100,
                          format: Format = "json") -> Any:
    """One account's postings with opening, running and closing balance, page by page."""
    report = general_ledger(session, book, get_account(session, book, account),
                            *report_period(book, start, end), page=page, page_size=page_size)
    if format == "csv":
        return _csv(output.general_ledger_table(report), f"ledger-{account}")
    return output.general_ledger_dict(report)
