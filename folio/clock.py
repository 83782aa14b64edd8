"""Today's date, in one place, so every interface agrees on it."""

from __future__ import annotations

from datetime import date, datetime


def today() -> date:
    """Today on this machine's clock, in its local time zone (the books' working day)."""
    return datetime.now().astimezone().date()
