from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from folio.banking.statements.camt053 import parse_camt053
from folio.errors import ValidationError

Fixture = Callable[[str], bytes]


def test_it_reads_booked_entries(fixture_bytes: Fixture) -> None:
    statement = parse_camt053(fixture_bytes("camt053.xml"))

    assert statement.account == "NL91ABNA0417164300"
    assert statement.currency == "EUR"
    assert statement.opening_balance == Decimal("1000.00")
    assert statement.closing_balance == Decimal("1755.50")
    assert [(x.date, x.amount, x.external_id) for x in statement.lines] == [
        (date(2024, 3, 4), Decimal("850.00"), "REF-0001"),
        (date(2024, 3, 10), Decimal("-119.50"), "REF-0002"),
        (date(2024, 3, 12), Decimal("25.00"), "REF-0003"),
    ]
    first, second, third = statement.lines
    assert (first.payee, first.description, first.reference) == (
        "Klant BV", "Invoice 2024-017", "INV-2024-017")
    assert (second.payee, second.reference) == ("Energie NV", "")
    assert third.description == "Reversal of card fee"


def test_it_skips_pending_entries(fixture_bytes: Fixture) -> None:
    statement = parse_camt053(fixture_bytes("camt053.xml"))

    assert "REF-0004" not in {x.external_id for x in statement.lines}


def test_it_reads_other_account_ids_without_a_namespace() -> None:
    data = b"""<Document><BkToCstmrStmt><Stmt>
      <Acct><Id><Othr><Id>0123456789</Id></Othr></Id></Acct>
      <Ntry><Amt Ccy="IDR">1500000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <ValDt><DtTm>2024-03-01T10:00:00</DtTm></ValDt></Ntry>
    </Stmt></BkToCstmrStmt></Document>"""

    statement = parse_camt053(data)

    assert statement.account == "0123456789"
    assert (statement.lines[0].date, statement.lines[0].amount, statement.lines[0].currency) == (
        date(2024, 3, 1), Decimal("1500000"), "IDR")


def test_it_rejects_a_balance_mismatch(fixture_bytes: Fixture) -> None:
    data = fixture_bytes("camt053.xml").replace(b">1755.50<", b">1730.50<")

    with pytest.raises(ValidationError, match=r"Bal\[CLBD\]: opening 1000.00 \+ booked entries"
                       r" = 1755.50, but closing is 1730.50"):
        parse_camt053(data)


def test_it_rejects_truncated_xml(fixture_bytes: Fixture) -> None:
    data = fixture_bytes("camt053.xml")[:1500]

    with pytest.raises(ValidationError, match=r"line \d+: malformed XML"):
        parse_camt053(data)


def test_it_refuses_a_doctype() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Document>&a;</Document>'

    with pytest.raises(ValidationError, match="DOCTYPE"):
        parse_camt053(data)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b">850.00<", b">8x0.00<", r"element Stmt/Ntry\[1\]/Amt: '8x0.00' is not an amount"),
        (b">850.00<", b">-850.00<", r"Stmt/Ntry\[1\]/Amt: '-850.00' is not a positive amount"),
        (b"<Dt>2024-03-10</Dt>", b"<Dt>2024-03-40</Dt>", r"Stmt/Ntry\[2\]/BookgDt: '2024-03-40'"),
        (b"<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>BOOK</Sts>\n        <BookgDt><Dt>2024-03-10",
         b"<CdtDbtInd>X</CdtDbtInd>\n        <Sts>BOOK</Sts>\n        <BookgDt><Dt>2024-03-10",
         r"Stmt/Ntry\[2\]/CdtDbtInd: 'X' is not CRDT or DBIT"),
        (b"BkToCstmrStmt>", b"BkToCstmrStmX>", "no statement"),
    ],
)
def test_it_names_the_element_of_a_bad_value(
    fixture_bytes: Fixture, old: bytes, new: bytes, message: str
) -> None:
    data = fixture_bytes("camt053.xml")
    assert old in data

    with pytest.raises(ValidationError, match=message):
        parse_camt053(data.replace(old, new))
