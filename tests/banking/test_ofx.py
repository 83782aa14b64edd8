from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from folio.banking.statements.ofx import parse_ofx
from folio.errors import ValidationError

Fixture = Callable[[str], bytes]


def test_it_reads_ofx1_sgml(fixture_bytes: Fixture) -> None:
    statement = parse_ofx(fixture_bytes("statement_v1.ofx"))

    assert statement.account == "4000123456"
    assert statement.currency == "USD"
    assert statement.closing_balance == Decimal("3207.83")
    assert [(x.date, x.amount, x.external_id) for x in statement.lines] == [
        (date(2024, 3, 2), Decimal("1500.00"), "202403020001"),
        (date(2024, 3, 5), Decimal("-42.17"), "202403050002"),
        (date(2024, 3, 10), Decimal("-250.00"), "202403100003"),
    ]
    first, second, third = statement.lines
    assert (first.payee, first.description, first.line) == ("ACME CORP PAYROLL", "Salary March", 39)
    assert second.payee == "COFFEE & CO"
    assert third.reference == "1001"


def test_ofx1_and_ofx2_give_the_same_lines(fixture_bytes: Fixture) -> None:
    v1 = parse_ofx(fixture_bytes("statement_v1.ofx"))
    v2 = parse_ofx(fixture_bytes("statement_v2.ofx"))

    assert [replace(x, line=0) for x in v1.lines] == [replace(x, line=0) for x in v2.lines]
    assert (v1.account, v1.currency, v1.closing_balance) == (
        v2.account, v2.currency, v2.closing_balance)


def test_it_names_the_line_of_a_bad_amount(fixture_bytes: Fixture) -> None:
    data = fixture_bytes("statement_v1.ofx").replace(b"<TRNAMT>-42.17", b"<TRNAMT>abc")

    with pytest.raises(ValidationError, match="line 50: 'abc' is not an amount"):
        parse_ofx(data)


def test_it_names_the_line_of_a_bad_date(fixture_bytes: Fixture) -> None:
    data = fixture_bytes("statement_v2.ofx").replace(b"<DTPOSTED>20240305<", b"<DTPOSTED>20241305<")

    with pytest.raises(ValidationError, match="line 35: '20241305' is not an OFX date") as caught:
        parse_ofx(data)
    assert caught.value.errors[0]["field"] == "DTPOSTED"


def test_it_rejects_a_truncated_file(fixture_bytes: Fixture) -> None:
    data = fixture_bytes("statement_v2.ofx")
    truncated = data[: data.index(b"<FITID>202403050002")]

    with pytest.raises(ValidationError, match=r"line 3: <OFX> is never closed"):
        parse_ofx(truncated)


def test_it_rejects_a_file_without_a_statement() -> None:
    with pytest.raises(ValidationError, match="no <STMTRS>"):
        parse_ofx(b"OFXHEADER:100\n\n<OFX>\n<SIGNONMSGSRSV1>\n</SIGNONMSGSRSV1>\n</OFX>\n")


def test_it_rejects_a_stray_closing_tag() -> None:
    with pytest.raises(ValidationError, match="line 2: </STMTRS> closes an element"):
        parse_ofx(b"<OFX>\n</STMTRS>\n</OFX>\n")


def test_it_rejects_a_transaction_without_a_date() -> None:
    data = b"<OFX><STMTRS><CURDEF>IDR<BANKTRANLIST><STMTTRN><TRNAMT>5</STMTTRN>" \
        b"</BANKTRANLIST></STMTRS></OFX>"

    with pytest.raises(ValidationError, match="no <DTPOSTED>"):
        parse_ofx(data)


def test_it_reads_comma_decimals() -> None:
    data = b"<OFX><STMTRS><CURDEF>EUR<BANKTRANLIST><STMTTRN><DTPOSTED>20240301" \
        b"<TRNAMT>-12,50<FITID>A1</STMTTRN></BANKTRANLIST></STMTRS></OFX>"

    assert parse_ofx(data).lines[0].amount == Decimal("-12.50")
