"""An account's general ledger and the book's journal (day book), page by page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import Session, selectinload

from folio.auth.guard import require
from folio.books.models import Book
from folio.ledger.models import Account, AccountDayBalance, JournalEntry, JournalLine
from folio.ledger.periods import check_day
from folio.ledger.reports import net_by_account

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


@dataclass
class LedgerRow:
    entry_id: int
    number: int | None
    date: date
    description: str
    memo: str | None
    amount: int
    currency: str
    base_amount: int
    balance: int  # running balance after this row, base minor units, debit positive


@dataclass
class GeneralLedger:
    book: Book
    account: Account
    start: date
    end: date
    opening: int
    closing: int
    rows: list[LedgerRow]
    page: int
    page_size: int
    total_rows: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total_rows // self.page_size))


def _balance_before(session: Session, book: Book, account: Account, day: date) -> int:
    """Account balance at the end of the day before ``day``."""
    return net_by_account(session, book, None, day - timedelta(days=1)).get(account.id, 0)


def general_ledger(session: Session, book: Book, account: Account, start: date, end: date,
                   page: int = 1, page_size: int = DEFAULT_PAGE_SIZE) -> GeneralLedger:
    """Postings to ``account`` in [start, end] with opening and running balance."""
    require(session, book, "report.read")
    check_day(end, "to")  # first: a default start is derived from it
    check_day(start, "from")
    page = max(page, 1)
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    # The account's postings per day of the period, counted and summed by the daily
    # balances: the row count, the closing balance and the day the page starts on, without
    # reading the postings of earlier pages.
    days = session.execute(
        select(AccountDayBalance.day, func.sum(AccountDayBalance.postings),
               func.sum(AccountDayBalance.debit - AccountDayBalance.credit))
        .where(AccountDayBalance.book_id == book.id, AccountDayBalance.account_id == account.id,
               AccountDayBalance.day >= start, AccountDayBalance.day <= end)
        .group_by(AccountDayBalance.day).order_by(AccountDayBalance.day)).all()
    total_rows = sum(int(count or 0) for _day, count, _net in days)
    period_net = sum(int(net or 0) for _day, _count, net in days)
    opening = _balance_before(session, book, account, start)
    skip = (page - 1) * page_size  # rows before this page...
    running = opening  # ...and the balance before the day it starts on
    first_day: date | None = None
    for day, count, net in days:
        if skip < int(count or 0):
            first_day = day
            break
        skip -= int(count or 0)
        running += int(net or 0)
    # The account's rows from that day on (one bound per side keeps the index range tight).
    account_rows = and_(JournalLine.book_id == book.id, JournalLine.account_id == account.id,
                        JournalLine.posted.is_(True))
    lines = [] if first_day is None else session.execute(
        select(JournalLine, JournalEntry.number, JournalEntry.description)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(account_rows, JournalLine.date >= first_day, JournalLine.date <= end)
        .order_by(JournalLine.date, JournalLine.entry_id, JournalLine.id)
        .limit(page_size).offset(skip)).all()
    if lines and skip:
        first = lines[0][0]
        # The page starts inside a day: add that day's earlier rows.
        running += session.scalar(select(func.coalesce(func.sum(JournalLine.base_amount), 0))
                                  .where(account_rows, JournalLine.date == first.date,
                                         tuple_(JournalLine.entry_id, JournalLine.id)
                                         < tuple_(first.entry_id, first.id))) or 0
    rows = []
    for line, number, description in lines:
        running += line.base_amount
        rows.append(LedgerRow(entry_id=line.entry_id, number=number, date=line.date,
                              description=description, memo=line.memo, amount=line.amount,
                              currency=line.currency, base_amount=line.base_amount,
                              balance=running))
    return GeneralLedger(book=book, account=account, start=start, end=end, opening=opening,
                         closing=opening + int(period_net), rows=rows, page=page,
                         page_size=page_size, total_rows=int(total_rows))


@dataclass
class JournalPage:
    book: Book
    start: date | None
    end: date | None
    entries: list[JournalEntry]
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def journal(session: Session, book: Book, start: date | None = None, end: date | None = None,
            *, status: str | None = None, search: str | None = None, page: int = 1,
            page_size: int = 50) -> JournalPage:
    """Entries with their lines, newest first: the day book."""
    require(session, book, "report.read")
    page = max(page, 1)
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    conditions = [JournalEntry.book_id == book.id]
    if start:
        conditions.append(JournalEntry.date >= start)
    if end:
        conditions.append(JournalEntry.date <= end)
    if status:
        conditions.append(JournalEntry.status == status)
    text = (search or "").replace("\x00", "").strip()  # PostgreSQL refuses NUL characters
    if text:
        # autoescape: % and _ in the search are plain characters, not wildcards.
        conditions.append(or_(JournalEntry.description.icontains(text, autoescape=True),
                              JournalEntry.party.icontains(text, autoescape=True),
                              JournalEntry.reference.icontains(text, autoescape=True)))
    total = session.scalar(select(func.count()).select_from(JournalEntry).where(*conditions)) or 0
    entries = list(session.scalars(
        select(JournalEntry).where(*conditions)
        .options(selectinload(JournalEntry.lines).selectinload(JournalLine.account))
        .order_by(JournalEntry.date.desc(), JournalEntry.id.desc())
        .limit(page_size).offset((page - 1) * page_size)))
    return JournalPage(book=book, start=start, end=end, entries=entries, page=page,
                       page_size=page_size, total=int(total))
