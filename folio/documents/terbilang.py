"""Amounts in words, as an Indonesian invoice or kuitansi states them (DOMAIN.md section 7)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from folio.money import exponent

_ID_DIGITS = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan",
              "sembilan")
_ID_SCALES = ("", "ribu", "juta", "miliar", "triliun")
_EN_SMALL = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
             "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
             "seventeen", "eighteen", "nineteen")
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
            "ninety")
_EN_SCALES = ("", "thousand", "million", "billion", "trillion")
_EN_UNITS = {"IDR": ("rupiah", "rupiah", "sen", "sen"),
             "USD": ("dollar", "dollars", "cent", "cents"),
             "EUR": ("euro", "euros", "cent", "cents")}


def _groups(amount: int) -> list[int]:
    """Groups of three digits, least significant first."""
    groups = []
    while amount:
        amount, group = divmod(amount, 1000)
        groups.append(group)
    return groups


def _id_below_thousand(n: int) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words.append("seratus" if hundreds == 1 else f"{_ID_DIGITS[hundreds]} ratus")
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif 12 <= rest <= 19:
        words.append(f"{_ID_DIGITS[rest - 10]} belas")
    elif rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(f"{_ID_DIGITS[tens]} puluh")
        if ones:
            words.append(_ID_DIGITS[ones])
    elif rest:
        words.append(_ID_DIGITS[rest])
    return words


def terbilang_number(amount: int) -> str:
    """A whole number in Bahasa Indonesia: ``1001001`` -> ``satu juta seribu satu``."""
    if amount < 0:
        return "minus " + terbilang_number(-amount)
    if amount == 0:
        return "nol"
    groups = _groups(amount)
    if len(groups) > len(_ID_SCALES):
        raise ValueError(f"{amount} is beyond triliun")
    words: list[str] = []
    for scale in range(len(groups) - 1, -1, -1):
        group = groups[scale]
        if not group:
            continue
        if scale == 1 and group == 1:
            words.append("seribu")  # se- only when the whole group is 1, and only for ribu
            continue
        words.extend(_id_below_thousand(group))
        if scale:
            words.append(_ID_SCALES[scale])
    return " ".join(words)


def terbilang(amount: int) -> str:
    """Whole rupiah in words: ``1250000`` -> ``satu juta dua ratus lima puluh ribu rupiah``."""
    return f"{terbilang_number(amount)} rupiah"


def _en_below_thousand(n: int) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words += [_EN_SMALL[hundreds], "hundred"]
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_EN_TENS[tens] + (f"-{_EN_SMALL[ones]}" if ones else ""))
    elif rest:
        words.append(_EN_SMALL[rest])
    return words


def number_in_words_en(amount: int) -> str:
    """A whole number in English words, short scale: ``1250000`` -> ``one million two
    hundred fifty thousand``."""
    if amount < 0:
        return "minus " + number_in_words_en(-amount)
    if amount == 0:
        return "zero"
    groups = _groups(amount)
    if len(groups) > len(_EN_SCALES):
        raise ValueError(f"{amount} is beyond trillions")
    words: list[str] = []
    for scale in range(len(groups) - 1, -1, -1):
        if groups[scale]:
            words.extend(_en_below_thousand(groups[scale]))
            if scale:
                words.append(_EN_SCALES[scale])
    return " ".join(words)


def _split(amount: Decimal, currency: str) -> tuple[int, int]:
    places = exponent(currency)
    quantum = Decimal(1).scaleb(-places)
    scaled = int(amount.quantize(quantum, rounding=ROUND_HALF_UP).scaleb(places))
    return divmod(scaled, 10 ** places) if places else (scaled, 0)


def in_words_en(amount: Decimal, currency: str) -> str:
    """An amount in English: ``one million two hundred fifty thousand rupiah``, or
    ``twelve dollars and 50 cents``; currencies without names end with their code."""
    whole, minor = _split(amount, currency)
    one, many, minor_one, minor_many = _EN_UNITS.get(currency, (currency, currency,
                                                                "", ""))
    words = f"{number_in_words_en(whole)} {one if whole == 1 else many}"
    if minor:
        words += f" and {minor} {minor_one if minor == 1 else minor_many}".rstrip()
    return words


def in_words_id(amount: Decimal, currency: str) -> str:
    """An amount in Bahasa Indonesia; rupiah as terbilang, other currencies by their code."""
    whole, minor = _split(amount, currency)
    if currency == "IDR":
        words = terbilang(whole)
    else:
        words = f"{terbilang_number(whole)} {_EN_UNITS.get(currency, (currency,))[0]}"
    if minor:
        words += f" {terbilang_number(minor)} sen"
    return words


def in_words(amount: Decimal, currency: str, language: str) -> str:
    """The amount in words in ``language`` ("id" or "en")."""
    return in_words_id(amount, currency) if language == "id" else in_words_en(amount, currency)
