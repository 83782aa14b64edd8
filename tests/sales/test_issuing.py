"""Issuing invoices: DOMAIN.md's PPN examples, rounding, numbers, the entry posted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import Conflict, ValidationError
from folio.ledger.check import check_book
from folio.ledger.models import JournalEntry
from folio.parties.models import Party
from folio.sales.invoices import InvoiceInput, create_draft, delete_draft, update_draft
from folio.sales.issuing import issue_invoice, void_invoice
from folio.sales.models import Invoice
from folio.sales.numbering import set_format
from tests.sales.conftest import MakeInvoice, balance, lines

D = Decimal


def entry_lines(session: Session, invoice: Invoice) -> dict[str, int]:
    entry = session.get_one(JournalEntry, invoice.entry_id)
    out: dict[str, int] = {}
    for line in entry.lines:
        out[line.account.code] = out.get(line.account.code, 0) + line.amount
    return out


def test_a_service_invoice_charges_ppn_on_dpp_nilai_lain(session: Session, studio: Book,
                                                         make_invoice: MakeInvoice) -> None:
    # DOMAIN.md 1: service Rp5.550.000 -> DPP 5.087.500, PPN 12% 610.500, total 6.160.500.
    invoice = make_invoice((5_550_000, "PPN12"), issue=True)
    assert invoice.number == "INV/2026/03/0001"
    assert invoice.status == "issued"
    assert (invoice.net_total, invoice.tax_total, invoice.total) == \
        (5_550_000, 610_500, 6_160_500)
    assert invoice.lines[0].tax_base == 5_087_500
    assert invoice.rounding == 0
    assert entry_lines(session, invoice) == {"1201": 6_160_500, "4101": -5_550_000,
                                             "2301": -610_500}


def test_ten_million_of_services(session: Session, studio: Book,
                                 make_invoice: MakeInvoice) -> None:
    # 10.000.000 x 11/12 = 9.166.666,67. The PPN is 12% of the exact DPP, i.e. 11% of the
    # price, = 1.100.000, rounded down to whole rupiah once (DOMAIN.md 1, SE-22/PJ.24/1990);
    # the DPP shown is rounded down too. Taxing the rounded DPP would lose a rupiah.
    invoice = make_invoice((10_000_000, "PPN12"), issue=True)
    assert invoice.lines[0].tax_base == 9_166_666
    assert invoice.tax_total == 1_100_000
    assert invoice.total == 11_100_000


def test_pph23_is_expected_on_the_price_and_stamp_duty_is_flagged(
        make_invoice: MakeInvoice) -> None:
    # DOMAIN.md 2: PPh 23 is 2% of the price excluding PPN, not of the DPP: 111.000.
    invoice = make_invoice((5_550_000, "PPN12"), withholding_code="PPH23")
    assert invoice.withholding_amount == 111_000
    assert invoice.total - invoice.withholding_amount == 6_049_500
    # DOMAIN.md 3: Rp10.000 on documents above Rp5.000.000.
    assert invoice.stamp_duty == 10_000
    assert invoice.stamp_duty_borne_by == "issuer"


def test_stamp_duty_is_not_due_at_exactly_five_million(make_invoice: MakeInvoice) -> None:
    assert make_invoice((5_000_000, None)).stamp_duty == 0
    assert make_invoice((5_000_001, None), stamp_duty_borne_by="customer").stamp_duty == 10_000


def test_pph23_doubles_for_a_customer_without_npwp(session: Session, studio: Book,
                                                   make_invoice: MakeInvoice) -> None:
    from folio.parties.service import PartyInput, create_party

    person, _ = create_party(session, studio, PartyInput(name="Budi", is_customer=True))
    invoice = make_invoice((5_550_000, "PPN12"), customer_id=person.id,
                           withholding_code="PPH23")
    assert invoice.withholding_amount == 222_000


def test_inclusive_prices_split_exactly(session: Session, make_invoice: MakeInvoice) -> None:
    invoice = make_invoice((6_160_500, "PPN12"), prices_include_tax=True, issue=True)
    assert (invoice.net_total, invoice.tax_total, invoice.total) == \
        (5_550_000, 610_500, 6_160_500)
    assert entry_lines(session, invoice) == {"1201": 6_160_500, "4101": -5_550_000,
                                             "2301": -610_500}


def test_the_document_rounding_difference_goes_to_round_off(
        session: Session, make_invoice: MakeInvoice) -> None:
    # Each line: DPP 916.674, PPN 110.000,88 -> 110.000 (rounded down per line); the
    # document's DPP 2.750.022 -> PPN 330.002; the 2 rupiah go to 7301 (DOMAIN.md 10).
    invoice = make_invoice(*[(1_000_009, "PPN12")] * 3, issue=True)
    assert invoice.line_tax_total == 330_000
    assert invoice.tax_total == 330_002
    assert invoice.rounding == 2
    assert invoice.total == 3_000_027 + 330_002
    assert entry_lines(session, invoice) == {"1201": 3_330_029, "4101": -3_000_027,
                                             "2301": -330_000, "7301": -2}


def test_line_rounding_can_be_chosen_instead(make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(*[(1_000_009, "PPN12")] * 3, vat_rounding="line", issue=True)
    assert (invoice.tax_total, invoice.rounding, invoice.total) == (330_000, 0, 3_330_027)


def test_quantity_and_discount(make_invoice: MakeInvoice) -> None:
    invoice = make_invoice((1_500_000, "PPN12", "2.5", "10"))
    # 2,5 x 1.500.000 = 3.750.000 less 10% = 3.375.000; DPP 3.093.750; PPN 371.250.
    assert invoice.lines[0].amount == 3_375_000
    assert invoice.tax_total == 371_250


def test_due_date_follows_the_customer_terms(make_invoice: MakeInvoice) -> None:
    assert make_invoice().due_date == date(2026, 4, 1)
    assert make_invoice(due_date=date(2026, 3, 9)).due_date == date(2026, 3, 9)


def test_numbers_follow_on_and_restart_each_year(session: Session, studio: Book,
                                                 make_invoice: MakeInvoice) -> None:
    numbers = [make_invoice(day=day, issue=True).number
               for day in ("2026-03-02", "2026-04-10", "2026-12-31", "2027-01-02")]
    assert numbers == ["INV/2026/03/0001", "INV/2026/04/0002", "INV/2026/12/0003",
                       "INV/2027/01/0001"]


def test_drafts_have_no_number_and_a_failed_issue_takes_none(
        session: Session, studio: Book, make_invoice: MakeInvoice) -> None:
    draft = make_invoice()
    assert draft.number is None
    draft.lines[0].tax_code_id = None
    draft.lines[0].unit_price = 0
    session.flush()
    with pytest.raises(ValidationError):
        issue_invoice(session, studio, draft)
    session.rollback()
    assert make_invoice(issue=True).number == "INV/2026/03/0001"


def test_the_number_format_is_configurable(session: Session, studio: Book,
                                           make_invoice: MakeInvoice) -> None:
    set_format(session, studio, "invoice", 2026, "{yy}-{seq:05d}")
    assert make_invoice(issue=True).number == "26-00001"
    with pytest.raises(ValidationError):
        set_format(session, studio, "invoice", 2026, "INV/{yyyy}")
    with pytest.raises(ValidationError):
        set_format(session, studio, "invoice", 2026, "{seq}{__class__}")


def test_an_issued_invoice_cannot_change_or_be_deleted(
        session: Session, studio: Book, make_invoice: MakeInvoice, client_co: Party) -> None:
    invoice = make_invoice(issue=True)
    with pytest.raises(Conflict):
        update_draft(session, studio, invoice, InvoiceInput(
            customer_id=client_co.id, lines=lines((1, None))))
    with pytest.raises(Conflict):
        delete_draft(session, studio, invoice)
    with pytest.raises(Conflict):
        issue_invoice(session, studio, invoice)


def test_a_draft_can_be_edited_and_deleted(session: Session, studio: Book,
                                           make_invoice: MakeInvoice, client_co: Party) -> None:
    draft = make_invoice()
    update_draft(session, studio, draft, InvoiceInput(
        customer_id=client_co.id, issue_date=date(2026, 3, 5),
        lines=lines((100_000, None), (200_000, "PPN12"))))
    assert [line.line_no for line in draft.lines] == [1, 2]
    assert draft.total == 300_000 + 22_000  # DPP 183.333,33; PPN 12% of it = 22.000
    delete_draft(session, studio, draft)
    session.commit()
    assert session.scalar(select(Invoice.id)) is None


@pytest.mark.parametrize(("field", "change"), [
    ("lines[0].quantity", {"quantity": D(-1)}),
    ("lines[0].tax_code", {"tax_code": "NOPE"}),
    ("lines[0].tax_code", {"tax_code": "PPH23"}),
    ("lines[0].unit_price", {"unit_price": D("10.5")}),
    ("lines[0].discount_percent", {"discount_percent": D(101)}),
    ("lines[0].account", {"account": "1111"}),
])
def test_bad_lines_are_refused_by_field(session: Session, studio: Book, client_co: Party,
                                        field: str, change: dict[str, object]) -> None:
    line = lines((1_000, "PPN12"))[0]
    for key, value in change.items():
        setattr(line, key, value)
    with pytest.raises(ValidationError) as caught:
        create_draft(session, studio, InvoiceInput(customer_id=client_co.id, lines=[line]))
    assert field in [e["field"] for e in caught.value.errors]


def test_a_foreign_currency_is_refused_clearly(session: Session, studio: Book,
                                               client_co: Party) -> None:
    with pytest.raises(ValidationError) as caught:
        create_draft(session, studio, InvoiceInput(customer_id=client_co.id, currency="USD",
                                                   lines=lines((100, None))))
    assert caught.value.errors[0]["field"] == "currency"
    assert "exchange rate" in caught.value.errors[0]["message"]


def test_a_vendor_is_not_invoiced(session: Session, studio: Book) -> None:
    from folio.parties.service import PartyInput, create_party

    vendor, _ = create_party(session, studio, PartyInput(name="Supplier", is_vendor=True))
    with pytest.raises(ValidationError) as caught:
        create_draft(session, studio, InvoiceInput(customer_id=vendor.id,
                                                   lines=lines((100, None))))
    assert caught.value.errors[0]["field"] == "customer_id"


def test_void_reverses_the_entry(session: Session, studio: Book,
                                 make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    assert balance(session, studio, "1201") == 6_160_500
    void_invoice(session, studio, invoice, on=date(2026, 3, 3), reason="wrong client")
    session.commit()
    assert invoice.status == "void"
    assert balance(session, studio, "1201") == 0
    assert balance(session, studio, "2301") == 0
    with pytest.raises(Conflict):
        void_invoice(session, studio, invoice)
    assert check_book(session, studio).ok
