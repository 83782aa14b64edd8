"""Splitting a date range into whole months (read from balances) and partial days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from folio.errors import ValidationError
from folio.ledger.balances import period_of

# The dates Folio accepts: far enough from date.min and date.max that month and
# fiscal-year arithmetic around them never overflows.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


def check_day(day: date, field: str = "date") -> date:
    """``day`` when Folio can book or report on it; a ValidationError otherwise."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(f"{day.isoformat()} is outside the dates Folio accepts "
                              f"({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})",
                              field=field)
    return day


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_end(day: date) -> date:
    return next_month(day) - timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clipped to the month's last day."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    first = date(year, month0 + 1, 1)
    return first.replace(day=min(day.day, month_end(first).day))


@dataclass(frozen=True)
class RangeSplit:
    """``[start, end]`` as whole months ``first_period..last_period`` plus partial day ranges."""

    first_period: int | None  # None: from the beginning of the book
    last_period: int | None  # None: no whole months in the range
    partial: tuple[tuple[date | None, date], ...]


def split_range(start: date | None, end: date) -> RangeSplit:
    last_full_end = end if end == month_end(end) else month_start(end) - timedelta(days=1)
    if start is None:
        partial = () if last_full_end == end else ((month_start(end), end),)
        return RangeSplit(None, period_of(last_full_end), partial)
    first_full = start if start.day == 1 else next_month(start)
    if first_full > last_full_end:
        return RangeSplit(None, None, ((start, end),) if start <= end else ())
    parts: list[tuple[date | None, date]] = []
    if start < first_full:
        parts.append((start, first_full - timedelta(days=1)))
    if end > last_full_end:
        parts.append((last_full_end + timedelta(days=1), end))
    return RangeSplit(period_of(first_full), period_of(last_full_end), tuple(parts))
