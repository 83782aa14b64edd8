from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from folio.banking.statements.csv_generic import ColumnMapping, parse_csv
from folio.errors import ValidationError

Fixture = Callable[[str], bytes]


def test_it_reads_a_bca_export(fixture_bytes: Fixture) -> None:
    statement = parse_csv(fixture_bytes("bca_personal.csv"), "bca")

    assert statement.account == "1234567890"
    assert statement.currency == "IDR"
    assert statement.opening_balance == Decimal("10000000.00")
    assert statement.closing_balance == Decimal("10985000.00")
    assert [(x.date, x.amount, x.line) for x in statement.lines] == [
        (date(2023, 12, 28), Decimal("1500000.00"), 7),
        (date(2024, 1, 2), Decimal("-500000.00"), 8),
        (date(2024, 1, 3), Decimal("-15000.00"), 9),
    ]
    assert statement.lines[1].description == "TARIKAN ATM 02/01"
    assert statement.lines[1].reference == "0998"


def test_it_skips_bca_pending_rows(fixture_bytes: Fixture) -> None:
    statement = parse_csv(fixture_bytes("bca_personal.csv"), "bca")

    assert all("SWITCHING" not in x.description for x in statement.lines)
    total = sum(x.amount for x in statement.lines)
    assert statement.opening_balance is not None
    assert statement.opening_balance + total == statement.closing_balance


def test_it_takes_the_bca_year_from_a_parameter_without_a_period() -> None:
    data = (
        b"No. Rekening,=,'0987654321\nMata Uang,=,IDR\n\n"
        b"Tanggal,Keterangan,Cabang,Jumlah,,Saldo\n"
        b"'29/02,BUNGA,'0000,\"1,234.00 CR\",,\"1,234.00\"\n"
        b"'01/03,PAJAK BUNGA,'0000,246.80 DB,,\"987.20\"\n"
    )

    statement = parse_csv(data, "bca", year=2024)

    assert [(x.date, x.amount) for x in statement.lines] == [
        (date(2024, 2, 29), Decimal("1234.00")),
        (date(2024, 3, 1), Decimal("-246.80")),
    ]


def test_it_asks_for_a_year_when_bca_dates_have_none() -> None:
    data = b"Tanggal,Keterangan,Cabang,Jumlah,,Saldo\n'05/03,X,'0000,100.00,CR,100.00\n"

    with pytest.raises(ValidationError, match=r"line 2: .* has no year"):
        parse_csv(data, "bca")


def test_it_reads_mandiri_multi_line_descriptions(fixture_bytes: Fixture) -> None:
    statement = parse_csv(fixture_bytes("mandiri.csv"), "mandiri")

    assert [(x.date, x.amount, x.line) for x in statement.lines] == [
        (date(2024, 3, 1), Decimal("1500000.00"), 2),
        (date(2024, 3, 5), Decimal("-250000.00"), 5),
        (date(2024, 3, 6), Decimal("-12500.00"), 6),
    ]
    assert statement.lines[0].description == "Transfer dari PT SUMBER REJEKI INV-001"
    assert statement.lines[0].reference == "FT2403010001"


def test_it_tolerates_bom_semicolons_and_parentheses() -> None:
    data = (
        "\ufeffdate;amount;description;payee;reference\n"
        "01/03/2024;1.234.567,89;Pelunasan;PT Maju;INV-1\n"
        "02/03/2024;(1.234,50);Sewa;CV Toko;\n"
        "03/03/2024;-500;Biaya;;\n"
    ).encode()

    statement = parse_csv(data)

    assert [x.amount for x in statement.lines] == [
        Decimal("1234567.89"), Decimal("-1234.50"), Decimal("-500")]
    assert statement.lines[0].payee == "PT Maju"
    assert statement.lines[0].reference == "INV-1"


def test_it_resolves_ambiguous_amounts_from_the_whole_column() -> None:
    data = b"date,amount\n01/03/2024,1.500\n02/03/2024,\"2.750,25\"\n"

    statement = parse_csv(data)

    assert [x.amount for x in statement.lines] == [Decimal("1500"), Decimal("2750.25")]


