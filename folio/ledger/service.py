"""Journal entries: drafts, posting, reversal, year-end closing.

Every rule of DESIGN.md's "non-negotiables" is enforced here, whichever interface calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.guard import require
from folio.books.models import Book
from folio.books.service import fiscal_year_end, fiscal_year_start, lock_book
from folio.clock import today
from folio.errors import Conflict, NotFound, PeriodLocked, Unbalanced, ValidationError
from folio.ledger.accounts import CODE_RE
from folio.ledger.balances import BalanceDeltas
from folio.ledger.chain import canonical_content, entry_hash
from folio.ledger.models import (
    Account,
    AccountType,
    EntryKind,
    EntryStatus,
    JournalEntry,
    JournalLine,
)
from folio.ledger.periods import FIRST_DAY, LAST_DAY, check_day
from folio.money import decimal_str, exponent, is_currency, to_minor
from folio.ops.metrics import entry_posted

MAX_LINES = 500
MAX_UNITS = 10**17  # minor units of one line; sums of many stay far inside BIGINT


@dataclass
class LineInput:
    account: str
    amount: Decimal
    currency: str | None = None
    rate: Decimal | None = None
    memo: str | None = None


@dataclass
class EntryInput:
    date: date
    description: str
    lines: Sequence[LineInput]
    party: str | None = None
    reference: str | None = None
    external_id: str | None = None
    kind: str = EntryKind.MANUAL.value
    extra_errors: list[dict[str, str]] = field(default_factory=list)


def _line_error(index: int, name: str, message: str) -> dict[str, str]:
    return {"field": f"lines[{index}].{name}", "message": message}


def _text_error(field_name: str, value: str | None, limit: int) -> dict[str, str] | None:
    """A field error for optional text too long to store or holding a NUL character."""
    if value is None:
        return None
    if len(value) > limit:
        return {"field": field_name, "message": f"at most {limit} characters"}
    if "\x00" in value:
        return {"field": field_name, "message": "must not contain NUL characters"}
    return None


def build_lines(session: Session, book: Book, data: EntryInput) -> list[JournalLine]:
    """Validate ``data`` and turn it into journal lines; raise with every field error found."""
    errors = list(data.extra_errors)
    if not (FIRST_DAY <= data.date <= LAST_DAY):
        errors.append({"field": "date", "message": f"a date from {FIRST_DAY.isoformat()} "
                                                   f"to {LAST_DAY.isoformat()}"})
    if not data.description.strip():
        errors.append({"field": "description", "message": "an entry needs a description"})
    errors += [e for e in (_text_error("description", data.description, 500),
                           _text_error("party", data.party, 200),
                           _text_error("reference", data.reference, 100)) if e]
    if len(data.lines) < 2:
        errors.append({"field": "lines", "message": "an entry needs at least two lines"})
    if len(data.lines) > MAX_LINES:
        errors.append({"field": "lines", "message": f"at most {MAX_LINES} lines"})
    # Only codes that can exist are looked up (PostgreSQL refuses NUL characters in a query).
    codes = {line.account for line in data.lines if CODE_RE.match(line.account)}
    accounts = {a.code: a for a in session.scalars(
        select(Account).where(Account.book_id == book.id, Account.code.in_(codes)))}
    lines: list[JournalLine] = []
    for index, line in enumerate(data.lines):
        memo_error = _text_error(f"lines[{index}].memo", line.memo, 500)
        if memo_error:
            errors.append(memo_error)
        account = accounts.get(line.account)
        if account is None:
            errors.append(_line_error(index, "account",
                                      f"no account with the code {line.account!r}"))
            continue
        if account.is_group:
            errors.append(_line_error(index, "account",
                                      f"{account.code} is a group account; post to one below it"))
        if not account.is_active:
            errors.append(_line_error(index, "account", f"{account.code} is inactive"))
        currency = line.currency or account.currency or book.base_currency
        if not is_currency(currency):
            errors.append(_line_error(index, "currency", f"{currency!r} is not a currency code"))
            continue
        if account.currency and currency != account.currency:
            errors.append(_line_error(index, "currency",
                                      f"{account.code} is kept in {account.currency}"))
        if not line.amount.is_finite():
            errors.append(_line_error(index, "amount", "the amount is not a number"))
            continue
        if line.amount == 0:
            errors.append(_line_error(index, "amount", "a line's amount cannot be zero"))
        try:
            amount = to_minor(line.amount, currency)
        except ValidationError as exc:
            errors.append(_line_error(index, "amount", exc.detail))
            continue
        if abs(amount) >= MAX_UNITS:
            errors.append(_line_error(index, "amount", "amount is too large"))
            continue
        rate = Decimal(1)
        base_amount = amount
        if currency != book.base_currency:
            if line.rate is None or not line.rate.is_finite() or line.rate <= 0:
                errors.append(_line_error(index, "rate",
                                          f"a {currency} line needs a positive exchange rate "
                                          f"to {book.base_currency}"))
                continue
            rate = line.rate
            with localcontext() as exact:  # amount x rate may exceed the default 28 digits
                exact.prec = 100
                base = (line.amount * rate).quantize(
                    Decimal(1).scaleb(-exponent(book.base_currency)), rounding=ROUND_HALF_UP)
                base_amount = to_minor(base, book.base_currency)
            if abs(base_amount) >= MAX_UNITS:
                errors.append(_line_error(index, "amount",
                                          f"amount is too large in {book.base_currency}"))
                continue
        lines.append(JournalLine(book_id=book.id, line_no=index + 1, account_id=account.id,
                                 date=data.date, amount=amount, currency=currency, rate=rate,
                                 base_amount=base_amount, memo=(line.memo or None),
                                 posted=False))
    if errors:
        raise ValidationError("The entry has invalid fields" if len(errors) > 1
                              else errors[0]["message"], errors=errors)
    total = sum(line.base_amount for line in lines)
    if total != 0:
        side = "debits exceed credits" if total > 0 else "credits exceed debits"
        raise Unbalanced(f"The entry does not balance: {side} by "
                         f"{decimal_str(abs(total), book.base_currency)} {book.base_currency}",
                         field="lines")
    return lines


def _check_open(book: Book, day: date) -> None:
    if book.lock_date is not None and day <= book.lock_date:
        raise PeriodLocked(f"The books are locked up to {book.lock_date.isoformat()}; "
                           f"nothing can be dated {day.isoformat()}", field="date")


def create_entry(session: Session, book: Book, data: EntryInput, *,
                 post: bool = False) -> JournalEntry:
    """Create a draft entry, and post it at once when ``post`` is true."""
    require(session, book, "entry.draft")
    if post:
        require(session, book, "entry.post")
    if data.external_id is not None:
        exists = session.scalar(select(JournalEntry.id).where(
            JournalEntry.book_id == book.id, JournalEntry.external_id == data.external_id))
        if exists is not None:
            raise Conflict(f"An entry with the external id {data.external_id!r} already exists",
                           field="external_id")
    lines = build_lines(session, book, data)
    entry = JournalEntry(book_id=book.id, date=data.date, description=data.description.strip(),
                         party=(data.party or None), reference=(data.reference or None),
                         external_id=data.external_id, kind=data.kind,
                         status=EntryStatus.DRAFT.value, lines=lines)
    session.add(entry)
    session.flush()
    if post:
        _post(session, book, entry)
        audit.record(session, "post", "entry", entry.id, book=book, after=entry_snapshot(entry),
                     summary=f"Entry {entry.number}: {entry.description}")
    else:
        audit.record(session, "create", "entry", entry.id, book=book,
                     after=entry_snapshot(entry), summary=f"Draft: {entry.description}")
    return entry


def update_draft(session: Session, book: Book, entry: JournalEntry,
                 data: EntryInput) -> JournalEntry:
    """Replace a draft's content; posted entries are immutable."""
    require(session, book, "entry.draft")
    if entry.is_posted:
        raise Conflict("A posted entry cannot be changed; reverse it instead")
    before = entry_snapshot(entry)
    lines = build_lines(session, book, data)
    entry.date = data.date
    entry.description = data.description.strip()
    entry.party = data.party or None
    entry.reference = data.reference or None
    entry.lines.clear()
    session.flush()
    entry.lines.extend(lines)
    session.flush()
    audit.record(session, "update", "entry", entry.id, book=book, before=before,
                 after=entry_snapshot(entry), summary=f"Draft: {entry.description}")
    return entry


