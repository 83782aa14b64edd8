"""Import and export of journals and charts as CSV (the CLI contract in docs/cli.md).

The import is atomic and idempotent: every row is checked before anything is written, one
bad row names its line and writes nothing, and entries whose ``txn_id`` the book already
holds are skipped. Entries are written with bulk inserts and chained in file order.
"""

from __future__ import annotations

import csv
import gc
import io
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import IO, Any

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.guard import require
from folio.books.models import Book
from folio.errors import ValidationError
from folio.ledger.accounts import ACCOUNT_TYPES, CODE_RE
from folio.ledger.balances import BalanceDeltas
from folio.ledger.chain import canonical_json_plain, entry_hash
from folio.ledger.models import Account, EntryKind, EntryStatus, JournalEntry, JournalLine
from folio.ledger.periods import check_day
from folio.ledger.service import lock_book_row
from folio.money import decimal_str, exponent, is_currency, parse_amount
from folio.ops.metrics import entry_posted

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
    """Create the accounts of ``code,name,type[,parent,currency]``; existing codes stay."""
    require(session, book, "account.write")
    rows = list(_reader(stream))
    header = rows[0][1].keys() if rows else ACCOUNT_COLUMNS
    _require_columns(header, ACCOUNT_COLUMNS)
    existing = {a.code: a for a in session.scalars(
        select(Account).where(Account.book_id == book.id))}
    result = AccountImportResult()
    pending: dict[str, tuple[int, dict[str, str]]] = {}
    for line, row in rows:
        code = row["code"]
        if not CODE_RE.match(code):
            raise _fail(line, f"{code!r} is not a valid account code", "code")
        if row["type"].lower() not in ACCOUNT_TYPES:
            raise _fail(line, f"type must be one of {', '.join(ACCOUNT_TYPES)}", "type")
        if not row["name"] or len(row["name"]) > 200 or "\x00" in row["name"]:
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
    if result.created:
        audit.record(session, "import", "accounts", book=book,
                     after={"created": result.created, "existing": result.existing},
                     summary=f"{result.created} accounts imported")
    return result


@dataclass(slots=True)
class _Entry:
    txn_id: str
    line: int
    date: date
    description: str
    party: str | None
    kind: str
    lines: list[tuple[int, int, str, Decimal, int, str | None]] = field(default_factory=list)
    # (account_id, amount, currency, rate, base_amount, memo)
    total: int = 0  # sum of the base amounts, kept as rows arrive


@dataclass
class JournalImportResult:
    created: int = 0
    skipped: int = 0
    postings: int = 0


def _parse_date(value: str, line: int) -> date:
    try:
        day = date.fromisoformat(value) if len(value) == 10 else date.fromisoformat("x")
    except ValueError:
        raise _fail(line, f"{value!r} is not a date in the form YYYY-MM-DD", "date") from None
    try:
        return check_day(day)
    except ValidationError as exc:
        raise _fail(line, exc.detail, "date") from None


_ONE = Decimal(1)
# A plain amount ("-1250.5"): what parse_amount accepts, parsed without Decimal when it
# has no more decimals than the currency allows. Anything else takes parse_amount's path.
_PLAIN_AMOUNT = re.compile(r"(-?)([0-9]{1,15})(?:\.([0-9]+))?")
_IMPORT = EntryKind.IMPORT.value
_KINDS = frozenset((EntryKind.IMPORT.value, EntryKind.CLOSING.value, EntryKind.MANUAL.value,
                    EntryKind.REVERSAL.value))


