"""Default tax codes per book country. Only Indonesia has defaults; elsewhere users add codes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from folio.tax.models import TaxKind


@dataclass(frozen=True)
class TaxCodeTemplate:
    code: str
    name: str
    kind: str
    rate: Decimal
    account_role: str
    base_numerator: int = 1
    base_denominator: int = 1
    rounding: str = "half_up"


DEFAULT_TAX_CODES: dict[str, tuple[TaxCodeTemplate, ...]] = {
    "ID": (
        # Services and most goods: 12% on DPP nilai lain 11/12, whole rupiah rounded down.
        TaxCodeTemplate("PPN12", "PPN 12% (DPP 11/12)", TaxKind.VAT, Decimal("0.12"),
                        "output_vat", 11, 12, "down"),
        # PPnBM (luxury) goods: 12% on the full price.
        TaxCodeTemplate("PPN12-LUX", "PPN 12% luxury goods", TaxKind.VAT, Decimal("0.12"),
                        "output_vat", rounding="down"),
        TaxCodeTemplate("PPN-IN", "PPN masukan 12% (DPP 11/12)", TaxKind.VAT, Decimal("0.12"),
                        "input_vat", 11, 12, "down"),
        # Withheld by the customer from the price excluding PPN, not from the DPP.
        TaxCodeTemplate("PPH23", "PPh 23 2%", TaxKind.WITHHOLDING, Decimal("0.02"),
                        "prepaid_wht"),
        # A flat Rp10.000, not a rate: see folio.tax.calc.stamp_duty_due.
        TaxCodeTemplate("METERAI", "Bea meterai", TaxKind.STAMP_DUTY, Decimal(0),
                        "stamp_duty"),
    ),
}
