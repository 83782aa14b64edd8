"""The hash chain over a book's posted entries: tampering or a bad restore shows."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from folio.ledger.models import JournalEntry

# account code, amount, currency, rate, base amount, memo
ChainLine = tuple[str, int, str, Decimal, int, str | None]


def canonical_json(*, number: int | None, day: date, description: str, party: str | None,
                   reference: str | None, kind: str, external_id: str | None,
                   reversal_of: int | None, lines: Sequence[ChainLine]) -> str:
    """The content an entry's hash covers, as stable JSON."""
    content = {
        "number": number, "date": day.isoformat(), "description": description,
        "party": party, "reference": reference, "kind": kind, "external_id": external_id,
        "reversal_of": reversal_of,
        "lines": [[code, amount, currency, format(Decimal(rate).normalize(), "f"), base, memo]
                  for code, amount, currency, rate, base, memo in lines],
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


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
