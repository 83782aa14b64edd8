from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from folio.banking.statements.qif import parse_qif, parse_qif_date
from folio.errors import ValidationError

SAMPLE = b"""!Type:Bank
D03/01/2024
T-1,250.00
PHardware Store
N1042
MNew shelves
LHome:Repairs
^
D3/ 5'24
U2,000.00
T2,000.00
PEmployer Inc
MSalary
^
D03/15/2024
T-100.00
PSupermarket
SGroceries
EFood
$-70.00
SHousehold
ECleaning
$-30.00
^
"""


def test_it_reads_a_bank_register() -> None:
    statement = parse_qif(SAMPLE, "mdy", currency="USD")

    assert [(x.date, x.amount, x.payee, x.line) for x in statement.lines] == [
        (date(2024, 3, 1), Decimal("-1250.00"), "Hardware Store", 2),
        (date(2024, 3, 5), Decimal("2000.00"), "Employer Inc", 9),
        (date(2024, 3, 15), Decimal("-100.00"), "Supermarket", 15),
    ]
    assert statement.lines[0].reference == "1042"
    assert statement.lines[0].description == "New shelves"
    assert statement.lines[2].description == "Groceries; Household"
    assert statement.lines[0].currency == "USD"


def test_it_reads_day_first_dates() -> None:
    data = b"!Type:Bank\nD05/03/2024\nT-1.250,00\nPToko\n^\n"

    statement = parse_qif(data, "dmy", decimal_separator=",")

    assert (statement.lines[0].date, statement.lines[0].amount) == (
        date(2024, 3, 5), Decimal("-1250.00"))


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("1/ 5'24", "mdy", date(2024, 1, 5)),
        ("1/5/98", "mdy", date(1998, 1, 5)),
        ("25.12.2023", "dmy", date(2023, 12, 25)),
        ("2024-03-01", "ymd", date(2024, 3, 1)),
    ],
)
def test_it_reads_date_forms(text: str, order: str, expected: date) -> None:
    assert parse_qif_date(text, order, 1) == expected


def test_it_rejects_splits_that_do_not_add_up() -> None:
    data = SAMPLE.replace(b"$-30.00", b"$-20.00")

    with pytest.raises(ValidationError, match=r"line 24: splits add up to -90.00"):
        parse_qif(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"!Type:Bank\nD13/45/2024\nT1\n^\n", "line 2: '13/45/2024' is not a mdy date"),
        (b"!Type:Bank\nD01/02/2024\nTten\n^\n", "line 3: 'ten' is not an amount"),
        (b"!Type:Bank\nD01/02/2024\nPX\n^\n", "line 2: record has no T"),
        (b"!Type:Bank\nT1\n^\n", "line 2: record has no D"),
        (b"!Type:Bank\nD01/02/2024\nT1\n", "line 2: the last record is not ended"),
        (b"!Type:Invst\nD01/02/2024\n", "line 1: '!Type:Invst' is not a bank register"),
        (b"D01/02/2024\nT1\n^\n", "line 1: the file does not start with !Type:Bank"),
    ],
)
def test_it_names_the_line_of_a_bad_record(data: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_qif(data)
