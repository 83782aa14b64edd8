"""Exchange rates: parsing typed and imported numbers, the rate in force on a day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import ValidationError
from folio.fx.rates import import_rates, parse_csv, parse_rate, rate_on, set_rate

D = Decimal


@pytest.mark.parametrize(("text", "comma", "value"), [
    ("16250", False, D("16250")),
    ("16250.5", False, D("16250.5")),
    ("16.250,50", False, D("16250.50")),
    ("16,250.50", False, D("16250.50")),
    ("16.250", True, D("16250")),  # a ';' file: the dot groups thousands
    ("16.250", False, D("16.250")),
    ("1.234.567", False, D("1234567")),
    ("0,0000615", True, D("0.0000615")),
    (" 16 250 ", False, D("16250")),
])
def test_it_reads_rates_as_people_write_them(text: str, comma: bool, value: Decimal) -> None:
    assert parse_rate(text, decimal_comma=comma) == value


@pytest.mark.parametrize("text", ["", "abc", "-5", "1e5", "16.250,50,1", "NaN"])
def test_it_refuses_what_is_not_a_rate(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_rate(text)


def test_the_rate_in_force_is_the_latest_on_or_before_the_day(session: Session,
                                                              studio: Book) -> None:
    assert rate_on(session, studio, "USD", date(2026, 11, 1)) == D(16000)
    assert rate_on(session, studio, "USD", date(2026, 11, 19)) == D(16100)
    assert rate_on(session, studio, "USD", date(2027, 1, 1)) == D(16200)
    assert rate_on(session, studio, "IDR", date(2027, 1, 1)) == D(1)
    with pytest.raises(ValidationError, match="no USD exchange rate on or before 2026-10-31"):
        rate_on(session, studio, "USD", date(2026, 10, 31))


def test_a_second_rate_on_the_same_day_corrects_the_first(session: Session,
                                                          studio: Book) -> None:
    set_rate(session, studio, "USD", date(2026, 11, 1), D("16005.5"))
    assert rate_on(session, studio, "USD", date(2026, 11, 1)) == D("16005.5")


def test_a_csv_with_bom_semicolons_and_indonesian_numbers(session: Session,
                                                          studio: Book) -> None:
    data = "\ufeffDate;Currency;Rate\r\n2026-11-03;usd;16.010,50\r\n\r\n2026-11-03;SGD;12.100\r\n"
    assert import_rates(session, studio, data.encode()) == 2
    assert rate_on(session, studio, "USD", date(2026, 11, 3)) == D("16010.5")
    assert rate_on(session, studio, "SGD", date(2026, 11, 3)) == D(12100)


def test_every_bad_row_is_named_by_its_line(studio: Book) -> None:
    data = ("date,currency,rate\n2026-11-03,USD,16010\n2026-11-31,USD,1\n2026-11-04,XYZ,1\n"
            "2026-11-05,USD,-1\n2026-11-03,USD,16011\n")
    with pytest.raises(ValidationError) as caught:
        parse_csv(studio, data.encode())
    assert [e["field"] for e in caught.value.errors] == ["line 3", "line 4", "line 5", "line 6"]
    assert "nothing was imported" in caught.value.detail
    with pytest.raises(ValidationError, match="missing rate"):
        parse_csv(studio, b"date,currency\n2026-11-03,USD\n")
    with pytest.raises(ValidationError, match="not UTF-8"):
        parse_csv(studio, b"date,currency,rate\n\xff\xfe")