def _rows(stream: IO[str]) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of each data row: what ``_reader`` yields, as lists.

    The header's names are in the first row yielded (line 1); cells are padded with ""
    to the header's width and are not stripped. Blank lines are skipped, and the line
    number is the one ``csv.DictReader`` reports.
    """
    reader = csv.reader(stream)
    header = next(reader, None)
    if header is None:
        raise ImportError_("the file is empty: expected a header row")
    names = [name.strip().lstrip("\ufeff").lower() for name in header]
    yield reader.line_num, names
    width = len(names)
    padding = [""] * width
    for row in reader:
        line = reader.line_num
        while not row:
            row = next(reader, None)  # type: ignore[arg-type]
            if row is None:
                return
        size = len(row)
        if size != width:
            if size > width:
                raise _fail(line, "the row has more cells than the header")
            row += padding[size:]
        yield line, row


def _read_entries(session: Session, book: Book, stream: IO[str]) -> list[_Entry]:
    accounts: dict[str, tuple[int, bool, str | None]] = {}  # code -> (id, is_group, currency)
    inactive: set[str] = set()  # inactive accounts take no postings
    for account_id, code, is_group, account_currency, is_active in session.execute(
            select(Account.id, Account.code, Account.is_group, Account.currency,
                   Account.is_active).where(Account.book_id == book.id)):
        if is_active:
            accounts[code] = (account_id, is_group, account_currency)
        else:
            inactive.add(code)
    entries: dict[str, _Entry] = {}
    base = book.base_currency
    base_exponent = exponent(base)
    base_quantum = Decimal(1).scaleb(-base_exponent)
    currencies: dict[str, str] = {}  # the currency cell (or default) -> checked code
    dates: dict[str, date] = {}
    scales = [10 ** (base_exponent - n) for n in range(base_exponent + 1)]
    plain_amount = _PLAIN_AMOUNT.fullmatch
    rows = _rows(stream)
    _, names = next(rows)
    column = {name: index for index, name in enumerate(names)}  # the last of equal names
    (i_txn, i_date, i_description, i_party, i_account, i_amount) = (
        column.get(name, -1) for name in POSTING_COLUMNS)
    i_currency, i_rate, i_base, i_memo, i_kind = (
        column.get(name) for name in OPTIONAL_POSTING_COLUMNS)
    checked_header = False
    for line, row in rows:
        if not checked_header:
            _require_columns(names, POSTING_COLUMNS)
            checked_header = True
        txn_id = row[i_txn].strip()
        if not txn_id or len(txn_id) > 100:
            raise _fail(line, "txn_id must be 1 to 100 characters", "txn_id")
        code = row[i_account].strip()
        found = accounts.get(code)
        if found is None:
            if code in inactive:
                raise _fail(line, f"{code} is inactive", "account")
            raise _fail(line, f"unknown account {code!r}", "account")
        account_id, is_group, account_currency = found
        if is_group:
            raise _fail(line, f"{code} is a group account", "account")
        cell = row[i_currency].strip() if i_currency is not None else ""
        raw_currency = cell or account_currency or base
        currency = currencies.get(raw_currency)
        if currency is None:
            currency = raw_currency.upper()
            if not is_currency(currency):
                raise _fail(line, f"{currency!r} is not an ISO 4217 currency code", "currency")
            currencies[raw_currency] = currency
        if account_currency and currency != account_currency:
            raise _fail(line, f"account {code} is kept in {account_currency}", "currency")
        amount_text = row[i_amount].strip()
        plain = plain_amount(amount_text) if currency == base else None
        if plain is not None and len(plain[3] or "") <= base_exponent:
            # Same value, checks and errors as parse_amount, without Decimal.
            sign, whole, fraction = plain.groups()
            units = int(whole + fraction) * scales[len(fraction)] if fraction \
                else int(whole) * scales[0]
            if sign:
                units = -units
            if units == 0:
                raise _fail(line, "amount cannot be zero", "amount")
            rate = _ONE
            base_units = units
        else:
            try:
                amount = parse_amount(amount_text, currency)
            except ValidationError as exc:
                raise _fail(line, exc.detail, "amount") from None
            if amount == 0:
                raise _fail(line, "amount cannot be zero", "amount")
            if abs(amount) >= Decimal(10) ** 15:
                raise _fail(line, "amount is too large", "amount")
            units = int(amount.scaleb(exponent(currency)))
            rate = _ONE
            base_units = units
            if currency != base:
                rate_text = row[i_rate].strip() if i_rate is not None else ""
                base_text = row[i_base].strip() if i_base is not None else ""
                with localcontext() as wide:  # amount x rate may exceed 28 digits
                    wide.prec = 100
                    if base_text:
                        try:
                            base_amount = parse_amount(base_text, base)
                        except ValidationError as exc:
                            raise _fail(line, exc.detail, "base_amount") from None
                        rate = (base_amount / amount).quantize(Decimal("1e-10")).normalize() \
                            if not rate_text else _parse_rate(rate_text, line)
                    elif rate_text:
                        rate = _parse_rate(rate_text, line)
                        base_amount = (amount * rate).quantize(base_quantum,
                                                               rounding=ROUND_HALF_UP)
                    else:
                        raise _fail(line, f"a {currency} amount needs a rate or base_amount "
                                          f"column to convert it to {base}", "rate")
                if abs(base_amount) >= Decimal(10) ** 15:
                    raise _fail(line, f"amount is too large in {base}", "amount")
                base_units = int(base_amount.scaleb(base_exponent))
        date_text = row[i_date].strip()
        day = dates.get(date_text)
        if day is None:
            day = dates[date_text] = _parse_date(date_text, line)
        entry = entries.get(txn_id)
        if entry is None:
            description = row[i_description].strip()
            if not description:
                raise _fail(line, "description is empty", "description")
            if len(description) > 500:
                raise _fail(line, "description is longer than 500 characters", "description")
            kind = (row[i_kind].strip() if i_kind is not None else "") or _IMPORT
            if kind not in _KINDS:
                raise _fail(line, f"unknown kind {kind!r}", "kind")
            party = row[i_party].strip()[:200]
            if "\x00" in txn_id or "\x00" in description or "\x00" in party:
                raise _fail(line, "the row contains a NUL character", "row")
            entry = entries[txn_id] = _Entry(txn_id, line, day, description, party or None, kind)
        elif day != entry.date:
            raise _fail(line, f"transaction {txn_id} has rows with different dates "
                              f"({entry.date.isoformat()} and {day.isoformat()})", "date")
        memo = (row[i_memo].strip() if i_memo is not None else "") or None
        if memo is not None and (len(memo) > 500 or "\x00" in memo):
            raise _fail(line, "memo must be at most 500 characters, without NUL", "memo")
        entry.lines.append((account_id, units, currency, rate, base_units, memo))
        entry.total += base_units
    if not checked_header:
        raise ImportError_("line 1: the file has a header but no rows")
    for entry in entries.values():
        if len(entry.lines) < 2:
            raise _fail(entry.line, f"transaction {entry.txn_id} has only one row", "txn_id")
        if entry.total:
            raise _fail(entry.line, f"transaction {entry.txn_id} does not balance: it is off by "
                                    f"{decimal_str(entry.total, base)} {base}", "amount")
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


def _known_txn_ids(session: Session, book: Book, ids: list[str]) -> set[str]:
    """The ``ids`` the book already holds as an entry's external id."""
    held = session.scalar(select(func.count()).select_from(JournalEntry).where(
        JournalEntry.book_id == book.id, JournalEntry.external_id.is_not(None))) or 0
    if not held:
        return set()
    known: set[str] = set()
    if held <= 4 * len(ids):
        # Cheaper to read the book's ids once than to ask about each of ours.
        wanted = set(ids)
        for external_id in session.scalars(select(JournalEntry.external_id).where(
                JournalEntry.book_id == book.id, JournalEntry.external_id.is_not(None))):
            if external_id in wanted:
                known.add(external_id)
        return known
    for start in range(0, len(ids), 900):
        known.update(session.scalars(select(JournalEntry.external_id).where(
            JournalEntry.book_id == book.id, JournalEntry.external_id.in_(ids[start:start + 900]))))
    return known