def delete_draft(session: Session, entry: JournalEntry) -> None:
    book = session.get_one(Book, entry.book_id)
    require(session, book, "entry.draft")
    if entry.is_posted:
        raise Conflict("A posted entry is never deleted; reverse it instead")
    audit.record(session, "delete", "entry", entry.id, book=book, before=entry_snapshot(entry),
                 summary=f"Draft: {entry.description}")
    session.delete(entry)
    session.flush()


def lock_book_row(session: Session, book: Book) -> Book:
    """Re-read the book under a row lock, serialising posts to its hash chain."""
    locked = session.scalar(select(Book).where(Book.id == book.id)
                            .with_for_update(key_share=True)
                            .execution_options(populate_existing=True))
    assert locked is not None
    return locked


def post_entry(session: Session, book: Book, entry: JournalEntry) -> JournalEntry:
    """Post a draft: check the lock date, chain it, update balances. Immutable afterwards."""
    require(session, book, "entry.post")
    _post(session, book, entry)
    audit.record(session, "post", "entry", entry.id, book=book, after=entry_snapshot(entry),
                 summary=f"Entry {entry.number}: {entry.description}")
    return entry


def entry_snapshot(entry: JournalEntry) -> dict[str, object]:
    """What the audit log keeps of an entry."""
    return {"number": entry.number, "date": entry.date, "description": entry.description,
            "reference": entry.reference, "party": entry.party, "status": entry.status,
            "kind": entry.kind,
            "lines": [{"account_id": line.account_id, "amount": line.amount,
                       "currency": line.currency, "base_amount": line.base_amount,
                       "memo": line.memo} for line in entry.lines]}


