"""The journal entry form: what a page posts, read into the service's ``EntryInput``.

Lines arrive as ``lines[N].account``, ``lines[N].debit``, ``lines[N].credit``, ``lines[N].memo``
(plus ``currency`` and ``rate`` kept from a foreign-currency draft). Rows are taken in the
order of N, gaps left by removed rows closed and blank rows dropped, so the service's
``lines[i]`` errors point at the i-th row the page shows when it renders the form again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from starlette.datastructures import FormData

from folio.books.models import Book
from folio.clock import today
from folio.errors import ValidationError
from folio.ledger.models import JournalEntry
from folio.ledger.service import EntryInput, LineInput
from folio.money import exponent, format_number, from_minor, to_minor
from folio.web.forms import parse_date, parse_local_amount, text

LINE_KEY = re.compile(r"^lines\[(\d{1,4})\]\.(account|debit|credit|memo|currency|rate)$")
MIN_ROWS = 2


@dataclass
class LineRow:
    """One row of the line editor, as typed."""

    account: str = ""
    debit: str = ""
    credit: str = ""
    memo: str = ""
    currency: str = ""
    rate: str = ""

    @property
    def blank(self) -> bool:
        return not (self.account or self.debit or self.credit or self.memo)


@dataclass
class EntryForm:
    date: str
    description: str = ""
    party: str = ""
    reference: str = ""
    lines: list[LineRow] = field(default_factory=list)

    def padded(self, extra: int = 0) -> EntryForm:
        """The same form with blank rows added, at least two and ``extra`` more."""
        missing = max(MIN_ROWS - len(self.lines), 0) + extra
        return EntryForm(self.date, self.description, self.party, self.reference,
                         self.lines + [LineRow() for _ in range(missing)])


def blank_form(day: date) -> EntryForm:
    return EntryForm(date=day.isoformat()).padded()


def line_rows(form: FormData) -> list[LineRow]:
    """The posted rows in order of their index, blank ones dropped."""
    rows: dict[int, LineRow] = {}
    for key in form:
        match = LINE_KEY.match(key)
        if match:
            setattr(rows.setdefault(int(match[1]), LineRow()), match[2],
                    text(form, key, 500 if match[2] == "memo" else 40))
    return [row for _, row in sorted(rows.items()) if not row.blank]


def next_line_index(form: FormData) -> int:
    """An index no posted row uses, for a row added by the page."""
    indexes = [int(m[1]) for key in form if (m := LINE_KEY.match(key))]
    return max(indexes, default=-1) + 1


def read_form(form: FormData) -> EntryForm:
    return EntryForm(date=text(form, "date", 20), description=text(form, "description"),
                     party=text(form, "party", 200), reference=text(form, "reference", 100),
                     lines=line_rows(form))


def form_of(entry: JournalEntry, book: Book) -> EntryForm:
    """A draft as the form shows it: amounts on the debit or credit side, in the book's style."""
    rows = []
    for line in entry.lines:
        shown = format_number(from_minor(abs(line.amount), line.currency), line.currency,
                              book.locale)
        foreign = line.currency != book.base_currency
        rows.append(LineRow(account=line.account.code,
                            debit=shown if line.amount > 0 else "",
                            credit=shown if line.amount < 0 else "", memo=line.memo or "",
                            currency=line.currency if foreign else "",
                            rate=format(line.rate.normalize(), "f") if foreign else ""))
    return EntryForm(date=entry.date.isoformat(), description=entry.description,
                     party=entry.party or "", reference=entry.reference or "", lines=rows)


def _signed(row: LineRow, index: int, book: Book, errors: list[dict[str, str]]) -> Decimal:
    currency = row.currency or book.base_currency
    if row.debit and row.credit:
        errors.append({"field": f"lines[{index}].amount",
                       "message": "enter either a debit or a credit, not both"})
        return Decimal(0)
    typed = row.debit or row.credit
    if not typed:
        return Decimal(0)  # the service reports the zero amount
    try:
        value = parse_local_amount(typed, currency, book.locale, f"lines[{index}].amount")
    except ValidationError as exc:
        errors.extend(exc.errors)
        return Decimal(0)
    return -value if row.credit else value


def _rate(row: LineRow, index: int, errors: list[dict[str, str]]) -> Decimal | None:
    if not row.rate:
        return None
    try:
        return Decimal(row.rate)
    except InvalidOperation:
        errors.append({"field": f"lines[{index}].rate", "message": "the rate is not a number"})
        return None


def entry_input(form: EntryForm, book: Book) -> EntryInput:
    """The service's input; what the form could not read becomes ``extra_errors``."""
    errors: list[dict[str, str]] = []
    try:
        day = parse_date(form.date, "date")
    except ValidationError as exc:
        errors.extend(exc.errors)
        day = today()
    lines = [LineInput(account=row.account, amount=_signed(row, i, book, errors),
                       currency=row.currency or None, rate=_rate(row, i, errors),
                       memo=row.memo or None)
             for i, row in enumerate(form.lines)]
    return EntryInput(date=day, description=form.description, party=form.party or None,
                      reference=form.reference or None, lines=lines, extra_errors=errors)


@dataclass
class Totals:
    debit: int  # base minor units
    credit: int
    unreadable: bool  # some amount could not be read, so the totals leave it out

    @property
    def difference(self) -> int:
        return self.debit - self.credit


def totals(form: EntryForm, book: Book) -> Totals:
    """Sum of debits and credits in the base currency, for the live balance check."""
    debit = credit = 0
    unreadable = False
    base_places = Decimal(1).scaleb(-exponent(book.base_currency))
    for index, row in enumerate(form.lines):
        errors: list[dict[str, str]] = []
        value = _signed(row, index, book, errors)
        foreign = bool(row.currency) and row.currency != book.base_currency
        rate = _rate(row, index, errors) if foreign else Decimal(1)
        if errors or rate is None or abs(value) >= 10**15:
            unreadable = True
            continue
        units = to_minor((value * rate).quantize(base_places, rounding=ROUND_HALF_UP),
                         book.base_currency)
        debit += max(units, 0)
        credit += max(-units, 0)
    return Totals(debit=debit, credit=credit, unreadable=unreadable)
