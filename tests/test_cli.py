"""The ``folio`` command's contract (docs/cli.md), run against the test database."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from folio.auth.actor import SYSTEM
from folio.cli import app
from folio.db import dispose_engines, make_session
from folio.migrate import head_revision
from folio.settings import get_settings
from tests.conftest import Cli, said
from tests.ledger.factories import row_counts

ACCOUNTS = """code,name,type,parent,currency
1030,Petty cash,asset,1000,
4150,Consulting,income,4000,
1010,Cash renamed,asset,,
"""
POSTINGS = """txn_id,date,description,party,account,amount
T1,2025-01-05,Owner invests,Owner,1020,10000.00
T1,2025-01-05,Owner invests,Owner,3100,-10000.00
T2,2025-01-20,Consulting for Acme,Acme,1100,1250.00
T2,2025-01-20,Consulting for Acme,Acme,4150,-1250
T3,2025-02-01,Rent,,6200,800.0
T3,2025-02-01,Rent,,1020,-800.00
T4,2025-02-10,Petty cash float,,1030,50.00
T4,2025-02-10,Petty cash float,,1020,-50.00
"""


def counts(engine: Engine) -> dict[str, int]:
    with make_session(engine, actor=SYSTEM) as session:
        return row_counts(session)


@pytest.fixture
def files(tmp_path: Path) -> Callable[[str, str], str]:
    def write(name: str, content: str) -> str:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        return str(path)

    return write


@pytest.fixture
def acme(cli: Cli) -> Cli:
    """The database holds one USD book, ``acme``, on the generic chart."""
    result = cli("books", "create", "acme", "--name", "Acme Ltd", "--currency", "USD")
    assert result.exit_code == 0, said(result)
    return cli


@pytest.fixture
def imported(acme: Cli, files: Callable[[str, str], str]) -> Cli:
    result = acme("import", "journal", files("postings.csv", POSTINGS),
                  "--accounts", files("accounts.csv", ACCOUNTS))
    assert result.exit_code == 0, said(result)
    return acme


def report(cli: Cli, *args: str) -> dict[str, object]:
    result = cli("report", *args, "--format", "json")
    assert result.exit_code == 0, said(result)
    data: dict[str, object] = json.loads(result.stdout)
    return data


# db upgrade and books


def test_db_upgrade_brings_an_empty_database_to_head(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'new' / 'folio.db'}")
    get_settings.cache_clear()
    dispose_engines()
    try:
        runner = CliRunner()
        for _ in range(2):  # safe to repeat
            result = runner.invoke(app, ["db", "upgrade"])
            assert result.exit_code == 0, said(result)
            assert f"Database at revision {head_revision()}" in said(result)
    finally:
        dispose_engines()
        get_settings.cache_clear()


def test_db_upgrade_on_a_migrated_database_changes_nothing(cli: Cli) -> None:
    result = cli("db", "upgrade")
    assert result.exit_code == 0, said(result)


def test_books_create_makes_a_book_with_a_chart(cli: Cli, engine: Engine) -> None:
    result = cli("books", "create", "studio", "--name", "Studio Jakarta", "--currency", "idr",
                 "--locale", "id_ID", "--chart", "id-psak")
    assert result.exit_code == 0, said(result)
    assert "Created book studio (Studio Jakarta, IDR, chart id-psak)." in said(result)
    assert counts(engine)["accounts"] > 50
    listed = cli("books", "list")
    assert "studio\tStudio Jakarta\tIDR\tid_ID" in listed.stdout


@pytest.mark.parametrize("chart", ["generic", "id-psak", "personal", "none"])
def test_books_create_takes_every_chart(cli: Cli, chart: str) -> None:
    result = cli("books", "create", "b", "--name", "B", "--currency", "USD", "--chart", chart)
    assert result.exit_code == 0, said(result)


@pytest.mark.parametrize(("args", "message"), [
    (["--currency", "XYZ"], "'XYZ' is not an ISO 4217 currency code"),
    (["--currency", "USD", "--chart", "martian"], "choose one of: generic, id-psak"),
    (["--currency", "USD", "--locale", "xx_NOPE"], "'xx_NOPE' is not a known locale"),
    (["--currency", "USD", "--fiscal-year-start", "13"], "a month number from 1 to 12"),
])
def test_books_create_refuses_bad_options_with_a_message(cli: Cli, engine: Engine,
                                                         args: list[str], message: str) -> None:
    result = cli("books", "create", "shop", "--name", "Shop", *args)
    assert result.exit_code != 0
    assert message in said(result)
    assert counts(engine)["books"] == 0


def test_books_create_refuses_a_slug_in_use(acme: Cli) -> None:
    result = acme("books", "create", "acme", "--name", "Again", "--currency", "USD")
    assert result.exit_code == 1
    assert "A book with the slug 'acme' already exists" in said(result)


def test_a_name_with_markup_characters_is_printed_as_is(cli: Cli) -> None:
    result = cli("books", "create", "odd", "--name", "Odd [/] [bold]Co", "--currency", "USD")
    assert result.exit_code == 0, said(result)
    assert "(Odd [/] [bold]Co, USD" in said(result)


# import journal


def test_import_creates_accounts_and_posted_entries(acme: Cli, engine: Engine,
                                                    files: Callable[[str, str], str]) -> None:
    result = acme("import", "journal", files("p.csv", POSTINGS), "--accounts",
                  files("a.csv", ACCOUNTS), "--book", "acme")
    assert result.exit_code == 0, said(result)
    assert "Accounts: 2 created, 1 already there." in said(result)
    assert "Imported 4 entries (8 postings); skipped 0 already in the book." in said(result)
    with make_session(engine, actor=SYSTEM) as session:
        names: dict[str, str] = dict(
            session.execute(text("SELECT code, name FROM accounts")).all())
        statuses = session.execute(text("SELECT DISTINCT status FROM journal_entries")).all()
    assert names["1010"] == "Cash"  # existing accounts are left as they are
    assert names["4150"] == "Consulting"
    assert statuses == [("posted",)]


def test_importing_the_same_file_again_creates_nothing(imported: Cli, engine: Engine,
                                                       files: Callable[[str, str], str]) -> None:
    before = counts(engine)
    result = imported("import", "journal", files("postings.csv", POSTINGS),
                      "--accounts", files("accounts.csv", ACCOUNTS))
    assert result.exit_code == 0, said(result)
    assert "Imported 0 entries (0 postings); skipped 4 already in the book." in said(result)
    assert counts(engine) == before


GOOD_ROWS = "G1,2025-03-01,Fine,,1010,5.00\nG1,2025-03-01,Fine,,4100,-5.00\n"


@pytest.mark.parametrize(("rows", "message"), [
    ("B1,2025-03-02,Unbalanced,,1010,10.00\nB1,2025-03-02,Unbalanced,,4100,-9.99\n",
     "line 4: transaction B1 does not balance: it is off by 0.01 USD"),
    ("B1,2025-03-02,Unknown,,1010,1\nB1,2025-03-02,Unknown,,9999,-1\n",
     "line 5: unknown account '9999'"),
    ("B1,2025-02-30,Bad date,,1010,1\nB1,2025-02-30,Bad date,,4100,-1\n",
     "line 4: '2025-02-30' is not a date in the form YYYY-MM-DD"),
    ("B1,03/02/2025,Bad date,,1010,1\nB1,03/02/2025,Bad date,,4100,-1\n",
     "line 4: '03/02/2025' is not a date"),
    ("B1,2025-03-02,Bad amount,,1010,\"1,000.00\"\nB1,2025-03-02,Bad amount,,4100,-1000\n",
     "line 4: '1,000.00' is not a number"),
    ("B1,2025-03-02,Bad amount,,1010,ten\nB1,2025-03-02,Bad amount,,4100,-10\n",
     "line 4: 'ten' is not a number"),
    ("B1,2025-03-02,Decimals,,1010,1.005\nB1,2025-03-02,Decimals,,4100,-1.005\n",
     "line 4: 1.005 has more decimals than USD allows (2)"),
    ("[/oops],2025-03-02,Markup,,1010,1\n[/oops],2025-03-02,Markup,,4100,-2\n",
     "line 4: transaction [/oops] does not balance: it is off by -1.00 USD"),
])
def test_one_bad_row_names_the_line_and_writes_nothing(
        imported: Cli, engine: Engine, files: Callable[[str, str], str], rows: str,
        message: str) -> None:
    before = counts(engine)
    accounts = files("more.csv", "code,name,type\n4160,Royalties,income\n")
    result = imported("import", "journal", files("bad.csv", POSTINGS.splitlines()[0] + "\n"
                                                 + GOOD_ROWS + rows), "--accounts", accounts)
    assert result.exit_code != 0
    assert message in said(result), said(result)
    assert counts(engine) == before


def test_a_missing_column_is_named(imported: Cli, engine: Engine,
                                   files: Callable[[str, str], str]) -> None:
    before = counts(engine)
    result = imported("import", "journal", files("bad.csv", "txn_id,date,description,account,"
                                                 "amount\nX,2025-03-01,x,1010,1\n"))
    assert result.exit_code != 0
    assert "line 1: missing column party" in said(result)
    assert counts(engine) == before


def test_a_bad_accounts_file_writes_nothing(acme: Cli, engine: Engine,
                                            files: Callable[[str, str], str]) -> None:
    before = counts(engine)
    result = acme("import", "journal", files("p.csv", POSTINGS), "--accounts",
                  files("a.csv", "code,name,type\n1030,Petty,asset\n1031,Bad,assets\n"))
    assert result.exit_code != 0
    assert "line 3: type must be one of" in said(result)
    assert counts(engine) == before


def test_import_reads_a_spreadsheets_bom_and_crlf(acme: Cli, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + POSTINGS.replace("\n", "\r\n")).encode("utf-8"))
    result = acme("import", "journal", str(path), "--accounts",
                  str(_write(tmp_path / "a.csv", ACCOUNTS)))
    assert result.exit_code == 0, said(result)
    assert "Imported 4 entries" in said(result)


def _write(path: Path, content: str) -> Path:
    path.write_text(content, encoding="utf-8")
    return path


def test_import_of_a_missing_file_says_so(acme: Cli, tmp_path: Path) -> None:
    result = acme("import", "journal", str(tmp_path / "nope.csv"))
    assert result.exit_code != 0
    assert "no such file" in said(result)


def test_import_needs_book_when_there_are_several(acme: Cli,
                                                  files: Callable[[str, str], str]) -> None:
    acme("books", "create", "other", "--name", "Other", "--currency", "USD")
    result = acme("import", "journal", files("p.csv", POSTINGS))
    assert result.exit_code != 0
    assert "--book SLUG" in said(result)
    result = acme("import", "journal", files("p.csv", POSTINGS), "--book", "nope")
    assert "No book with the slug 'nope'" in said(result)


def test_import_without_any_book_says_how_to_make_one(cli: Cli,
                                                      files: Callable[[str, str], str]) -> None:
    result = cli("import", "journal", files("p.csv", POSTINGS))
    assert result.exit_code != 0
    assert "folio books create" in said(result)


# export journal


def test_export_writes_the_import_columns_and_round_trips(
        imported: Cli, files: Callable[[str, str], str]) -> None:
    exported = imported("export", "journal", "--format", "csv")
    assert exported.exit_code == 0, said(exported)
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert list(rows[0]) == ["txn_id", "date", "description", "party", "account", "amount",
                             "currency", "rate", "base_amount", "memo", "kind"]
    assert [(r["txn_id"], r["account"], r["amount"]) for r in rows[2:4]] == [
        ("T2", "1100", "1250.00"), ("T2", "4150", "-1250.00")]
    accounts = imported("export", "accounts")
    imported("books", "create", "copy", "--name", "Copy", "--currency", "USD", "--chart", "none")
    result = imported("import", "journal", files("x.csv", exported.stdout), "--accounts",
                      files("xa.csv", accounts.stdout), "--book", "copy")
    assert result.exit_code == 0, said(result)
    original = report(imported, "trial-balance", "--as-of", "2025-12-31", "--book", "acme")
    copy = report(imported, "trial-balance", "--as-of", "2025-12-31", "--book", "copy")
    assert {**original, "book": "copy"} == copy


def test_export_refuses_other_formats(imported: Cli) -> None:
    result = imported("export", "journal", "--format", "xlsx")
    assert result.exit_code != 0
    assert "only --format csv" in said(result)


# reports


def test_the_trial_balance_as_json(imported: Cli) -> None:
    assert report(imported, "trial-balance", "--as-of", "2025-02-28") == {
        "book": "acme", "currency": "USD", "as_of": "2025-02-28",
        "accounts": [
            {"code": "1020", "name": "Bank account", "type": "asset", "debit": "9150.00",
             "credit": "0.00", "balance": "9150.00"},
            {"code": "1030", "name": "Petty cash", "type": "asset", "debit": "50.00",
             "credit": "0.00", "balance": "50.00"},
            {"code": "1100", "name": "Accounts receivable", "type": "asset",
             "debit": "1250.00", "credit": "0.00", "balance": "1250.00"},
            {"code": "3100", "name": "Owner's capital", "type": "equity", "debit": "0.00",
             "credit": "10000.00", "balance": "-10000.00"},
            {"code": "4150", "name": "Consulting", "type": "income", "debit": "0.00",
             "credit": "1250.00", "balance": "-1250.00"},
            {"code": "6200", "name": "Rent", "type": "expense", "debit": "800.00",
             "credit": "0.00", "balance": "800.00"}],
        "total_debit": "11250.00", "total_credit": "11250.00"}


def test_the_trial_balance_as_csv_and_table(imported: Cli) -> None:
    result = imported("report", "trial-balance", "--as-of", "2025-01-31", "--format", "csv")
    assert result.exit_code == 0, said(result)
    assert result.stdout.splitlines() == [
        "code,name,type,debit,credit,balance",
        "1020,Bank account,asset,10000.00,0.00,10000.00",
        "1100,Accounts receivable,asset,1250.00,0.00,1250.00",
        "3100,Owner's capital,equity,0.00,10000.00,-10000.00",
        "4150,Consulting,income,0.00,1250.00,-1250.00",
        ",Total,,11250.00,11250.00,"]
    table = imported("report", "trial-balance", "--as-of", "2025-01-31")
    assert table.exit_code == 0
    assert "Trial balance of Acme Ltd at 2025-01-31" in said(table)
    assert "11250.00" in table.stdout


def test_the_balance_sheet_as_json(imported: Cli) -> None:
    data = report(imported, "balance-sheet", "--as-of", "2025-02-28")
    assert (data["total_assets"], data["total_liabilities"], data["total_equity"],
            data["balanced"]) == ("10450.00", "0.00", "10450.00", True)
    equity = data["equity"]["accounts"]  # type: ignore[index]
    assert equity[-1] == {"code": None, "name": "Current year earnings", "type": "equity",
                          "balance": "450.00"}


def test_the_income_statement_as_json_and_csv(imported: Cli) -> None:
    data = report(imported, "income-statement", "--from", "2025-01-01", "--to", "2025-02-28")
    assert (data["total_income"], data["total_expenses"], data["net_income"]) == (
        "1250.00", "800.00", "450.00")
    assert (data["previous_from"], data["previous_to"], data["previous_net_income"]) == (
        "2024-11-01", "2024-12-31", "0.00")
    result = imported("report", "income-statement", "--from", "2025-02-01", "--to",
                      "2025-02-28", "--format", "csv")
    assert result.stdout.splitlines()[-1] == ",,Net income,-800.00,1250.00"


def test_the_general_ledger_as_json(imported: Cli) -> None:
    data = report(imported, "general-ledger", "--account", "1020", "--from", "2025-02-01",
                  "--to", "2025-02-28")
    assert (data["opening_balance"], data["closing_balance"]) == ("10000.00", "9150.00")
    assert [(r["date"], r["credit"], r["balance"]) for r in data["rows"]] == [  # type: ignore
        ("2025-02-01", "800.00", "9200.00"), ("2025-02-10", "50.00", "9150.00")]


def test_rupiah_amounts_are_whole(cli: Cli, files: Callable[[str, str], str]) -> None:
    cli("books", "create", "studio", "--name", "Studio", "--currency", "IDR", "--locale",
        "id_ID", "--chart", "id-psak")
    result = cli("import", "journal", files("p.csv", "txn_id,date,description,party,account,"
                                            "amount\nR1,2025-01-05,Sale,,1111,1500000\n"
                                            "R1,2025-01-05,Sale,,4101,-1500000\n"))
    assert result.exit_code == 0, said(result)
    data = report(cli, "trial-balance", "--as-of", "2025-01-31")
    assert [(a["code"], a["debit"], a["balance"]) for a in data["accounts"]] == [  # type: ignore
        ("1111", "1500000", "1500000"), ("4101", "0", "-1500000")]
    assert data["total_debit"] == "1500000"
    bad = cli("import", "journal", files("q.csv", "txn_id,date,description,party,account,"
                                         "amount\nR2,2025-01-05,Sale,,1111,1500000.50\n"
                                         "R2,2025-01-05,Sale,,4101,-1500000.50\n"))
    assert bad.exit_code != 0
    assert "more decimals than IDR allows (0)" in said(bad)


@pytest.mark.parametrize(("args", "message"), [
    (["trial-balance", "--as-of", "yesterday"], "--as-of: 'yesterday' is not a date"),
    (["income-statement", "--from", "2025-03-01", "--to", "2025-02-01"], "--from is after --to"),
    (["general-ledger"], "the general ledger needs --account CODE"),
    (["general-ledger", "--account", "nope"], "No account with the code 'nope'"),
    (["trial-balance", "--as-of", "9999-12-31"], "outside the dates Folio accepts"),
    (["balance-sheet", "--format", "xml"], "xml"),
])
def test_bad_report_options_exit_with_a_message(imported: Cli, args: list[str],
                                                message: str) -> None:
    result = imported("report", *args)
    assert result.exit_code != 0
    assert message in said(result), said(result)


# close-year


def test_close_year_closes_and_locks(imported: Cli, engine: Engine) -> None:
    result = imported("close-year", "2025-06-30")
    assert result.exit_code == 0, said(result)
    assert "Closed; closing entry 5." in said(result)
    again = imported("close-year", "2025-01-01")
    assert again.exit_code != 0
    assert "already closed or locked" in said(again)
    data = report(imported, "income-statement", "--from", "2025-01-01", "--to", "2025-12-31")
    assert data["net_income"] == "450.00"
    assert imported("check").exit_code == 0


@pytest.mark.parametrize(("day", "message"), [("31/12/2025", "is not a date"),
                                              ("9999-12-31", "outside the dates")])
def test_close_year_refuses_a_bad_date(imported: Cli, day: str, message: str) -> None:
    result = imported("close-year", day)
    assert result.exit_code != 0
    assert message in said(result)


# check and demo


def test_check_passes_on_a_clean_book(imported: Cli) -> None:
    result = imported("check")
    assert result.exit_code == 0, said(result)
    assert "acme: OK (4 entries, chain intact, balances match)" in said(result)


def test_check_fails_on_a_tampered_book_and_names_the_entry(imported: Cli,
                                                            engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE journal_entries SET description = '[/] hidden' "
                                "WHERE number = 3"))
    result = imported("check", "--book", "acme")
    assert result.exit_code == 1
    assert "acme: hash chain broken at entry 3 (2025-02-01, '[/] hidden')" in said(result)


def test_check_fails_when_a_balance_row_is_gone(imported: Cli, engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM account_balances WHERE period = 202502"))
    result = imported("check")
    assert result.exit_code == 1
    assert "balance of account 1020 in 202502" in said(result)


def test_demo_creates_a_book_that_checks_out(cli: Cli) -> None:
    result = cli("demo")
    assert result.exit_code == 0, said(result)
    assert "Created the demo book demo with" in said(result)
    assert "already here" in said(cli("demo"))
    assert cli("check", "--book", "demo").exit_code == 0
    data = report(cli, "balance-sheet", "--book", "demo")
    assert data["balanced"] is True
    assert data["currency"] == "IDR"