def import_journal(session: Session, book: Book, stream: IO[str],
                   progress: Progress | None = None) -> JournalImportResult:
    """Import ``POSTINGS.csv`` rows as posted entries; see the module docstring."""
    require(session, book, "entry.post")
    with _cyclic_gc_paused():
        result = _import_journal(session, book, stream, progress)
    if result.created:
        audit.record(session, "import", "journal", book=book,
                     after={"created": result.created, "skipped": result.skipped,
                            "postings": result.postings},
                     summary=f"{result.created} entries imported, {result.skipped} skipped")
    return result


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector: an import builds millions of small containers,
    and the collector's repeated passes over them cost as much as the parsing itself.
    Reference counting still frees everything; collection resumes afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# SQLite page cache during a large import: KiB per posting written, and the ceiling in KiB.
# The indexes of a million-entry import outgrow the default 2 MiB many times over.
SQLITE_IMPORT_CACHE_KIB = (0.125, 256 * 1024)


@contextmanager
def _sqlite_cache_for(session: Session, postings: int) -> Iterator[None]:
    """Enlarge this connection's SQLite page cache while ``postings`` lines are written.

    Only memory: journaling, synchronous and every other durability setting stay as they
    are. The previous size is restored afterwards.
    """
    per_posting, ceiling = SQLITE_IMPORT_CACHE_KIB
    wanted = min(ceiling, int(postings * per_posting))
    if session.get_bind().dialect.name != "sqlite" or wanted <= 2048:
        yield
        return
    dbapi = session.connection().connection.dbapi_connection
    assert dbapi is not None
    previous = int(dbapi.execute("PRAGMA cache_size").fetchone()[0])
    page_kib = int(dbapi.execute("PRAGMA page_size").fetchone()[0]) // 1024
    if (-previous if previous < 0 else previous * page_kib) >= wanted:  # negative: KiB
        yield
        return
    dbapi.execute(f"PRAGMA cache_size=-{wanted}")
    try:
        yield
    finally:
        dbapi.execute(f"PRAGMA cache_size={previous}")


