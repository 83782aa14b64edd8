from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from folio.banking.statements import fingerprint, fingerprints, parse_statement
from folio.banking.statements.model import StatementLine

COFFEE = StatementLine(date=date(2024, 3, 5), amount=Decimal("-42.17"), currency="USD",
                       description="Card  1234", payee="COFFEE & CO", line=7)


def test_fingerprints_are_stable_across_runs() -> None:
    # a literal digest: if this changes, lines imported earlier stop being recognised
    assert fingerprint(COFFEE, "4000123456") == (
        "67aaa722415f0b414a455e0a936af85ef62a93ab49a39ce7716f077f89022c2e"
    )


def test_fingerprints_ignore_case_spacing_trailing_zeros_and_line_numbers() -> None:
    same = StatementLine(date=date(2024, 3, 5), amount=Decimal("-42.170"), currency="USD",
                         description="card 1234 ", payee="Coffee & Co", line=99)

    assert fingerprint(same, "4000123456") == fingerprint(COFFEE, "4000123456")


def test_fingerprints_differ_by_account_and_external_id() -> None:
    with_id = StatementLine(**{**COFFEE.__dict__, "external_id": "F1"})

    assert fingerprint(COFFEE, "A") != fingerprint(COFFEE, "B")
    assert fingerprint(with_id, "A") != fingerprint(COFFEE, "A")


def test_identical_rows_in_one_file_get_distinct_fingerprints() -> None:
    data = b"date,amount,description\n01/03/2024,-5.00,ATM fee\n01/03/2024,-5.00,ATM fee\n"
    lines = parse_statement(data, "csv").lines

    first, second = fingerprints(lines, "X")

    assert first != second
    assert fingerprints(parse_statement(data, "csv").lines, "X") == [first, second]
    assert first == fingerprint(lines[0], "X")


def test_ofx_versions_give_the_same_fingerprints(fixture_bytes: Callable[[str], bytes]) -> None:
    v1 = parse_statement(fixture_bytes("statement_v1.ofx"))
    v2 = parse_statement(fixture_bytes("statement_v2.ofx"))

    assert fingerprints(v1.lines, v1.account) == fingerprints(v2.lines, v2.account)
