"""Importing a statement file into a money account: all lines or none, each line once.

The file is parsed whole before anything is written, so a bad line rejects the file with
its line number. Lines already imported (same fingerprint) are skipped, lines the other
side of a transfer already booked are linked to its entry, and the rules book the rest.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.guard import require
from folio.banking.accounts import remember_mapping, saved_mapping
from folio.banking.models import BankLine, BankStatement, LineStatus, MoneyAccount
from folio.banking.rules import apply_rules
from folio.banking.statements import (
    ColumnMapping,
    Statement,
    detect_format,
    fingerprints,
    parse_statement,
)
from folio.banking.statements.csv_generic import PRESETS
from folio.banking.statements.model import fail
from folio.banking.suggestions import payee_key
from folio.books.models import Book
from folio.errors import ValidationError
from folio.money import MAX_ABS_AMOUNT, exponent, to_minor

MAX_FILE_BYTES = 20 * 1024 * 1024
FORMAT_NAMES = ("csv", "ofx", "qif", "camt")
_ALIASES = {"camt": "camt053", "camt053": "camt053", "camt.053": "camt053", "qfx": "ofx",
            "ofx": "ofx", "qif": "qif", "csv": "csv"}
_CHUNK = 500
_AMBIGUOUS = re.compile(r"'([^']*)' is ambiguous")


@dataclass
class ImportResult:
    statement: BankStatement
    lines: list[BankLine] = field(default_factory=list)  # the new lines

    @property
    def imported(self) -> int:
        return self.statement.imported_count

    @property
    def skipped(self) -> int:
        return self.statement.skipped_count

    @property
    def categorised(self) -> int:
        return self.statement.categorised_count

    @property
    def transfers(self) -> int:
        return sum(1 for line in self.lines if line.status == LineStatus.TRANSFER.value)

    @property
    def unmatched(self) -> int:
        return sum(1 for line in self.lines if line.status == LineStatus.UNMATCHED.value)


def column_mapping(data: dict[str, Any]) -> ColumnMapping:
    """A ColumnMapping from JSON-like data, or a ValidationError saying what is wrong."""
    known = {f.name for f in fields(ColumnMapping)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValidationError(f"the mapping has no field {unknown[0]!r}",
                              field=f"mapping.{unknown[0]}")
    if not isinstance(data.get("date"), str) or not data["date"].strip():
        raise ValidationError("the mapping needs the name of the date column",
                              field="mapping.date")
    for name, value in data.items():
        if name in ("header_row", "skip_footer"):
            if value is not None and (not isinstance(value, int) or not 0 <= value < 10_000):
                raise ValidationError("a row number from 0", field=f"mapping.{name}")
        elif name == "footer_labels":
            if not isinstance(value, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
                raise ValidationError("labels and what they hold", field=f"mapping.{name}")
        elif value is not None and (not isinstance(value, str) or len(value) > 100):
            raise ValidationError("a column name of at most 100 characters",
                                  field=f"mapping.{name}")
    if data.get("delimiter") is not None and len(data["delimiter"]) != 1:
        raise ValidationError("one character, e.g. ';'", field="mapping.delimiter")
    if data.get("decimal_separator") not in (None, ".", ","):
        raise ValidationError("'.' or ','", field="mapping.decimal_separator")
    try:
        return ColumnMapping(**data)
    except (TypeError, ValueError) as exc:
        raise ValidationError(str(exc), field="mapping") from exc


def _format(data: bytes, money: MoneyAccount, fmt: str | None, preset: str | None,
            mapping: ColumnMapping | None) -> tuple[str, ColumnMapping | str | None]:
    """The parser to use and, for CSV, the mapping (explicit, preset, saved or detected)."""
    if preset is not None and preset not in PRESETS:
        raise ValidationError(f"preset is one of {', '.join(PRESETS)}", field="preset")
    if fmt is not None:
        if fmt.lower() not in _ALIASES:
            raise ValidationError(f"format is one of {', '.join(FORMAT_NAMES)}", field="format")
        fmt = _ALIASES[fmt.lower()]
    if preset is not None or mapping is not None:
        if fmt not in (None, "csv"):
            raise ValidationError("a preset or column mapping is for CSV files", field="format")
        return "csv", mapping or preset
    detected = fmt or detect_format(data)
    if detected.startswith("csv"):
        return "csv", detected.partition(":")[2] or saved_mapping(money) or "generic"
    return detected, None


def _check_account(statement: Statement, money: MoneyAccount) -> None:
    """Refuse a statement of another account or currency before anything is written."""
    digits = "".join(c for c in (statement.account or "") if c.isdigit())
    ours = "".join(c for c in (money.account_number or "") if c.isdigit())
    if digits and ours and not (digits.endswith(ours) or ours.endswith(digits)):
        raise ValidationError(f"This statement is for account …{digits[-4:]}, not "
                              f"{money.name} (…{ours[-4:]}); nothing was imported",
                              field="file")
    for line in statement.lines:
        currency = line.currency or statement.currency
        if currency and currency.upper() != money.currency:
            raise fail(line.line, "currency", f"the line is in {currency}, the account "
                                              f"{money.name} in {money.currency}")


def _parse(data: bytes, fmt: str, options: dict[str, Any], currency: str) -> Statement:
    """Parse; a CSV whose every amount is like 100.000 has thousands, when the currency
    has fewer than three decimals."""
    try:
        return parse_statement(data, fmt, **options)
    except ValidationError as exc:
        found = _AMBIGUOUS.search(exc.detail)
        if fmt != "csv" or found is None or "decimal_separator" in options \
                or exponent(currency) >= 3:
            raise
        decimal = "," if "." in found.group(1) else "."
        return parse_statement(data, fmt, **options, decimal_separator=decimal)


def _clean(text: str, limit: int) -> str:
    return " ".join(text.replace("\x00", "").split())[:limit]


def import_statement(session: Session, book: Book, money: MoneyAccount, filename: str,
                     data: bytes, format: str | None = None,
                     mapping: ColumnMapping | dict[str, Any] | None = None, *,
                     preset: str | None = None, options: dict[str, Any] | None = None,
                     progress: Callable[[int], None] | None = None) -> ImportResult:
    """Import a statement file; raise a ValidationError naming the line, writing nothing.

    ``format`` is csv, ofx, qif or camt (None: detect it); a CSV file uses ``mapping``,
    ``preset``, the account's saved mapping, or the generic preset, in that order, and the
    one used is saved for the account's next CSV import.
    """
    require(session, book, "bank.import")
    if money.book_id != book.id:
        raise ValidationError("The money account is not in this book", field="account")
    if not money.is_active:
        raise ValidationError(f"{money.name} is inactive; reactivate it to import",
                              field="account")
    filename = _clean(filename or "statement", 255) or "statement"
    if not data.strip():
        raise ValidationError(f"{filename}: the file is empty; nothing was imported",
                              field="file")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(f"{filename}: larger than {MAX_FILE_BYTES // 2**20} MB",
                              field="file")
    if isinstance(mapping, dict):
        mapping = column_mapping(mapping)
    fmt, csv_mapping = _format(data, money, format, preset, mapping)
    kwargs = dict(options or {})
    if csv_mapping is not None:
        kwargs["mapping"] = csv_mapping
    statement = _parse(data, fmt, kwargs, money.currency)
    _check_account(statement, money)
    if not statement.lines:
        raise ValidationError(f"{filename}: no transactions found; nothing was imported",
                              field="file")

    currency = money.currency
    amounts: list[int] = []
    for parsed in statement.lines:
        try:
            units = to_minor(parsed.amount, currency)
        except ValidationError as exc:
            raise fail(parsed.line, "amount", exc.detail) from exc
        if abs(parsed.amount) >= MAX_ABS_AMOUNT:
            raise fail(parsed.line, "amount", "the amount is too large")
        amounts.append(units)
    prints = fingerprints(statement.lines, None)
    existing: set[str] = set()
    for start in range(0, len(prints), _CHUNK):
        existing |= set(session.scalars(select(BankLine.fingerprint).where(
            BankLine.book_id == book.id, BankLine.money_account_id == money.id,
            BankLine.fingerprint.in_(prints[start:start + _CHUNK]))))

    def minor(value: Any) -> int | None:
        try:
            return None if value is None else to_minor(value, currency)
        except ValidationError:
            return None

    dates = [line.date for line in statement.lines]
    record = BankStatement(
        book_id=book.id, money_account_id=money.id, filename=filename,
        format=fmt if fmt != "csv" or not isinstance(csv_mapping, str) else f"csv:{csv_mapping}",
        sha256=hashlib.sha256(data).hexdigest(), line_count=len(statement.lines),
        imported_count=0, skipped_count=0, categorised_count=0,
        start_date=min(dates), end_date=max(dates),
        opening_balance=minor(statement.opening_balance),
        closing_balance=minor(statement.closing_balance))
    result = ImportResult(statement=record)
    for parsed, units, print_ in zip(statement.lines, amounts, prints, strict=True):
        if print_ in existing:
            record.skipped_count += 1
            continue
        payee, description = _clean(parsed.payee, 200), _clean(parsed.description, 500)
        result.lines.append(BankLine(
            book_id=book.id, money_account_id=money.id, date=parsed.date, amount=units,
            currency=currency, payee=payee, description=description,
            reference=_clean(parsed.reference, 100),
            external_id=_clean(parsed.external_id or "", 100) or None,
            fingerprint=print_, payee_key=payee_key(payee, description),
            status=(LineStatus.IGNORED.value if units == 0 else LineStatus.UNMATCHED.value)))
        existing.add(print_)
    record.imported_count = len(result.lines)
    if not result.lines:  # a file imported before: nothing to record
        return result
    session.add(record)
    session.flush()
    for line in result.lines:
        line.statement_id = record.id
    session.add_all(result.lines)
    session.flush()

    apply_rules(session, book, result.lines, link_transfers=True, progress=progress)
    record.categorised_count = sum(1 for line in result.lines if line.status in (
        LineStatus.CATEGORISED.value, LineStatus.TRANSFER.value))
    if fmt == "csv" and csv_mapping is not None:
        remember_mapping(money, csv_mapping)
    session.flush()
    audit.record(session, "import", "bank_statement", record.id, book=book,
                 after={"file": filename, "format": record.format, "sha256": record.sha256,
                        "money_account": money.name, "lines": record.line_count,
                        "imported": record.imported_count, "skipped": record.skipped_count,
                        "categorised": record.categorised_count},
                 summary=f"{filename} into {money.name}: {record.imported_count} imported, "
                         f"{record.skipped_count} skipped")
    return result


def list_statements(session: Session, book: Book, money: MoneyAccount) -> list[BankStatement]:
    """The imports into ``money``, newest first."""
    require(session, book, "report.read")
    return list(session.scalars(select(BankStatement).where(
        BankStatement.book_id == book.id, BankStatement.money_account_id == money.id)
        .order_by(BankStatement.id.desc())))
