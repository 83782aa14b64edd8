"""Money: exponents, minor units, parsing, rounding and formatting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from folio.errors import ValidationError
from folio.money import (
    MAX_ABS_AMOUNT,
    decimal_str,
    exponent,
    format_money,
    format_number,
    from_minor,
    is_currency,
    parse_amount,
    round_money,
    to_minor,
)

CURRENCIES = ["USD", "IDR", "KWD", "JPY", "EUR", "INR"]
FAST = settings(max_examples=200, deadline=None)


@pytest.mark.parametrize(("currency", "places"), [
    ("USD", 2), ("EUR", 2), ("INR", 2), ("KWD", 3), ("JPY", 0), ("IDR", 0)])
def test_exponents_follow_iso_4217_except_whole_rupiah(currency: str, places: int) -> None:
    assert exponent(currency) == places


def test_it_knows_currency_codes() -> None:
    assert is_currency("IDR")
    assert not is_currency("XYZ")
    assert not is_currency("usd")


@given(units=st.integers(min_value=-(10**17), max_value=10**17),
       currency=st.sampled_from(CURRENCIES))
@FAST
def test_minor_units_round_trip(units: int, currency: str) -> None:
    value = from_minor(units, currency)
    assert value.as_tuple().exponent == -exponent(currency)
    assert to_minor(value, currency) == units


def test_to_minor_refuses_more_decimals_than_the_currency_has() -> None:
    assert to_minor(Decimal("12.50"), "USD") == 1250
    assert to_minor(Decimal("12.500"), "USD") == 1250  # the same value
    with pytest.raises(ValidationError, match=r"more decimals than USD allows \(2\)"):
        to_minor(Decimal("12.505"), "USD")
    with pytest.raises(ValidationError, match=r"more decimals than IDR allows \(0\)"):
        to_minor(Decimal("1500000.5"), "IDR")


@pytest.mark.parametrize(("text", "currency", "value"), [
    ("1250.50", "USD", "1250.50"), ("-0.01", "USD", "-0.01"), ("+7", "USD", "7.00"),
    ("  42 ", "USD", "42.00"), ("1500000", "IDR", "1500000"), ("1.234", "KWD", "1.234"),
    ("0", "USD", "0.00")])
def test_parse_amount_reads_plain_decimals(text: str, currency: str, value: str) -> None:
    parsed = parse_amount(text, currency)
    assert str(parsed) == value


@pytest.mark.parametrize("text", ["", " ", "abc", "1,000.00", "1.000,00", "1e5", "NaN",
                                  "Infinity", "-inf", "1.2.3", "--1", ".5", "5.", "1_000",
                                  "١٢", "0x10"])
def test_parse_amount_refuses_what_is_not_a_plain_number(text: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse_amount(text, "USD", field="price")
    assert exc.value.errors[0]["field"] == "price"


@pytest.mark.parametrize(("text", "currency"), [
    ("1.001", "USD"), ("0.5", "IDR"), ("1500000.00", "IDR"), ("1.2345", "KWD"),
    ("1.000", "USD")])
def test_parse_amount_refuses_more_decimals_than_the_exponent(text: str, currency: str) -> None:
    with pytest.raises(ValidationError, match="more decimals than"):
        parse_amount(text, currency)


def test_parse_amount_refuses_amounts_too_large_to_book() -> None:
    assert parse_amount("999999999999999.99", "USD") == Decimal("999999999999999.99")
    with pytest.raises(ValidationError, match="too large"):
        parse_amount("1000000000000000", "USD")


@given(sign=st.sampled_from(["", "-", "+"]), whole=st.integers(0, 10**16),
       fraction=st.one_of(st.just(None), st.text("0123456789", min_size=1, max_size=5)),
       currency=st.sampled_from(CURRENCIES))
@FAST
def test_parse_amount_is_exact_and_never_takes_extra_decimals(
        sign: str, whole: int, fraction: str | None, currency: str) -> None:
    text = f"{sign}{whole}" + ("" if fraction is None else f".{fraction}")
    exact = Decimal(text)
    too_many = fraction is not None and len(fraction) > exponent(currency)
    if too_many or abs(exact) >= MAX_ABS_AMOUNT:
        with pytest.raises(ValidationError):
            parse_amount(text, currency)
        return
    parsed = parse_amount(text, currency)
    assert parsed == exact
    assert parsed.as_tuple().exponent == -exponent(currency)


@given(text=st.text(max_size=30), currency=st.sampled_from(CURRENCIES))
@FAST
def test_parse_amount_either_refuses_or_returns_the_exact_value(text: str,
                                                               currency: str) -> None:
    try:
        parsed = parse_amount(text, currency)
    except ValidationError:
        return
    assert parsed == Decimal(text.strip())
    assert to_minor(parsed, currency) == int(parsed.scaleb(exponent(currency)))


@pytest.mark.parametrize(("value", "currency", "mode", "rounded"), [
    ("1.005", "USD", "half_up", "1.01"), ("-1.005", "USD", "half_up", "-1.01"),
    ("1.004", "USD", "half_up", "1.00"), ("1.009", "USD", "down", "1.00"),
    ("1500.5", "IDR", "half_up", "1501"), ("1500.9", "IDR", "down", "1500"),
    ("-1500.9", "IDR", "down", "-1500")])
def test_rounding_is_explicit(value: str, currency: str, mode: str, rounded: str) -> None:
    assert str(round_money(Decimal(value), currency, mode)) == rounded


@pytest.mark.parametrize(("units", "currency", "text"), [
    (125000, "USD", "1250.00"), (-1, "USD", "-0.01"), (0, "USD", "0.00"),
    (1500000, "IDR", "1500000"), (1234, "KWD", "1.234")])
def test_decimal_strings_have_the_currencys_places(units: int, currency: str,
                                                   text: str) -> None:
    assert decimal_str(units, currency) == text


def test_formatting_follows_the_locale_at_folios_exponent() -> None:
    assert format_money(Decimal(1_500_000), "IDR", "id_ID") == "Rp1.500.000"
    assert format_money(Decimal(150_000), "INR", "en_IN") == "₹1,50,000.00"
    assert format_money(Decimal("1234.5"), "USD", "en_US") == "$1,234.50"
    assert format_number(Decimal("-1234.5"), "USD", "en_US") == "-1,234.50"
    assert format_number(Decimal(1_500_000), "IDR", "id_ID") == "1.500.000"
