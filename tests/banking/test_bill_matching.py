"""Matching money paid out on a bank line to an open vendor bill records the bill payment."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.banking.matching import match_bill, suggest_matches
from folio.banking.models import BankLine
from folio.banking.service import categorise, uncategorise
from folio.books.models import Book
from folio.errors import Conflict, NotFound, ValidationError
from folio.ledger.models import JournalEntry, JournalLine
from folio.parties.models import Party
from folio.purchases.bills import OPEN
from folio.purchases.models import Bill, BillPayment
from tests.banking.factories import do_import, generic_csv, money_account
from tests.conftest import said
from tests.purchases import conftest as purchase_fixtures
from tests.purchases.conftest import MakeBill, service
from tests.sales import conftest as sales_fixtures
from tests.sales.conftest import balance
from tests.web.page import Page

# The sales and purchases tests' fixtures: an IDR book with tax codes, a vendor, bills.
studio = sales_fixtures.studio
vendor = purchase_fixtures.vendor
make_bill = purchase_fixtures.make_bill


def _lines(session: Session, book: Book, *rows: tuple[str, str, str, str]) -> list[BankLine]:
    checking = money_account(session, book)
    return sorted(do_import(session, book, checking, generic_csv(*rows)).lines,
                  key=lambda x: x.id)


def _open_bills_due(session: Session, book: Book) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(Bill.total - Bill.withholding_amount
                                                            - Bill.amount_paid), 0))
                              .where(Bill.book_id == book.id, Bill.status.in_(OPEN))) or 0)


def test_suggestions_rank_amount_reference_vendor_and_date(
        session: Session, studio: Book, vendor: Party, make_bill: MakeBill) -> None:
    rent = make_bill(service(1_000_000, None), vendor_reference="INV-V-777", approve=True)
    other = make_bill(service(2_000_000, None), approve=True)
    lines = _lines(session, studio,
                   ("20/03/2026", "-1.000.000", "PT Vendor Kreatif", "Bayar INV-V-777"),
                   ("21/03/2026", "-1.006.500", "PT Vendor Kreatif", "TRSF"),
                   ("22/03/2026", "-999", "Warung", "Kopi"),
                   ("23/03/2026", "1.000.000", "PT Vendor Kreatif", "Refund"))

    exact = suggest_matches(session, studio, lines[0].id)
    assert (exact[0].kind, exact[0].bill.id) == ("bill", rent.id)
    assert exact[0].reasons == ("amount", "reference", "party", "date")
    assert exact[0].score == 8
    assert [s.bill.id for s in exact] == [rent.id, other.id]  # the other: same vendor only
    with_fee = suggest_matches(session, studio, lines[1].id)
    assert with_fee[0].bill.id == rent.id
    assert with_fee[0].reasons == ("close", "party", "date")
    assert suggest_matches(session, studio, lines[2].id) == []
    assert suggest_matches(session, studio, lines[3].id) == []  # money in: invoices only


def test_matching_pays_the_bill_and_links_the_line(
        session: Session, studio: Book, vendor: Party, make_bill: MakeBill) -> None:
    paid = make_bill(service(1_000_000, None), approve=True)
    make_bill(service(2_000_000, None), approve=True)
    assert balance(session, studio, "2101") == -3_000_000
    lines = _lines(session, studio, ("20/03/2026", "-1.000.000", "PT Vendor Kreatif", "x"))

    payment = match_bill(session, studio, lines[0].id, paid.id)
    session.commit()

    line = lines[0]
    assert (paid.status, paid.amount_due) == ("paid", 0)
    assert (line.status, line.bill_payment_id, line.entry_id, line.party_id) == \
        ("matched", payment.id, payment.entry_id, vendor.id)
    entry = session.get_one(JournalEntry, payment.entry_id)
    assert entry.is_posted
    assert sum(x.amount for x in entry.lines) == 0
    assert balance(session, studio, "1111") == -1_000_000
    # What the ledger owes vendors is exactly what the open bills still ask.
    assert balance(session, studio, "2101") == -2_000_000 == -_open_bills_due(session, studio)
    total = session.scalar(select(func.sum(JournalLine.amount))
                           .where(JournalLine.posted.is_(True)))
    assert total == 0


def test_a_bank_fee_on_top_is_booked_as_a_fee(
        session: Session, studio: Book, vendor: Party, make_bill: MakeBill) -> None:
    bill = make_bill(service(1_000_000, None), approve=True)
    lines = _lines(session, studio, ("20/03/2026", "-1.006.500", "PT Vendor Kreatif", "TRSF"))

    payment = match_bill(session, studio, lines[0].id, bill.id)
    session.commit()

    assert (payment.amount, payment.bank_fee) == (1_000_000, 6_500)
    assert bill.status == "paid"
    assert balance(session, studio, "6502") == 6_500
    assert balance(session, studio, "1111") == -1_006_500
    assert balance(session, studio, "2101") == 0


def test_much_more_than_due_is_refused_unless_the_fee_is_given(
        session: Session, studio: Book, vendor: Party, make_bill: MakeBill,
        counts: Callable[[], dict[str, int]]) -> None:
    bill = make_bill(service(1_000_000, None), approve=True)
    lines = _lines(session, studio, ("20/03/2026", "-1.500.000", "PT Vendor Kreatif", "x"))
    before = counts()

    with pytest.raises(ValidationError, match="500000 more than") as caught:
        match_bill(session, studio, lines[0].id, bill.id)
    assert caught.value.errors[0]["field"] == "bank_fee"
    session.rollback()
    assert counts() == before
    with pytest.raises(ValidationError, match="more than the 1000000 still due"):
        match_bill(session, studio, lines[0].id, bill.id, Decimal(100))
    session.rollback()

    payment = match_bill(session, studio, lines[0].id, bill.id, Decimal(500_000))
    assert (payment.amount, payment.bank_fee) == (1_000_000, 500_000)


def test_less_than_due_pays_part_of_the_bill(
        session: Session, studio: Book, vendor: Party, make_bill: MakeBill) -> None:
    bill = make_bill(service(1_000_000, None), approve=True)
    lines = _lines(session, studio, ("20/03/2026", "-400.000", "PT Vendor Kreatif", "x"))
    match_bill(session, studio, lines[0].id, bill.id)
    session.commit()
    assert (bill.status, bill.amount_due) == ("partially_paid", 600_000)


def test_a_line_is_matched_once_and_only_money_out_pays_a_bill(
        session: Session, studio: Book, vendor: Party, make_bill: MakeBill,
        counts: Callable[[], dict[str, int]]) -> None:
    first = make_bill(service(1_000_000, None), approve=True)
    second = make_bill(service(1_000_000, None), approve=True)
    draft = make_bill(service(1_000_000, None))
    lines = _lines(session, studio, ("20/03/2026", "-1.000.000", "PT Vendor Kreatif", "x"),
                   ("21/03/2026", "1.000.000", "PT Vendor Kreatif", "refund"),
                   ("22/03/2026", "-1.000.000", "PT Vendor Kreatif", "y"))
    match_bill(session, studio, lines[0].id, first.id)
    session.commit()
    before = counts()

    with pytest.raises(Conflict, match="already matched"):
        match_bill(session, studio, lines[0].id, second.id)
    with pytest.raises(ValidationError, match="not money paid out"):
        match_bill(session, studio, lines[1].id, second.id)
    with pytest.raises(Conflict, match="is paid"):
        match_bill(session, studio, lines[2].id, first.id)
    with pytest.raises(Conflict, match="is draft"):
        match_bill(session, studio, lines[2].id, draft.id)
    with pytest.raises(NotFound):
        match_bill(session, studio, lines[2].id, 2**62)
    with pytest.raises(Conflict, match="matched to a payment"):
        uncategorise(session, studio, [lines[0].id])
    with pytest.raises(Conflict, match="already matched"):
        categorise(session, studio, [lines[0].id], "6101")
    session.rollback()
    assert counts() == before
    assert second.amount_due == 1_000_000


def test_the_api_suggests_and_matches_bills(
        session: Session, studio: Book, vendor: Party, make_bill: MakeBill, client: Any) -> None:
    bill = make_bill(service(1_000_000, None), approve=True)
    lines = _lines(session, studio, ("20/03/2026", "-1.000.000", "PT Vendor Kreatif", "x"),
                   ("21/03/2026", "1.000.000", "PT Vendor Kreatif", "refund"))
    base = f"/api/v1/books/{studio.slug}/bank-lines"
    bill_id, number, reference = bill.id, bill.number, bill.vendor_reference
    out, money_in_id = lines[0].id, lines[1].id
    session.rollback()  # SQLite: let the requests take the write lock

    found = client.get(f"{base}/{out}/matches")
    assert found.status_code == 200, found.text
    assert found.json()[0] | {"due_date": ""} == {
        "kind": "bill", "document_id": bill_id, "bill_id": bill_id, "number": number,
        "party": "PT Vendor Kreatif", "vendor": "PT Vendor Kreatif", "currency": "IDR",
        "vendor_reference": reference, "amount_due": "1000000",
        "due_date": "", "score": 5, "reasons": ["amount", "party", "date"]}

    both = client.post(f"{base}/{out}/match", json={"bill_id": bill_id,
                                                            "invoice_id": 1})
    assert both.status_code == 422
    money_in = client.post(f"{base}/{money_in_id}/match", json={"bill_id": bill_id})
    assert money_in.status_code == 422
    assert money_in.headers["content-type"].startswith("application/problem+json")
    matched = client.post(f"{base}/{out}/match", json={"bill_id": bill_id})
    assert matched.status_code == 200, matched.text
    assert matched.json()["status"] == "matched"
    assert matched.json()["bill_payment_id"] == session.scalar(select(BillPayment.id))
    session.rollback()
    again = client.post(f"{base}/{out}/match", json={"bill_id": bill_id})
    assert again.status_code == 409


def test_the_cli_suggests_and_matches_bills(
        session: Session, studio: Book, vendor: Party, make_bill: MakeBill, cli: Any) -> None:
    bill = make_bill(service(1_000_000, None), approve=True)
    lines = _lines(session, studio, ("20/03/2026", "-1.006.500", "PT Vendor Kreatif", "x"))
    line_id, bill_id = str(lines[0].id), bill.id
    session.rollback()

    found = cli("bank", "matches", line_id, "--book", studio.slug, "--format", "json")
    assert found.exit_code == 0, said(found)
    assert json.loads(found.stdout)["matches"][0]["bill_id"] == bill_id
    neither = cli("bank", "match", line_id, "--book", studio.slug)
    assert neither.exit_code == 1
    assert "either --invoice or --bill" in said(neither)
    matched = cli("bank", "match", line_id, "--bill", str(bill_id), "--bank-fee", "6500",
                  "--book", studio.slug)
    assert matched.exit_code == 0, said(matched)
    assert "bill payment" in said(matched)
    again = cli("bank", "match", line_id, "--bill", str(bill_id), "--book", studio.slug)
    assert again.exit_code == 1
    assert "already matched" in said(again)
    session.expire_all()
    assert balance(session, studio, "6502") == 6_500


def test_the_lines_page_offers_the_match_and_records_it(
        session: Session, studio: Book, vendor: Party, make_bill: MakeBill, client: Any) -> None:
    bill = make_bill(service(1_000_000, None), approve=True)
    lines = _lines(session, studio, ("20/03/2026", "-1.000.000", "PT Vendor Kreatif", "x"))
    bill_id, number, line_id = bill.id, bill.number, lines[0].id
    assert number is not None
    session.rollback()

    shown = Page(client.get("/books/studio/banking/lines").text)
    assert f"Match bill {number}" in shown.text
    assert "same amount, same name, date near the due date" in shown.text
    value = f"{line_id}:bill:{bill_id}"
    assert value in shown.attribute_values("value")
    done = client.post("/books/studio/banking/lines/match", data={"match": value},
                       follow_redirects=False)
    assert done.status_code == 303, done.text[:2000]
    assert "notice=matched" in done.headers["location"]
    twice = client.post("/books/studio/banking/lines/match", data={"match": value})
    assert twice.status_code == 409
    assert "already matched" in Page(twice.text).text
    matched = Page(client.get("/books/studio/banking/lines?status=matched").text)
    assert "Matched" in matched.text
    assert number in matched.text
    bad = client.post("/books/studio/banking/lines/match", data={"match": "x:bill:²"})
    assert bad.status_code == 422