def _post(session: Session, book: Book, entry: JournalEntry) -> JournalEntry:
    if entry.is_posted:
        raise Conflict(f"Entry {entry.number} is already posted")
    book = lock_book_row(session, book)
    _check_open(book, entry.date)
    if sum(line.base_amount for line in entry.lines) != 0 or len(entry.lines) < 2:
        raise Unbalanced("The entry does not balance", field="lines")
    accounts = session.execute(select(Account.id, Account.code, Account.is_active).where(
        Account.id.in_({line.account_id for line in entry.lines}))).all()
    inactive = sorted(code for _, code, active in accounts if not active)
    # A draft may wait while its account is deactivated; reversals and closings still post.
    if inactive and entry.kind in (EntryKind.MANUAL.value, EntryKind.IMPORT.value):
        raise ValidationError(f"Account {', '.join(inactive)} is inactive; change the draft",
                              field="lines")
    codes = {account_id: code for account_id, code, _ in accounts}
    deltas = BalanceDeltas()
    seal_entry(book, entry, codes, deltas)
    deltas.apply(session, book.id)
    session.flush()
    return entry


def seal_entry(book: Book, entry: JournalEntry, codes: dict[int, str],
               deltas: BalanceDeltas, now: datetime | None = None) -> None:
    """Number, chain and mark posted; add its lines to ``deltas``. Caller holds the book lock."""
    book.chain_seq += 1
    entry.number = book.chain_seq
    entry.status = EntryStatus.POSTED.value
    entry.posted_at = now or datetime.now(UTC)
    entry.prev_hash = book.chain_head
    entry.hash = entry_hash(book.chain_head, canonical_content(entry, codes))
    book.chain_head = entry.hash
    closing = entry.kind == EntryKind.CLOSING.value
    for line in entry.lines:
        line.posted = True
        line.date = entry.date
        deltas.add(line.account_id, entry.date, line.base_amount, line.amount, closing)
    entry_posted()


def get_entry(session: Session, book: Book, entry_id: int) -> JournalEntry:
    # Ids are BIGINT: a larger number cannot name an entry (and would overflow the query).
    entry = session.get(JournalEntry, entry_id) if 0 < entry_id < 2**63 else None
    if entry is None or entry.book_id != book.id:
        raise NotFound(f"No entry {entry_id} in this book")
    return entry


