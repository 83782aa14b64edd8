"""A November 2026 of an IDR studio, for the sales, profitability and tax reports' tests.

Hand-computed figures (PPN12 is 12% on DPP 11/12, rounded down; PPN12-LUX 12% on the price):

- INV 1, 3 Nov, PT Klien Maju, project P1: 2 x DESIGN at 5.000.000 (PPN12), PPh 23 withheld.
  Net 10.000.000, DPP 9.166.666, PPN 1.100.000, total 11.100.000.
- INV 2, 10 Nov, CV Beta (no NPWP): 1 x LAPTOP at 20.000.000 (PPN12-LUX), DPP 20.000.000,
  PPN 2.400.000; and a setup line of 500.000 without item or tax. Net 20.500.000.
- CN, 20 Nov, against INV 1: 1 x DESIGN at 5.000.000: DPP 4.583.333, PPN 550.000.
- Bill, 5 Nov, PT Vendor Kreatif, project P1: 3.000.000 (PPN-IN): DPP 2.750.000,
  PPN 330.000; we withhold PPh 23 2% = 60.000.
- Expense, 12 Nov, project P1: 1.110.000 paid incl. PPN-IN: net 1.000.000, PPN 110.000,
  DPP 916.666.
- Payment, 25 Nov, PT Klien Maju: 5.450.000 received, 100.000 PPh 23 withheld (BP-0001).
- Outside the month or the report: an October invoice (7.000.000), a November draft and a
  November invoice that was voided.

November: sales 25.500.000; PPN output 2.950.000 (DPP 24.583.333), input 440.000
(DPP 3.666.666), payable 2.510.000. Project P1: revenue 5.000.000, costs 4.000.000,
margin 1.000.000 (20.0%), budget 20.000.000 of which 20.0% used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.parties.models import Party
from folio.parties.service import PartyInput, create_party
from folio.purchases.bills import BillInput, BillLineInput, approve_bill, create_bill
from folio.purchases.expenses import ExpenseInput, record_expense
from folio.sales.adjustments import CreditNoteInput, create_credit_note
from folio.sales.invoices import InvoiceInput, InvoiceLineInput, create_draft
from folio.sales.issuing import issue_invoice, void_invoice
from folio.sales.items import ItemInput, create_item
from folio.sales.models import Invoice, Project
from folio.sales.payments import AllocationInput, PaymentInput, record_payment
from folio.sales.projects import ProjectInput, create_project

D = Decimal


@dataclass
class November:
    book: Book
    klien: Party
    beta: Party
    vendor: Party
    project: Project
    invoice: Invoice
    laptop_invoice: Invoice
    credit_note: Invoice


def build_november(session: Session, book: Book, klien: Party) -> November:
    """The month above, in ``book`` (with the default Indonesian tax codes)."""
    beta, _ = create_party(session, book, PartyInput(name="CV Beta", is_customer=True))
    vendor, _ = create_party(session, book, PartyInput(
        name="PT Vendor Kreatif", is_vendor=True, tax_id="0987654321098765"))
    design = create_item(session, book, ItemInput(code="DESIGN", name="Design",
                                                  tax_code="PPN12"))
    laptop = create_item(session, book, ItemInput(code="LAPTOP", name="Laptop",
                                                  tax_code="PPN12-LUX"))
    project = create_project(session, book, ProjectInput(
        customer_id=klien.id, code="P1", name="Rebrand", budget=D(20_000_000)))

    def invoice(customer: Party, day: str, lines: list[InvoiceLineInput], *,
                issue: bool = True, **extra: object) -> Invoice:
        draft = create_draft(session, book, InvoiceInput(
            customer_id=customer.id, issue_date=date.fromisoformat(day), lines=lines,
            **extra))  # type: ignore[arg-type]
        if issue:
            issue_invoice(session, book, draft)
        return draft

    first = invoice(klien, "2026-11-03", [InvoiceLineInput(
        description="Design", item_id=design.id, quantity=D(2), unit_price=D(5_000_000))],
        project_id=project.id, withholding_code="PPH23")
    second = invoice(beta, "2026-11-10", [
        InvoiceLineInput(description="Laptop", item_id=laptop.id, unit_price=D(20_000_000)),
        InvoiceLineInput(description="Setup", unit_price=D(500_000), tax_code="")])
    invoice(klien, "2026-10-30", [InvoiceLineInput(
        description="Design", item_id=design.id, unit_price=D(7_000_000))])
    invoice(klien, "2026-11-15", [InvoiceLineInput(
        description="Draft", unit_price=D(1_000_000), tax_code="PPN12")], issue=False)
    voided = invoice(beta, "2026-11-16", [InvoiceLineInput(
        description="Mistake", unit_price=D(3_000_000), tax_code="PPN12")])
    void_invoice(session, book, voided, on=date(2026, 11, 16))
    credit = create_credit_note(session, book, first, CreditNoteInput(
        issue_date=date(2026, 11, 20), reason="One design cancelled", lines=[
            InvoiceLineInput(description="Design", item_id=design.id, quantity=D(1),
                             unit_price=D(5_000_000), tax_code="PPN12")]))
    bill = create_bill(session, book, BillInput(
        vendor_id=vendor.id, vendor_reference="FP-010.000-26.00000001",
        bill_date=date(2026, 11, 5), project_id=project.id, withholding_code="PPH23",
        lines=[BillLineInput(description="Video production", unit_price=D(3_000_000),
                             tax_code="PPN-IN", account="5101")]))
    approve_bill(session, book, bill)
    record_expense(session, book, ExpenseInput(
        date=date(2026, 11, 12), payee="Toko Kamera", account="5101", amount=D(1_110_000),
        description="Lens rental", tax_code="PPN-IN", project_id=project.id,
        paid_from="1111"))
    record_payment(session, book, PaymentInput(
        customer_id=klien.id, date=date(2026, 11, 25), account="1111", amount=D(5_450_000),
        withheld_tax=D(100_000), withholding_reference="BP-0001", reference="TRF 25/11",
        allocations=[AllocationInput(first.id, D(5_550_000))]))
    session.commit()
    return November(book, klien, beta, vendor, project, first, second, credit)
