"""Jinja filters that format amounts and dates per the *book's* locale.

Amounts reach templates as integer minor units in the book's base currency (as the ledger
stores them); the filters read ``book`` and ``lang`` from the template context, so a
template says ``{{ row.amount|amount }}`` and gets ``1.500.000`` in an id_ID book.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_datetime
from jinja2 import pass_context
from jinja2.runtime import Context

from folio.books.models import Book
from folio.ledger.models import Account
from folio.money import format_money, format_number, from_minor

LANGUAGE_LOCALES = {"en": "en_US", "id": "id_ID"}


def _book(ctx: Context) -> Book:
    book = ctx.get("book")
    if not isinstance(book, Book):
        raise LookupError("amount filters need a 'book' in the template context")
    return book


def _locale(ctx: Context) -> str:
    book = ctx.get("book")
    if isinstance(book, Book):
        return book.locale
    return LANGUAGE_LOCALES.get(str(ctx.get("lang", "en")), "en_US")


@pass_context
def money(ctx: Context, units: int, currency: str | None = None) -> str:
    """Minor units with the currency sign: ``Rp1.500.000``."""
    book = _book(ctx)
    currency = currency or book.base_currency
    return format_money(from_minor(int(units), currency), currency, book.locale)


@pass_context
def amount(ctx: Context, units: int, currency: str | None = None) -> str:
    """Minor units without the sign, as in report columns: ``1.500.000``."""
    book = _book(ctx)
    currency = currency or book.base_currency
    return format_number(from_minor(int(units), currency), currency, book.locale)


@pass_context
def amount_or_blank(ctx: Context, units: int | None, currency: str | None = None) -> str:
    """Like ``amount`` but empty for zero, for debit and credit columns."""
    return "" if not units else str(amount(ctx, units, currency))


@pass_context
def day(ctx: Context, value: date | None, width: str = "medium") -> str:
    if value is None:
        return ""
    return format_date(value, width, locale=_locale(ctx))


@pass_context
def moment(ctx: Context, value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value, "medium", locale=_locale(ctx))


@pass_context
def account_name(ctx: Context, account: Account | None) -> str:
    """The account's name in the interface language (Bahasa names where the chart has them)."""
    if account is None:
        return ""
    return account.display_name(str(ctx.get("lang", "en")))


def negative(units: Any) -> bool:
    return isinstance(units, int) and units < 0


FILTERS = {"money": money, "amount": amount, "amount_or_blank": amount_or_blank, "day": day,
           "moment": moment, "account_name": account_name}
TESTS = {"negative": negative}
