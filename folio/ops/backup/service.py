"""Creating, restoring and pruning backups; verifying and listing them live in
``verification`` and ``catalogue`` and are re-exported here.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from folio import __version__
from folio.auth.actor import SYSTEM
from folio.db import transaction
from folio.migrate import upgrade
from folio.ops.backup import database as db
from folio.ops.backup.archive import FORMAT_VERSION as ARCHIVE_FORMAT
from folio.ops.backup.archive import DamagedArchive, WrongPassphrase, file_sha256, write_archive
from folio.ops.backup.catalogue import (
    Listing,
    Step,
    as_utc,
    backup_dir,
    catalogue_rows,
    has_catalogue,
    last_verified,
    list_backups,
    quiet,
    record_verification,
    resolve,
    sidecar,
)
from folio.ops.backup.database import BackupError
from folio.ops.backup.models import Backup
from folio.ops.backup.offsite import offsite
from folio.ops.backup.retention import Generation, to_keep
from folio.ops.backup.verification import VerifyResult, verify, verify_into
from folio.settings import Settings

__all__ = ["BackupError", "DamagedArchive", "Listing", "VerifyResult", "WrongPassphrase",
           "create", "last_verified", "list_backups", "prune", "resolve", "restore", "verify"]


# --- create ------------------------------------------------------------------------------

def _new_name(directory: Path, moment: datetime, kind: str, encrypted: bool) -> str:
    stamp = moment.strftime("%Y%m%dT%H%M%SZ")
    suffix = "-safety" if kind == "safety" else ""
    extension = ".tar.gz.enc" if encrypted else ".tar.gz"
    name, n = f"folio-{stamp}{suffix}{extension}", 1
    while (directory / name).exists() or (directory / f"{name}.partial").exists():
        n += 1
        name = f"folio-{stamp}{suffix}-{n}{extension}"
    return name


def _attachments(settings: Settings) -> list[tuple[str, Path]]:
    root = settings.DATA_DIR / "attachments"
    if not root.is_dir():
        return []
    return [(f"attachments/{p.relative_to(root).as_posix()}", p)
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()]


def create(engine: Engine, settings: Settings, *, kind: str = "manual", verify_after: bool = True,
           now: datetime | None = None, on_step: Step = quiet) -> Backup:
    """Copy the database and attachments into one archive in BACKUP_DIR, record it, and
    (by default) verify it."""
    if not has_catalogue(engine):
        raise BackupError("the database has no backup catalogue yet: run "
                          "'folio db upgrade' first")
    directory = backup_dir(settings)
    moment = as_utc(now or datetime.now(UTC)).replace(microsecond=0)
    passphrase = settings.BACKUP_PASSPHRASE
    name = _new_name(directory, moment, kind, bool(passphrase))
    with tempfile.TemporaryDirectory(dir=directory, prefix=".staging-") as staging:
        on_step("Copying the database")
        dumped, snapshot = db.dump(engine, Path(staging))
        attachments = _attachments(settings)
        manifest = {
            "format": ARCHIVE_FORMAT, "created_at": moment.isoformat(),
            "app_version": __version__, "schema_revision": snapshot.schema_revision,
            "backend": snapshot.backend, "row_counts": snapshot.row_counts,
            "books": snapshot.books, "attachments": len(attachments),
            "encrypted": bool(passphrase), "kind": kind,
        }
        on_step("Packing the archive")
        written = write_archive(directory / name, [(dumped.name, dumped), *attachments],
                                manifest, passphrase)
    path = directory / name
    sha = file_sha256(path)
    sidecar(path).write_text(f"{sha}  {name}\n", encoding="utf-8")
    row = Backup(file_name=name, created_at=moment, kind=kind, size=path.stat().st_size,
                 sha256=sha, encrypted=bool(passphrase), manifest=json.dumps(written))
    with transaction(engine, actor=SYSTEM) as session:
        session.add(row)
    if verify_after:
        verify(engine, settings, path, on_step=on_step)
        with transaction(engine, actor=SYSTEM) as session:
            row = session.scalars(select(Backup).where(Backup.file_name == name)).one()
    return row


# --- restore -----------------------------------------------------------------------------

@dataclass(frozen=True)
class RestoreResult:
    file: Path
    safety_backup: str | None
    manifest: dict[str, Any]


def restore(engine: Engine, settings: Settings, path: Path, *, force: bool = False,
            on_step: Step = quiet) -> RestoreResult:
    """Replace the database with the backup's, after verifying it and taking a safety
    backup of what is there; refuses a database with data unless ``force``."""
    from folio.audit.service import record
    from folio.errors import Conflict

    if db.has_data(engine) and not force:
        raise Conflict("The database already has data; restoring replaces all of it. "
                       "Run again with --force (a safety backup is taken first)")
    with tempfile.TemporaryDirectory(dir=backup_dir(settings), prefix=".restore-") as work:
        scratch = Path(work)
        result = verify_into(engine, settings, path, scratch, on_step)
        record_verification(engine, settings, path, ok=result.ok, message=result.message,
                        manifest=result.manifest)
        if not result.ok:
            raise BackupError(f"{path.name} was not restored: {result.message}")
        manifest = result.manifest
        if manifest.get("backend") != engine.dialect.name:
            raise BackupError(f"{path.name} is a {manifest.get('backend')} backup but "
                              f"DATABASE_URL points to {engine.dialect.name}; nothing restored")
        safety = None
        if db.has_data(engine):
            on_step("Taking a safety backup of the current database")
            safety = create(engine, settings, kind="safety", verify_after=False).file_name
        catalogue = catalogue_rows(engine)
        on_step("Restoring")
        db.replace_database(engine, manifest["backend"], scratch / db.MEMBERS[manifest["backend"]])
    upgrade(engine)
    from folio.ops.jobs import JobLock

    with transaction(engine, actor=SYSTEM) as session:
        if catalogue:  # the catalogue describes the files on disk, not the books: keep it
            session.execute(delete(Backup))
            session.add_all(Backup(**row) for row in catalogue)
        session.execute(delete(JobLock))  # locks held when the backup was taken are stale
        record(session, "restore", "backup", path.name[:64],
               summary=f"Restored the database from {path.name} "
                       f"(made {manifest.get('created_at')})")
    return RestoreResult(path, safety, manifest)


def prune(engine: Engine, settings: Settings, *, dry_run: bool = False,
          now: datetime | None = None) -> list[str]:
    """Delete the backups retention does not keep (files, checksums, catalogue rows);
    returns their names. Files not in the catalogue are left alone."""
    with transaction(engine, write=False, actor=SYSTEM) as session:
        rows = list(session.scalars(select(Backup)))
    generations = [Generation(r.file_name, as_utc(r.created_at), r.verify_ok, r.kind)
                   for r in rows]
    keep = to_keep(generations, daily=settings.BACKUP_KEEP_DAILY,
                   weekly=settings.BACKUP_KEEP_WEEKLY, monthly=settings.BACKUP_KEEP_MONTHLY,
                   now=now or datetime.now(UTC))
    doomed = sorted(r.file_name for r in rows if r.file_name not in keep)
    if dry_run or not doomed:
        return doomed
    directory = settings.backup_dir
    for name in doomed:
        (directory / name).unlink(missing_ok=True)
        sidecar(directory / name).unlink(missing_ok=True)
    store = offsite(settings)
    if store is not None:  # the copies follow the same retention
        store.delete(doomed)
    from folio.audit.service import record

    with transaction(engine, actor=SYSTEM) as session:
        session.execute(delete(Backup).where(Backup.file_name.in_(doomed)))
        for name in doomed:
            record(session, "delete", "backup", name[:64],
                   summary=f"Pruned {name}: retention does not keep it")
    return doomed
