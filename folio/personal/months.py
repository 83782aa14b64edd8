"""Budget months: ``YYYY-MM`` text, the first day of the month, and ``yyyymm`` periods."""

from __future__ import annotations

import re
from datetime import date

from folio.errors import ValidationError
from folio.ledger.balances import period_of
from folio.ledger.periods import FIRST_DAY, LAST_DAY, add_months

MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{2})\Z")


def parse_month(text: str, field: str = "month") -> date:
    """The first day of the month ``text`` names (``2026-11``); a ValidationError otherwise."""
    found = MONTH_RE.match(text.strip()) if isinstance(text, str) else None
    if found is None:
        raise ValidationError(f"{text!r} is not a month like 2026-11", field=field)
    year, month = int(found.group(1)), int(found.group(2))
    if not 1 <= month <= 12:
        raise ValidationError(f"{text!r} is not a month: months run from 01 to 12", field=field)
    first = date(year, month, 1)
    if not FIRST_DAY <= first <= add_months(LAST_DAY, -1):
        raise ValidationError(f"{text} is outside the months Folio accepts", field=field)
    return first


def month_text(first: date) -> str:
    return f"{first.year:04d}-{first.month:02d}"


def period(first: date) -> int:
    return period_of(first)


def from_period(value: int) -> date:
    return date(value // 100, value % 100, 1)
