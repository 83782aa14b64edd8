"""Money: currency exponents, conversion to and from minor units, rounding, formatting.

In Python money is a ``Decimal``; in the database it is an integer count of minor units.
Exponents come from ISO 4217 through Babel's CLDR data, with Folio's deliberate override
of IDR to 0 because Indonesian books are kept in whole rupiah (see DOMAIN.md section 10).
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import get_currency_precision, list_currencies, parse_pattern

from folio.errors import ValidationError

EXPONENT_OVERRIDES = {"IDR": 0}
ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "down": ROUND_DOWN}


@lru_cache(maxsize=1)
def known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def is_currency(code: str) -> bool:
    return code in known_currencies()


def exponent(currency: str) -> int:
    """Number of decimals of ``currency`` in Folio's books (USD 2, KWD 3, IDR 0)."""
    if currency in EXPONENT_OVERRIDES:
        return EXPONENT_OVERRIDES[currency]
    return int(get_currency_precision(currency))


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-exponent(currency))


def round_money(value: Decimal, currency: str, mode: str = "half_up") -> Decimal:
    """Round to the currency's exponent; ``mode`` is ``half_up`` or ``down``."""
    return value.quantize(quantum(currency), rounding=ROUNDING_MODES[mode])


def to_minor(value: Decimal, currency: str) -> int:
    """Exact conversion to minor units; raises if ``value`` has too many decimals."""
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValidationError(
            f"{value} has more decimals than {currency} allows ({exponent(currency)})",
            field="amount",
        )
    return int(scaled)


def from_minor(units: int, currency: str) -> Decimal:
    return Decimal(units).scaleb(-exponent(currency)).quantize(quantum(currency))


MAX_ABS_AMOUNT = Decimal(10) ** 15
PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def parse_amount(text: str, currency: str, field: str = "amount") -> Decimal:
    """Parse a plain decimal string (``-1250.50``) exactly, within the currency's decimals."""
    raw = text.strip()
    if not PLAIN_DECIMAL.fullmatch(raw):
        raise ValidationError(f"{text!r} is not a number like -1250.50", field=field)
    value = Decimal(raw)
    if abs(value) >= MAX_ABS_AMOUNT:
        raise ValidationError(f"{text} is too large for an amount", field=field)
    decimals = len(raw.partition(".")[2])
    if decimals > exponent(currency):
        raise ValidationError(
            f"{text} has more decimals than {currency} allows ({exponent(currency)})",
            field=field,
        )
    return value.quantize(quantum(currency))


def decimal_str(units: int, currency: str) -> str:
    """Minor units as a plain decimal string at the currency's exponent: ``"1250.00"``."""
    return format(from_minor(units, currency), "f")


def format_money(value: Decimal, currency: str, locale: str) -> str:
    """Format for people, per locale, at Folio's exponent: ``Rp1.500.000``, ``₹1,50,000.00``."""
    loc = Locale.parse(locale)
    pattern = parse_pattern(loc.currency_formats["standard"])
    places = exponent(currency)
    pattern.frac_prec = (places, places)
    return pattern.apply(value, loc, currency=currency, currency_digits=False)


def format_number(value: Decimal, currency: str, locale: str) -> str:
    """Format an amount without the currency sign, as in report columns."""
    loc = Locale.parse(locale)
    pattern = parse_pattern(loc.decimal_formats[None])
    places = exponent(currency)
    pattern.frac_prec = (places, places)
    return pattern.apply(value, loc)
