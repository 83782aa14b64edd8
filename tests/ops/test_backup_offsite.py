"""Offsite copies on S3-compatible storage, against a local fake S3 server (moto)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.ops.backup import service
from folio.ops.backup.job import backup as backup_job
from folio.ops.backup.offsite import S3Offsite, offsite
from folio.settings import Settings
from tests.ops.backup_fixtures import a_few_entries, backup_settings, flip_byte, need_pg_tools

BUCKET = "folio-backups"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A fake S3 server on a free localhost port."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_settings(tmp_path: Path, s3_endpoint: str, request: pytest.FixtureRequest) -> Settings:
    settings = backup_settings(
        tmp_path, BACKUP_S3_BUCKET=BUCKET, BACKUP_S3_ENDPOINT=s3_endpoint,
        BACKUP_S3_REGION="us-east-1", BACKUP_S3_ACCESS_KEY="test-key",
        BACKUP_S3_SECRET_KEY="test-secret", BACKUP_S3_PREFIX=f"t/{request.node.name}")
    store = offsite(settings)
    assert store is not None
    store._client.create_bucket(Bucket=BUCKET) if not _bucket_exists(store) else None
    return settings


def _bucket_exists(store: S3Offsite) -> bool:
    return any(b["Name"] == BUCKET for b in store._client.list_buckets().get("Buckets", []))


def test_no_bucket_means_no_offsite_copies(settings: Settings) -> None:
    assert offsite(settings) is None


def test_the_backup_job_copies_the_verified_archive_offsite_and_it_comes_back_intact(
        engine: Engine, session: Session, book: Book, s3_settings: Settings,
        tmp_path: Path) -> None:
    need_pg_tools(engine)
    a_few_entries(session, book)
    session.commit()
    outcome = backup_job(engine, s3_settings)
    assert "copied to s3://" in outcome.message
    store = offsite(s3_settings)
    assert store is not None
    [copy] = store.copies()
    local = next(s3_settings.backup_dir.glob("folio-*.tar.gz"))
    assert copy.key.endswith(local.name)
    assert copy.size == local.stat().st_size
    pulled = store.download(local.name, tmp_path / local.name)
    assert pulled.read_bytes() == local.read_bytes()
    assert service.verify(engine, s3_settings, pulled).ok


def test_a_damaged_offsite_copy_is_refused_on_download(
        engine: Engine, session: Session, book: Book, s3_settings: Settings,
        tmp_path: Path) -> None:
    need_pg_tools(engine)
    a_few_entries(session, book)
    session.commit()
    made = service.create(engine, s3_settings)
    store = offsite(s3_settings)
    assert store is not None
    local = s3_settings.backup_dir / made.file_name
    flip_byte(local)  # a copy damaged on the way: upload the bad bytes under the good name
    store._client.put_object(Bucket=BUCKET, Key=store.key(made.file_name),
                             Body=local.read_bytes())
    store._client.put_object(Bucket=BUCKET, Key=store.key(f"{made.file_name}.sha256"),
                             Body=f"{made.sha256}  {made.file_name}\n".encode())
    with pytest.raises(service.BackupError, match="damaged"):
        store.download(made.file_name, tmp_path / made.file_name)
    assert not (tmp_path / made.file_name).exists()


def test_pruning_deletes_the_offsite_copies_too(
        engine: Engine, session: Session, book: Book, s3_settings: Settings) -> None:
    need_pg_tools(engine)
    a_few_entries(session, book)
    session.commit()
    now = datetime(2026, 11, 1, tzinfo=UTC)
    store = offsite(s3_settings)
    assert store is not None
    for days in (40, 20, 0):
        made = service.create(engine, s3_settings, kind="scheduled",
                              now=now - timedelta(days=days))
        store.upload(s3_settings.backup_dir / made.file_name)
    settings = s3_settings.model_copy(update={"BACKUP_KEEP_DAILY": 1, "BACKUP_KEEP_WEEKLY": 0,
                                              "BACKUP_KEEP_MONTHLY": 0})
    pruned = service.prune(engine, settings, now=now)
    assert len(pruned) == 2
    remaining = [c.key.rsplit("/", 1)[1] for c in store.copies()]
    assert remaining == sorted(set(remaining))
    assert not set(pruned) & set(remaining)
    assert len(remaining) == 1


def test_an_unreachable_store_is_a_clear_error(settings: Settings, tmp_path: Path) -> None:
    broken = settings.model_copy(update={"BACKUP_S3_BUCKET": BUCKET,
                                         "BACKUP_S3_ENDPOINT": "http://127.0.0.1:9",
                                         "BACKUP_S3_ACCESS_KEY": "k",
                                         "BACKUP_S3_SECRET_KEY": "never-printed"})
    store = offsite(broken)
    assert store is not None
    archive = tmp_path / "folio-20261101T000000Z.tar.gz"
    archive.write_bytes(b"x")
    with pytest.raises(service.BackupError, match="offsite upload failed") as caught:
        store.upload(archive)
    assert "never-printed" not in str(caught.value)
