"""QIF bank statements (`!Type:Bank`); the date order is a per-import setting."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from folio.banking.statements.model import Statement, StatementLine, decode, fail
from folio.banking.statements.numbers import parse_number

_DATE = re.compile(r"(\d{1,4})\s*[/.\-]\s*(\d{1,2})\s*(?:[/.\-']\s*(\d{2,4}))")
_BANK_TYPES = {"bank", "cash", "ccard", "oth a", "oth l"}


@dataclass(frozen=True)
class Split:
    category: str
    memo: str
    amount: Decimal


def parse_qif_date(text: str, order: str, line: int) -> date:
    """Dates like 1/5/24, 01/05/2024, 1/ 5'24 (apostrophe before the 2000s year)."""
    match = _DATE.fullmatch(text.strip())
    try:
        if not match or order not in ("mdy", "dmy", "ymd"):
            raise ValueError
        a, b, c = int(match[1]), int(match[2]), int(match[3])
        if order == "ymd":
            return date(a, b, c)
        year = c + 2000 if c < 100 and ("'" in text or c < 70) else (c + 1900 if c < 100 else c)
        month, day = (a, b) if order == "mdy" else (b, a)
        return date(year, month, day)
    except ValueError as exc:
        raise fail(line, "date", f"{text!r} is not a {order} date") from exc


def _amount(text: str, line: int, sep: str = ".") -> Decimal:
    try:
        return parse_number(text, sep)
    except ValueError as exc:
        raise fail(line, "amount", str(exc)) from exc


def parse_qif(data: bytes, date_order: str = "mdy", currency: str | None = None,
              decimal_separator: str = ".") -> Statement:
    """Parse a QIF bank register; splits are kept as a sum check, not separate lines."""
    text = decode(data)
    lines: list[StatementLine] = []
    record: dict[str, tuple[int, str]] = {}
    splits: list[Split] = []
    split: dict[str, str] = {}
    seen_type = False
    for number, raw in enumerate(text.splitlines(), start=1):
        row = raw.strip()
        if not row:
            continue
        code, value = row[0], row[1:].strip()
        if code == "!":
            kind = value.lower()
            if kind.startswith("type:"):
                if kind[5:].strip() not in _BANK_TYPES:
                    raise fail(number, "type", f"{row!r} is not a bank register")
                seen_type = True
            continue
        if not seen_type:
            raise fail(number, "type", "the file does not start with !Type:Bank")
        if code == "^":
            if record:
                lines.append(_line(record, splits, date_order, currency, number, decimal_separator))
            record, splits, split = {}, [], {}
        elif code in "SE$":
            if code == "S":
                split = {"S": value}
            elif code == "E":
                split["E"] = value
            else:
                amount = _amount(value, number, decimal_separator)
                splits.append(Split(split.get("S", ""), split.get("E", ""), amount))
                split = {}
        else:
            record.setdefault(code, (number, value))
    if record:
        last = record[min(record, key=lambda k: record[k][0])][0]
        raise fail(last, "record", "the last record is not ended by '^': the file is truncated")
    return Statement(account=None, currency=currency, lines=lines)


def _line(record: dict[str, tuple[int, str]], splits: list[Split], order: str,
          currency: str | None, end: int, sep: str) -> StatementLine:
    start = min(n for n, _ in record.values())
    if "D" not in record:
        raise fail(start, "date", "record has no D (date) line")
    amount_field = record.get("T") or record.get("U")
    if amount_field is None:
        raise fail(start, "amount", "record has no T (amount) line")
    amount = _amount(amount_field[1], amount_field[0], sep)
    if splits and sum(s.amount for s in splits) != amount:
        total = sum(s.amount for s in splits)
        raise fail(end, "splits", f"splits add up to {total}, not the record's {amount}")
    description = record.get("M", (0, ""))[1]
    if not description and splits:
        description = "; ".join(s.category for s in splits)
    return StatementLine(
        date=parse_qif_date(record["D"][1], order, record["D"][0]),
        amount=amount, currency=currency, description=description or record.get("L", (0, ""))[1],
        payee=record.get("P", (0, ""))[1], reference=record.get("N", (0, ""))[1],
        external_id=None, line=start,
    )
