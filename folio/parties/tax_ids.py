"""Indonesian tax ids: NPWP (15 or 16 digits), NIK (16) and NITKU (22), per DOMAIN.md section 4."""

from __future__ import annotations

from dataclasses import dataclass, field

from folio.errors import ValidationError

_SEPARATORS = str.maketrans("", "", ".- ")


@dataclass(frozen=True)
class TaxId:
    value: str
    kind: str  # npwp15, npwp16, nik or nitku
    warnings: list[str] = field(default_factory=list)


def npwp15_check_digit(digits: str) -> int:
    """The Luhn-type check digit over digits 1-8 of a legacy NPWP (unofficial)."""
    total = 0
    for position, char in enumerate(reversed(digits[:8])):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def _nik_date_ok(digits: str) -> bool:
    day, month = int(digits[6:8]), int(digits[8:10])
    return (1 <= day <= 31 or 41 <= day <= 71) and 1 <= month <= 12


def parse_tax_id(text: str, field: str = "tax_id") -> TaxId:
    """Normalize and classify ``text``; raises ValidationError, warns on the unofficial check."""
    digits = text.translate(_SEPARATORS)
    if not digits.isascii() or not digits.isdigit():
        raise ValidationError("A tax id has digits only (dots, dashes and spaces are ignored)",
                              field=field)
    if len(digits) == 15:
        warnings = []
        if npwp15_check_digit(digits) != int(digits[8]):
            warnings.append("The NPWP check digit does not match; please double-check it")
        return TaxId(digits, "npwp15", warnings)
    if len(digits) == 16:
        # A 16-digit NPWP is a legacy one with a leading 0; NIKs start with a province code.
        if digits.startswith("0"):
            return TaxId(digits, "npwp16")
        if not _nik_date_ok(digits):
            raise ValidationError("A NIK has a birth day (01-31, 41-71) and month (01-12) "
                                  "in digits 7 to 10", field=field)
        return TaxId(digits, "nik")
    if len(digits) == 22:
        return TaxId(digits, "nitku")
    raise ValidationError("A tax id has 15 (NPWP), 16 (NPWP or NIK) or 22 (NITKU) digits",
                          field=field)


def format_tax_id(digits: str) -> str:
    """Display form: ``99.999.999.9-999.999`` for a legacy NPWP; other kinds as digits."""
    if len(digits) == 15:
        d = digits
        return f"{d[0:2]}.{d[2:5]}.{d[5:8]}.{d[8]}-{d[9:12]}.{d[12:15]}"
    return digits
