from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from folio.banking.statements import detect_format, parse_statement
from folio.errors import ValidationError

Fixture = Callable[[str], bytes]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("statement_v1.ofx", "ofx"),
        ("statement_v2.ofx", "ofx"),
        ("camt053.xml", "camt053"),
        ("bca_personal.csv", "csv:bca"),
        ("mandiri.csv", "csv"),
    ],
)
def test_it_detects_the_format(fixture_bytes: Fixture, name: str, fmt: str) -> None:
    assert detect_format(fixture_bytes(name)) == fmt


def test_it_parses_each_format_through_one_entry_point(fixture_bytes: Fixture) -> None:
    assert parse_statement(fixture_bytes("statement_v1.ofx")).closing_balance == Decimal("3207.83")
    assert len(parse_statement(fixture_bytes("camt053.xml")).lines) == 3
    assert len(parse_statement(fixture_bytes("bca_personal.csv")).lines) == 3
    assert len(parse_statement(fixture_bytes("mandiri.csv"), "csv:mandiri").lines) == 3
    qif = parse_statement(b"!Type:Bank\nD05/03/2024\nT-5\n^\n", date_order="dmy")
    assert qif.lines[0].amount == Decimal("-5")


def test_it_rejects_unknown_xml_and_formats() -> None:
    with pytest.raises(ValidationError, match=r"neither OFX nor camt.053"):
        parse_statement(b"<html></html>")
    with pytest.raises(ValidationError, match="unknown statement format 'mt940'"):
        parse_statement(b"x", "mt940")


def test_it_rejects_options_the_detected_format_does_not_take() -> None:
    with pytest.raises(ValidationError, match="qif files take no option 'year'"):
        parse_statement(b"!Type:Bank\nD05/03/2024\nT-5\n^\n", year=2024)


def test_it_rejects_an_unknown_xml_encoding() -> None:
    data = b'<?xml version="1.0" encoding="UTF08"?><Document/>'

    with pytest.raises(ValidationError, match="malformed XML"):
        parse_statement(data, "camt053")
