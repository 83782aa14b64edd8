"""Exchange rates: entered by hand or imported from CSV; the rate in force on a day.

A rate says what one unit of a foreign currency is worth in the book's base currency
(USD 16250 in an IDR book). Rates are exact decimals; the rate in force on a day is the
latest one dated on or before it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.guard import require
from folio.books.models import Book
from folio.commerce.listing import page_count, page_of
from folio.errors import ValidationError
from folio.fx.models import ExchangeRate, RateSource
from folio.ledger.periods import FIRST_DAY, LAST_DAY
from folio.money import is_currency

MAX_RATE = Decimal(10) ** 12
MAX_DECIMALS = 12
MAX_ROWS = 50_000
_GROUPED = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def parse_rate(text: str, *, decimal_comma: bool = False) -> Decimal:
    """A rate typed or imported as ``16250``, ``16250.5``, ``16.250,50`` or ``16,250.50``.

    With both separators the right-most one is the decimal mark; a comma alone is a
    decimal comma; dots alone are thousands separators when ``decimal_comma`` (files
    separated by ``;``, as Indonesian spreadsheets write them) or when there are several.
    """
    raw = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in raw and "." in raw:
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif "," in raw:
        raw = raw.replace(",", ".")
    elif "." in raw and _GROUPED.fullmatch(raw) and (decimal_comma or raw.count(".") > 1):
        raw = raw.replace(".", "")
    if not _PLAIN.fullmatch(raw):
        raise ValidationError(f"{text.strip()[:40]!r} is not a rate like 16250 or 16.250,50",
                              field="rate")
    return Decimal(raw)


def check_rate(rate: Decimal, field: str = "rate") -> Decimal:
    """``rate`` if it can be a rate: positive, finite, below 10^12, at most 12 decimals."""
    try:
        fits = rate.is_finite() and 0 < rate < MAX_RATE \
            and rate == rate.quantize(Decimal(1).scaleb(-MAX_DECIMALS))
    except InvalidOperation:
        fits = False
    if not fits:
        raise ValidationError("a rate above 0 and below 10^12, with at most 12 decimals",
                              field=field)
    return rate.normalize()  # stored so anyway (folio.db.DecimalText)


def check_currency(book: Book, currency: str, field: str = "currency") -> str:
    """The upper-cased foreign currency code, or a field error."""
    code = (currency or "").strip().upper()
    if not is_currency(code):
        raise ValidationError(f"{currency[:10]!r} is not an ISO 4217 currency code", field=field)
    if code == book.base_currency:
        raise ValidationError(f"{code} is the book's own currency; its rate is always 1",
                              field=field)
    return code


def _check_day(day: date, field: str = "date") -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(f"a date from {FIRST_DAY} to {LAST_DAY}", field=field)


def _store(session: Session, book: Book, currency: str, day: date, rate: Decimal,
           source: str) -> tuple[ExchangeRate, Decimal | None]:
    found = session.scalar(select(ExchangeRate).where(
        ExchangeRate.book_id == book.id, ExchangeRate.currency == currency,
        ExchangeRate.date == day))
    if found is None:
        found = ExchangeRate(book_id=book.id, currency=currency, date=day, rate=rate,
                             source=source)
        session.add(found)
        return found, None
    before = found.rate
    found.rate, found.source = rate, source
    return found, before


def set_rate(session: Session, book: Book, currency: str, day: date,
             rate: Decimal) -> ExchangeRate:
    """Enter (or correct) the rate of ``currency`` on ``day``."""
    require(session, book, "fx.manage")
    code = check_currency(book, currency)
    _check_day(day)
    value = check_rate(rate)
    row, before = _store(session, book, code, day, value, RateSource.MANUAL.value)
    session.flush()
    audit.record(session, "create" if before is None else "update", "exchange_rate", row.id,
                 book=book, before=None if before is None else {"rate": before},
                 after={"currency": code, "date": day, "rate": value},
                 summary=f"{code} rate on {day.isoformat()}: {value}")
    return row


@dataclass
class RateRow:
    line: int
    currency: str
    date: date
    rate: Decimal


def parse_csv(book: Book, data: bytes) -> list[RateRow]:
    """The rows of a ``date,currency,rate`` file; every bad row is reported with its line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The file is not UTF-8 text", field="file") from None
    if "\x00" in text:
        raise ValidationError("The file is not a CSV text file", field="file")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    errors: list[dict[str, str]] = []
    rows: list[RateRow] = []
    header: list[str] | None = None
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in record]
            missing = {"date", "currency", "rate"} - set(header)
            if missing:
                raise ValidationError(f"line {line}: the header needs the columns date, "
                                      f"currency and rate (missing {', '.join(sorted(missing))})",
                                      field="file")
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            raise ValidationError(f"at most {MAX_ROWS} rows in one file", field="file")
        cells = dict(zip(header, (cell.strip() for cell in record), strict=False))
        try:
            try:
                day = date.fromisoformat(cells.get("date", ""))
            except ValueError:
                raise ValidationError(f"{cells.get('date', '')[:20]!r} is not a date "
                                      f"(YYYY-MM-DD)", field="date") from None
            _check_day(day)
            code = check_currency(book, cells.get("currency", ""))
            rate = check_rate(parse_rate(cells.get("rate", ""),
                                         decimal_comma=delimiter == ";"))
        except ValidationError as exc:
            errors.append({"field": f"line {line}", "message": f"line {line}: {exc.detail}"})
            continue
        rows.append(RateRow(line, code, day, rate))
    if header is None:
        raise ValidationError("The file is empty", field="file")
    seen: dict[tuple[str, date], int] = {}
    for row in rows:
        earlier = seen.setdefault((row.currency, row.date), row.line)
        if earlier != row.line:
            errors.append({"field": f"line {row.line}",
                           "message": f"line {row.line}: {row.currency} on {row.date} is "
                                      f"already on line {earlier}"})
    if errors:
        raise ValidationError(errors[0]["message"] if len(errors) == 1
                              else f"{len(errors)} rows are wrong; nothing was imported "
                                   f"({errors[0]['message']})", errors=errors)
    return rows


