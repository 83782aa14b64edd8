"""``folio report sales-by|project-profit|ppn|withholding`` and ``folio leads``."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.parties.models import Party
from tests.conftest import Cli, said
from tests.sales.analysis_data import November, build_november


@pytest.fixture
def november(session: Session, studio: Book, client_co: Party) -> November:
    return build_november(session, studio, client_co)


def test_the_reports_print_as_json_csv_and_tables(cli: Cli, november: November) -> None:
    ppn = cli("report", "ppn", "--month", "2026-11", "--format", "json")
    assert ppn.exit_code == 0, said(ppn)
    assert json.loads(ppn.stdout)["net"] == "2510000"
    sales = cli("report", "sales-by", "customer", "--from", "2026-11-01", "--to",
                "2026-11-30", "--format", "csv")
    assert sales.exit_code == 0, said(sales)
    assert sales.stdout.splitlines() == ["customer,documents,net", "CV Beta,1,20500000",
                                         "PT Klien Maju,2,5000000", "Total,,25500000"]
    profit = cli("report", "project-profit", "--project", "P1", "--format", "csv")
    assert profit.exit_code == 0, said(profit)
    assert "P1,Rebrand,PT Klien Maju,5000000,4000000,1000000,20.0,20000000,20.0" in profit.stdout
    table = cli("report", "project-profit")
    assert table.exit_code == 0
    assert "Project profitability of Studio Jakarta" in said(table)
    wht = cli("report", "withholding", "--from", "2026-11-01", "--to", "2026-11-30",
              "--format", "json")
    assert json.loads(wht.stdout)["withheld_by_us"]["total"] == "60000"
    ledger = cli("report", "income-statement", "--from", "2026-11-01", "--to", "2026-11-30",
                 "--format", "json")
    assert ledger.exit_code == 0, said(ledger)
    assert json.loads(ledger.stdout)["total_income"] == "25500000"


@pytest.mark.parametrize(("args", "message"), [
    (["ppn", "--month", "2026-13"], "'2026-13' is not a month in the form YYYY-MM"),
    (["sales-by", "colour"], "colour"),
    (["sales-by", "item", "--from", "2026-12-01", "--to", "2026-11-01"], "'from' is after"),
    (["project-profit", "--project", "NOPE"], "no project with the code 'NOPE'"),
    (["withholding", "--from", "soon"], "--from: 'soon' is not a date"),
])
def test_bad_report_options_exit_non_zero_with_a_message(cli: Cli, studio: Book,
                                                         args: list[str], message: str) -> None:
    result = cli("report", *args)
    assert result.exit_code != 0
    assert message in said(result), said(result)


def test_leads_from_the_command_line(cli: Cli, studio: Book,
                                     counts: Callable[[], dict[str, int]]) -> None:
    added = cli("leads", "add", "PT Prospek", "--contact", "Pak Budi", "--value", "15000000",
                "--follow-up", "2026-12-01")
    assert added.exit_code == 0, said(added)
    assert "Added lead 1: PT Prospek." in said(added)
    listed = cli("leads", "list", "--format", "json")
    assert json.loads(listed.stdout)["leads"][0]["value"] == "15000000"
    won = cli("leads", "win", "1", "--quotation")
    assert won.exit_code == 0, said(won)
    assert "won: customer" in said(won)
    assert "draft quotation" in said(won)
    before = counts()
    lost = cli("leads", "lose", "1", "--reason", "too late")
    assert lost.exit_code != 0
    assert "won" in said(lost)
    bad = cli("leads", "add", "X", "--value", "lots")
    assert bad.exit_code != 0
    assert "--value" in said(bad)
    missing = cli("leads", "win", "99")
    assert missing.exit_code != 0
    assert "No lead 99" in said(missing)
    assert counts() == before
