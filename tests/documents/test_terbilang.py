"""Amounts in words: the KBBI conventions of DOMAIN.md section 7, and English."""

from __future__ import annotations

from decimal import Decimal

import pytest

from folio.documents.terbilang import in_words, in_words_en, terbilang


@pytest.mark.parametrize(("amount", "words"), [
    (0, "nol rupiah"),
    (1, "satu rupiah"),
    (10, "sepuluh rupiah"),
    (11, "sebelas rupiah"),
    (12, "dua belas rupiah"),
    (19, "sembilan belas rupiah"),
    (21, "dua puluh satu rupiah"),
    (100, "seratus rupiah"),
    (110, "seratus sepuluh rupiah"),
    (250, "dua ratus lima puluh rupiah"),
    (1000, "seribu rupiah"),
    (1_500, "seribu lima ratus rupiah"),
    (21_000, "dua puluh satu ribu rupiah"),
    (101_000, "seratus satu ribu rupiah"),
    (1_000_000, "satu juta rupiah"),
    (1_001_001, "satu juta seribu satu rupiah"),
    (1_150_000, "satu juta seratus lima puluh ribu rupiah"),
    (1_250_000, "satu juta dua ratus lima puluh ribu rupiah"),
    (6_160_500, "enam juta seratus enam puluh ribu lima ratus rupiah"),
    (2_000_000_000, "dua miliar rupiah"),
    (999_999_999_999, "sembilan ratus sembilan puluh sembilan miliar sembilan ratus sembilan "
                      "puluh sembilan juta sembilan ratus sembilan puluh sembilan ribu "
                      "sembilan ratus sembilan puluh sembilan rupiah"),
    (1_000_000_000_000, "satu triliun rupiah"),
])
def test_terbilang(amount: int, words: str) -> None:
    assert terbilang(amount) == words


def test_beyond_triliun_is_refused() -> None:
    with pytest.raises(ValueError, match="triliun"):
        terbilang(10**15)


@pytest.mark.parametrize(("amount", "currency", "words"), [
    ("0", "IDR", "zero rupiah"),
    ("1250000", "IDR", "one million two hundred fifty thousand rupiah"),
    ("11", "IDR", "eleven rupiah"),
    ("1001001", "IDR", "one million one thousand one rupiah"),
    ("1", "USD", "one dollar"),
    ("1250.50", "USD", "one thousand two hundred fifty dollars and 50 cents"),
    ("0.01", "USD", "zero dollars and 1 cent"),
    ("999999999999", "IDR", "nine hundred ninety-nine billion nine hundred ninety-nine million "
                            "nine hundred ninety-nine thousand nine hundred ninety-nine rupiah"),
])
def test_in_words_en(amount: str, currency: str, words: str) -> None:
    assert in_words_en(Decimal(amount), currency) == words


def test_in_words_follows_the_language() -> None:
    assert in_words(Decimal(6_160_500), "IDR", "id") == (
        "enam juta seratus enam puluh ribu lima ratus rupiah")
    assert in_words(Decimal("12.50"), "USD", "en") == "twelve dollars and 50 cents"
    assert in_words(Decimal("12.50"), "USD", "id") == "dua belas dollar lima puluh sen"
