"""Verifying a backup: checksums, unpacking, a scratch restore and the ledger check.

Only a backup that verified (restored into a scratch database whose ledger checks out and
matches the manifest) counts as a backup: it is what readiness and retention look at.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import select
from sqlalchemy.engine import Engine

from folio import __version__
from folio.auth.actor import SYSTEM
from folio.books.models import Book
from folio.db import make_session, transaction
from folio.ledger.check import check_book
from folio.migrate import alembic_config, head_revision, upgrade
from folio.ops.backup import database as db
from folio.ops.backup.archive import DamagedArchive, file_sha256, read_archive
from folio.ops.backup.catalogue import (
    Step,
    backup_dir,
    has_catalogue,
    in_catalogue_dir,
    quiet,
    record_verification,
    sidecar,
)
from folio.ops.backup.models import Backup
from folio.settings import Settings


class VerificationFailed(Exception):
    """The archive is intact but what it holds does not check out."""


@dataclass(frozen=True)
class VerifyResult:
    file: Path
    ok: bool
    message: str
    manifest: dict[str, Any]


def _expected_sha(engine: Engine, settings: Settings, path: Path) -> str | None:
    if in_catalogue_dir(settings, path) and has_catalogue(engine):
        with transaction(engine, write=False, actor=SYSTEM) as session:
            recorded = session.scalar(select(Backup.sha256).where(Backup.file_name == path.name))
        if recorded:
            return recorded
    checksum_file = sidecar(path)
    if checksum_file.is_file():
        return checksum_file.read_text(encoding="utf-8").split()[0].strip().lower()
    return None


def _known_revision(revision: str | None) -> bool:
    if revision is None:
        return False
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def _check_scratch(scratch: Any, manifest: dict[str, Any]) -> int:
    """Compare the scratch database with the manifest and run the ledger check on every
    book; returns the number of entries checked."""
    with scratch.connect() as connection:
        found = db.describe(connection)
    want: dict[str, int] = manifest.get("row_counts", {})
    differ = [f"{table}: {want.get(table)} in the manifest, {found.row_counts.get(table)} "
              f"restored" for table in sorted(set(want) | set(found.row_counts))
              if want.get(table) != found.row_counts.get(table)]
    if differ:
        raise VerificationFailed("row counts differ: " + "; ".join(differ[:5]))
    if found.books != manifest.get("books", []):
        raise VerificationFailed("the books' chain heads differ from the manifest")
    if found.schema_revision != manifest.get("schema_revision"):
        raise VerificationFailed("the schema revision differs from the manifest")
    if not _known_revision(found.schema_revision):
        raise VerificationFailed(f"schema revision {found.schema_revision} is unknown to "
                                 f"Folio {__version__}: a newer Folio made this backup")
    if found.schema_revision != head_revision():
        upgrade(scratch)  # prove it also migrates to this version
    session = make_session(scratch, actor=SYSTEM)
    problems: list[str] = []
    entries = 0
    try:
        for book in session.scalars(select(Book).order_by(Book.slug)):
            result = check_book(session, book)
            entries += result.entries
            problems += [f"{result.book}: {p}" for p in result.problems]
    finally:
        session.close()
    if problems:
        raise VerificationFailed("the ledger check failed: " + "; ".join(problems[:5]))
    return entries


def _examine(engine: Engine, settings: Settings, path: Path, scratch: Path,
             on_step: Step) -> tuple[dict[str, Any], int]:
    """Checksum, extraction and scratch restore; raises on the first problem."""
    on_step("Checking the checksum")
    expected = _expected_sha(engine, settings, path)
    if expected is not None and file_sha256(path) != expected:
        raise DamagedArchive("its SHA-256 does not match the one recorded when it was made: "
                             "the file is damaged or truncated")
    on_step("Unpacking")
    manifest = read_archive(path, scratch, settings.BACKUP_PASSPHRASE)
    backend = str(manifest.get("backend"))
    member = scratch / db.MEMBERS.get(backend, "?")
    if not member.is_file():
        raise DamagedArchive(f"the archive has no database for backend {backend!r}")
    if backend == "sqlite":
        # The check migrates its copy; keep the extracted file as it was, for a restore.
        copy = scratch / "verify.sqlite3"
        shutil.copyfile(member, copy)
        member = copy
    on_step("Restoring into a scratch database")
    with db.scratch_database(backend, member, engine) as scratch_engine:
        on_step("Checking the ledger")
        entries = _check_scratch(scratch_engine, manifest)
    return manifest, entries


def verify(engine: Engine, settings: Settings, path: Path, *,
           on_step: Step = quiet) -> VerifyResult:
    """Check the archive end to end and record the outcome in the catalogue.

    A wrong or missing passphrase raises WrongPassphrase and records nothing: the archive
    may be fine. A missing tool raises BackupError."""
    # Scratch space beside the backups: /tmp is often a small tmpfs.
    with tempfile.TemporaryDirectory(dir=backup_dir(settings), prefix=".verify-") as scratch:
        result = verify_into(engine, settings, path, Path(scratch), on_step)
    record_verification(engine, settings, path, ok=result.ok, message=result.message,
                        manifest=result.manifest)
    return result


def verify_into(engine: Engine, settings: Settings, path: Path, scratch: Path,
                 on_step: Step) -> VerifyResult:
    try:
        manifest, entries = _examine(engine, settings, path, scratch, on_step)
    except DamagedArchive as exc:
        return VerifyResult(path, False, f"damaged: {exc}", {})
    except VerificationFailed as exc:
        return VerifyResult(path, False, str(exc), {})
    books = len(manifest.get("books", []))
    rows = sum(manifest.get("row_counts", {}).values())
    return VerifyResult(path, True, f"OK: {books} books, {entries} entries, {rows} rows; "
                                    "checksums, row counts and hash chains match", manifest)
