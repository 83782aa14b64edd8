"""Tax arithmetic on Decimals: VAT per line, withholding, bea meterai, document totals.

Pure functions; a tax code is anything with the attributes of ``TaxRule``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple, Protocol

from folio.money import round_money

STAMP_DUTY = Decimal(10_000)
STAMP_DUTY_THRESHOLD = Decimal(5_000_000)


class TaxRule(Protocol):
    @property
    def rate(self) -> Decimal: ...
    @property
    def base_numerator(self) -> int: ...
    @property
    def base_denominator(self) -> int: ...
    @property
    def rounding(self) -> str: ...


@dataclass(frozen=True)
class Rule:
    """A tax rule outside the database, for tests and templates."""

    rate: Decimal
    base_numerator: int = 1
    base_denominator: int = 1
    rounding: str = "half_up"


class LineTax(NamedTuple):
    net: Decimal  # the price excluding tax
    base: Decimal  # DPP: the taxable base (11/12 of the price for PPN nilai lain)
    tax: Decimal


def _base(net: Decimal, code: TaxRule, currency: str) -> Decimal:
    return round_money(net * code.base_numerator / code.base_denominator, currency,
                       code.rounding)


def _tax_on(net: Decimal, code: TaxRule, currency: str, factor: Decimal = Decimal(1)
            ) -> Decimal:
    """Tax on the exact base: PPN on DPP nilai lain is 12% x 11/12 of the price, i.e. 11%
    of it, rounded once; rounding the DPP first would lose a rupiah on Rp10.000.000.
    Multiplying before the one division keeps a terminating result exact."""
    exact = net * code.base_numerator * code.rate * factor / code.base_denominator
    return round_money(exact, currency, code.rounding)


def vat_for_line(price: Decimal, code: TaxRule, currency: str, *,
                 prices_include_tax: bool = False) -> LineTax:
    """Base and tax of one line; an inclusive price is split so that net + tax == price."""
    if prices_include_tax:
        effective = code.rate * code.base_numerator / code.base_denominator
        net_guess = round_money(price / (1 + effective), currency, "half_up")
        tax = _tax_on(net_guess, code, currency)
        net = price - tax
        return LineTax(net, _base(net, code, currency), tax)
    return LineTax(price, _base(price, code, currency), _tax_on(price, code, currency))


def withholding(gross: Decimal, code: TaxRule, currency: str, *,
                has_tax_id: bool = True) -> Decimal:
    """Tax withheld from ``gross`` (the price excluding VAT); doubled without an NPWP."""
    return _tax_on(gross, code, currency, Decimal(1 if has_tax_id else 2))


def stamp_duty_due(amount: Decimal, currency: str) -> Decimal:
    """Bea meterai on a document stating ``amount`` in rupiah: Rp10.000 above Rp5.000.000."""
    if currency != "IDR":
        return Decimal(0)  # callers convert foreign amounts to rupiah first
    return STAMP_DUTY if amount > STAMP_DUTY_THRESHOLD else Decimal(0)


class DocumentLine(NamedTuple):
    amount: Decimal  # price excluding tax
    tax_code: str | None


@dataclass(frozen=True)
class DocumentTotals:
    lines: list[LineTax]
    net: Decimal
    base: Decimal
    line_tax: Decimal  # the sum of the rounded line taxes
    tax: Decimal  # tax on each code's total base, as the faktur states it
    rounding_difference: Decimal  # tax - line_tax: posted to the round-off account
    total: Decimal  # net + tax


def document_totals(lines: Sequence[DocumentLine], codes: Mapping[str, TaxRule],
                    currency: str) -> DocumentTotals:
    """Tax per line, and per code on the summed bases; the gap is the rounding difference.

    The entry balances as: Dr receivable ``total`` / Cr revenue ``net`` / Cr tax ``line_tax``
    / Cr round-off ``rounding_difference`` (0 <= difference < lines when rounding down).
    """
    results: list[LineTax] = []
    nets: dict[str, Decimal] = {}  # the net amounts per tax code
    for line in lines:
        if line.tax_code is None:
            results.append(LineTax(line.amount, Decimal(0), Decimal(0)))
            continue
        result = vat_for_line(line.amount, codes[line.tax_code], currency)
        results.append(result)
        nets[line.tax_code] = nets.get(line.tax_code, Decimal(0)) + result.net
    tax = sum((_tax_on(net, codes[key], currency) for key, net in nets.items()), Decimal(0))
    net = sum((r.net for r in results), Decimal(0))
    line_tax = sum((r.tax for r in results), Decimal(0))
    return DocumentTotals(
        lines=results, net=net,
        base=sum((_base(n, codes[k], currency) for k, n in nets.items()), Decimal(0)),
        line_tax=line_tax,
        tax=tax, rounding_difference=tax - line_tax, total=net + tax)