def reverse_entry(session: Session, book: Book, entry: JournalEntry,
                  on: date | None = None, description: str | None = None) -> JournalEntry:
    """Post the mirror of a posted entry, linked to it; the original stays as it was."""
    require(session, book, "entry.reverse")
    if not entry.is_posted:
        raise Conflict("Only a posted entry can be reversed; a draft can simply be deleted")
    if entry.kind == EntryKind.REVERSAL.value:
        raise Conflict(f"Entry {entry.number} is itself a reversal")
    already = session.scalar(select(JournalEntry.number).where(
        JournalEntry.book_id == book.id, JournalEntry.reversal_of_id == entry.id))
    if already is not None:
        raise Conflict(f"Entry {entry.number} was already reversed by entry {already}")
    day = on or today()
    if day < entry.date:
        raise ValidationError("A reversal cannot be dated before the entry it reverses",
                              field="date")
    mirror = JournalEntry(
        book_id=book.id, date=day, kind=EntryKind.REVERSAL.value,
        description=description or f"Reversal of entry {entry.number}: {entry.description}"[:500],
        party=entry.party, reference=entry.reference, reversal_of_id=entry.id,
        status=EntryStatus.DRAFT.value,
        lines=[JournalLine(book_id=book.id, line_no=line.line_no, account_id=line.account_id,
                           date=day, amount=-line.amount, currency=line.currency,
                           rate=line.rate, base_amount=-line.base_amount, memo=line.memo)
               for line in entry.lines])
    session.add(mirror)
    session.flush()
    _post(session, book, mirror)
    audit.record(session, "reverse", "entry", entry.id, book=book,
                 after={"reversal": entry_snapshot(mirror)},
                 summary=f"Entry {entry.number} reversed by entry {mirror.number}")
    return mirror


def close_fiscal_year(session: Session, book: Book, day: date) -> JournalEntry | None:
    """Close the fiscal year containing ``day``: income and expense into retained earnings.

    Posts one closing entry dated the last day of the year, then locks the year. Returns
    None when the year had no income or expense (the year is still locked).
    """
    from folio.ledger.accounts import account_by_role
    from folio.ledger.reports import net_by_account

    require(session, book, "period.close")
    check_day(day)
    start, end = fiscal_year_start(book, day), fiscal_year_end(book, day)
    if book.lock_date is not None and end <= book.lock_date:
        raise PeriodLocked(f"The year ending {end.isoformat()} is already closed or locked")
    retained = account_by_role(session, book, "retained_earnings")
    if retained is None:
        raise ValidationError("The chart has no retained-earnings account "
                              "(an equity account with the role 'retained_earnings')")
    accounts = {a.id: a for a in session.scalars(select(Account).where(
        Account.book_id == book.id,
        Account.type.in_([AccountType.INCOME.value, AccountType.EXPENSE.value])))}
    totals = net_by_account(session, book, start, end, include_closing=True)
    # Built directly rather than through build_lines: inactive accounts close too.
    closing = [(aid, -units) for aid, units in sorted(
        totals.items(), key=lambda kv: accounts[kv[0]].code if kv[0] in accounts else "")
        if aid in accounts and units != 0]
    net = -sum(units for _, units in closing)
    if net:
        closing.append((retained.id, net))
    entry = None
    if closing:
        entry = JournalEntry(
            book_id=book.id, date=end, kind=EntryKind.CLOSING.value,
            description=f"Closing of fiscal year {start.isoformat()} to {end.isoformat()}",
            status=EntryStatus.DRAFT.value,
            lines=[JournalLine(book_id=book.id, line_no=n, account_id=aid, date=end,
                               amount=units, currency=book.base_currency, rate=Decimal(1),
                               base_amount=units) for n, (aid, units) in enumerate(closing, 1)])
        session.add(entry)
        session.flush()
        _post(session, book, entry)
    lock_book(session, book, end)
    audit.record(session, "close", "book", book.slug, book=book,
                 after={"year_start": start, "year_end": end,
                        "entry": entry.number if entry else None},
                 summary=f"Fiscal year {start.isoformat()} to {end.isoformat()} closed")
    return entry