def _import_journal(session: Session, book: Book, stream: IO[str],
                    progress: Progress | None) -> JournalImportResult:
    entries = _read_entries(session, book, stream)
    book = lock_book_row(session, book)
    known = _known_txn_ids(session, book, [e.txn_id for e in entries])
    result = JournalImportResult(skipped=sum(1 for e in entries if e.txn_id in known))
    fresh = [e for e in entries if e.txn_id not in known] if known else entries
    del entries
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
    writer = _BatchWriter(session, book, codes, now)
    with _sqlite_cache_for(session, sum(len(e.lines) for e in fresh)):
        for start in range(0, len(fresh), BATCH):
            batch = fresh[start:start + BATCH]
            writer.write(batch, deltas)
            result.created += len(batch)
            result.postings += sum(len(e.lines) for e in batch)
            if progress:
                progress(len(batch))
    deltas.apply(session, book.id)
    session.execute(update(Book).where(Book.id == book.id).values(
        chain_seq=book.chain_seq, chain_head=book.chain_head))
    session.expire(book)
    entry_posted(result.created)
    return result


_ENTRY_COLUMNS = ("id", "book_id", "number", "date", "description", "party", "reference",
                  "status", "kind", "external_id", "reversal_of_id", "prev_hash", "hash",
                  "created_at", "posted_at")
_LINE_COLUMNS = ("id", "book_id", "entry_id", "line_no", "account_id", "date", "posted", "memo",
                 "amount", "currency", "rate", "base_amount")


