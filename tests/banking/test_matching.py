"""Matching money received on a bank line to an open invoice records the payment."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.orm import Session

from folio.banking.matching import match_invoice, suggest_matches
from folio.banking.service import uncategorise
from folio.books.models import Book
from folio.errors import Conflict, ValidationError
from folio.ledger.models import JournalEntry
from folio.parties.models import Party
from folio.sales.payments import customer_credit
from tests.banking.factories import do_import, generic_csv, money_account
from tests.conftest import said
from tests.sales import conftest as sales_fixtures
from tests.sales.conftest import MakeInvoice

# The sales tests' fixtures: an IDR book with tax codes, a customer, invoices.
studio = sales_fixtures.studio
client_co = sales_fixtures.client_co
make_invoice = sales_fixtures.make_invoice


def _lines(session: Session, book: Book, *rows: tuple[str, str, str, str]) -> list:  # type: ignore[type-arg]
    checking = money_account(session, book)
    return sorted(do_import(session, book, checking, generic_csv(*rows)).lines,
                  key=lambda x: x.id)


def test_suggestions_rank_amount_reference_and_party(session: Session, studio: Book,
                                                     client_co: Party,
                                                     make_invoice: MakeInvoice) -> None:
    first = make_invoice(issue=True)
    second = make_invoice((1_000_000, "PPN12"), issue=True)
    due = first.amount_due
    lines = _lines(session, studio,
                   ("10/03/2026", str(due), "PT Klien Maju", f"Payment {first.number}"),
                   ("11/03/2026", "12345", "Someone", "Unrelated"),
                   ("12/03/2026", "-5000", "Shop", "Out"))

    found = suggest_matches(session, studio, lines[0].id)
    assert found[0].invoice.id == first.id
    assert set(found[0].reasons) == {"amount", "reference", "party"}
    assert second.id in [s.invoice.id for s in found]  # same customer: a weaker hint
    assert suggest_matches(session, studio, lines[1].id) == []
    assert suggest_matches(session, studio, lines[2].id) == []


def test_match_records_the_payment_and_marks_the_line(session: Session, studio: Book,
                                                      client_co: Party,
                                                      make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    due = invoice.amount_due
    lines = _lines(session, studio,
                   ("10/03/2026", str(due), "PT Klien Maju", f"Payment {invoice.number}"))

    payment = match_invoice(session, studio, lines[0].id, invoice.id)
    session.commit()

    assert invoice.status == "paid"
    assert lines[0].status == "matched"
    assert lines[0].entry_id == payment.entry_id
    entry = session.get_one(JournalEntry, payment.entry_id)
    assert entry.is_posted
    assert ("1111", due) in [(x.account.code, x.amount) for x in entry.lines]

    with pytest.raises(Conflict):
        match_invoice(session, studio, lines[0].id, invoice.id)
    with pytest.raises(Conflict, match="matched to a payment"):
        uncategorise(session, studio, [lines[0].id])


def test_match_refuses_money_out_and_paid_invoices(session: Session, studio: Book,
                                                   client_co: Party,
                                                   make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    lines = _lines(session, studio, ("10/03/2026", "-5000", "Shop", "Out"),
                   ("11/03/2026", "5000", "PT Klien Maju", "x"))
    with pytest.raises(ValidationError, match="not money received"):
        match_invoice(session, studio, lines[0].id, invoice.id)
    draft = make_invoice()
    with pytest.raises(Conflict):
        match_invoice(session, studio, lines[1].id, draft.id)


def test_api_suggests_and_matches(session: Session, studio: Book, client_co: Party,
                                  make_invoice: MakeInvoice, client: Any) -> None:
    invoice = make_invoice(issue=True)
    lines = _lines(session, studio, ("10/03/2026", str(invoice.amount_due), "PT Klien Maju",
                                     f"Payment {invoice.number}"))
    base = f"/api/v1/books/{studio.slug}/bank-lines/{lines[0].id}"

    found = client.get(f"{base}/matches")
    assert found.status_code == 200, found.text
    assert found.json()[0]["invoice_id"] == invoice.id
    assert found.json()[0]["reasons"] == ["amount", "reference", "party"]

    bad = client.post(f"{base}/match", json={"invoice_id": 999999})
    assert bad.status_code == 404
    assert bad.headers["content-type"].startswith("application/problem+json")
    matched = client.post(f"{base}/match", json={"invoice_id": invoice.id})
    assert matched.status_code == 200, matched.text
    assert matched.json()["status"] == "matched"
    again = client.post(f"{base}/match", json={"invoice_id": invoice.id})
    assert again.status_code == 409


def test_cli_suggests_and_matches(session: Session, studio: Book, client_co: Party,
                                  make_invoice: MakeInvoice, cli: Any) -> None:
    invoice = make_invoice(issue=True)
    lines = _lines(session, studio, ("10/03/2026", str(invoice.amount_due), "PT Klien Maju",
                                     f"Payment {invoice.number}"))
    line_id = str(lines[0].id)
    found = cli("bank", "matches", line_id, "--book", studio.slug, "--format", "json")
    assert found.exit_code == 0, said(found)
    assert json.loads(found.stdout)["matches"][0]["invoice_id"] == invoice.id

    matched = cli("bank", "match", line_id, "--invoice", str(invoice.id), "--book", studio.slug)
    assert matched.exit_code == 0, said(matched)
    assert "matched" in said(matched)
    again = cli("bank", "match", line_id, "--invoice", str(invoice.id), "--book", studio.slug)
    assert again.exit_code == 1
    assert "already matched" in said(again)


def test_more_than_due_stays_as_customer_credit(session: Session, studio: Book,
                                                client_co: Party,
                                                make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    lines = _lines(session, studio, ("10/03/2026", str(invoice.amount_due + 1000),
                                     "PT Klien Maju", "transfer"))
    match_invoice(session, studio, lines[0].id, invoice.id)
    session.commit()
    assert invoice.status == "paid"
    assert customer_credit(session, studio, client_co.id) == 1000
