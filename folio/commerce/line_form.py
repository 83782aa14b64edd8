"""The priced-line editor of document pages (invoices, quotations, bills), read from a form.

The editor (``folio/web/templates/_line_editor.html``, behaviour in
``folio/web/static/line_editor.js``) posts indexed fields, one group per row::

    lines-0-item  lines-0-description  lines-0-quantity  lines-0-unit
    lines-0-unit_price  lines-0-discount_percent  lines-0-tax_code  lines-0-account

A page reads them like this::

    rows = read_rows(form)                      # typed rows in index order, blanks dropped
    values, errors = parse_rows(rows, currency, book.locale)
    lines = [InvoiceLineInput(**v.invoice_fields()) for v in values]   # or BillLineInput(...)

``errors`` are field errors named as the services name theirs (``lines[2].quantity``), so
one dict of errors serves both: render the form again with ``rows`` (compacted, so row i is
the service's ``lines[i]``) and the editor shows each message next to its field. Pass the
errors on to the service (e.g. ``InvoiceInput.extra_errors``) so that nothing is saved.

Live totals: the editor posts the whole form to a preview route of the page's own, which
prices the lines with the same service code that prices saved documents and renders the
``totals`` macro of ``_line_editor.html`` with a ``Preview``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from babel.numbers import get_decimal_symbol, get_group_symbol
from starlette.datastructures import FormData

from folio.errors import ValidationError
from folio.i18n import N_
from folio.money import format_number, from_minor
from folio.web.forms import parse_local_amount, text

LINE_KEY = re.compile(
    r"^lines-(\d{1,4})-(item|description|quantity|unit|unit_price|discount_percent|tax_code"
    r"|account)$")
FIELD_LIMITS = {"description": 500, "unit": 20}
MIN_ROWS = 1
PLAIN = re.compile(r"^-?\d{1,15}(\.\d{1,12})?$")


@dataclass
class LineRow:
    """One row of the editor as typed (strings), kept to show the form again."""

    item: str = ""
    description: str = ""
    quantity: str = ""
    unit: str = ""
    unit_price: str = ""
    discount_percent: str = ""
    tax_code: str = ""
    account: str = ""

    @property
    def blank(self) -> bool:
        return not (self.item or self.description or self.quantity or self.unit_price
                    or self.discount_percent)


@dataclass(frozen=True)
class LineValues:
    """One row read into typed values; what each document's line input takes."""

    description: str | None
    quantity: Decimal
    unit_price: Decimal | None  # None: the item's default price
    discount_percent: Decimal
    tax_code: str  # "" for no tax
    account: str | None  # None: the document's default account
    item_id: int | None
    unit: str = ""

    def invoice_fields(self) -> dict[str, object]:
        """Keyword arguments of folio.sales.invoices.InvoiceLineInput."""
        return {"description": self.description, "quantity": self.quantity,
                "unit_price": self.unit_price, "discount_percent": self.discount_percent,
                "tax_code": self.tax_code, "account": self.account, "item_id": self.item_id,
                "unit": self.unit or None}


def read_rows(form: FormData) -> list[LineRow]:
    """The posted rows in the order of their index, gaps closed, blank rows dropped."""
    rows: dict[int, LineRow] = {}
    for key in form:
        match = LINE_KEY.match(key)
        if match:
            setattr(rows.setdefault(int(match[1]), LineRow()), match[2],
                    text(form, key, FIELD_LIMITS.get(match[2], 40)))
    return [row for _, row in sorted(rows.items()) if not row.blank]


def padded(rows: list[LineRow], extra: int = 0) -> list[LineRow]:
    """``rows`` with blank rows added: at least one, and ``extra`` more."""
    return rows + [LineRow() for _ in range(max(MIN_ROWS - len(rows), 0) + extra)]


