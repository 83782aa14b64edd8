"""Retention: which generations prune keeps (grandfather-father-son)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from folio.audit.models import AuditEvent
from folio.auth.actor import SYSTEM
from folio.db import transaction
from folio.ops.backup import service
from folio.ops.backup.models import Backup
from folio.ops.backup.retention import Generation, to_keep
from tests.ops.backup_fixtures import backup_settings

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # a Monday


def _every_six_hours(days: int) -> list[Generation]:
    return [Generation(f"b{i}", NOW - timedelta(hours=6 * i), True) for i in range(days * 4)]


def test_it_keeps_the_newest_backup_of_each_recent_day_week_and_month() -> None:
    generations = _every_six_hours(400)
    kept = to_keep(generations, daily=7, weekly=4, monthly=12, now=NOW)
    by_name = {g.name: g.created_at for g in generations}
    days = sorted({by_name[n].date() for n in kept}, reverse=True)
    # 7 days, plus older weekly and monthly representatives.
    assert days[:7] == [(NOW - timedelta(days=d)).date() for d in range(7)]
    months = {(by_name[n].year, by_name[n].month) for n in kept}
    assert len(months) == 12
    assert len(kept) <= 7 + 4 + 12
    # Each kept day's backup is that day's newest.
    for name in kept:
        same_day = [g for g in generations if g.created_at.date() == by_name[name].date()]
        assert by_name[name] == max(g.created_at for g in same_day)


def test_it_never_deletes_the_newest_verified_backup() -> None:
    generations = [Generation("old-good", NOW - timedelta(days=90), True),
                   Generation("newer-bad", NOW - timedelta(days=1), False)]
    assert to_keep(generations, daily=0, weekly=0, monthly=0, now=NOW) == {"old-good"}


def test_failed_and_old_unverified_backups_go_but_pending_ones_stay() -> None:
    generations = [Generation("good", NOW - timedelta(days=1), True),
                   Generation("failed", NOW - timedelta(days=2), False),
                   Generation("never-verified", NOW - timedelta(days=3), None),
                   Generation("pending", NOW - timedelta(hours=1), None)]
    assert to_keep(generations, daily=7, weekly=4, monthly=12, now=NOW) == {"good", "pending"}


def test_a_recent_safety_backup_stays_even_unverified() -> None:
    generations = [Generation("good", NOW - timedelta(hours=1), True),
                   Generation("before-restore", NOW - timedelta(days=2), None, "safety"),
                   Generation("old-safety", NOW - timedelta(days=30), None, "safety")]
    assert to_keep(generations, daily=7, weekly=0, monthly=0, now=NOW) == {
        "good", "before-restore"}


def test_a_backup_made_by_hand_stays_for_the_daily_days() -> None:
    minutes = [NOW - timedelta(minutes=m) for m in (10, 20, 30, 40)]
    generations = [Generation("scheduled-now", minutes[0], True, "scheduled"),
                   Generation("before-upgrade", minutes[1], True, "manual"),
                   Generation("scheduled-earlier", minutes[2], True, "scheduled"),
                   Generation("failed-by-hand", minutes[3], False, "manual"),
                   Generation("by-hand-long-ago", NOW - timedelta(days=9), True, "manual")]
    assert to_keep(generations, daily=1, weekly=0, monthly=0, now=NOW) == {
        "scheduled-now", "before-upgrade"}


def test_with_nothing_verified_it_keeps_everything() -> None:
    generations = [Generation("a", NOW, None), Generation("b", NOW - timedelta(days=9), False)]
    assert to_keep(generations, daily=1, weekly=0, monthly=0, now=NOW) == {"a", "b"}


def test_prune_deletes_the_files_and_catalogue_rows_retention_drops(
        engine: Engine, tmp_path: Path) -> None:
    settings = backup_settings(tmp_path, BACKUP_KEEP_DAILY=2, BACKUP_KEEP_WEEKLY=0,
                               BACKUP_KEEP_MONTHLY=0)
    real = service.create(engine, settings, now=NOW - timedelta(days=30))
    directory = settings.backup_dir
    names = []
    with transaction(engine, actor=SYSTEM) as session:
        for day in range(5):  # two a day for five days, all verified
            for hour in (1, 13):
                moment = NOW - timedelta(days=day, hours=hour)
                name = f"folio-{moment:%Y%m%dT%H%M%SZ}.tar.gz"
                (directory / name).write_bytes(b"x")
                (directory / f"{name}.sha256").write_text("x")
                session.add(Backup(file_name=name, created_at=moment, sha256="0" * 64,
                                   kind="scheduled",
                                   verified_at=moment, verify_ok=True, verify_message="OK"))
                names.append(name)
    (directory / "folio-20200101T000000Z.tar.gz").write_bytes(b"not ours")  # uncatalogued

    would = service.prune(engine, settings, dry_run=True, now=NOW)
    assert (directory / would[0]).exists()
    gone = service.prune(engine, settings, now=NOW)
    assert gone == would
    # 01:00 today and 13:00 yesterday: the newest of each of the last two days.
    newest_two_days = {names[0], names[1]}
    kept_rows = {b.name for b in service.list_backups(engine, settings)
                 if b.status != "uncatalogued"}
    assert kept_rows == newest_two_days
    assert real.file_name in gone
    for name in gone:
        assert not (directory / name).exists()
        assert not (directory / f"{name}.sha256").exists()
    assert (directory / "folio-20200101T000000Z.tar.gz").exists()
    with transaction(engine, write=False, actor=SYSTEM) as session:
        audited = set(session.scalars(select(AuditEvent.object_id).where(
            AuditEvent.action == "delete", AuditEvent.object_type == "backup")))
    assert audited == set(gone)
    with transaction(engine, write=False, actor=SYSTEM) as session:
        assert set(session.scalars(select(Backup.file_name))) == newest_two_days
