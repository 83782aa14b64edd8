"""Foreign-currency invoices and bills: issued at their rate, paid with realised gain/loss.

Figures by hand (IDR book, rates IDR per USD from tests/fx/conftest.py):
  invoice USD 1,000.00 at 16,000          -> receivable 16,000,000
  paid in full at 16,250 (2026-11-20)      -> bank 16,250,000, gain 250,000
  paid 400 at 16,100 (2026-11-15)          -> bank 6,440,000, receivable -6,400,000, gain 40,000
  bill USD 500.00 at 16,000                -> payable -8,000,000
  paid at 16,250                           -> bank -8,125,000, loss 125,000
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import ValidationError
from folio.parties.models import Party
from folio.purchases.models import Bill
from folio.purchases.payments import BillPaymentInput, pay_bills
from folio.sales.invoices import InvoiceInput, InvoiceLineInput, create_draft
from folio.sales.models import Invoice, InvoiceStatus
from folio.sales.payments import AllocationInput, PaymentInput, record_payment
from folio.tax.service import seed_default_tax_codes
from tests.fx.conftest import USD_BANK, balance, trial_balance_total

D = Decimal
RECEIVABLE, PAYABLE, REALISED, REVENUE, ROUNDING = "1201", "2101", "7201", "4101", "7301"


def test_a_usd_invoice_posts_at_its_rate(session: Session, studio: Book,
                                         usd_invoice: Callable[..., Invoice]) -> None:
    invoice = usd_invoice()
    assert invoice.currency == "USD"
    assert invoice.exchange_rate == D(16000)  # looked up: the 2026-11-01 rate
    assert invoice.total == 100_000  # USD cents
    assert balance(session, studio, RECEIVABLE) == 16_000_000
    assert balance(session, studio, REVENUE) == -16_000_000
    assert trial_balance_total(session, studio) == 0


def test_a_full_payment_realises_the_gain(session: Session, studio: Book, customer: Party,
                                          usd_invoice: Callable[..., Invoice]) -> None:
    invoice = usd_invoice()
    payment = record_payment(session, studio, PaymentInput(
        customer_id=customer.id, date=date(2026, 11, 20), account=USD_BANK,
        amount=D("1000.00")))
    assert payment.currency == "USD"
    assert payment.exchange_rate == D(16250)
    assert invoice.status == InvoiceStatus.PAID.value
    assert balance(session, studio, USD_BANK) == 16_250_000
    assert balance(session, studio, RECEIVABLE) == 0
    assert balance(session, studio, REALISED) == -250_000  # a gain is a credit
    assert trial_balance_total(session, studio) == 0


def test_a_partial_payment_clears_its_share(session: Session, studio: Book, customer: Party,
                                            usd_invoice: Callable[..., Invoice]) -> None:
    invoice = usd_invoice()
    record_payment(session, studio, PaymentInput(
        customer_id=customer.id, date=date(2026, 11, 15), account=USD_BANK,
        amount=D("400.00"), allocations=[AllocationInput(invoice.id, D("400.00"))]))
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID.value
    assert balance(session, studio, USD_BANK) == 6_440_000
    assert balance(session, studio, RECEIVABLE) == 16_000_000 - 6_400_000
    assert balance(session, studio, REALISED) == -40_000
    # The rest, 600 at 16,250 = 9,750,000 against 9,600,000 carried: 150,000 more gain.
    record_payment(session, studio, PaymentInput(
        customer_id=customer.id, date=date(2026, 11, 20), account=USD_BANK,
        amount=D("600.00")))
    assert invoice.status == InvoiceStatus.PAID.value
    assert balance(session, studio, RECEIVABLE) == 0
    assert balance(session, studio, REALISED) == -190_000
    assert trial_balance_total(session, studio) == 0


def test_a_given_rate_wins_and_rounding_keeps_the_entry_balanced(
        session: Session, studio: Book, customer: Party) -> None:
    seed_default_tax_codes(session, studio)
    # 3 lines of USD 33.33 at 16,123.45: each line rounds to rupiah on its own.
    invoice = create_draft(session, studio, InvoiceInput(
        customer_id=customer.id, currency="USD", exchange_rate=D("16123.45"),
        issue_date=date(2026, 11, 2),
        lines=[InvoiceLineInput(description=f"Part {n}", unit_price=D("33.33"),
                                tax_code="PPN12", account=REVENUE) for n in range(3)]))
    from folio.sales.issuing import issue_invoice
    issue_invoice(session, studio, invoice)
    assert invoice.exchange_rate == D("16123.45")
    # total USD 99.99 + 12% PPN 12.00 (DPP rule aside, the document's figure) -> receivable
    # = round(total x 16,123.45); the entry still balances to the rupiah.
    expected = int((D(invoice.total) / 100 * D("16123.45")).quantize(D(1), "ROUND_HALF_UP"))
    assert balance(session, studio, RECEIVABLE) == expected
    assert trial_balance_total(session, studio) == 0


def test_usd_payments_need_a_usd_account_and_usd_invoices(
        session: Session, studio: Book, customer: Party,
        usd_invoice: Callable[..., Invoice]) -> None:
    invoice = usd_invoice()
    with pytest.raises(ValidationError) as caught:
        record_payment(session, studio, PaymentInput(
            customer_id=customer.id, date=date(2026, 11, 20), account="1111",
            currency="USD", amount=D("1000.00")))
    assert "1111 is kept in IDR" in caught.value.errors[0]["message"]
    with pytest.raises(ValidationError) as caught:
        record_payment(session, studio, PaymentInput(
            customer_id=customer.id, date=date(2026, 11, 20), account="1111",
            amount=D("1000"), allocations=[AllocationInput(invoice.id, D(1000))]))
    assert "is in USD, the payment in IDR" in caught.value.errors[0]["message"]
    with pytest.raises(ValidationError, match="settles USD invoices only"):
        record_payment(session, studio, PaymentInput(
            customer_id=customer.id, date=date(2026, 11, 20), account=USD_BANK,
            amount=D("1200.00")))


def test_a_currency_without_a_rate_is_refused(session: Session, studio: Book,
                                              customer: Party) -> None:
    with pytest.raises(ValidationError) as caught:
        create_draft(session, studio, InvoiceInput(
            customer_id=customer.id, currency="EUR", issue_date=date(2026, 11, 3),
            lines=[InvoiceLineInput(description="x", unit_price=D(10))]))
    assert caught.value.errors[0] == {
        "field": "currency", "message": "no EUR exchange rate on or before 2026-11-03: add one"}
    with pytest.raises(ValidationError) as caught:
        create_draft(session, studio, InvoiceInput(
            customer_id=customer.id, currency="XYZ", issue_date=date(2026, 11, 3),
            lines=[InvoiceLineInput(description="x", unit_price=D(10))]))
    assert caught.value.errors[0]["field"] == "currency"
    with pytest.raises(ValidationError) as caught:
        create_draft(session, studio, InvoiceInput(
            customer_id=customer.id, currency="USD", exchange_rate=D(-5),
            issue_date=date(2026, 11, 3),
            lines=[InvoiceLineInput(description="x", unit_price=D(10))]))
    assert caught.value.errors[0]["field"] == "exchange_rate"


def test_a_usd_bill_paid_when_the_rate_rose_realises_a_loss(
        session: Session, studio: Book, supplier: Party,
        usd_bill: Callable[..., Bill]) -> None:
    bill = usd_bill()
    assert bill.exchange_rate == D(16000)
    assert balance(session, studio, PAYABLE) == -8_000_000
    pay_bills(session, studio, BillPaymentInput(
        vendor_id=supplier.id, date=date(2026, 11, 20), account=USD_BANK,
        amount=D("500.00")))
    assert bill.status == "paid"
    assert balance(session, studio, PAYABLE) == 0
    assert balance(session, studio, USD_BANK) == -8_125_000
    assert balance(session, studio, REALISED) == 125_000  # a loss is a debit
    assert trial_balance_total(session, studio) == 0


def test_a_partial_bill_payment_clears_its_share(session: Session, studio: Book,
                                                 supplier: Party,
                                                 usd_bill: Callable[..., Bill]) -> None:
    bill = usd_bill()
    # 200 at 16,100 = 3,220,000 paid against 3,200,000 carried: 20,000 loss.
    pay_bills(session, studio, BillPaymentInput(
        vendor_id=supplier.id, date=date(2026, 11, 15), account=USD_BANK,
        amount=D("200.00")))
    assert bill.status == "partially_paid"
    assert balance(session, studio, PAYABLE) == -4_800_000
    assert balance(session, studio, REALISED) == 20_000
    assert trial_balance_total(session, studio) == 0


def test_voiding_a_usd_payment_reopens_the_invoice_at_its_carried_amount(
        session: Session, studio: Book, customer: Party,
        usd_invoice: Callable[..., Invoice]) -> None:
    from folio.sales.payments import void_payment

    invoice = usd_invoice()
    payment = record_payment(session, studio, PaymentInput(
        customer_id=customer.id, date=date(2026, 11, 15), account=USD_BANK,
        amount=D("400.00")))
    void_payment(session, studio, payment)
    assert invoice.status == InvoiceStatus.ISSUED.value
    assert invoice.amount_due == 100_000
    assert balance(session, studio, RECEIVABLE) == 16_000_000
    assert balance(session, studio, REALISED) == 0
    assert balance(session, studio, USD_BANK) == 0
    assert trial_balance_total(session, studio) == 0


def test_writing_off_a_usd_invoice_clears_its_carried_base(
        session: Session, studio: Book, customer: Party,
        usd_invoice: Callable[..., Invoice]) -> None:
    from folio.sales.adjustments import write_off

    invoice = usd_invoice()
    record_payment(session, studio, PaymentInput(
        customer_id=customer.id, date=date(2026, 11, 15), account=USD_BANK,
        amount=D("400.00"), allocations=[AllocationInput(invoice.id, D("400.00"))]))
    # USD 600.00 still due, carried at 16,000: 9,600,000 to bad debts, whatever today's rate.
    write_off(session, studio, invoice, on=date(2026, 11, 30))
    assert invoice.status == InvoiceStatus.WRITTEN_OFF.value
    assert invoice.amount_written_off == 60_000  # USD cents
    assert balance(session, studio, RECEIVABLE) == 0
    assert balance(session, studio, "6402") == 9_600_000
    assert trial_balance_total(session, studio) == 0


def test_receivables_aging_counts_a_usd_invoice_at_its_carried_rupiah(
        session: Session, studio: Book, customer: Party,
        usd_invoice: Callable[..., Invoice]) -> None:
    from folio.sales.reports import customer_statement, receivables_aging

    invoice = usd_invoice()
    record_payment(session, studio, PaymentInput(
        customer_id=customer.id, date=date(2026, 11, 15), account=USD_BANK,
        amount=D("400.00"), allocations=[AllocationInput(invoice.id, D("400.00"))]))
    aging = receivables_aging(session, studio, date(2026, 11, 30))
    # USD 600.00 due, carried at 16,000 = Rp9,600,000: the receivable account's balance.
    assert sum(aging.totals.values()) == 9_600_000 == balance(session, studio, RECEIVABLE)
    # The customer's statement is in the invoice's currency, never a mix.
    statement = customer_statement(session, studio, customer, date(2026, 11, 1),
                                   date(2026, 11, 30), currency="USD")
    assert statement.currency == "USD"
    assert statement.closing == 60_000  # USD cents


def test_sales_and_ppn_reports_count_a_usd_invoice_in_rupiah(
        session: Session, studio: Book, usd_invoice: Callable[..., Invoice]) -> None:
    from folio.sales.analysis import sales_by
    from folio.tax.reports import ppn_return

    seed_default_tax_codes(session, studio)
    usd_invoice(tax_code="PPN12")
    # USD 1,000.00 at 16,000: revenue Rp16,000,000; PPN 12% of DPP 11/12 = USD 110.00,
    # Rp1,760,000 at the invoice's rate.
    sales = sales_by(session, studio, "customer", date(2026, 11, 1), date(2026, 11, 30))
    assert sales.net == 16_000_000 == -balance(session, studio, REVENUE)
    ppn = ppn_return(session, studio, "2026-11")
    assert ppn.output_tax == 1_760_000
