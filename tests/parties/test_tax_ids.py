"""NPWP, NIK and NITKU validation (DOMAIN.md section 4)."""

from __future__ import annotations

import pytest

from folio.errors import ValidationError
from folio.parties.tax_ids import format_tax_id, npwp15_check_digit, parse_tax_id

NPWP15 = "01.855.081.4-412.000"  # check digit 4 matches digits 1-8


def test_it_accepts_a_legacy_npwp_with_punctuation() -> None:
    parsed = parse_tax_id(NPWP15)
    assert (parsed.value, parsed.kind, parsed.warnings) == ("018550814412000", "npwp15", [])


def test_it_warns_but_accepts_a_doubtful_check_digit() -> None:
    parsed = parse_tax_id("01.855.081.5-412.000")
    assert parsed.kind == "npwp15"
    assert parsed.value == "018550815412000"
    assert len(parsed.warnings) == 1


def test_the_check_digit_is_a_luhn_sum_over_the_first_eight_digits() -> None:
    assert npwp15_check_digit("01855081") == 4
    assert npwp15_check_digit("00000000") == 0


def test_it_accepts_a_16_digit_npwp() -> None:
    parsed = parse_tax_id("0018550814412000")
    assert (parsed.kind, parsed.warnings) == ("npwp16", [])


@pytest.mark.parametrize("nik", ["3171010501900001", "3171 0145 0190 0001", "3171-0171-1299-0001"])
def test_it_accepts_a_nik_including_a_womans_day_plus_40(nik: str) -> None:
    parsed = parse_tax_id(nik)
    assert parsed.kind == "nik"
    assert parsed.value == nik.replace(" ", "").replace("-", "")


@pytest.mark.parametrize("nik", ["3171011513900001", "3171010000900001", "3171013201900001",
                                 "3171017201900001", "3171010500900001"])
def test_it_rejects_a_nik_with_an_impossible_birth_date(nik: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_tax_id(nik)
    assert raised.value.errors[0]["field"] == "tax_id"


def test_it_accepts_a_22_digit_nitku() -> None:
    parsed = parse_tax_id("0018550814412000000000")
    assert (parsed.value, parsed.kind) == ("0018550814412000000000", "nitku")


@pytest.mark.parametrize("text", ["", "1234", "01855081441200", "01855081441200012",
                                  "01.855.081.4-412.00A", "O18550814412000",
                                  "０１８５５０８１４４１２０００",
                                  "01/855/081/4/412/000", "00185508144120000000000"])
def test_it_rejects_wrong_lengths_and_non_digits(text: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_tax_id(text, field="buyer_tax_id")
    assert raised.value.errors[0]["field"] == "buyer_tax_id"


def test_it_formats_a_legacy_npwp_for_display() -> None:
    assert format_tax_id("018550814412000") == NPWP15
    assert format_tax_id("3171014501900001") == "3171014501900001"
