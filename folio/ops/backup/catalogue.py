"""The catalogue of backups (the ``backups`` table) and the files in BACKUP_DIR."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.engine import Engine

from folio.auth.actor import SYSTEM
from folio.db import transaction
from folio.ops.backup.archive import file_sha256
from folio.ops.backup.database import BackupError
from folio.ops.backup.models import Backup
from folio.settings import Settings

Step = Callable[[str], None]


def quiet(_step: str) -> None:
    pass


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def backup_dir(settings: Settings) -> Path:
    path = settings.backup_dir
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)  # backups hold every book: only Folio's own user may read them
    return path


def resolve(settings: Settings, name: str | Path) -> Path:
    """A path as given, or a file name in BACKUP_DIR; BackupError when neither exists."""
    path = Path(name)
    for candidate in (path, settings.backup_dir / path.name):
        if candidate.is_file():
            return candidate.resolve()
    raise BackupError(f"{name}: no such backup file (looked in {settings.backup_dir})")


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def in_catalogue_dir(settings: Settings, path: Path) -> bool:
    return path.parent.resolve() == settings.backup_dir.resolve()


def has_catalogue(engine: Engine) -> bool:
    return inspect(engine).has_table(Backup.__tablename__)


def record_verification(engine: Engine, settings: Settings, path: Path, *, ok: bool,
                        message: str, manifest: dict[str, Any]) -> None:
    """Note a verification's outcome on the backup's row (added for a file copied in)."""
    if not (in_catalogue_dir(settings, path) and has_catalogue(engine)):
        return
    with transaction(engine, actor=SYSTEM) as session:
        row = session.scalars(select(Backup).where(Backup.file_name == path.name)).first()
        if row is None:  # a file copied in (from offsite, say): catalogue it
            created = manifest.get("created_at")
            row = Backup(file_name=path.name, kind="imported", sha256=file_sha256(path),
                         size=path.stat().st_size,
                         created_at=(datetime.fromisoformat(created) if created
                                     else datetime.fromtimestamp(path.stat().st_mtime, UTC)),
                         encrypted=bool(manifest.get("encrypted")),
                         manifest=json.dumps(manifest))
            session.add(row)
        row.verified_at = datetime.now(UTC)
        row.verify_ok = ok
        row.verify_message = message[:2000]


def catalogue_rows(engine: Engine) -> list[dict[str, Any]]:
    if not has_catalogue(engine):
        return []
    columns = [c.key for c in Backup.__table__.columns if c.key != "id"]
    with transaction(engine, write=False, actor=SYSTEM) as session:
        return [{c: getattr(row, c) for c in columns} for row in session.scalars(select(Backup))]


# --- catalogue -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Listing:
    name: str
    created_at: datetime | None
    kind: str
    size: int
    encrypted: bool
    status: str  # verified, failed, unverified, missing, uncatalogued
    verified_at: datetime | None
    message: str
    sha256: str


def _status(row: Backup, present: bool) -> str:
    if not present:
        return "missing"
    return {True: "verified", False: "failed", None: "unverified"}[row.verify_ok]


def list_backups(engine: Engine, settings: Settings) -> list[Listing]:
    """Every catalogued backup and every archive in BACKUP_DIR, newest first."""
    directory = settings.backup_dir
    files = {p.name: p for pattern in ("*.tar.gz", "*.tar.gz.enc")
             for p in (directory.glob(pattern) if directory.is_dir() else [])}
    listings: list[Listing] = []
    rows: list[Backup] = []
    if has_catalogue(engine):
        with transaction(engine, write=False, actor=SYSTEM) as session:
            rows = list(session.scalars(select(Backup)))
    for row in rows:
        listings.append(Listing(
            row.file_name, as_utc(row.created_at), row.kind, row.size, row.encrypted,
            _status(row, row.file_name in files),
            as_utc(row.verified_at) if row.verified_at else None, row.verify_message,
            row.sha256))
        files.pop(row.file_name, None)
    for name, path in files.items():
        stat = path.stat()
        listings.append(Listing(name, datetime.fromtimestamp(stat.st_mtime, UTC), "unknown",
                                stat.st_size, name.endswith(".enc"), "uncatalogued", None,
                                "not in this database's catalogue: verify it to add it", ""))
    return sorted(listings, key=lambda x: x.created_at or datetime.min.replace(tzinfo=UTC),
                  reverse=True)


def last_verified(engine: Engine) -> Backup | None:
    """The newest backup that passed verification."""
    with transaction(engine, write=False, actor=SYSTEM) as session:
        return session.scalars(select(Backup).where(Backup.verify_ok.is_(True))
                               .order_by(Backup.created_at.desc()).limit(1)).first()
