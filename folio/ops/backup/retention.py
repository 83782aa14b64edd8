"""Which backups to keep: grandfather-father-son over verified backups.

The newest verified backup of each of the last N days, N weeks (ISO weeks) and N months
that have one is kept, and so is the newest verified backup whatever the settings say.
Backups not yet verified that are newer than it are kept too (a verification may be
pending). Backups someone asked for (``folio backup create``, deploy.sh before an upgrade)
stay for the N daily days unless they failed, so the one to roll back to is still there;
so do the safety backups a restore took, verified or not (the database they hold may be
the broken one that was replaced). Every other backup (older unverified ones, failed ones)
goes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Generation:
    name: str
    created_at: datetime
    verify_ok: bool | None
    kind: str = "scheduled"  # or manual, safety, imported


def _newest_per_bucket(verified: Sequence[Generation], count: int,
                       bucket: Callable[[datetime], Hashable]) -> set[str]:
    kept: set[str] = set()
    seen: set[Hashable] = set()
    for generation in verified:
        key = bucket(generation.created_at)
        if key in seen:
            continue
        if len(seen) >= count:
            break
        seen.add(key)
        kept.add(generation.name)
    return kept


def to_keep(generations: Sequence[Generation], *, daily: int, weekly: int, monthly: int,
            now: datetime) -> set[str]:
    """Names of the generations retention keeps."""
    newest_first = sorted(generations, key=lambda g: g.created_at, reverse=True)
    verified = [g for g in newest_first if g.verify_ok]
    if not verified:
        # Nothing proven good yet: keep everything rather than guess.
        return {g.name for g in generations}
    keep = {verified[0].name}
    recent = now - timedelta(days=max(daily, 1))
    keep |= {g.name for g in newest_first if g.created_at > recent and (
        g.kind == "safety" or (g.kind == "manual" and g.verify_ok is not False))}
    keep |= {g.name for g in newest_first
             if g.verify_ok is None and g.created_at > verified[0].created_at}
    keep |= _newest_per_bucket(verified, daily, lambda t: t.date())
    keep |= _newest_per_bucket(verified, weekly, lambda t: t.isocalendar()[:2])
    keep |= _newest_per_bucket(verified, monthly, lambda t: (t.year, t.month))
    return keep
