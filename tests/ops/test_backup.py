"""Backups end to end: create, verify, restore, and what happens when a file is damaged."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.audit.models import AuditEvent
from folio.books.models import Book
from folio.errors import Conflict
from folio.ledger.models import JournalEntry
from folio.migrate import head_revision
from folio.ops.backup import service
from folio.ops.backup.models import Backup
from folio.ops.backup.service import BackupError, WrongPassphrase
from folio.settings import Settings
from tests.conftest import post
from tests.ops.backup_fixtures import (
    a_few_entries,
    backup_settings,
    balances,
    flip_byte,
    need_pg_tools,
    truncate,
)


@pytest.fixture(autouse=True)
def _tools(engine: Engine) -> None:
    need_pg_tools(engine)


def _entries(session: Session) -> int:
    session.expire_all()
    count = session.scalar(select(func.count()).select_from(JournalEntry)) or 0
    session.commit()
    return count


def test_a_backup_verifies_and_restores_to_the_same_trial_balance(
        engine: Engine, session: Session, book: Book, settings: Settings) -> None:
    a_few_entries(session, book)
    before = balances(session, book)
    made = service.create(engine, settings)
    assert made.verify_ok is True
    assert "3 entries" in made.verify_message
    manifest = json.loads(made.manifest)
    assert manifest["backend"] == engine.dialect.name
    assert manifest["schema_revision"] == head_revision()
    assert manifest["books"] == [{"slug": "acme", "chain_seq": 3, "chain_head": book.chain_head}]
    assert manifest["row_counts"]["journal_entries"] == 3
    assert manifest["encrypted"] is False

    # Work goes on after the backup, then the backup is restored over it.
    post(session, book, "2026-03-01", [("1010", "1"), ("4100", "-1")])
    assert _entries(session) == 4
    session.close()
    result = service.restore(engine, settings, settings.backup_dir / made.file_name, force=True)

    assert result.safety_backup is not None
    assert (settings.backup_dir / result.safety_backup).is_file()
    assert _entries(session) == 3
    restored = session.scalars(select(Book)).one()
    assert balances(session, restored) == before
    assert restored.chain_head == manifest["books"][0]["chain_head"]
    restore_events = session.scalars(select(AuditEvent).where(AuditEvent.action == "restore"))
    assert [e.object_id for e in restore_events] == [made.file_name[:64]]
    # The catalogue still knows the backup and the safety backup taken just before.
    names = {b.name: b.status for b in service.list_backups(engine, settings)}
    assert names[made.file_name] == "verified"
    assert names[result.safety_backup] == "unverified"


def test_the_archive_holds_the_database_attachments_and_manifest(
        engine: Engine, session: Session, book: Book, tmp_path: Path) -> None:
    settings = backup_settings(tmp_path)
    receipts = settings.DATA_DIR / "attachments" / "acme"
    receipts.mkdir(parents=True)
    (receipts / "receipt-1.pdf").write_bytes(b"%PDF-1.4 receipt")
    made = service.create(engine, settings)
    with tarfile.open(settings.backup_dir / made.file_name) as tar:
        names = tar.getnames()
    member = "database.sqlite3" if engine.dialect.name == "sqlite" else "database.pgdump"
    assert names == [member, "attachments/acme/receipt-1.pdf", "manifest.json"]
    assert set(json.loads(made.manifest)["members"]) == {member, "attachments/acme/receipt-1.pdf"}
    sidecar = (settings.backup_dir / f"{made.file_name}.sha256").read_text()
    assert sidecar == f"{made.sha256}  {made.file_name}\n"


@pytest.mark.parametrize("damage", [truncate, flip_byte])
def test_a_damaged_backup_fails_verification_and_is_never_restored(
        damage: object, engine: Engine, session: Session, book: Book,
        settings: Settings) -> None:
    a_few_entries(session, book)
    made = service.create(engine, settings)
    path = settings.backup_dir / made.file_name
    damage(path)  # type: ignore[operator]
    post(session, book, "2026-03-01", [("1010", "1"), ("4100", "-1")])
    session.close()

    result = service.verify(engine, settings, path)
    assert not result.ok
    assert "damaged" in result.message
    with pytest.raises(BackupError, match="was not restored"):
        service.restore(engine, settings, path, force=True)

    assert _entries(session) == 4  # nothing was restored
    row = session.scalars(select(Backup).where(Backup.file_name == made.file_name)).one()
    assert row.verify_ok is False
    assert service.last_verified(engine) is None


def test_a_damaged_copy_without_a_recorded_checksum_is_still_caught(
        engine: Engine, session: Session, book: Book, settings: Settings,
        tmp_path: Path) -> None:
    a_few_entries(session, book)
    made = service.create(engine, settings)
    elsewhere = tmp_path / "offsite" / made.file_name
    elsewhere.parent.mkdir()
    elsewhere.write_bytes((settings.backup_dir / made.file_name).read_bytes())
    assert service.verify(engine, settings, elsewhere).ok
    flip_byte(elsewhere, at=0.3)
    result = service.verify(engine, settings, elsewhere)
    assert not result.ok
    assert "damaged" in result.message


def test_an_encrypted_backup_needs_its_passphrase(
        engine: Engine, session: Session, book: Book, tmp_path: Path) -> None:
    a_few_entries(session, book)
    settings = backup_settings(tmp_path, BACKUP_PASSPHRASE="correct horse battery staple")
    made = service.create(engine, settings)
    path = settings.backup_dir / made.file_name
    assert made.encrypted
    assert made.verify_ok
    assert path.name.endswith(".tar.gz.enc")
    assert b"Owner's capital" not in path.read_bytes()
    with pytest.raises(tarfile.ReadError), tarfile.open(path):
        pass

    wrong = backup_settings(tmp_path, BACKUP_PASSPHRASE="incorrect horse")
    with pytest.raises(WrongPassphrase, match="passphrase does not open"):
        service.verify(engine, wrong, path)
    with pytest.raises(WrongPassphrase):
        service.restore(engine, wrong, path, force=True)
    with pytest.raises(WrongPassphrase, match="set BACKUP_PASSPHRASE"):
        service.verify(engine, backup_settings(tmp_path), path)
    # A wrong passphrase says nothing about the archive: it stays verified.
    assert service.last_verified(engine) is not None
    assert _entries(session) == 3


def test_restore_refuses_a_database_with_data_without_force(
        engine: Engine, session: Session, book: Book, settings: Settings) -> None:
    a_few_entries(session, book)
    made = service.create(engine, settings)
    post(session, book, "2026-03-01", [("1010", "1"), ("4100", "-1")])
    session.close()
    with pytest.raises(Conflict, match="--force"):
        service.restore(engine, settings, settings.backup_dir / made.file_name)
    assert _entries(session) == 4
    assert [b.kind for b in service.list_backups(engine, settings)] == ["manual"]


def test_a_missing_file_is_a_clear_error(settings: Settings) -> None:
    with pytest.raises(BackupError, match="no such backup file"):
        service.resolve(settings, "folio-20200101T000000Z.tar.gz")


def test_readiness_reports_the_last_verified_backup(
        engine: Engine, session: Session, book: Book, settings: Settings) -> None:
    from folio.ops.health import check_backup

    assert check_backup(engine, settings).file is None
    made = service.create(engine, settings, verify_after=False)
    assert check_backup(engine, settings).file is None  # unverified does not count
    service.verify(engine, settings, settings.backup_dir / made.file_name)
    health = check_backup(engine, settings)
    assert health.file == made.file_name
    assert health.age_seconds is not None
    assert 0 <= health.age_seconds < 120
    assert health.stale is False


def test_a_backup_from_a_newer_folio_fails_verification(
        engine: Engine, session: Session, book: Book, settings: Settings) -> None:
    from sqlalchemy import text

    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    try:
        made = service.create(engine, settings)
    finally:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :head"),
                               {"head": head_revision()})
    assert made.verify_ok is False
    assert "schema revision 9999 is unknown" in made.verify_message
    assert "newer Folio" in made.verify_message
