"""Vendor bills: the approval entry in rupiah checked by hand, duplicates, voiding."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit.models import AuditEvent
from folio.books.models import Book
from folio.errors import Conflict, ValidationError
from folio.ledger.models import JournalEntry
from folio.parties.models import Party
from folio.parties.service import PartyInput, create_party
from folio.purchases.bills import BillInput, approve_bill, create_bill, get_bill, void_bill
from folio.purchases.payments import BillPaymentInput, pay_bills
from tests.purchases.conftest import D, MakeBill, service
from tests.sales.conftest import balance


def test_approving_a_service_bill_posts_expense_input_vat_payable_and_pph23(
        session: Session, studio: Book, make_bill: MakeBill) -> None:
    bill = make_bill(service(5_550_000), withholding_code="PPH23", approve=True)
    # DPP nilai lain 11/12 x 5.550.000 = 5.087.500; PPN 12% of it = 610.500;
    # the vendor bills 5.550.000 + 610.500 = 6.160.500. We withhold PPh 23 2% of the
    # price excluding PPN: 2% x 5.550.000 = 111.000, and owe the vendor 6.049.500.
    assert (bill.number, bill.status) == ("BILL/2026/0001", "approved")
    assert (bill.net_total, bill.tax_total, bill.total) == (5_550_000, 610_500, 6_160_500)
    assert bill.lines[0].tax_base == 5_087_500
    assert (bill.withholding_amount, bill.payable, bill.amount_due) == \
        (111_000, 6_049_500, 6_049_500)
    assert bill.due_date == date(2026, 4, 1)  # the vendor's 30 days
    assert balance(session, studio, "5101") == 5_550_000  # Dr direct costs
    assert balance(session, studio, "1401") == 610_500  # Dr PPN masukan
    assert balance(session, studio, "2101") == -6_049_500  # Cr utang usaha
    assert balance(session, studio, "2312") == -111_000  # Cr utang PPh 23
    entry = session.get_one(JournalEntry, bill.entry_id)
    assert entry.reference == "BILL/2026/0001"
    assert session.scalar(select(AuditEvent.action).where(
        AuditEvent.object_type == "bill", AuditEvent.object_id == str(bill.id))
        .order_by(AuditEvent.id.desc()).limit(1)) == "approve"


def test_withholding_applies_to_services_only_and_goods_go_to_their_account(
        session: Session, studio: Book, make_bill: MakeBill) -> None:
    bill = make_bill(service(5_550_000),
                     service(10_000_000, description="Laptop", account="1502",
                             is_service=False),
                     withholding_code="PPH23", approve=True)
    # PPN: 11/12 x 12% = 11% of 15.550.000 = 1.710.500 (610.500 + 1.100.000, no round-off).
    # PPh 23 only on the service: 2% x 5.550.000 = 111.000.
    assert (bill.tax_total, bill.rounding, bill.total) == (1_710_500, 0, 17_260_500)
    assert bill.withholding_amount == 111_000
    assert balance(session, studio, "1502") == 10_000_000
    assert balance(session, studio, "2101") == -17_149_500


def test_a_vendor_without_an_npwp_has_pph23_doubled(session: Session, studio: Book,
                                                   make_bill: MakeBill) -> None:
    party, _ = create_party(session, studio, PartyInput(name="Freelancer", is_vendor=True))
    bill = make_bill(service(1_000_000, None), vendor_id=party.id, withholding_code="PPH23")
    assert bill.withholding_amount == 40_000  # 4% without an NPWP


def test_a_vendor_invoice_number_is_recorded_once_per_vendor(
        session: Session, studio: Book, make_bill: MakeBill, vendor: Party) -> None:
    first = make_bill(vendor_reference="INV-77", approve=True)
    with pytest.raises(Conflict) as caught:
        make_bill(vendor_reference="inv-77")
    assert "INV-77 is already recorded" in caught.value.detail
    assert first.number in caught.value.detail
    assert caught.value.errors[0]["field"] == "vendor_reference"
    session.rollback()
    other, _ = create_party(session, studio, PartyInput(name="Other vendor", is_vendor=True))
    assert make_bill(vendor_reference="INV-77", vendor_id=other.id).id


def test_bad_bills_are_refused_with_field_errors(session: Session, studio: Book,
                                                 vendor: Party) -> None:
    customer, _ = create_party(session, studio, PartyInput(name="Only a customer",
                                                           is_customer=True))
    with pytest.raises(ValidationError) as caught:
        create_bill(session, studio, BillInput(
            vendor_id=customer.id, vendor_reference=" ",
            lines=[service(-1, "NOPE"), service(100, "PPH23", account="4101")],
            bill_date=date(2026, 3, 2), due_date=date(2026, 3, 1)))
    assert {e["field"] for e in caught.value.errors} == {
        "vendor_id", "vendor_reference", "due_date", "lines[0].unit_price", "lines[0].tax_code",
        "lines[1].tax_code", "lines[1].account"}


def test_void_only_while_unpaid(session: Session, studio: Book, make_bill: MakeBill,
                                vendor: Party) -> None:
    unpaid = make_bill(approve=True)
    void_bill(session, studio, unpaid, on=date(2026, 3, 5), reason="entered twice")
    session.commit()
    assert unpaid.status == "void"
    assert balance(session, studio, "2101") == 0
    assert balance(session, studio, "1401") == 0
    with pytest.raises(Conflict):
        void_bill(session, studio, unpaid)
    paid = make_bill(approve=True)
    pay_bills(session, studio, BillPaymentInput(vendor_id=vendor.id, date=date(2026, 3, 10),
                                                account="1111", amount=D(1_000_000)))
    session.commit()
    with pytest.raises(Conflict, match="payments recorded"):
        void_bill(session, studio, get_bill(session, studio, paid.id))
    with pytest.raises(Conflict, match="delete it instead"):
        void_bill(session, studio, make_bill())


def test_an_approved_bill_cannot_be_approved_again(session: Session, studio: Book,
                                                   make_bill: MakeBill) -> None:
    bill = make_bill(approve=True)
    with pytest.raises(Conflict):
        approve_bill(session, studio, bill)
    second = make_bill(approve=True)
    assert second.number == "BILL/2026/0002"
