"""When a recurring transaction falls due: weekly, monthly, quarterly or yearly steps.

Month-based steps keep the day of the month the series started on (its anchor day) and
clip it to shorter months: a series on the 31st falls on 31 October, 30 November,
31 December and 28 (or 29) February, never drifting to the 28th for good.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from folio.ledger.periods import LAST_DAY, add_months, month_end
from folio.personal.models import Frequency

MONTHS = {Frequency.MONTHLY.value: 1, Frequency.QUARTERLY.value: 3, Frequency.YEARLY.value: 12}


def on_anchor(day: date, anchor_day: int) -> date:
    """``day``'s month on ``anchor_day``, or on the month's last day when it is shorter."""
    return day.replace(day=min(anchor_day, month_end(day).day))


def following(day: date, frequency: str, interval: int, anchor_day: int) -> date | None:
    """The occurrence after ``day``; None past the last date Folio accepts."""
    if frequency == Frequency.WEEKLY.value:
        step = day + timedelta(weeks=interval) if day <= LAST_DAY - timedelta(weeks=interval) \
            else None
    else:
        months = MONTHS[frequency] * interval
        step = on_anchor(add_months(day, months), anchor_day) \
            if day <= add_months(LAST_DAY, -months) else None
    return step


def occurrences(start: date, frequency: str, interval: int, anchor_day: int,
                until: date, end: date | None = None) -> Iterator[date]:
    """Every occurrence from ``start`` up to ``until`` (and ``end``, when the series ends)."""
    day: date | None = start
    last = min(until, end) if end is not None else until
    while day is not None and day <= last:
        yield day
        day = following(day, frequency, interval, anchor_day)