def test_it_refuses_an_undecidable_column_without_a_setting() -> None:
    data = b"date,amount\n01/03/2024,1.500\n"

    with pytest.raises(ValidationError, match=r"line 2: '1.500' is ambiguous"):
        parse_csv(data)
    assert parse_csv(data, decimal_separator=",").lines[0].amount == Decimal("1500")


def test_it_uses_a_custom_mapping_with_tabs_and_footer_rows() -> None:
    mapping = ColumnMapping(date="Posted", date_format="%Y-%m-%d", debit="Out", credit="In",
                            description="Memo", skip_footer=1)
    data = b"Posted\tMemo\tOut\tIn\n2024-03-01\tRent\t1,200.00\t\n2024-03-02\tRefund\t\t80.5\n" \
        b"Total\t\t1,200.00\t80.5\n"

    statement = parse_csv(data, mapping, currency="USD")

    assert [(x.amount, x.currency) for x in statement.lines] == [
        (Decimal("-1200.00"), "USD"), (Decimal("80.5"), "USD")]


def test_it_rejects_a_mapping_without_amounts() -> None:
    with pytest.raises(ValueError, match="amount column"):
        ColumnMapping(date="d")


def test_it_names_a_missing_column() -> None:
    data = b"Tanggal,Uraian,Nominal\n01/03/2024,X,100\n"

    with pytest.raises(ValidationError, match="line 1: missing column 'date'") as caught:
        parse_csv(data)
    assert caught.value.errors == [
        {"field": "date", "line": "1", "message": caught.value.detail}]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("31/02/2024,100", r"line 3: '31/02/2024' is not a date like '%d/%m/%Y'"),
        ("01/03/2024,abc", r"line 3: 'abc' is not an amount"),
        ("01/03/2024", r"line 3: expected at least 2 columns, found 1"),
    ],
)
def test_it_names_the_line_of_a_bad_row(row: str, message: str) -> None:
    data = f"date,amount\n01/03/2024,5.00\n{row}\n".encode()

    with pytest.raises(ValidationError, match=message) as caught:
        parse_csv(data)
    assert caught.value.errors[0]["line"] == "3"


def test_it_rejects_an_unknown_marker() -> None:
    data = b"Tanggal,Keterangan,Cabang,Jumlah,,Saldo\n'05/03,X,'0000,100.00,XX,100.00\n"

    with pytest.raises(ValidationError, match="line 2: 'XX' is not a CR/DB marker"):
        parse_csv(data, "bca", year=2024)


def test_it_rejects_an_unknown_preset() -> None:
    with pytest.raises(ValidationError, match="unknown CSV preset 'bni'"):
        parse_csv(b"a,b\n", "bni")


def test_it_rejects_debit_and_credit_both_empty() -> None:
    data = b"Tanggal,Keterangan,Debit,Kredit\n01/03/2024,X,,\n"

    with pytest.raises(ValidationError, match="line 2: both debit and credit are empty"):
        parse_csv(data, "mandiri")


def test_it_reads_bca_files_with_indonesian_separators() -> None:
    data = (
        b"No. Rekening,=,'1234567890\nPeriode,=,01/03/2024 - 31/03/2024\nMata Uang,=,IDR\n\n"
        b"Tanggal,Keterangan,Cabang,Jumlah,,Saldo\n"
        b"'04/03,SETORAN,'0000,\"1.234.567,89\",CR,\"2.234.567,89\"\n"
        b"Saldo Awal,=,\"1.000.000,00\"\nSaldo Akhir,=,\"2.234.567,89\"\n"
    )

    statement = parse_csv(data, "bca")

    assert [(x.date, x.amount) for x in statement.lines] == [
        (date(2024, 3, 4), Decimal("1234567.89"))]
    assert statement.closing_balance == Decimal("2234567.89")
