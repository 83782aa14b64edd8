from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from folio.banking.statements.numbers import detect_decimal_separator, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234.567,89", Decimal("1234567.89")),
        ("1,500,000.00", Decimal("1500000.00")),
        ("1.500.000", Decimal("1500000")),
        ("(1.234,50)", Decimal("-1234.50")),
        ("-1,234.50", Decimal("-1234.50")),
        ("Rp 1.500.000,00", Decimal("1500000.00")),
        ("Rp. 25.000", Decimal("25000")),
        ("IDR 2.500,5", Decimal("2500.5")),
        ("-Rp 750.000", Decimal("-750000")),
        (" 12 ", Decimal("12")),
        ("0,5", Decimal("0.5")),
    ],
)
def test_it_parses_both_conventions(text: str, expected: Decimal) -> None:
    assert parse_number(text) == expected


def test_it_resolves_ambiguous_values_with_the_file_setting() -> None:
    assert parse_number("1.234", ",") == Decimal("1234")
    assert parse_number("1.234", ".") == Decimal("1.234")


def test_it_refuses_to_guess_an_ambiguous_value() -> None:
    with pytest.raises(ValueError, match="ambiguous"):
        parse_number("1.234")


@pytest.mark.parametrize("text", ["abc", "", "1.2.3,4,5", "12,34,567.00", "1..2", "--5"])
def test_it_rejects_non_amounts(text: str) -> None:
    with pytest.raises(ValueError, match=r"amount|thousands|decimals"):
        parse_number(text)


def test_it_rejects_a_value_contradicting_the_file_setting() -> None:
    with pytest.raises(ValueError, match="decimals"):
        parse_number("1.234,50", ".")


def test_it_detects_the_separator_from_a_column() -> None:
    assert detect_decimal_separator(["1.234", "500", "2.500,00"]) == ","
    assert detect_decimal_separator(["1.234", "1,500,000"]) == "."
    assert detect_decimal_separator(["1.234", "12"]) is None


def test_it_rejects_a_column_mixing_conventions() -> None:
    with pytest.raises(ValueError, match="mix"):
        detect_decimal_separator(["1.234,50", "1,234.50"])


def _format(value: Decimal, decimal: str) -> str:
    thousands = "." if decimal == "," else ","
    text = f"{abs(value):,.2f}"  # '1,234,567.89'
    text = text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)
    return f"-{text}" if value < 0 else text


@given(
    st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2,
                allow_nan=False, allow_infinity=False),
    st.sampled_from([".", ","]),
    st.booleans(),
)
def test_formatting_and_parsing_round_trips(value: Decimal, decimal: str, tell: bool) -> None:
    text = _format(value, decimal)
    assert parse_number(text, decimal if tell else None) == value


@given(st.integers(min_value=-(10**12), max_value=10**12), st.sampled_from([".", ","]))
def test_whole_amounts_round_trip_with_the_file_setting(value: int, decimal: str) -> None:
    thousands = "." if decimal == "," else ","
    text = f"{value:,}".replace(",", thousands)

    assert parse_number(text, decimal) == Decimal(value)
