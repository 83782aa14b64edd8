"""``folio check``: recompute everything that is maintained and compare."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from folio.books.models import GENESIS_HASH, Book
from folio.ledger.balances import period_of
from folio.ledger.chain import canonical_content, entry_hash
from folio.ledger.models import (
    Account,
    AccountBalance,
    AccountDayBalance,
    EntryKind,
    EntryStatus,
    JournalEntry,
    JournalLine,
)

CHAIN_BATCH = 2000


@dataclass
class CheckResult:
    book: str
    entries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_balances(session: Session, book: Book, result: CheckResult) -> None:
    # One pass over the postings, by account, day and kind; months are summed from days.
    days: dict[tuple[int, date, bool], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    query = (select(JournalLine.account_id, JournalLine.date, JournalEntry.kind,
                    func.sum(case((JournalLine.base_amount > 0, JournalLine.base_amount), else_=0)),
                    func.sum(case((JournalLine.base_amount < 0, -JournalLine.base_amount),
                                  else_=0)),
                    func.sum(JournalLine.amount), func.count())
             .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
             .where(JournalLine.book_id == book.id, JournalLine.posted.is_(True))
             .group_by(JournalLine.account_id, JournalLine.date, JournalEntry.kind))
    for account_id, day, kind, debit, credit, amount, count in session.execute(query):
        sums = days[(account_id, day, kind == EntryKind.CLOSING.value)]
        sums[0] += int(debit or 0)
        sums[1] += int(credit or 0)
        sums[2] += int(amount or 0)
        sums[3] += int(count or 0)
    recomputed: dict[tuple[int, int, bool], list[int]] = defaultdict(lambda: [0, 0, 0])
    for (account_id, day, closing), (debit, credit, amount, _count) in days.items():
        sums = recomputed[(account_id, period_of(day), closing)]
        sums[0] += debit
        sums[1] += credit
        sums[2] += amount
    stored = {(b.account_id, b.period, b.closing): [b.debit, b.credit, b.amount]
              for b in session.scalars(select(AccountBalance).where(
                  AccountBalance.book_id == book.id))}
    codes = dict(session.execute(select(Account.id, Account.code)
                                 .where(Account.book_id == book.id)).all())
    for key in sorted(set(recomputed) | set(stored)):
        want = recomputed.get(key, [0, 0, 0])
        have = stored.get(key, [0, 0, 0])
        if want != have:
            account_id, period, closing = key
            result.problems.append(
                f"balance of account {codes.get(account_id, account_id)} in {period}"
                f"{' (closing)' if closing else ''} is stored as debit {have[0]} credit {have[1]}"
                f" but the postings sum to debit {want[0]} credit {want[1]}")
    stored_days: dict[tuple[int, date, bool], list[int]] = {
        (account_id, day, closing): [debit, credit, amount, count]
        for account_id, day, closing, debit, credit, amount, count in session.execute(
            select(AccountDayBalance.account_id, AccountDayBalance.day,
                   AccountDayBalance.closing, AccountDayBalance.debit, AccountDayBalance.credit,
                   AccountDayBalance.amount, AccountDayBalance.postings)
            .where(AccountDayBalance.book_id == book.id))}
    for day_key in sorted(set(days) | set(stored_days)):
        want = days.get(day_key, [0, 0, 0, 0])
        have = stored_days.get(day_key, [0, 0, 0, 0])
        if want != have:
            account_id, day, closing = day_key
            result.problems.append(
                f"day balance of account {codes.get(account_id, account_id)} on "
                f"{day.isoformat()}{' (closing)' if closing else ''} is stored as debit "
                f"{have[0]} credit {have[1]} ({have[3]} postings) but the postings sum to "
                f"debit {want[0]} credit {want[1]} ({want[3]} postings)")


def _check_entries(session: Session, book: Book, result: CheckResult,
                   progress: Callable[[int], None] | None) -> None:
    codes = dict(session.execute(select(Account.id, Account.code)
                                 .where(Account.book_id == book.id)).all())
    prev_hash, expected_number, last = GENESIS_HASH, 1, 0
    while True:
        entries = list(session.scalars(
            select(JournalEntry).where(JournalEntry.book_id == book.id,
                                       JournalEntry.status == EntryStatus.POSTED.value,
                                       JournalEntry.number > last)
            .order_by(JournalEntry.number).limit(CHAIN_BATCH)))
        if not entries:
            break
        lines: dict[int, list[JournalLine]] = defaultdict(list)
        for line in session.scalars(select(JournalLine).where(
                JournalLine.entry_id.in_([e.id for e in entries]))):
            lines[line.entry_id].append(line)
        for entry in entries:
            own = lines[entry.id]
            if entry.number != expected_number:
                result.problems.append(f"entry numbers jump from {expected_number - 1} "
                                       f"to {entry.number}: an entry is missing")
                return
            if len(own) < 2 or sum(line.base_amount for line in own) != 0:
                result.problems.append(f"entry {entry.number} does not balance")
            if any(line.date != entry.date or not line.posted for line in own):
                result.problems.append(f"entry {entry.number} has lines out of step with it")
            set_committed_lines(entry, own)
            recomputed = entry_hash(prev_hash, canonical_content(entry, codes))
            if entry.prev_hash != prev_hash or entry.hash != recomputed:
                result.problems.append(
                    f"hash chain broken at entry {entry.number} ({entry.date.isoformat()}, "
                    f"{entry.description!r}): its content or an earlier entry was altered")
                return
            prev_hash = entry.hash
            expected_number += 1
            result.entries += 1
        last = entries[-1].number or 0
        # Forget this batch (its lines go with it), but not the caller's objects.
        for entry in entries:
            session.expunge(entry)
        if progress:
            progress(len(entries))
    if book.chain_head != prev_hash or book.chain_seq != expected_number - 1:
        result.problems.append(f"the book's chain head does not match its last entry "
                               f"({book.chain_seq} recorded, {expected_number - 1} found)")


def set_committed_lines(entry: JournalEntry, lines: list[JournalLine]) -> None:
    """Attach already-loaded lines to ``entry`` without a lazy load per entry."""
    from sqlalchemy.orm.attributes import set_committed_value

    set_committed_value(entry, "lines", sorted(lines, key=lambda x: x.line_no))


def check_book(session: Session, book: Book,
               progress: Callable[[int], None] | None = None) -> CheckResult:
    """Every invariant of the ledger for one book; problems are plain sentences."""
    result = CheckResult(book=book.slug)
    slug = book.slug
    book_id = book.id
    _check_balances(session, book, result)
    _check_entries(session, book, result, progress)
    drafts_posted = session.scalar(
        select(func.count()).select_from(JournalLine)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.book_id == book_id, JournalLine.posted.is_(True),
               JournalEntry.status != EntryStatus.POSTED.value))
    if drafts_posted:
        result.problems.append(f"{drafts_posted} lines of draft entries are marked posted")
    result.book = slug
    return result