def parse_number(value: str, locale: str, field: str) -> Decimal:
    """A quantity or percentage as typed in ``locale`` (``1,5`` in id_ID) or plainly."""
    raw = re.sub(r"[\s\u00a0\u202f]", "", value)
    group, point = get_group_symbol(locale), get_decimal_symbol(locale)
    if re.fullmatch(r"\d{1,3}(" + re.escape(group) + r"\d{3})+", raw):
        raw = raw.replace(group, "")
    elif point != "." and point in raw:
        raw = raw.replace(group, "").replace(point, ".")
    if not PLAIN.fullmatch(raw):
        raise ValidationError(N_("enter a number such as 1.5"), field=field)
    try:
        return Decimal(raw)
    except InvalidOperation:  # pragma: no cover - PLAIN admits only decimals
        raise ValidationError(N_("enter a number such as 1.5"), field=field) from None


def parse_rows(rows: list[LineRow], currency: str, locale: str
               ) -> tuple[list[LineValues], list[dict[str, str]]]:
    """Typed values of each row, and field errors for what could not be read."""
    errors: list[dict[str, str]] = []
    values: list[LineValues] = []

    def read(n: int, name: str, typed: str, default: Decimal | None,
             money: bool = False) -> Decimal | None:
        if not typed:
            return default
        try:
            if money:
                return parse_local_amount(typed, currency, locale, f"lines[{n}].{name}")
            return parse_number(typed, locale, f"lines[{n}].{name}")
        except ValidationError as exc:
            errors.extend(exc.errors)
            return default

    for n, row in enumerate(rows):
        item_id = None
        if row.item:
            if row.item.isdigit() and 0 < int(row.item) < 2**63:
                item_id = int(row.item)
            else:
                errors.append({"field": f"lines[{n}].item_id", "message": N_("choose an item")})
        quantity = read(n, "quantity", row.quantity, Decimal(1))
        price = read(n, "unit_price", row.unit_price, None, money=True)
        discount = read(n, "discount_percent", row.discount_percent, Decimal(0))
        values.append(LineValues(
            description=row.description or None, quantity=quantity or Decimal(0),
            unit_price=price, discount_percent=discount or Decimal(0),
            tax_code=row.tax_code, account=row.account or None, item_id=item_id,
            unit=row.unit))
    return values, errors


def rows_with_errors(errors: list[dict[str, str]]) -> set[int]:
    """The indexes of the rows that ``errors`` (``lines[i].field``) point at."""
    found = set()
    for error in errors:
        match = re.match(r"^lines\[(\d+)\]", error.get("field") or "")
        if match:
            found.add(int(match[1]))
    return found


def quantity_text(value: Decimal, locale: str) -> str:
    """A quantity as the editor shows it: ``1,5`` in id_ID, ``1.5`` in en_US."""
    return format(value.normalize(), "f").replace(".", get_decimal_symbol(locale))


def row_of(*, description: str, quantity: Decimal, unit_price: int, discount_percent: Decimal,
           tax_code: str, account: str, currency: str, locale: str, item_id: int | None = None,
           unit: str = "") -> LineRow:
    """A saved line as the editor shows it, amounts in the book's style."""
    return LineRow(item=str(item_id) if item_id else "", description=description,
                   quantity=quantity_text(quantity, locale), unit=unit,
                   unit_price=format_number(from_minor(unit_price, currency), currency, locale),
                   discount_percent=quantity_text(discount_percent, locale)
                   if discount_percent else "",
                   tax_code=tax_code, account=account)


@dataclass(frozen=True)
class ItemChoice:
    """An item the editor's picker offers, with what it fills into the row."""

    id: int
    code: str
    name: str
    unit: str
    price: str  # the default unit price as the book writes it
    tax_code: str
    account: str


@dataclass
class Preview:
    """What the totals under the editor show, in minor units of ``currency``.

    ``taxes`` are (tax code, tax) pairs; ``unreadable`` counts rows left out because they
    have errors; ``error`` is a message when nothing could be priced.
    """

    currency: str
    net: int = 0
    taxes: list[tuple[str, int]] = field(default_factory=list)
    rounding: int = 0
    total: int = 0
    withholding: int = 0
    stamp_duty: int = 0
    unreadable: int = 0
    error: str = ""
