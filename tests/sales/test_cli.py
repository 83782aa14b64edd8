"""``folio invoices``: list, show, issue, aging and statements from the terminal."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.parties.models import Party
from tests.conftest import Cli, said
from tests.sales.conftest import MakeInvoice


def test_it_issues_a_draft_and_lists_it(cli: Cli, session: Session, studio: Book,
                                        make_invoice: MakeInvoice) -> None:
    draft = make_invoice()
    result = cli("invoices", "issue", str(draft.id))
    assert result.exit_code == 0, said(result)
    assert "Issued INV/2026/03/0001: 6160500 IDR, due 2026-04-01" in said(result)
    listed = cli("invoices", "list", "--format", "json")
    data = json.loads(listed.stdout)
    assert [i["number"] for i in data["invoices"]] == ["INV/2026/03/0001"]
    shown = cli("invoices", "show", "INV/2026/03/0001", "--format", "csv")
    assert "Total,,,,6160500," in shown.stdout


def test_issuing_twice_fails_naming_the_invoice(cli: Cli, studio: Book,
                                                make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    result = cli("invoices", "issue", str(invoice.id))
    assert result.exit_code == 1
    assert "INV/2026/03/0001 is already issued" in said(result)


def test_aging_and_statement_as_csv(cli: Cli, studio: Book, client_co: Party,
                                    make_invoice: MakeInvoice) -> None:
    make_invoice(issue=True)
    aging = cli("invoices", "aging", "--as-of", "2026-04-20", "--format", "csv")
    assert aging.exit_code == 0, said(aging)
    assert "PT Klien Maju,0,6160500,0,0,0,6160500" in aging.stdout
    statement = cli("invoices", "statement", str(client_co.id), "--from", "2026-03-01",
                    "--to", "2026-03-31", "--format", "json")
    assert json.loads(statement.stdout)["closing"] == "6160500"
    bad = cli("invoices", "aging", "--as-of", "yesterday")
    assert bad.exit_code == 1
    assert "--as-of" in said(bad)
