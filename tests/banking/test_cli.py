"""``folio import bank`` and ``folio bank ...``: output, formats and exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sqlalchemy.engine import Engine

from folio.auth.actor import SYSTEM
from folio.db import make_session
from tests.banking.factories import generic_csv
from tests.conftest import Cli, said
from tests.ledger.factories import row_counts

MARCH = generic_csv(
    ("01/03/2024", "2500.00", "Client Co", "Invoice 17"),
    ("03/03/2024", "-42.50", "Coffee Corner", "Card 1234"),
    ("05/03/2024", "-1200.00", "Landlord LLC", "March rent"),
)


def setup_book(cli: Cli) -> None:
    assert cli("books", "create", "acme", "--name", "Acme", "--currency", "USD").exit_code == 0
    made = cli("bank", "accounts", "create", "Checking", "--link", "1020",
               "--institution", "First Bank", "--number", "4000123456")
    assert made.exit_code == 0, said(made)


def test_it_imports_a_statement_and_prints_a_summary(cli: Cli, tmp_path: Path) -> None:
    setup_book(cli)
    assert cli("bank", "rules", "add", "Rent", "--account", "6200", "--payee", "landlord"
               ).exit_code == 0
    path = tmp_path / "march.csv"
    path.write_bytes(MARCH)

    first = cli("import", "bank", str(path), "--account", "1020")
    again = cli("import", "bank", str(path), "--account", "1020")

    assert first.exit_code == 0, said(first)
    assert "Imported 3 lines into Checking: 1 categorised by rules, 2 to categorise; " \
           "skipped 0 already imported." in said(first)
    assert "Imported 0 lines into Checking" in said(again)
    assert "skipped 3 already imported" in said(again)


def test_a_bad_line_exits_1_naming_it_and_writes_nothing(cli: Cli, tmp_path: Path,
                                                         engine: Engine) -> None:
    setup_book(cli)
    path = tmp_path / "bad.csv"
    path.write_bytes(b"date,amount,payee,description\n01/03/2024,10.00,A,x\n"
                     b"02/03/2024,12..00,B,y\n")
    with make_session(engine, actor=SYSTEM) as session:
        before = row_counts(session)

    result = cli("import", "bank", str(path), "--account", "1020")

    assert result.exit_code == 1
    assert "line 3" in said(result)
    with make_session(engine, actor=SYSTEM) as session:
        assert row_counts(session) == before


def test_it_names_a_missing_file_or_account(cli: Cli, tmp_path: Path) -> None:
    setup_book(cli)
    missing = cli("import", "bank", str(tmp_path / "nope.csv"), "--account", "1020")
    path = tmp_path / "march.csv"
    path.write_bytes(MARCH)
    no_account = cli("import", "bank", str(path), "--account", "6200")

    assert missing.exit_code == 1
    assert "no such file" in said(missing)
    assert no_account.exit_code == 1
    assert "No money account on the ledger account '6200'" in said(no_account)


def test_presets_and_formats_are_options(cli: Cli, tmp_path: Path) -> None:
    assert cli("books", "create", "studio", "--name", "Studio", "--currency", "IDR",
               "--chart", "id-psak", "--locale", "id_ID").exit_code == 0
    assert cli("bank", "accounts", "create", "Mandiri", "--link", "1111").exit_code == 0
    path = tmp_path / "mandiri.csv"
    path.write_bytes(Path("tests/banking/fixtures/mandiri.csv").read_bytes())

    result = cli("import", "bank", str(path), "--account", "1111", "--format", "csv",
                 "--preset", "mandiri")

    assert result.exit_code == 0, said(result)
    assert "Imported 3 lines" in said(result)
    bad = cli("import", "bank", str(path), "--account", "1111", "--preset", "bni")
    assert bad.exit_code == 2


def test_accounts_list_as_json_and_csv(cli: Cli) -> None:
    setup_book(cli)
    assert cli("bank", "accounts", "create", "Visa", "--kind", "card").exit_code == 0

    listed = cli("bank", "accounts", "list", "--format", "json")
    rows = json.loads(listed.stdout)["accounts"]
    table = list(csv.DictReader(io.StringIO(cli("bank", "accounts", "list", "--format",
                                                "csv").stdout)))

    assert [(r["name"], r["kind"], r["account"]) for r in rows] == [
        ("Checking", "bank", "1020"), ("Visa", "card", "2001")]
    assert rows[0]["number"] == "••••3456"
    assert table[0]["balance"] == "0.00"


def test_rules_list_and_lines_and_categorise(cli: Cli, tmp_path: Path) -> None:
    setup_book(cli)
    assert cli("bank", "rules", "add", "Rent", "--account", "6200", "--payee", "landlord",
               "--priority", "5").exit_code == 0
    path = tmp_path / "march.csv"
    path.write_bytes(MARCH)
    assert cli("import", "bank", str(path), "--account", "1020").exit_code == 0

    rules = json.loads(cli("bank", "rules", "list", "--format", "json").stdout)["rules"]
    open_lines = json.loads(cli("bank", "lines", "--status", "unmatched", "--format",
                                "json").stdout)["lines"]
    coffee = next(x for x in open_lines if x["payee"] == "Coffee Corner")
    booked = cli("bank", "categorise", str(coffee["id"]), "--account", "6400")

    assert (rules[0]["priority"], rules[0]["hits"], rules[0]["account"]) == (5, 1, "6200")
    assert rules[0]["conditions"] == "payee contains 'landlord'"
    assert len(open_lines) == 2
    assert booked.exit_code == 0, said(booked)
    assert "Categorised 1 line(s) to 6400." in said(booked)
    again = cli("bank", "categorise", str(coffee["id"]), "--account", "6400")
    assert again.exit_code == 1
    assert "already categorised" in said(again)


def test_a_rule_with_bad_fields_exits_1(cli: Cli) -> None:
    setup_book(cli)

    result = cli("bank", "rules", "add", "Bad", "--account", "9999", "--direction", "up")

    assert result.exit_code == 1
    assert "no account with the code '9999'" in said(result)
    assert "direction" in said(result)
