"""Document-level rounding never drifts: lines, tax, round-off and total always agree."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.ledger.models import JournalEntry
from folio.parties.models import Party
from folio.sales.invoices import InvoiceInput, InvoiceLineInput, create_draft
from folio.sales.issuing import issue_invoice
from folio.sales.totals import PricedLine, invoice_totals
from folio.tax.calc import Rule

PPN12 = Rule(Decimal("0.12"), 11, 12, "down")
LUX = Rule(Decimal("0.12"), rounding="down")
GST = Rule(Decimal("0.18"))
CODES = {"PPN12": PPN12, "PPN12-LUX": LUX}

line_specs = st.tuples(
    st.integers(min_value=0, max_value=10**9),  # unit price
    st.sampled_from(["PPN12", "PPN12-LUX", None]),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1000), places=2),
    st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=1))


@given(st.lists(line_specs, min_size=1, max_size=25), st.booleans(),
       st.sampled_from(["document", "line"]))
def test_totals_add_up_for_any_lines(specs: list[tuple[int, str | None, Decimal, Decimal]],
                                     inclusive: bool, vat_rounding: str) -> None:
    priced = [PricedLine(qty, Decimal(price), discount, code)
              for price, code, qty, discount in specs]
    totals = invoice_totals(priced, CODES, "IDR", prices_include_tax=inclusive,
                            vat_rounding=vat_rounding)
    assert totals.net == sum(line.net for line in totals.lines)
    assert totals.line_tax == sum(line.tax for line in totals.lines)
    assert totals.total == totals.net + totals.line_tax + totals.rounding
    assert totals.tax == totals.line_tax + totals.rounding
    assert 0 <= totals.rounding < len(specs)  # rounding down: at most one rupiah a line
    if inclusive:
        assert totals.total == sum(totals.amounts)
    for value in (totals.net, totals.tax, totals.total):
        assert value == value.to_integral_value()


@given(st.lists(st.integers(min_value=1, max_value=10**8), min_size=1, max_size=20))
def test_half_up_codes_round_off_either_way_within_a_cent_a_line(cents: list[int]) -> None:
    priced = [PricedLine(Decimal(1), Decimal(c).scaleb(-2), Decimal(0), "GST") for c in cents]
    totals = invoice_totals(priced, {"GST": GST}, "USD")
    assert totals.total == totals.net + totals.line_tax + totals.rounding
    assert abs(totals.rounding) <= Decimal("0.01") * len(cents)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(line_specs, min_size=1, max_size=12), st.booleans())
def test_every_issued_invoice_posts_a_balanced_entry(
        session: Session, studio: Book, client_co: Party,
        specs: list[tuple[int, str | None, Decimal, Decimal]], inclusive: bool) -> None:
    draft = create_draft(session, studio, InvoiceInput(
        customer_id=client_co.id, prices_include_tax=inclusive,
        lines=[InvoiceLineInput(description="Work", unit_price=Decimal(price),
                                tax_code=code or "", quantity=qty, discount_percent=discount)
               for price, code, qty, discount in specs]))
    if draft.total <= 0:
        session.rollback()
        return
    invoice = issue_invoice(session, studio, draft)
    entry = session.get_one(JournalEntry, invoice.entry_id)
    amounts = [line.amount for line in entry.lines]
    assert sum(amounts) == 0
    assert entry.lines[0].amount == invoice.total
    assert invoice.total == invoice.net_total + invoice.line_tax_total + invoice.rounding
    assert sum(line.net for line in invoice.lines) == invoice.net_total
    session.rollback()
