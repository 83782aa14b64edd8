"""Reading amounts as people type them, per the book's locale."""

from __future__ import annotations

from decimal import Decimal

import pytest

from folio.errors import ValidationError
from folio.web.forms import parse_local_amount


@pytest.mark.parametrize(("typed", "currency", "locale", "expected"), [
    ("1.500.000", "IDR", "id_ID", "1500000"),
    ("1500000", "IDR", "id_ID", "1500000"),
    ("-2.500", "IDR", "id_ID", "-2500"),
    ("1.250,50", "USD", "id_ID", "1250.50"),
    ("1250,5", "USD", "id_ID", "1250.50"),
    ("1,250.50", "USD", "en_US", "1250.50"),
    ("1250.5", "USD", "en_US", "1250.50"),
    ("1,50,000.00", "INR", "en_IN", "150000.00"),
    (" 12 345 ", "USD", "en_US", "12345.00"),
])
def test_it_reads_amounts_the_way_the_locale_writes_them(typed: str, currency: str,
                                                         locale: str, expected: str) -> None:
    assert parse_local_amount(typed, currency, locale, "amount") == Decimal(expected)


@pytest.mark.parametrize(("typed", "currency", "locale"), [
    ("1.5", "IDR", "id_ID"),  # rupiah has no decimals, and 1.5 is no grouping
    ("1,5", "USD", "en_US"),
    ("abc", "USD", "en_US"),
    ("12.345", "USD", "en_US"),
    ("NaN", "USD", "en_US"),
])
def test_it_refuses_what_it_cannot_read_exactly(typed: str, currency: str, locale: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_local_amount(typed, currency, locale, "lines[3].amount")
    assert caught.value.errors[0]["field"] == "lines[3].amount"