class _BatchWriter:
    """Chains entries and inserts them with the driver's executemany and plain tuples.

    Values are converted by the columns' own bind processors (dates, booleans, rates,
    timestamps; each distinct value once), so the rows are what an ORM insert would write.
    """

    def __init__(self, session: Session, book: Book, codes: dict[int, str], now: datetime):
        self.session = session
        self.book = book
        self.codes = codes
        dialect = session.get_bind().dialect
        self.entry_sql = self._sql(dialect, JournalEntry.__table__, _ENTRY_COLUMNS)
        self.line_sql = self._sql(dialect, JournalLine.__table__, _LINE_COLUMNS)
        entry_columns = JournalEntry.__table__.c
        line_columns = JournalLine.__table__.c
        self.entry_date = self._processor(dialect, entry_columns.date)
        self.line_date = self._processor(dialect, line_columns.date)
        self.rate = self._processor(dialect, line_columns.rate)
        self.now = self._processor(dialect, entry_columns.created_at)(now)
        self.posted_now = self._processor(dialect, entry_columns.posted_at)(now)
        self.posted = self._processor(dialect, line_columns.posted)(True)
        handled = {"date", "rate", "created_at", "posted_at", "posted"}
        for table, names in ((JournalEntry.__table__, _ENTRY_COLUMNS),
                             (JournalLine.__table__, _LINE_COLUMNS)):
            for name in names:
                column_type = table.c[name].type.dialect_impl(dialect)
                if name not in handled and column_type.bind_processor(dialect) is not None:
                    raise RuntimeError(f"{table}.{name} needs a bind processor")
        self.dates: dict[date, tuple[Any, Any]] = {}
        self.rates: dict[Decimal, Any] = {}

    @staticmethod
    def _sql(dialect: Any, table: Any, columns: tuple[str, ...]) -> str:
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        quote = dialect.identifier_preparer.quote
        return (f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
                f"({', '.join(quote(c) for c in columns)}) "
                f"VALUES ({', '.join([mark] * len(columns))})")

    @staticmethod
    def _processor(dialect: Any, column: Any) -> Callable[[Any], Any]:
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        return process or (lambda value: value)

    def write(self, batch: list[_Entry], deltas: BalanceDeltas) -> None:
        session, book, codes = self.session, self.book, self.codes
        entry_id = _reserve_ids(session, "journal_entries", len(batch))
        line_count = sum(len(e.lines) for e in batch)
        line_id = _reserve_ids(session, "journal_lines", line_count)
        book_id = book.id
        posted_status = EntryStatus.POSTED.value
        closing_kind = EntryKind.CLOSING.value
        posted, now, posted_now = self.posted, self.now, self.posted_now
        dates, rates = self.dates, self.rates
        seq, head = book.chain_seq, book.chain_head
        sums: dict[tuple[int, date, bool], list[int]] = {}  # debit, credit, amount, postings
        entry_rows: list[tuple[Any, ...]] = []
        line_rows: list[tuple[Any, ...]] = []
        for entry in batch:
            seq += 1
            day = entry.date
            known = dates.get(day)
            if known is None:
                known = dates[day] = (self.entry_date(day), self.line_date(day))
            entry_day, line_day = known
            closing = entry.kind == closing_kind
            content = canonical_json_plain(
                number=seq, day=day, description=entry.description, party=entry.party,
                kind=entry.kind, external_id=entry.txn_id,
                lines=[(codes[a], amt, cur, rate, base, memo)
                       for a, amt, cur, rate, base, memo in entry.lines])
            digest = entry_hash(head, content)
            entry_rows.append((entry_id, book_id, seq, entry_day, entry.description, entry.party,
                               None, posted_status, entry.kind, entry.txn_id, None, head, digest,
                               now, posted_now))
            head = digest
            for line_no, (account_id, amount, currency, rate, base_amount, memo) in enumerate(
                    entry.lines, 1):
                rate_value = rates.get(rate)
                if rate_value is None:
                    rate_value = rates[rate] = self.rate(rate)
                line_rows.append((line_id, book_id, entry_id, line_no, account_id, line_day,
                                  posted, memo, amount, currency, rate_value, base_amount))
                key = (account_id, day, closing)
                total = sums.get(key)
                if total is None:
                    total = sums[key] = [0, 0, 0, 0]
                if base_amount >= 0:
                    total[0] += base_amount
                else:
                    total[1] -= base_amount
                total[2] += amount
                total[3] += 1
                line_id += 1
            entry_id += 1
        book.chain_seq, book.chain_head = seq, head
        connection = session.connection()
        connection.exec_driver_sql(self.entry_sql, entry_rows)
        connection.exec_driver_sql(self.line_sql, line_rows)
        for (account_id, day, closing), (debit, credit, amount, n) in sums.items():
            deltas.add_day(account_id, day, debit, credit, amount, n, closing)


def export_journal(session: Session, book: Book, out: IO[str]) -> int:
    """Write every posted entry in the import's columns; returns the number of entries."""
    require(session, book, "report.read")
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
        last = entries[-1][1] or 0
        session.expunge_all()


def export_accounts(session: Session, book: Book, out: IO[str]) -> int:
    require(session, book, "report.read")
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
