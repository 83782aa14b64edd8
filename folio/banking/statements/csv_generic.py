"""CSV statements through a column mapping, with presets for BCA and Mandiri exports."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from folio.banking.statements.model import Statement, StatementLine, decode, fail
from folio.banking.statements.numbers import detect_decimal_separator, parse_number

_MARKER = re.compile(r"^(?P<number>.*?[0-9)])\s*(?P<marker>CR|DB|D|K|C)$", re.IGNORECASE)
_NEGATIVE_MARKERS = {"DB", "D"}
_POSITIVE_MARKERS = {"CR", "K", "C"}
_PERIOD = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\s*-\s*(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass(frozen=True)
class ColumnMapping:
    """Which header names hold what; either `amount` or `debit` + `credit`."""

    date: str
    date_format: str = "%d/%m/%Y"
    amount: str | None = None
    debit: str | None = None
    credit: str | None = None
    marker: str | None = None
    description: str | None = None
    payee: str | None = None
    reference: str | None = None
    delimiter: str | None = None
    header_row: int | None = 0
    skip_footer: int = 0
    pending_marker: str | None = None
    footer_labels: dict[str, str] = field(default_factory=dict)
    decimal_separator: str | None = None
    currency: str | None = None

    def __post_init__(self) -> None:
        if (self.amount is None) == (self.debit is None or self.credit is None):
            raise ValueError("map either an amount column or both debit and credit columns")


PRESETS: dict[str, ColumnMapping] = {
    "generic": ColumnMapping(
        date="date", amount="amount", description="description", payee="payee",
        reference="reference",
    ),
    "bca": ColumnMapping(
        date="Tanggal", date_format="%d/%m", amount="Jumlah", marker="", description="Keterangan",
        reference="Cabang", delimiter=",", header_row=None, pending_marker="PEND",
        footer_labels={"saldo awal": "opening", "saldo akhir": "closing",
                       "mutasi kredit": "", "mutasi debet": "", "kredit": "", "debet": ""},
        currency="IDR",
    ),
    "mandiri": ColumnMapping(
        date="Tanggal", amount=None, debit="Debit", credit="Kredit", description="Keterangan",
        reference="Referensi", header_row=None, currency="IDR",
    ),
}


def _rows(text: str, delimiter: str | None) -> list[tuple[int, list[str]]]:
    """Non-blank rows with the physical line each starts on (quoted cells may span lines)."""
    if delimiter is None:
        sample = "\n".join(text.splitlines()[:20])
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
        except csv.Error:
            counts = {d: sample.count(d) for d in ",;\t"}
            delimiter = max(counts, key=lambda d: counts[d])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    try:
        start = 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise fail(reader.line_num, "file", f"unreadable CSV ({exc})") from exc
    return rows


def _find_header(rows: list[tuple[int, list[str]]], mapping: ColumnMapping) -> int:
    if mapping.header_row is not None:
        if mapping.header_row >= len(rows):
            raise fail(1, "file", "the file has no header row")
        return mapping.header_row
    wanted = mapping.date.casefold()
    for index, (_, cells) in enumerate(rows):
        if any(cell.strip().casefold().startswith(wanted) for cell in cells):
            return index
    raise fail(1, "file", f"no header row with a {mapping.date!r} column")


def _column(header: list[str], name: str | None, line: int, *, prefix: bool = False) -> int | None:
    if name is None:
        return None
    folded = [cell.strip().casefold() for cell in header]
    for index, cell in enumerate(folded):
        if cell == name.casefold() or (prefix and cell.startswith(name.casefold())):
            return index
    found = ", ".join(h.strip() for h in header)
    raise fail(line, name, f"missing column {name!r} (found: {found})")


def _year_and_period(preamble: list[list[str]]) -> tuple[dict[str, str], tuple[date, date] | None]:
    info: dict[str, str] = {}
    period = None
    for cells in preamble:
        if len(cells) >= 3 and cells[1].strip() == "=":
            info[cells[0].strip().casefold()] = cells[2].strip().lstrip("'")
    match = _PERIOD.search(info.get("periode", ""))
    if match:
        d1, m1, y1, d2, m2, y2 = (int(g) for g in match.groups())
        try:
            period = (date(y1, m1, d1), date(y2, m2, d2))
        except ValueError:
            period = None  # a garbled period falls back to the year= parameter
    return info, period


def _parse_date(text: str, mapping: ColumnMapping, line: int, year: int | None,
                period: tuple[date, date] | None) -> date:
    cleaned = text.strip().lstrip("'")
    fmt = mapping.date_format
    try:
        if "%Y" in fmt or "%y" in fmt:
            return datetime.strptime(cleaned, fmt).date()  # noqa: DTZ007 - a date, no zone
        if year is None and period is None:
            raise fail(line, "date", f"{text!r} has no year: pass year= or a period header")
        parsed = datetime.strptime(f"{cleaned}/2000", fmt + "/%Y")  # noqa: DTZ007 - leap-safe
        if period is not None:
            candidate = parsed.date().replace(year=period[0].year)
            if candidate < period[0]:
                candidate = candidate.replace(year=period[1].year)
            return candidate
        assert year is not None
        return parsed.date().replace(year=year)
    except ValueError as exc:
        raise fail(line, "date", f"{text!r} is not a date like {fmt!r}") from exc


def _number(text: str, sep: str | None, line: int, field_name: str) -> Decimal:
    try:
        return parse_number(text, sep)
    except ValueError as exc:
        raise fail(line, field_name, str(exc)) from exc


def _signed(text: str, marker: str, sep: str | None, line: int) -> Decimal:
    match = _MARKER.match(text.strip())
    if match and not marker:
        text, marker = match["number"], match["marker"]
    value = _number(text, sep, line, "amount")
    marker = marker.strip().upper()
    if marker in _NEGATIVE_MARKERS:
        return -abs(value)
    if marker in _POSITIVE_MARKERS or not marker:
        return value
    raise fail(line, "amount", f"{marker!r} is not a CR/DB marker")


def parse_csv(data: bytes, mapping: ColumnMapping | str = "generic", *,
              year: int | None = None, decimal_separator: str | None = None,
              currency: str | None = None) -> Statement:
    """Parse a CSV statement; `mapping` is a ColumnMapping or a preset name."""
    if isinstance(mapping, str):
        if mapping not in PRESETS:
            raise fail("options", "preset", f"unknown CSV preset {mapping!r}")
        mapping = PRESETS[mapping]
    if decimal_separator is not None:
        mapping = replace(mapping, decimal_separator=decimal_separator)
    rows = _rows(decode(data), mapping.delimiter)
    header_index = _find_header(rows, mapping)
    header_line, header = rows[header_index]
    info, period = _year_and_period([cells for _, cells in rows[:header_index]])
    body = rows[header_index + 1 : len(rows) - mapping.skip_footer]

    date_col = _column(header, mapping.date, header_line, prefix=True)
    amount_col = _column(header, mapping.amount, header_line)
    debit_col = _column(header, mapping.debit, header_line)
    credit_col = _column(header, mapping.credit, header_line)
    marker_col = _column(header, mapping.marker, header_line) if mapping.marker else None
    unnamed_next = amount_col is not None and len(header) > amount_col + 1 \
        and not header[amount_col + 1].strip()
    if mapping.marker == "" and unnamed_next:  # BCA: the marker sits in an unnamed column
        assert amount_col is not None
        marker_col = amount_col + 1
    desc_col = _optional(header, mapping.description)
    payee_col = _optional(header, mapping.payee)
    ref_col = _optional(header, mapping.reference)

    data_rows: list[tuple[int, list[str]]] = []
    footer: dict[str, tuple[int, str]] = {}
    for line, cells in body:
        label = cells[0].strip().casefold().rstrip(":")
        if label in mapping.footer_labels:
            kind = mapping.footer_labels[label]
            value = next((c for c in cells[1:] if c.strip() not in ("", "=")), "")
            if kind:
                footer[kind] = (line, value)
            continue
        if mapping.pending_marker and cells[0].strip().upper() == mapping.pending_marker:
            continue
        data_rows.append((line, cells))

    sep = mapping.decimal_separator
    if sep is None:
        money_cols = [c for c in (amount_col, debit_col, credit_col) if c is not None]
        values = [cells[c] for _, cells in data_rows for c in money_cols if c < len(cells)]
        values += [value for _, value in footer.values()]
        try:
            sep = detect_decimal_separator(_MARKER.sub(r"\g<number>", v.strip()) for v in values)
        except ValueError as exc:
            raise fail(header_line, "amount", str(exc)) from exc

    ccy = currency or info.get("mata uang") or mapping.currency
    lines = []
    needed = max(c for c in (date_col, amount_col, debit_col, credit_col) if c is not None)
    for line, cells in data_rows:
        if len(cells) <= needed:
            raise fail(line, "row", f"expected at least {needed + 1} columns, found {len(cells)}")
        assert date_col is not None
        when = _parse_date(cells[date_col], mapping, line, year, period)
        if amount_col is not None:
            marker = cells[marker_col] if marker_col is not None and marker_col < len(cells) else ""
            amount = _signed(cells[amount_col], marker, sep, line)
        else:
            assert debit_col is not None
            assert credit_col is not None
            debit, credit = cells[debit_col].strip(), cells[credit_col].strip()
            if not debit and not credit:
                raise fail(line, "amount", "both debit and credit are empty")
            amount = (_number(credit, sep, line, "credit") if credit else Decimal(0)) - (
                abs(_number(debit, sep, line, "debit")) if debit else Decimal(0))
        lines.append(StatementLine(
            date=when, amount=amount, currency=ccy,
            description=_cell(cells, desc_col), payee=_cell(cells, payee_col),
            reference=_cell(cells, ref_col).lstrip("'"), line=line,
        ))

    opening = _number(footer["opening"][1], sep, footer["opening"][0], "opening") \
        if "opening" in footer else None
    closing = _number(footer["closing"][1], sep, footer["closing"][0], "closing") \
        if "closing" in footer else None
    return Statement(account=info.get("no. rekening"), currency=ccy, lines=lines,
                     opening_balance=opening, closing_balance=closing)


def _optional(header: list[str], name: str | None) -> int | None:
    folded = [cell.strip().casefold() for cell in header]
    return folded.index(name.casefold()) if name and name.casefold() in folded else None


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return " ".join(cells[index].split())
