"""``folio bills`` and ``folio expenses`` against the test database."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.purchases.expenses import record_expense
from tests.conftest import Cli, said
from tests.purchases.conftest import MakeBill, service
from tests.purchases.test_expenses import taxi


def test_bills_list_show_approve_and_aging(cli: Cli, make_bill: MakeBill) -> None:
    draft = make_bill(service(5_550_000), withholding_code="PPH23", vendor_reference="V-9")
    approved = cli("bills", "approve", str(draft.id), "--book", "studio")
    assert approved.exit_code == 0, said(approved)
    assert "BILL/2026/0001" in said(approved)
    assert "6049500" in said(approved)
    listed = cli("bills", "list", "--book", "studio", "--format", "json")
    assert listed.exit_code == 0, said(listed)
    rows = json.loads(listed.stdout)["bills"]
    assert [(r["number"], r["vendor_reference"], r["amount_due"]) for r in rows] == \
        [("BILL/2026/0001", "V-9", "6049500")]
    shown = cli("bills", "show", "BILL/2026/0001", "--book", "studio", "--format", "csv")
    assert shown.exit_code == 0, said(shown)
    assert "Withheld,,,,111000," in shown.stdout
    aging = cli("bills", "aging", "--as-of", "2026-03-10", "--book", "studio",
                "--format", "csv")
    assert "PT Vendor Kreatif,6049500,0,0,0,0,6049500" in aging.stdout
    again = cli("bills", "approve", str(draft.id), "--book", "studio")
    assert again.exit_code == 1
    assert "already approved" in said(again)
    missing = cli("bills", "show", "BILL/1999/0001", "--book", "studio")
    assert missing.exit_code == 1


def test_expenses_list(cli: Cli, session: Session, studio: Book) -> None:
    record_expense(session, studio, taxi(date=date(2026, 3, 3)))
    session.commit()
    listed = cli("expenses", "list", "--book", "studio", "--format", "csv")
    assert listed.exit_code == 0, said(listed)
    assert "Blue Bird,6207,Taxi to the client,,111000,0,True" in listed.stdout
    bad = cli("expenses", "list", "--kind", "other", "--book", "studio")
    assert bad.exit_code == 1
    assert "--kind" in said(bad)
