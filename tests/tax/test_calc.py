"""Tax arithmetic: DOMAIN.md's worked examples, rounding rules, document totals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from folio.tax.calc import (
    DocumentLine,
    Rule,
    document_totals,
    stamp_duty_due,
    vat_for_line,
    withholding,
)

PPN12 = Rule(Decimal("0.12"), 11, 12, "down")
PPN12_LUX = Rule(Decimal("0.12"), rounding="down")
PPH23 = Rule(Decimal("0.02"))
GST18 = Rule(Decimal("0.18"))
D = Decimal


def test_it_taxes_a_service_at_12_percent_of_dpp_nilai_lain() -> None:
    line = vat_for_line(D(5_550_000), PPN12, "IDR")
    assert line == (D(5_550_000), D(5_087_500), D(610_500))
    assert line.net + line.tax == D(6_160_500)


def test_it_withholds_pph23_from_the_price_not_the_dpp() -> None:
    assert withholding(D(5_550_000), PPH23, "IDR") == D(111_000)


def test_the_customer_pays_the_total_less_pph23() -> None:
    line = vat_for_line(D(5_550_000), PPN12, "IDR")
    total = line.net + line.tax
    assert total - withholding(line.net, PPH23, "IDR") == D(6_049_500)


def test_it_doubles_pph23_without_an_npwp() -> None:
    assert withholding(D(5_550_000), PPH23, "IDR", has_tax_id=False) == D(222_000)


def test_it_taxes_luxury_goods_on_the_full_price() -> None:
    assert vat_for_line(D(5_550_000), PPN12_LUX, "IDR").tax == D(666_000)


def test_it_rounds_ppn_down_to_whole_rupiah() -> None:
    # 1.000.009 × 11/12 = 916.674,08 → DPP 916.674; × 12% = 110.000,88 → 110.000
    line = vat_for_line(D(1_000_009), PPN12, "IDR")
    assert line.base == D(916_674)
    assert line.tax == D(110_000)


def test_it_rounds_other_codes_half_up() -> None:
    assert vat_for_line(D("10.25"), GST18, "USD").tax == D("1.85")  # 1.845
    assert vat_for_line(D("10.24"), GST18, "USD").tax == D("1.84")  # 1.8432
    assert withholding(D(25), PPH23, "IDR") == D(1)  # 0.5 rounds up


def test_it_backs_out_tax_from_an_inclusive_price() -> None:
    line = vat_for_line(D(6_160_500), PPN12, "IDR", prices_include_tax=True)
    assert line == (D(5_550_000), D(5_087_500), D(610_500))


@given(st.integers(min_value=1, max_value=10**12))
def test_inclusive_prices_split_exactly(gross: int) -> None:
    line = vat_for_line(D(gross), PPN12, "IDR", prices_include_tax=True)
    assert line.net + line.tax == D(gross)
    assert abs(line.tax - vat_for_line(line.net, PPN12, "IDR").tax) <= 1


@given(st.integers(min_value=1, max_value=10**10))
def test_inclusive_cents_split_exactly(cents: int) -> None:
    gross = D(cents).scaleb(-2)
    line = vat_for_line(gross, GST18, "USD", prices_include_tax=True)
    assert line.net + line.tax == gross
    assert abs(line.tax - vat_for_line(line.net, GST18, "USD").tax) <= D("0.01")


@pytest.mark.parametrize(("amount", "due"), [
    (D(5_000_000), D(0)),
    (D(5_000_001), D(10_000)),
    (D(250_000_000), D(10_000)),
    (D(4_999_999), D(0)),
])
def test_stamp_duty_is_due_only_above_five_million_rupiah(amount: Decimal, due: Decimal) -> None:
    assert stamp_duty_due(amount, "IDR") == due


def test_stamp_duty_is_not_computed_on_foreign_amounts() -> None:
    assert stamp_duty_due(D(10_000_000), "USD") == D(0)


def test_document_totals_post_the_line_rounding_gap_as_a_difference() -> None:
    # Each line: DPP 916.674, PPN 110.000,88 → 110.000; three lines' DPP 2.750.022 → 330.002.
    lines = [DocumentLine(D(1_000_009), "PPN12")] * 3
    totals = document_totals(lines, {"PPN12": PPN12}, "IDR")
    assert totals.line_tax == D(330_000)
    assert totals.tax == D(330_002)
    assert totals.rounding_difference == D(2)
    assert totals.total == D(3_000_027) + D(330_002)


def test_document_totals_keep_untaxed_lines_and_codes_apart() -> None:
    lines = [DocumentLine(D(5_550_000), "PPN12"), DocumentLine(D(1_000_000), None),
             DocumentLine(D(1_000_000), "LUX")]
    totals = document_totals(lines, {"PPN12": PPN12, "LUX": PPN12_LUX}, "IDR")
    assert totals.net == D(7_550_000)
    assert totals.tax == D(610_500) + D(120_000)
    assert totals.rounding_difference == D(0)
    assert totals.lines[1].tax == D(0)


@given(st.lists(st.integers(min_value=1, max_value=10**11), min_size=1, max_size=40))
def test_document_totals_never_drift_with_rounding_down(prices: list[int]) -> None:
    lines = [DocumentLine(D(p), "PPN12") for p in prices]
    totals = document_totals(lines, {"PPN12": PPN12}, "IDR")
    assert totals.line_tax == sum(line.tax for line in totals.lines)
    assert totals.tax == totals.line_tax + totals.rounding_difference
    # The tax is 12% of the exact DPP (11/12 of the prices), i.e. 11% of the total, rounded
    # down once; the DPP shown is rounded down separately.
    exact = sum(D(p) for p in prices) * 11 * PPN12.rate / 12
    assert totals.tax == exact.to_integral_value(rounding="ROUND_DOWN")
    assert totals.base == (sum(D(p) for p in prices) * 11 / 12).to_integral_value(
        rounding="ROUND_DOWN")
    assert 0 <= totals.rounding_difference < len(prices)
    assert totals.total == sum(D(p) for p in prices) + totals.tax


@given(st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=40))
def test_document_totals_never_drift_with_half_up(cents: list[int]) -> None:
    lines = [DocumentLine(D(c).scaleb(-2), "GST") for c in cents]
    totals = document_totals(lines, {"GST": GST18}, "USD")
    unit = D("0.01")
    assert totals.tax == totals.line_tax + totals.rounding_difference
    assert totals.tax == (totals.base * GST18.rate).quantize(unit, rounding="ROUND_HALF_UP")
    assert abs(totals.rounding_difference) <= len(cents) * unit
    assert totals.total == totals.net + totals.line_tax + totals.rounding_difference
