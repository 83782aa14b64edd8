"""Foreign-currency documents: their rate, their base amounts, and the lines that post them.

An invoice or bill in a foreign currency keeps its amounts in that currency and the rate
it was issued at. Its receivable (or payable) is carried in the base currency at that rate
until it is settled: a payment clears the carried share of what it settles, and the
difference from the payment's own rate is a realised exchange gain or loss (IAS 21.28).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import ValidationError
from folio.fx.rates import check_rate, rate_on
from folio.ledger.service import LineInput
from folio.money import from_minor, is_currency, quantum, to_minor

Errors = list[dict[str, str]]


def to_base(units: int, currency: str, rate: Decimal, base_currency: str) -> int:
    """``units`` of ``currency`` in base minor units, rounded as the ledger rounds a line."""
    if currency == base_currency:
        return units
    with localcontext() as exact:
        exact.prec = 100
        value = (from_minor(units, currency) * rate).quantize(quantum(base_currency),
                                                              rounding=ROUND_HALF_UP)
        return to_minor(value, base_currency)


def carried(total: int, base_total: int, due: int) -> int:
    """The base amount carried for ``due`` of a document of ``total`` (``base_total`` in base).

    Proportional and rounded half-up, so the shares cleared by successive payments add up
    to ``base_total`` exactly once the document is settled.
    """
    if total <= 0 or due <= 0:
        return 0
    if due >= total:
        return base_total
    numerator = 2 * base_total * due + total
    return numerator // (2 * total)


def carried_due(book: Book, total: int, due: int, currency: str, rate: Decimal) -> int:
    """What is still ``due`` on a document of ``total`` (in its ``currency``), in base units
    at the amount it is carried at; a base-currency document's ``due`` as it is."""
    if currency == book.base_currency:
        return due
    return carried(total, to_base(total, currency, rate, book.base_currency), due)


def document_rate(session: Session, book: Book, currency: str, day: date,
                  given: Decimal | None, errors: Errors,
                  field: str = "exchange_rate") -> Decimal:
    """The rate a document or payment in ``currency`` uses: ``given``, else the day's rate."""
    if currency == book.base_currency or not is_currency(currency):
        if given is not None and given != 1:
            errors.append({"field": field, "message": f"a document in {book.base_currency} "
                                                      f"has no exchange rate (always 1)"})
        return Decimal(1)
    if given is not None:
        try:
            return check_rate(given, field)
        except ValidationError as exc:
            errors.append({"field": field, "message": exc.detail})
            return Decimal(1)
    try:
        return rate_on(session, book, currency, day)
    except ValidationError as exc:  # the currency cannot be used until it has a rate
        errors.append({"field": "currency", "message": exc.detail})
        return Decimal(1)


def check_currency_code(currency: str, errors: Errors, field: str = "currency") -> None:
    if not is_currency(currency):
        errors.append({"field": field,
                       "message": f"{currency[:10]!r} is not an ISO 4217 currency code"})


def line(book: Book, code: str, units: int, currency: str, rate: Decimal,
         memo: str | None = None) -> LineInput:
    """A ledger line of ``units`` of ``currency`` (at ``rate`` when it is foreign)."""
    if currency == book.base_currency:
        return LineInput(code, from_minor(units, currency), memo=memo)
    return LineInput(code, from_minor(units, currency), currency=currency, rate=rate,
                     memo=memo)


def base_of(book: Book, item: LineInput) -> int:
    """The base amount the ledger will give ``item`` (built by ``line``)."""
    currency = item.currency or book.base_currency
    units = to_minor(item.amount, currency)
    return to_base(units, currency, item.rate or Decimal(1), book.base_currency)


def balancing(book: Book, lines: Sequence[LineInput], code: str,
              memo: str | None = None) -> LineInput | None:
    """A base-currency line on ``code`` that makes ``lines`` balance in base, if one is needed."""
    gap = -sum(base_of(book, item) for item in lines)
    if gap == 0:
        return None
    return LineInput(code, from_minor(gap, book.base_currency), memo=memo)


def settle(book: Book, code: str, *, total: int, base_total: int, due: int, units: int,
           currency: str, rate: Decimal, sign: int, memo: str | None) -> list[LineInput]:
    """Lines that take ``units`` off a document's ``due`` at its carried base share.

    ``sign`` is -1 to credit a receivable, +1 to debit a payable. The line is in the
    document's currency at its rate; when rounding makes the carried share differ from
    ``units`` x rate by a unit, a base-currency line on the same account makes up the gap.
    """
    share = carried(total, base_total, due) - carried(total, base_total, due - units)
    main = line(book, code, sign * units, currency, rate, memo)
    made = [main]
    gap = sign * share - base_of(book, main)
    if gap:
        made.append(LineInput(code, from_minor(gap, book.base_currency), memo=memo))
    return made
