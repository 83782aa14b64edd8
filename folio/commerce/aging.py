"""Aging of what is owed (receivables or payables) per party, by days past the due date.

Receivables (folio.sales.reports) and payables (folio.purchases.reports) use the same
buckets, so both reports always agree on where a day falls.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.money import decimal_str
from folio.parties.models import Party

BUCKETS = ("current", "1-30", "31-60", "61-90", "over_90")
Table = tuple[list[str], list[list[str]]]


def bucket(days_overdue: int) -> str:
    if days_overdue <= 0:
        return "current"
    if days_overdue <= 30:
        return "1-30"
    if days_overdue <= 60:
        return "31-60"
    if days_overdue <= 90:
        return "61-90"
    return "over_90"


@dataclass
class AgingRow:
    party: Party
    buckets: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))

    @property
    def total(self) -> int:
        return sum(self.buckets.values())


@dataclass
class Aging:
    book: Book
    as_of: date
    rows: list[AgingRow]

    @property
    def totals(self) -> dict[str, int]:
        return {key: sum(r.buckets[key] for r in self.rows) for key in BUCKETS}


def age(session: Session, book: Book, as_of: date,
        owed: Iterable[tuple[int, date, int]]) -> Aging:
    """Sum ``(party_id, due_date, amount due)`` per party and bucket, parties by name."""
    rows: dict[int, AgingRow] = {}
    for party_id, due_date, due in owed:
        if party_id not in rows:
            rows[party_id] = AgingRow(session.get_one(Party, party_id))
        rows[party_id].buckets[bucket((as_of - due_date).days)] += due
    return Aging(book, as_of, sorted(rows.values(), key=lambda r: r.party.name.lower()))


def aging_dict(report: Aging, role: str) -> dict[str, Any]:
    """The report as JSON; ``role`` (customer, vendor) names the parties' keys."""
    cur = report.book.base_currency
    return {"book": report.book.slug, "currency": cur, "as_of": report.as_of.isoformat(),
            "buckets": list(BUCKETS),
            f"{role}s": [{f"{role}_id": r.party.id, role: r.party.name,
                          **{k: decimal_str(v, cur) for k, v in r.buckets.items()},
                          "total": decimal_str(r.total, cur)} for r in report.rows],
            "totals": {**{k: decimal_str(v, cur) for k, v in report.totals.items()},
                       "total": decimal_str(sum(report.totals.values()), cur)}}


def aging_table(report: Aging, role: str) -> Table:
    data = aging_dict(report, role)
    rows = [[p[role], *[p[k] for k in BUCKETS], p["total"]] for p in data[f"{role}s"]]
    rows.append(["Total", *[data["totals"][k] for k in BUCKETS], data["totals"]["total"]])
    return [role, *BUCKETS, "total"], rows
