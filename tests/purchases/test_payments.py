"""Paying vendors: partial and several payments, bank fees, statuses, payables aging."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import ValidationError
from folio.parties.models import Party
from folio.parties.service import PartyInput, create_party
from folio.purchases.payments import BillAllocationInput, BillPaymentInput, pay_bills
from folio.purchases.reports import aging_dict, aging_table, payables_aging
from tests.purchases.conftest import D, MakeBill, service
from tests.sales.conftest import balance


def pay(session: Session, book: Book, vendor: Party, amount: int, day: str = "2026-03-20",
        **extra: object) -> None:
    pay_bills(session, book, BillPaymentInput(vendor_id=vendor.id, date=date.fromisoformat(day),
                                              account="1111", amount=D(amount),
                                              **extra))  # type: ignore[arg-type]
    session.commit()


def test_partial_then_final_payment_with_a_bank_fee(session: Session, studio: Book,
                                                    make_bill: MakeBill, vendor: Party) -> None:
    bill = make_bill(service(5_550_000), withholding_code="PPH23", approve=True)
    pay(session, studio, vendor, 2_000_000, bank_fee=D(6_500))
    assert (bill.status, bill.amount_paid, bill.amount_due) == \
        ("partially_paid", 2_000_000, 4_049_500)
    # Dr 2101 2.000.000, Dr 6502 6.500 / Cr 1111 2.006.500
    assert balance(session, studio, "6502") == 6_500
    assert balance(session, studio, "1111") == -2_006_500
    pay(session, studio, vendor, 4_049_500, day="2026-04-01",
        allocations=[BillAllocationInput(bill.id, D(4_049_500))])
    assert (bill.status, bill.amount_due) == ("paid", 0)
    assert balance(session, studio, "2101") == 0
    assert balance(session, studio, "2312") == -111_000  # still owed to the tax office
    assert balance(session, studio, "1111") == -6_056_000


def test_an_unallocated_payment_settles_the_oldest_bills_first(
        session: Session, studio: Book, make_bill: MakeBill, vendor: Party) -> None:
    older = make_bill(service(1_000_000, None), day="2026-01-10", approve=True)
    newer = make_bill(service(1_000_000, None), day="2026-02-10", approve=True)
    pay(session, studio, vendor, 1_500_000)
    assert (older.status, newer.status) == ("paid", "partially_paid")
    assert newer.amount_due == 500_000


def test_overpaying_and_paying_a_draft_are_refused_and_change_nothing(
        session: Session, studio: Book, make_bill: MakeBill, vendor: Party) -> None:
    bill = make_bill(service(1_000_000, None), approve=True)
    draft = make_bill(service(1_000_000, None))
    with pytest.raises(ValidationError) as caught:
        pay(session, studio, vendor, 1_000_001)
    assert caught.value.errors[0]["field"] == "amount"
    session.rollback()
    with pytest.raises(ValidationError) as caught:
        pay(session, studio, vendor, 1_000_000,
            allocations=[BillAllocationInput(draft.id, D(1_000_000))])
    assert caught.value.errors[0]["field"] == "allocations[0].bill_id"
    session.rollback()
    with pytest.raises(ValidationError):
        pay(session, studio, vendor, 0)
    session.rollback()
    other, _ = create_party(session, studio, PartyInput(name="Other", is_vendor=True))
    with pytest.raises(ValidationError) as caught:
        pay(session, studio, other, 100, allocations=[BillAllocationInput(bill.id, D(100))])
    assert "another vendor" in caught.value.errors[0]["message"]
    session.rollback()
    assert balance(session, studio, "1111") == 0
    assert bill.amount_paid == 0


def test_payables_aging_buckets_by_days_past_due(session: Session, studio: Book,
                                                 make_bill: MakeBill, vendor: Party) -> None:
    # Due 30 days after the bill date; as of 2026-06-30:
    make_bill(service(100, None), day="2026-06-15", approve=True)  # due 07-15: current
    make_bill(service(200, None), day="2026-05-15", approve=True)  # due 06-14: 16 days
    make_bill(service(300, None), day="2026-04-15", approve=True)  # due 05-15: 46 days
    make_bill(service(400, None), day="2026-03-15", approve=True)  # due 04-14: 77 days
    old = make_bill(service(500, None), day="2026-01-15", approve=True)  # due 02-14: 136
    make_bill(service(999, None), day="2026-01-01")  # a draft: left out
    pay(session, studio, vendor, 120, day="2026-06-01",
        allocations=[BillAllocationInput(old.id, D(120))])
    report = aging_dict(payables_aging(session, studio, date(2026, 6, 30)))
    row = report["vendors"][0]
    assert (row["current"], row["1-30"], row["31-60"], row["61-90"], row["over_90"],
            row["total"]) == ("100", "200", "300", "400", "380", "1380")
    # Before the payment and the later bills existed:
    early = payables_aging(session, studio, date(2026, 3, 31))
    assert aging_table(early)[1][-1] == ["Total", "400", "0", "500", "0", "0", "900"]
