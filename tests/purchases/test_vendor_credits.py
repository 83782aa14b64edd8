"""Vendor credits: posting the reverse of a bill, applying to bills, refunds, voiding, and
the ledger agreeing with the documents (trade payables = open bills - unused credits)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import Conflict, Forbidden, ValidationError
from folio.ledger.reports import trial_balance
from folio.parties.models import Party
from folio.parties.service import PartyInput, create_party
from folio.purchases.bills import void_bill
from folio.purchases.models import Bill, VendorCredit
from folio.purchases.payments import BillPaymentInput, pay_bills
from folio.purchases.reports import payables_aging
from folio.purchases.vendor_credits import (
    VendorCreditInput,
    VendorCreditLineInput,
    apply_vendor_credit,
    create_vendor_credit,
    list_vendor_credits,
    refund_vendor_credit,
    void_vendor_credit,
)
from tests.purchases.conftest import D, MakeBill, member_session, service
from tests.sales.conftest import balance


def credit(session: Session, book: Book, vendor: Party, *amounts: int,
           code: str | None = "PPN-IN", reference: str = "CN-01", day: str = "2026-03-10",
           **extra: object) -> VendorCredit:
    made = create_vendor_credit(session, book, VendorCreditInput(
        vendor_id=vendor.id, vendor_reference=reference, date=date.fromisoformat(day),
        lines=[VendorCreditLineInput(description="Returned footage", amount=D(a),
                                     tax_code=code) for a in (amounts or (1_200_000,))],
        **extra))  # type: ignore[arg-type]
    session.commit()
    return made


def open_bills_minus_credits(session: Session, book: Book) -> int:
    due = sum(b.amount_due for b in session.scalars(select(Bill).where(
        Bill.book_id == book.id, Bill.status.in_(("approved", "partially_paid")))))
    left = sum(c.remaining for c in session.scalars(select(VendorCredit).where(
        VendorCredit.book_id == book.id)))
    return due - left


def assert_ledger_agrees(session: Session, book: Book) -> None:
    tb = trial_balance(session, book, date(2026, 12, 31))
    assert tb.total_debit == tb.total_credit
    assert -balance(session, book, "2101") == open_bills_minus_credits(session, book)
    aging = payables_aging(session, book, date(2026, 12, 31))
    assert sum(aging.totals.values()) == -balance(session, book, "2101")


def test_a_credit_posts_the_reverse_of_a_bill(session: Session, studio: Book,
                                              vendor: Party) -> None:
    made = credit(session, studio, vendor, 1_200_000)
    # PPN-IN: DPP 11/12 x 1.200.000 = 1.100.000; 12% of it = 132.000.
    assert (made.net_total, made.tax_total, made.total) == (1_200_000, 132_000, 1_332_000)
    assert (made.status, made.remaining) == ("open", 1_332_000)
    assert balance(session, studio, "2101") == 1_332_000  # Dr trade payables
    assert balance(session, studio, "5101") == -1_200_000  # Cr direct costs
    assert balance(session, studio, "1401") == -132_000  # Cr input VAT
    assert_ledger_agrees(session, studio)


def test_applying_a_credit_settles_part_of_a_bill(session: Session, studio: Book,
                                                  make_bill: MakeBill, vendor: Party) -> None:
    bill = make_bill(service(5_550_000), approve=True)  # owes 6.160.500
    made = credit(session, studio, vendor, 1_200_000, bill_id=bill.id)
    apply_vendor_credit(session, studio, made, bill.id, D(1_000_000), on=date(2026, 3, 11))
    session.commit()
    assert (bill.status, bill.amount_due) == ("partially_paid", 5_160_500)
    assert (made.status, made.remaining) == ("open", 332_000)
    assert_ledger_agrees(session, studio)
    # The rest, by default: all that is left.
    apply_vendor_credit(session, studio, made, bill.id)
    session.commit()
    assert (made.status, made.remaining, bill.amount_due) == ("closed", 0, 4_828_500)
    assert_ledger_agrees(session, studio)
    # A credited bill cannot be voided any more (it has money against it).
    with pytest.raises(Conflict):
        void_bill(session, studio, bill)


def test_a_credit_settles_a_bill_in_full_and_the_rest_is_refunded(
        session: Session, studio: Book, make_bill: MakeBill, vendor: Party) -> None:
    bill = make_bill(service(1_000_000, None), approve=True)
    made = credit(session, studio, vendor, 1_500_000, code=None)
    apply_vendor_credit(session, studio, made, bill.id)
    session.commit()
    assert (bill.status, made.remaining) == ("paid", 500_000)
    refund_vendor_credit(session, studio, made, on=date(2026, 3, 20), account="1111")
    session.commit()
    assert (made.status, made.amount_refunded, made.remaining) == ("closed", 500_000, 0)
    assert balance(session, studio, "1111") == 500_000
    assert balance(session, studio, "2101") == 0
    assert_ledger_agrees(session, studio)
    with pytest.raises(Conflict, match="nothing is left"):
        refund_vendor_credit(session, studio, made, on=date(2026, 3, 21), account="1111")


def test_aging_counts_credits_on_the_day(session: Session, studio: Book, make_bill: MakeBill,
                                         vendor: Party) -> None:
    bill = make_bill(service(1_000_000, None), day="2026-03-01", approve=True)
    made = credit(session, studio, vendor, 400_000, code=None, day="2026-03-05")
    apply_vendor_credit(session, studio, made, bill.id, D(300_000), on=date(2026, 3, 10))
    session.commit()
    before = payables_aging(session, studio, date(2026, 3, 4))
    assert sum(before.totals.values()) == 1_000_000
    between = payables_aging(session, studio, date(2026, 3, 7))
    assert between.rows[0].buckets["current"] == 1_000_000 - 400_000
    after = payables_aging(session, studio, date(2026, 3, 12))
    assert sum(after.totals.values()) == 700_000 - 100_000


def test_bad_credits_are_refused_with_field_errors_and_write_nothing(
        session: Session, studio: Book, make_bill: MakeBill, vendor: Party) -> None:
    customer, _ = create_party(session, studio, PartyInput(name="Only a customer",
                                                           is_customer=True))
    other, _ = create_party(session, studio, PartyInput(name="Other vendor", is_vendor=True))
    foreign_bill = make_bill(vendor_id=other.id, approve=True)
    session.commit()
    with pytest.raises(ValidationError) as caught:
        create_vendor_credit(session, studio, VendorCreditInput(
            vendor_id=customer.id, vendor_reference=" ", date=date(2026, 3, 1),
            lines=[VendorCreditLineInput(description="", amount=D(-5), tax_code="NOPE"),
                   VendorCreditLineInput(description="x", amount=D("0.5"),
                                         account="4101")]))
    assert {e["field"] for e in caught.value.errors} == {
        "vendor_id", "vendor_reference", "lines[0].description", "lines[0].amount",
        "lines[0].tax_code", "lines[1].amount", "lines[1].account"}
    session.rollback()
    with pytest.raises(ValidationError) as caught:
        credit(session, studio, vendor, bill_id=foreign_bill.id)
    assert caught.value.errors[0]["field"] == "bill_id"
    session.rollback()
    assert list_vendor_credits(session, studio)[1] == 0
    credit(session, studio, vendor)
    with pytest.raises(Conflict, match="already recorded"):
        credit(session, studio, vendor)


def test_applying_too_much_or_to_another_vendor_is_refused(
        session: Session, studio: Book, make_bill: MakeBill, vendor: Party) -> None:
    bill = make_bill(service(1_000_000, None), approve=True)
    other, _ = create_party(session, studio, PartyInput(name="Other vendor", is_vendor=True))
    foreign = make_bill(service(1_000_000, None), vendor_id=other.id, approve=True)
    draft = make_bill(service(1_000_000, None))
    made = credit(session, studio, vendor, 500_000, code=None)
    cases = [(foreign.id, None, "bill_id"), (draft.id, None, "bill_id"),
             (bill.id, D(600_000), "amount"), (bill.id, D(0), "amount")]
    for bill_id, amount, field in cases:
        with pytest.raises(ValidationError) as caught:
            apply_vendor_credit(session, studio, made, bill_id, amount)
        assert caught.value.errors[0]["field"] == field
        session.rollback()
    assert (made.remaining, bill.amount_due) == (500_000, 1_000_000)


def test_void_only_while_unused(session: Session, studio: Book, make_bill: MakeBill,
                                vendor: Party) -> None:
    made = credit(session, studio, vendor, 1_200_000)
    void_vendor_credit(session, studio, made, reason="entered twice")
    session.commit()
    assert (made.status, made.remaining) == ("void", 0)
    assert balance(session, studio, "2101") == 0
    assert balance(session, studio, "1401") == 0
    with pytest.raises(Conflict):
        void_vendor_credit(session, studio, made)
    used = credit(session, studio, vendor, 100_000, reference="CN-02", code=None)
    bill = make_bill(service(1_000_000, None), approve=True)
    apply_vendor_credit(session, studio, used, bill.id)
    session.commit()
    with pytest.raises(Conflict, match="cannot be voided"):
        void_vendor_credit(session, studio, used)
    assert_ledger_agrees(session, studio)


def test_payments_and_credits_together_keep_the_ledger_in_agreement(
        session: Session, studio: Book, make_bill: MakeBill, vendor: Party) -> None:
    first = make_bill(service(2_000_000), withholding_code="PPH23", approve=True)
    make_bill(service(3_000_000, None), day="2026-03-05", approve=True)
    made = credit(session, studio, vendor, 500_000)
    apply_vendor_credit(session, studio, made, first.id, D(300_000))
    pay_bills(session, studio, BillPaymentInput(vendor_id=vendor.id, date=date(2026, 3, 20),
                                                account="1111", amount=D(1_500_000)))
    session.commit()
    assert_ledger_agrees(session, studio)


def test_a_staff_member_cannot_record_or_apply_a_credit(
        engine: object, session: Session, studio: Book, make_bill: MakeBill,
        vendor: Party) -> None:
    made = credit(session, studio, vendor)
    bill = make_bill(approve=True)
    acting = member_session(engine, session, studio, "staff@example.test",  # type: ignore[arg-type]
                            "staff")
    try:
        book = acting.get_one(Book, studio.id)
        with pytest.raises(Forbidden):
            credit(acting, book, vendor, reference="CN-09")
        with pytest.raises(Forbidden):
            apply_vendor_credit(acting, book, acting.get_one(VendorCredit, made.id), bill.id)
    finally:
        acting.close()


API = "/api/v1/books/studio"


def test_the_api_records_applies_and_refunds_a_credit(
        client: Any, counts: Any, studio: Book, make_bill: MakeBill, vendor: Party) -> None:
    bill = make_bill(service(1_000_000, None), approve=True)
    body = {"vendor_id": vendor.id, "vendor_reference": "CN-7", "date": "2026-03-10",
            "bill_id": bill.id, "lines": [{"description": "Discount", "amount": "1500000"}]}
    made = client.post(f"{API}/vendor-credits", json=body, headers={"Idempotency-Key": "c-1"})
    assert made.status_code == 201, made.text
    again = client.post(f"{API}/vendor-credits", json=body, headers={"Idempotency-Key": "c-1"})
    assert again.headers.get("Idempotent-Replayed") == "true"
    data = made.json()
    assert (data["total"], data["remaining"], data["status"]) == ("1500000", "1500000", "open")
    credit_id = data["id"]
    applied = client.post(f"{API}/vendor-credits/{credit_id}/apply",
                          json={"bill_id": bill.id, "date": "2026-03-11"})
    assert applied.status_code == 200, applied.text
    assert applied.json()["allocations"] == [{"bill_id": bill.id, "date": "2026-03-11",
                                              "amount": "1000000"}]
    assert client.get(f"{API}/bills/{bill.id}").json()["status"] == "paid"
    before = counts()
    too_much = client.post(f"{API}/vendor-credits/{credit_id}/refund",
                           json={"date": "2026-03-12", "account": "1111", "amount": "600000"})
    assert too_much.status_code == 422
    assert too_much.headers["content-type"] == "application/problem+json"
    assert counts() == before
    refunded = client.post(f"{API}/vendor-credits/{credit_id}/refund",
                           json={"date": "2026-03-12", "account": "1111"})
    assert refunded.status_code == 200, refunded.text
    assert (refunded.json()["status"], refunded.json()["remaining"]) == ("closed", "0")
    assert client.get(f"{API}/vendor-credits", params={"status": "closed"}).json()["total"] == 1
    assert client.post(f"{API}/vendor-credits/{credit_id}/void").status_code == 409
    assert client.get(f"{API}/vendor-credits/999999").status_code == 404


def test_the_cli_records_applies_and_voids_credits(cli: Any, session: Session, studio: Book,
                                                    make_bill: MakeBill, vendor: Party) -> None:
    from tests.conftest import said

    bill_id = make_bill(service(1_000_000, None), approve=True).id
    session.rollback()
    made = cli("vendor-credits", "create", "--vendor", str(vendor.id), "--reference", "CN-3",
               "--amount", "200000", "--description", "Late delivery", "--date", "2026-03-10",
               "--book", "studio")
    assert made.exit_code == 0, said(made)
    assert "200000 IDR" in said(made)
    credit_id = session.scalars(select(VendorCredit.id)).one()
    session.rollback()
    applied = cli("vendor-credits", "apply", str(credit_id), "--bill", str(bill_id),
                  "--amount", "50000", "--date", "2026-03-11", "--book", "studio")
    assert applied.exit_code == 0, said(applied)
    assert "150000 left" in said(applied)
    listed = cli("vendor-credits", "list", "--book", "studio", "--format", "csv")
    assert "CN-3,open,200000,50000,0,150000" in listed.stdout
    refused = cli("vendor-credits", "void", str(credit_id), "--book", "studio")
    assert refused.exit_code == 1
    assert "cannot be voided" in said(refused)
    bad = cli("vendor-credits", "apply", str(credit_id), "--bill", str(bill_id),
              "--amount", "lots", "--book", "studio")
    assert bad.exit_code == 1


def test_a_credit_applies_only_to_bills_in_its_currency(
        session: Session, studio: Book, make_bill: MakeBill, vendor: Party) -> None:
    dollars = make_bill(service(100, None), currency="USD", exchange_rate=D(16_000),
                        approve=True)
    made = credit(session, studio, vendor, 500_000, code=None)
    with pytest.raises(ValidationError) as caught:
        apply_vendor_credit(session, studio, made, dollars.id)
    assert "in USD" in caught.value.errors[0]["message"]
    session.rollback()
    assert made.remaining == 500_000
