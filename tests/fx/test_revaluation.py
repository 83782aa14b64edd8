"""Period-end revaluation: unrealised gain/loss on open items, reversed the next day.

Figures by hand (rates from tests/fx/conftest.py):
  invoice USD 1,000.00 at 16,000; 400 paid 2026-11-15 at 16,100 (gain 40,000)
  30 Nov, closing 16,300: open 600 carried 9,600,000, worth 9,780,000 -> +180,000
  USD bank: 400 carried 6,440,000, worth 6,520,000 -> +80,000
  bill USD 500.00 at 16,000, open: carried -8,000,000, worth -8,150,000 -> -150,000 (a loss)
  net unrealised: 180,000 + 80,000 - 150,000 = 110,000 gain; reversed on 1 Dec.
  600 paid 5 Dec at 16,200: 9,720,000 against 9,600,000 carried -> realised 120,000.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import Conflict, ValidationError
from folio.fx.revaluation import plan_revaluation, revalue
from folio.ledger.check import check_book
from folio.ledger.models import JournalEntry
from folio.parties.models import Party
from folio.purchases.bills import BillInput, BillLineInput, approve_bill, create_bill
from folio.purchases.models import Bill
from folio.sales.models import Invoice
from folio.sales.payments import PaymentInput, record_payment
from tests.fx.conftest import USD_BANK, balance, trial_balance_total

D = Decimal
RECEIVABLE, PAYABLE, REALISED, UNREALISED = "1201", "2101", "7201", "7202"
NOV_30 = date(2026, 11, 30)


@pytest.fixture
def open_items(session: Session, studio: Book, customer: Party,
               usd_invoice: Callable[..., Invoice], usd_bill: Callable[..., Bill]) -> Invoice:
    invoice = usd_invoice()
    record_payment(session, studio, PaymentInput(
        customer_id=customer.id, date=date(2026, 11, 15), account=USD_BANK,
        amount=D("400.00")))
    usd_bill()
    session.commit()
    return invoice


def test_the_dry_run_shows_each_item(session: Session, studio: Book,
                                     open_items: Invoice) -> None:
    plan = plan_revaluation(session, studio, NOV_30)
    figures = {(i.kind, i.reference): (i.amount, i.carried, i.revalued, i.difference)
               for i in plan.items}
    assert figures == {
        ("invoice", open_items.number): (60_000, 9_600_000, 9_780_000, 180_000),
        ("account", USD_BANK): (40_000, 6_440_000, 6_520_000, 80_000),
        ("bill", "BILL/2026/0001"): (-50_000, -8_000_000, -8_150_000, -150_000),
    }
    assert plan.net == 110_000
    assert plan.run is None
    assert session.query(JournalEntry).count() == 3  # invoice, payment, bill: nothing new
    assert plan.as_dict()["items"][0]["difference"] == "180000"


def test_revaluation_posts_and_reverses_the_next_day(session: Session, studio: Book,
                                                     customer: Party,
                                                     open_items: Invoice) -> None:
    receivable_before = balance(session, studio, RECEIVABLE)
    plan = revalue(session, studio, NOV_30)
    assert plan.run is not None
    assert plan.run.entry_id
    assert plan.run.reversal_entry_id
    entry = session.get_one(JournalEntry, plan.run.entry_id)
    reversal = session.get_one(JournalEntry, plan.run.reversal_entry_id)
    assert entry.date == NOV_30
    assert reversal.date == date(2026, 12, 1)
    on_30th = {line.memo.split(":")[0] if line.memo else "": line.base_amount
               for line in entry.lines}
    assert sorted(on_30th.values()) == [-150_000, -110_000, 80_000, 180_000]
    assert sum(line.base_amount for line in entry.lines if line.account.code == UNREALISED) \
        == -110_000
    assert trial_balance_total(session, studio) == 0
    # After the reversal the receivable is carried at the invoice's rate again ...
    assert balance(session, studio, RECEIVABLE) == receivable_before
    assert balance(session, studio, UNREALISED) == 0
    # ... so the December payment realises the whole difference from 16,000.
    record_payment(session, studio, PaymentInput(
        customer_id=customer.id, date=date(2026, 12, 5), account=USD_BANK,
        amount=D("600.00")))
    assert balance(session, studio, RECEIVABLE) == 0
    assert balance(session, studio, REALISED) == -(40_000 + 120_000)
    assert trial_balance_total(session, studio) == 0
    session.flush()
    assert check_book(session, studio).ok  # balances, hash chain and day totals agree


def test_revaluing_twice_is_refused(session: Session, studio: Book,
                                    open_items: Invoice) -> None:
    revalue(session, studio, NOV_30)
    session.commit()
    entries = session.query(JournalEntry).count()
    with pytest.raises(Conflict, match="already revalued on 2026-11-30"):
        revalue(session, studio, NOV_30)
    assert session.query(JournalEntry).count() == entries


def test_no_closing_rate_is_refused(session: Session, studio: Book, supplier: Party,
                                    open_items: Invoice) -> None:
    bill = create_bill(session, studio, BillInput(
        vendor_id=supplier.id, vendor_reference="EU-1", currency="EUR",
        exchange_rate=D("17500"), bill_date=date(2026, 11, 2),
        lines=[BillLineInput(description="Licence", unit_price=D("10.00"))]))
    approve_bill(session, studio, bill)
    entries = session.query(JournalEntry).count()
    with pytest.raises(ValidationError, match="no EUR exchange rate on or before 2026-11-30"):
        revalue(session, studio, NOV_30)
    assert session.query(JournalEntry).count() == entries