def import_rates(session: Session, book: Book, data: bytes,
                 progress: Callable[[int], None] | None = None) -> int:
    """Import a rates file, all or nothing; returns how many rates were stored."""
    require(session, book, "fx.manage")
    rows = parse_csv(book, data)
    for n, row in enumerate(rows, 1):
        _store(session, book, row.currency, row.date, row.rate, RateSource.CSV.value)
        if progress is not None and n % 100 == 0:
            progress(100)
    if progress is not None and len(rows) % 100:
        progress(len(rows) % 100)
    session.flush()
    audit.record(session, "import", "exchange_rate", book.slug, book=book,
                 after={"rows": len(rows)}, summary=f"{len(rows)} exchange rates imported")
    return len(rows)


def rate_on(session: Session, book: Book, currency: str, day: date) -> Decimal:
    """The rate of ``currency`` in force on ``day``: the latest on or before it (1 for base)."""
    if currency == book.base_currency:
        return Decimal(1)
    rate = session.scalar(select(ExchangeRate.rate).where(
        ExchangeRate.book_id == book.id, ExchangeRate.currency == currency,
        ExchangeRate.date <= day).order_by(ExchangeRate.date.desc()).limit(1))
    if rate is None:
        raise ValidationError(f"no {currency} exchange rate on or before {day.isoformat()}: "
                              f"add one", field="exchange_rate")
    return rate


@dataclass
class RatePage:
    rates: list[ExchangeRate]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.page_size)


def list_rates(session: Session, book: Book, *, currency: str | None = None,
               start: date | None = None, end: date | None = None, page: int = 1,
               page_size: int = 50) -> RatePage:
    """Rates newest first, optionally of one currency and between two dates."""
    require(session, book, "report.read")
    query = select(ExchangeRate).where(ExchangeRate.book_id == book.id)
    if currency:
        query = query.where(ExchangeRate.currency == currency.strip().upper()[:3])
    if start is not None:
        query = query.where(ExchangeRate.date >= start)
    if end is not None:
        query = query.where(ExchangeRate.date <= end)
    rows, total = page_of(session, query,
                          order_by=(ExchangeRate.date.desc(), ExchangeRate.currency),
                          page=page, page_size=page_size)
    return RatePage(rows, total, page, page_size)
