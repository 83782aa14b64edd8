"""An invoice's line amounts, tax and totals, rounded at document level.

Rounding follows DOMAIN.md: PPN is whole rupiah rounded down (section 1, SE-22/PJ.24/1990,
PER-29/PJ/2015; the tax code carries the rule), tax is computed per line and any
document-total difference, at most one unit per line, goes to the round-off account so the
entry balances (section 10). Whether Coretax rounds per line or per document is unverified
(section 10, marked as a doubt), so an invoice may choose: ``document`` (the default: each
code's VAT on its summed base, as folio.tax.calc.document_totals states it) or ``line``
(VAT is the sum of the rounded lines, no round-off).

With prices that include tax each line is split exactly (net + tax == the price the
customer agreed), so the total is the sum of the prices and there is no round-off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from folio.money import round_money
from folio.tax.calc import (
    DocumentLine,
    LineTax,
    TaxRule,
    document_totals,
    stamp_duty_due,
    vat_for_line,
    withholding,
)

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PricedLine:
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    tax_code: str | None  # a key of the codes mapping


@dataclass(frozen=True)
class InvoiceTotals:
    amounts: list[Decimal]  # each line's quantity x price less discount
    lines: list[LineTax]
    net: Decimal
    line_tax: Decimal
    tax: Decimal  # the VAT the document states
    rounding: Decimal  # tax - line_tax: posted to the round-off account
    total: Decimal  # net + line_tax + rounding
    withholding: Decimal
    stamp_duty: Decimal


def line_amount(line: PricedLine, currency: str) -> Decimal:
    gross = line.quantity * line.unit_price
    return round_money(gross - gross * line.discount_percent / HUNDRED, currency)


def invoice_totals(lines: Sequence[PricedLine], codes: Mapping[str, TaxRule], currency: str, *,
                   prices_include_tax: bool = False, vat_rounding: str = "document",
                   withholding_code: TaxRule | None = None,
                   customer_has_tax_id: bool = True) -> InvoiceTotals:
    amounts = [line_amount(line, currency) for line in lines]
    if prices_include_tax:
        taxed = [vat_for_line(amount, codes[line.tax_code], currency, prices_include_tax=True)
                 if line.tax_code is not None else LineTax(amount, Decimal(0), Decimal(0))
                 for amount, line in zip(amounts, lines, strict=True)]
        line_tax = sum((t.tax for t in taxed), Decimal(0))
        tax = line_tax
    else:
        doc = document_totals([DocumentLine(amount, line.tax_code)
                               for amount, line in zip(amounts, lines, strict=True)],
                              codes, currency)
        taxed, line_tax = doc.lines, doc.line_tax
        tax = doc.tax if vat_rounding == "document" else doc.line_tax
    net = sum((t.net for t in taxed), Decimal(0))
    total = net + tax
    withheld = (withholding(net, withholding_code, currency, has_tax_id=customer_has_tax_id)
                if withholding_code is not None and net > 0 else Decimal(0))
    return InvoiceTotals(amounts=amounts, lines=taxed, net=net, line_tax=line_tax, tax=tax,
                         rounding=tax - line_tax, total=total, withholding=withheld,
                         stamp_duty=stamp_duty_due(total, currency))
