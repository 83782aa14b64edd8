"""Amounts as banks print them: `1.234.567,89`, `1,500,000.00`, `(1.234,50)`, `Rp 1.500.000`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

SEPARATORS = (".", ",")
_PREFIX = re.compile(r"^(?:rp\.?|idr)", re.IGNORECASE)
_SHAPE = re.compile(r"[0-9]+(?:[.,][0-9]+)*")


def _clean(text: str) -> tuple[bool, bool, str]:
    """Strip spaces, rupiah prefixes, sign and parentheses; return (negative, rupiah, body)."""
    body = "".join(text.split())
    negative = signed = False
    if body.startswith("(") and body.endswith(")"):
        negative, signed, body = True, True, body[1:-1]
    if body[:1] in ("+", "-") and body:
        negative, signed, body = negative != (body[0] == "-"), True, body[1:]
    stripped = _PREFIX.sub("", body)
    rupiah, body = stripped != body, stripped
    if not signed and body[:1] in ("+", "-") and body:
        negative, signed, body = body[0] == "-", True, body[1:]
    if not signed and body.endswith("-"):
        negative, body = True, body[:-1]
    return negative, rupiah, body


def _decide(body: str) -> str | None:
    """The decimal separator this value proves, or None if it cannot tell."""
    last_dot, last_comma = body.rfind("."), body.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        return "." if last_dot > last_comma else ","
    for sep in SEPARATORS:
        count = body.count(sep)
        if count > 1:
            return "," if sep == "." else "."
        if count == 1:
            decimals = len(body) - body.index(sep) - 1
            return None if decimals == 3 else sep
    return None


def detect_decimal_separator(values: Iterable[str]) -> str | None:
    """The decimal separator a column of values agrees on, or None if none tells."""
    found: set[str] = set()
    for value in values:
        _, _, body = _clean(value)
        if _SHAPE.fullmatch(body):
            decided = _decide(body)
            if decided:
                found.add(decided)
    if len(found) > 1:
        raise ValueError("values mix '.' and ',' as the decimal separator")
    return found.pop() if found else None


def parse_number(text: str, decimal_separator: str | None = None) -> Decimal:
    """Parse one amount; raise ValueError saying why it is not one."""
    negative, rupiah, body = _clean(text)
    if not _SHAPE.fullmatch(body):
        raise ValueError(f"{text.strip()!r} is not an amount")
    sep = _decide(body)
    if sep is None and ("." in body or "," in body):
        if decimal_separator is None and rupiah:
            decimal_separator = "," if "." in body else "."  # rupiah never has 3 decimals
        if decimal_separator is None:
            raise ValueError(f"{text.strip()!r} is ambiguous: set the decimal separator")
        sep = decimal_separator
    if sep is not None and decimal_separator is not None and sep != decimal_separator:
        raise ValueError(f"{text.strip()!r} does not use {decimal_separator!r} decimals")
    thousands = "," if sep == "." else "."
    whole, _, fraction = body.partition(sep) if sep else (body, "", "")
    if sep and sep in fraction:
        raise ValueError(f"{text.strip()!r} is not an amount")
    groups = whole.split(thousands)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        raise ValueError(f"{text.strip()!r} has misplaced thousands separators")
    try:
        value = Decimal("".join(groups) + ("." + fraction if fraction else ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex already vetted it
        raise ValueError(f"{text.strip()!r} is not an amount") from exc
    return -value if negative else value
