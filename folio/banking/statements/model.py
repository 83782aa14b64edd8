"""What every statement parser returns, plus fingerprints for duplicate detection."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from folio.errors import ValidationError


@dataclass(frozen=True)
class StatementLine:
    """One booked transaction; amount is signed from the account holder's view."""

    date: date
    amount: Decimal
    currency: str | None
    description: str = ""
    payee: str = ""
    reference: str = ""
    external_id: str | None = None
    line: int = 0


@dataclass
class Statement:
    account: str | None
    currency: str | None
    lines: list[StatementLine] = field(default_factory=list)
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None


def fail(line: int | str, field_name: str, reason: str) -> ValidationError:
    """A ValidationError naming the line (or XML element) and the reason."""
    where = f"line {line}" if isinstance(line, int) else str(line)
    message = f"{where}: {reason}"
    return ValidationError(
        message, errors=[{"field": field_name, "line": str(line), "message": message}]
    )


def _normalize(text: str) -> str:
    return " ".join(text.casefold().split())


def _key(line: StatementLine, account: str | None) -> str:
    parts = [
        account or "",
        line.date.isoformat(),
        format(line.amount.normalize(), "f"),
        _normalize(line.description),
        _normalize(line.payee),
        line.external_id or "",
    ]
    return "\x1f".join(parts)


def fingerprint(line: StatementLine, account: str | None, occurrence: int = 0) -> str:
    """Stable sha256 of what identifies a line; occurrence separates identical rows."""
    raw = f"{_key(line, account)}\x1f{occurrence}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def fingerprints(lines: Iterable[StatementLine], account: str | None) -> list[str]:
    """Fingerprints for a file's lines; the n-th identical row gets occurrence n."""
    seen: Counter[str] = Counter()
    result = []
    for line in lines:
        key = _key(line, account)
        result.append(fingerprint(line, account, seen[key]))
        seen[key] += 1
    return result


def decode(data: bytes) -> str:
    """Text of an uploaded file: UTF-8 (BOM tolerated), else Windows-1252 as banks export it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
