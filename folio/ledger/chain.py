"""The hash chain over a book's posted entries: tampering or a bad restore shows."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from json.encoder import encode_basestring as _encode_str  # what json.dumps uses for str
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from folio.ledger.models import JournalEntry

# account code, amount, currency, rate, base amount, memo
ChainLine = tuple[str, int, str, Decimal, int, str | None]


def _json_dumps(content: object) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _value(value: object) -> str:
    """``value`` exactly as ``_json_dumps`` writes it, quickly for plain str, int and None."""
    if type(value) is str:
        return _encode_str(value)
    if type(value) is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    return _json_dumps(value)


_ONE = Decimal(1)


def _rate_text(rate: Decimal) -> str:
    # A rate of one (every line in the book's currency) normalises to "1" in any context.
    if type(rate) is Decimal and rate.is_finite() and rate == _ONE:
        return "1"
    return format(Decimal(rate).normalize(), "f")


def canonical_json(*, number: int | None, day: date, description: str, party: str | None,
                   reference: str | None, kind: str, external_id: str | None,
                   reversal_of: int | None, lines: Sequence[ChainLine]) -> str:
    """The content an entry's hash covers, as stable JSON.

    The bytes are those of ``json.dumps`` of the dict ``{"number", "date", "description",
    "party", "reference", "kind", "external_id", "reversal_of", "lines"}`` with sorted keys,
    compact separators and ``ensure_ascii=False``; it is built directly because imports
    hash a million entries (``canonical_json_reference`` is the plain definition).
    """
    value = _value
    rows = ",".join([
        f"[{value(code)},{value(amount)},{value(currency)},{_encode_str(_rate_text(rate))},"
        f"{value(base)},{value(memo)}]"
        for code, amount, currency, rate, base, memo in lines])
    return (f'{{"date":{_encode_str(day.isoformat())},"description":{value(description)},'
            f'"external_id":{value(external_id)},"kind":{value(kind)},"lines":[{rows}],'
            f'"number":{value(number)},"party":{value(party)},"reference":{value(reference)},'
            f'"reversal_of":{value(reversal_of)}}}')


def canonical_json_plain(*, number: int, day: date, description: str, party: str | None,
                         kind: str, external_id: str | None,
                         lines: Sequence[ChainLine]) -> str:
    """``canonical_json`` with no reference and no reversal, for values of exactly the
    types the signature names (``str``, ``int``, ``Decimal`` rates; no subclasses): what a
    bulk import has. Faster because nothing needs a type check."""
    encode = _encode_str
    rows = ",".join([
        f"[{encode(code)},{amount},{encode(currency)},{encode(_rate_text(rate))},{base},"
        f"{'null' if memo is None else encode(memo)}]"
        for code, amount, currency, rate, base, memo in lines])
    return (f'{{"date":{encode(day.isoformat())},"description":{encode(description)},'
            f'"external_id":{"null" if external_id is None else encode(external_id)},'
            f'"kind":{encode(kind)},"lines":[{rows}],"number":{number},'
            f'"party":{"null" if party is None else encode(party)},"reference":null,'
            f'"reversal_of":null}}')


def canonical_json_reference(*, number: int | None, day: date, description: str,
                             party: str | None, reference: str | None, kind: str,
                             external_id: str | None, reversal_of: int | None,
                             lines: Sequence[ChainLine]) -> str:
    """The definition ``canonical_json`` must match byte for byte (kept for tests)."""
    content = {
        "number": number, "date": day.isoformat(), "description": description,
        "party": party, "reference": reference, "kind": kind, "external_id": external_id,
        "reversal_of": reversal_of,
        "lines": [[code, amount, currency, format(Decimal(rate).normalize(), "f"), base, memo]
                  for code, amount, currency, rate, base, memo in lines],
    }
    return _json_dumps(content)


def canonical_content(entry: JournalEntry, account_codes: dict[int, str]) -> str:
    lines = sorted(entry.lines, key=lambda x: x.line_no)
    return canonical_json(
        number=entry.number, day=entry.date, description=entry.description, party=entry.party,
        reference=entry.reference, kind=entry.kind, external_id=entry.external_id,
        reversal_of=entry.reversal_of_id,
        lines=[(account_codes[x.account_id], x.amount, x.currency, x.rate, x.base_amount, x.memo)
               for x in lines])


def entry_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()
