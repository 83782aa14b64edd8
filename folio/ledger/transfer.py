"""Import and export of journals and charts as CSV (the CLI contract in docs/cli.md).

The import is atomic and idempotent: every row is checked before anything is written, one
bad row names its line and writes nothing, and entries whose ``txn_id`` the book already
holds are skipped. Entries are written with bulk inserts and chained in file order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO, Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import ValidationError
from folio.ledger.accounts import ACCOUNT_TYPES, CODE_RE
from folio.ledger.balances import BalanceDeltas
from folio.ledger.chain import canonical_json, entry_hash
from folio.ledger.models import Account, EntryKind, EntryStatus, JournalEntry, JournalLine
from folio.ledger.service import lock_book_row
from folio.money import decimal_str, exponent, is_currency, parse_amount

POSTING_COLUMNS = ("txn_id", "date", "description", "party", "account", "amount")
OPTIONAL_POSTING_COLUMNS = ("currency", "rate", "base_amount", "memo", "kind")
ACCOUNT_COLUMNS = ("code", "name", "type")
BATCH = 5000

Progress = Callable[[int], None]


class ImportError_(ValidationError):
    """A bad row: the message names the line."""

    title = "Import rejected"
    slug = "import-rejected"


def _fail(line: int, message: str, field: str | None = None) -> ImportError_:
    return ImportError_(f"line {line}: {message}",
                        errors=[{"field": field or "row", "line": str(line), "message": message}])


def _reader(stream: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(stream)
    if reader.fieldnames is None:
        raise ImportError_("the file is empty: expected a header row")
    reader.fieldnames = [name.strip().lstrip("\ufeff").lower() for name in reader.fieldnames]
    for row in reader:
        if None in row:
            raise _fail(reader.line_num, "the row has more cells than the header")
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}


def _require_columns(fieldnames: Iterable[str], required: Iterable[str]) -> None:
    missing = [c for c in required if c not in set(fieldnames)]
    if missing:
        raise ImportError_(f"line 1: missing column{'s' if len(missing) > 1 else ''} "
                           f"{', '.join(missing)}", errors=[
                               {"field": c, "line": "1", "message": "missing column"}
                               for c in missing])


@dataclass
class AccountImportResult:
    created: int = 0
    existing: int = 0


def import_accounts(session: Session, book: Book, stream: IO[str]) -> AccountImportResult:
    """Create the accounts of ``code,name,type[,parent,currency]``; existing codes stay as they are."""
    rows = list(_reader(stream))
    header = rows[0][1].keys() if rows else ACCOUNT_COLUMNS
    _require_columns(header, ACCOUNT_COLUMNS)
    existing = {a.code: a for a in session.scalars(select(Account).where(Account.book_id == book.id))}
    result = AccountImportResult()
    pending: dict[str, tuple[int, dict[str, str]]] = {}
    for line, row in rows:
        code = row["code"]
        if not CODE_RE.match(code):
            raise _fail(line, f"{code!r} is not a valid account code", "code")
        if row["type"].lower() not in ACCOUNT_TYPES:
            raise _fail(line, f"type must be one of {', '.join(ACCOUNT_TYPES)}", "type")
        if not row["name"] or len(row["name"]) > 200:
            raise _fail(line, "a name of 1 to 200 characters is needed", "name")
        currency = row.get("currency", "").upper()
        if currency and not is_currency(currency):
            raise _fail(line, f"{currency!r} is not an ISO 4217 currency code", "currency")
        if code in existing:
            result.existing += 1
        elif code in pending:
            raise _fail(line, f"the code {code} appears twice", "code")
        else:
            pending[code] = (line, row)
    # Parents may come after their children in the file: create in dependency order.
    while pending:
        progressed = False
        for code, (line, row) in list(pending.items()):
            parent_code = row.get("parent", "")
            if parent_code and parent_code not in existing:
                if parent_code not in pending:
                    raise _fail(line, f"parent {parent_code!r} is not an account", "parent")
                continue
            parent = existing.get(parent_code) if parent_code else None
            if parent is not None and parent.type != row["type"].lower():
                raise _fail(line, f"parent {parent_code} is a {parent.type} account", "parent")
            account = Account(book_id=book.id, code=code, name=row["name"],
                              type=row["type"].lower(), parent_id=parent.id if parent else None,
                              currency=row.get("currency", "").upper() or None,
                              is_group=False, is_active=True)
            session.add(account)
            session.flush()
            existing[code] = account
            del pending[code]
            result.created += 1
            progressed = True
        if not progressed:
            line = min(line for line, _ in pending.values())
            raise _fail(line, "accounts form a parent cycle", "parent")
    return result


@dataclass
class _Entry:
    txn_id: str
    line: int
    date: date
    description: str
    party: str | None
    kind: str
    lines: list[tuple[int, int, str, Decimal, int, str | None]] = field(default_factory=list)
    # (account_id, amount, currency, rate, base_amount, memo)


@dataclass
class JournalImportResult:
    created: int = 0
    skipped: int = 0
    postings: int = 0


def _parse_date(value: str, line: int) -> date:
    try:
        return date.fromisoformat(value) if len(value) == 10 else date.fromisoformat("x")
    except ValueError:
        raise _fail(line, f"{value!r} is not a date in the form YYYY-MM-DD", "date") from None


def _read_entries(session: Session, book: Book, stream: IO[str]) -> list[_Entry]:
    accounts = {a.code: a for a in session.scalars(select(Account).where(Account.book_id == book.id))}
    entries: dict[str, _Entry] = {}
    base = book.base_currency
    base_quantum = Decimal(1).scaleb(-exponent(base))
    checked_header = False
    for line, row in _reader(stream):
        if not checked_header:
            _require_columns(row.keys(), POSTING_COLUMNS)
            checked_header = True
        txn_id = row["txn_id"]
        if not txn_id or len(txn_id) > 100:
            raise _fail(line, "txn_id must be 1 to 100 characters", "txn_id")
        account = accounts.get(row["account"])
        if account is None:
            raise _fail(line, f"unknown account {row['account']!r}", "account")
        if account.is_group:
            raise _fail(line, f"{account.code} is a group account", "account")
        currency = (row.get("currency") or account.currency or base).upper()
        if not is_currency(currency):
            raise _fail(line, f"{currency!r} is not an ISO 4217 currency code", "currency")
        if account.currency and currency != account.currency:
            raise _fail(line, f"account {account.code} is kept in {account.currency}", "currency")
        try:
            amount = parse_amount(row["amount"], currency)
        except ValidationError as exc:
            raise _fail(line, exc.detail, "amount") from None
        if amount == 0:
            raise _fail(line, "amount cannot be zero", "amount")
        if abs(amount) >= Decimal(10) ** 15:
            raise _fail(line, "amount is too large", "amount")
        units = int(amount.scaleb(exponent(currency)))
        rate = Decimal(1)
        base_units = units
        if currency != base:
            rate_text, base_text = row.get("rate", ""), row.get("base_amount", "")
            if base_text:
                try:
                    base_amount = parse_amount(base_text, base)
                except ValidationError as exc:
                    raise _fail(line, exc.detail, "base_amount") from None
                rate = (base_amount / amount).quantize(Decimal("1e-10")).normalize() if not rate_text \
                    else _parse_rate(rate_text, line)
            elif rate_text:
                rate = _parse_rate(rate_text, line)
                base_amount = (amount * rate).quantize(base_quantum, rounding=ROUND_HALF_UP)
            else:
                raise _fail(line, f"a {currency} amount needs a rate or base_amount column "
                                  f"to convert it to {base}", "rate")
            base_units = int(base_amount.scaleb(exponent(base)))
        day = _parse_date(row["date"], line)
        entry = entries.get(txn_id)
        if entry is None:
            description = row["description"]
            if not description:
                raise _fail(line, "description is empty", "description")
            if len(description) > 500:
                raise _fail(line, "description is longer than 500 characters", "description")
            kind = row.get("kind") or EntryKind.IMPORT.value
            if kind not in (EntryKind.IMPORT.value, EntryKind.CLOSING.value,
                            EntryKind.MANUAL.value, EntryKind.REVERSAL.value):
                raise _fail(line, f"unknown kind {kind!r}", "kind")
            entry = entries[txn_id] = _Entry(txn_id, line, day, description,
                                             row["party"][:200] or None, kind)
        elif day != entry.date:
            raise _fail(line, f"transaction {txn_id} has rows with different dates "
                              f"({entry.date.isoformat()} and {day.isoformat()})", "date")
        entry.lines.append((account.id, units, currency, rate, base_units,
                            (row.get("memo") or None)))
    if not checked_header:
        raise ImportError_("line 1: the file has a header but no rows")
    for entry in entries.values():
        if len(entry.lines) < 2:
            raise _fail(entry.line, f"transaction {entry.txn_id} has only one row", "txn_id")
        total = sum(posting[4] for posting in entry.lines)
        if total:
            raise _fail(entry.line, f"transaction {entry.txn_id} does not balance: it is off by "
                                    f"{decimal_str(total, base)} {base}", "amount")
    return list(entries.values())


def _parse_rate(value: str, line: int) -> Decimal:
    try:
        rate = Decimal(value)
    except InvalidOperation:
        raise _fail(line, f"{value!r} is not a rate", "rate") from None
    if not rate.is_finite() or rate <= 0:
        raise _fail(line, "rate must be a positive number", "rate")
    return rate


def _reserve_ids(session: Session, table: str, count: int) -> int:
    """First of ``count`` consecutive new ids; the caller holds the write lock."""
    if session.get_bind().dialect.name == "postgresql":
        start = session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"nextval(pg_get_serial_sequence('{table}', 'id')) + :n - 1)"), {"n": count}).scalar()
        return int(start or 0) - count + 1
    current = session.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar()
    return int(current or 0) + 1


def import_journal(session: Session, book: Book, stream: IO[str],
                   progress: Progress | None = None) -> JournalImportResult:
    """Import ``POSTINGS.csv`` rows as posted entries; see the module docstring."""
    entries = _read_entries(session, book, stream)
    book = lock_book_row(session, book)
    known = set()
    ids = [e.txn_id for e in entries]
    for start in range(0, len(ids), 900):
        known.update(session.scalars(select(JournalEntry.external_id).where(
            JournalEntry.book_id == book.id, JournalEntry.external_id.in_(ids[start:start + 900]))))
    result = JournalImportResult(skipped=sum(1 for e in entries if e.txn_id in known))
    fresh = [e for e in entries if e.txn_id not in known]
    if progress and result.skipped:
        progress(result.skipped)
    if fresh and book.lock_date is not None:
        for entry in fresh:
            if entry.date <= book.lock_date:
                raise _fail(entry.line, f"the books are locked up to {book.lock_date.isoformat()}",
                            "date")
    codes = dict(session.execute(select(Account.id, Account.code).where(
        Account.book_id == book.id)).all())
    deltas = BalanceDeltas()
    now = datetime.now(UTC)
    for start in range(0, len(fresh), BATCH):
        batch = fresh[start:start + BATCH]
        _write_batch(session, book, batch, codes, deltas, now)
        result.created += len(batch)
        result.postings += sum(len(e.lines) for e in batch)
        if progress:
            progress(len(batch))
    deltas.apply(session, book.id)
    session.execute(update(Book).where(Book.id == book.id).values(
        chain_seq=book.chain_seq, chain_head=book.chain_head))
    session.expire(book)
    return result


def _write_batch(session: Session, book: Book, batch: list[_Entry], codes: dict[int, str],
                 deltas: BalanceDeltas, now: datetime) -> None:
    entry_id = _reserve_ids(session, "journal_entries", len(batch))
    line_count = sum(len(e.lines) for e in batch)
    line_id = _reserve_ids(session, "journal_lines", line_count)
    entry_rows: list[dict[str, Any]] = []
    line_rows: list[dict[str, Any]] = []
    for entry in batch:
        book.chain_seq += 1
        closing = entry.kind == EntryKind.CLOSING.value
        content = canonical_json(
            number=book.chain_seq, day=entry.date, description=entry.description,
            party=entry.party, reference=None, kind=entry.kind, external_id=entry.txn_id,
            reversal_of=None,
            lines=[(codes[a], amt, cur, rate, base, memo)
                   for a, amt, cur, rate, base, memo in entry.lines])
        digest = entry_hash(book.chain_head, content)
        entry_rows.append({"id": entry_id, "book_id": book.id, "number": book.chain_seq,
                           "date": entry.date, "description": entry.description,
                           "party": entry.party, "reference": None,
                           "status": EntryStatus.POSTED.value, "kind": entry.kind,
                           "external_id": entry.txn_id, "reversal_of_id": None,
                           "prev_hash": book.chain_head, "hash": digest, "created_at": now,
                           "posted_at": now})
        book.chain_head = digest
        for line_no, (account_id, amount, currency, rate, base_amount, memo) in enumerate(
                entry.lines, 1):
            line_rows.append({"id": line_id, "book_id": book.id, "entry_id": entry_id,
                              "line_no": line_no, "account_id": account_id, "date": entry.date,
                              "posted": True, "memo": memo, "amount": amount,
                              "currency": currency, "rate": rate, "base_amount": base_amount})
            deltas.add(account_id, entry.date, base_amount, amount, closing)
            line_id += 1
        entry_id += 1
    session.execute(insert(JournalEntry), entry_rows)
    session.execute(insert(JournalLine), line_rows)


def export_journal(session: Session, book: Book, out: IO[str]) -> int:
    """Write every posted entry in the import's columns; returns the number of entries."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*POSTING_COLUMNS, *OPTIONAL_POSTING_COLUMNS])
    codes = dict(session.execute(select(Account.id, Account.code).where(
        Account.book_id == book.id)).all())
    count = 0
    last = 0
    while True:
        entries = session.execute(
            select(JournalEntry.id, JournalEntry.number, JournalEntry.external_id,
                   JournalEntry.date, JournalEntry.description, JournalEntry.party,
                   JournalEntry.kind)
            .where(JournalEntry.book_id == book.id, JournalEntry.status == EntryStatus.POSTED.value,
                   JournalEntry.number > last)
            .order_by(JournalEntry.number).limit(BATCH)).all()
        if not entries:
            return count
        lines: dict[int, list[JournalLine]] = {}
        for line in session.scalars(select(JournalLine).where(
                JournalLine.entry_id.in_([e.id for e in entries])).order_by(
                JournalLine.entry_id, JournalLine.line_no)):
            lines.setdefault(line.entry_id, []).append(line)
        for entry_id, number, external_id, day, description, party, kind in entries:
            txn_id = external_id or f"folio-{number}"
            for line in lines.get(entry_id, []):
                foreign = line.currency != book.base_currency
                writer.writerow([
                    txn_id, day.isoformat(), description, party or "", codes[line.account_id],
                    decimal_str(line.amount, line.currency), line.currency,
                    format(line.rate.normalize(), "f") if foreign else "",
                    decimal_str(line.base_amount, book.base_currency) if foreign else "",
                    line.memo or "", kind if kind == EntryKind.CLOSING.value else ""])
            count += 1
        last = entries[-1][1]
        session.expunge_all()


def export_accounts(session: Session, book: Book, out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "type", "parent", "currency"])
    accounts = list(session.scalars(select(Account).where(Account.book_id == book.id)
                                    .order_by(Account.code)))
    by_id = {a.id: a.code for a in accounts}
    for account in accounts:
        writer.writerow([account.code, account.name, account.type,
                         by_id.get(account.parent_id or 0, ""), account.currency or ""])
    return len(accounts)


def read_text(data: bytes) -> io.StringIO:
    """Decode an uploaded file (UTF-8, with or without BOM)."""
    try:
        return io.StringIO(data.decode("utf-8-sig"), newline="")
    except UnicodeDecodeError:
        raise ImportError_("the file is not UTF-8 text") from None
