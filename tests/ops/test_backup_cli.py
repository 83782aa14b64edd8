"""``folio backup ...`` and ``folio jobs ...``: exit codes and what they say."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.settings import get_settings
from tests.conftest import Cli, post, said
from tests.ops.backup_fixtures import a_few_entries, flip_byte, need_pg_tools


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: Engine) -> Path:
    need_pg_tools(engine)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BACKUP_PASSPHRASE", raising=False)
    get_settings.cache_clear()
    return tmp_path / "data"


def _only_backup(data_dir: Path) -> Path:
    [path] = [p for p in (data_dir / "backups").glob("folio-*") if p.suffix != ".sha256"]
    return path


def test_create_list_verify(cli: Cli, data_dir: Path, session: Session, book: Book) -> None:
    a_few_entries(session, book)
    session.close()
    made = cli("backup", "create")
    assert made.exit_code == 0, said(made)
    assert "Created" in said(made)
    assert "Verified: OK: 1 books, 3 entries" in said(made)
    path = _only_backup(data_dir)

    listed = cli("backup", "list", "--format", "json")
    assert listed.exit_code == 0, said(listed)
    [entry] = json.loads(listed.stdout)
    assert entry["name"] == path.name
    assert entry["status"] == "verified"
    assert entry["encrypted"] is False

    as_csv = cli("backup", "list", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["name"] for r in rows] == [path.name]
    assert rows[0]["sha256"] == entry["sha256"]

    checked = cli("backup", "verify", path.name)
    assert checked.exit_code == 0, said(checked)
    assert f"{path.name}: OK" in said(checked)
    newest = cli("backup", "verify")
    assert newest.exit_code == 0, said(newest)


def test_verify_fails_loudly_on_a_damaged_or_missing_file(cli: Cli, data_dir: Path,
                                                          book: Book) -> None:
    assert cli("backup", "create").exit_code == 0
    path = _only_backup(data_dir)
    flip_byte(path)
    damaged = cli("backup", "verify", path.name)
    assert damaged.exit_code == 1
    assert "damaged" in said(damaged)
    assert "SHA-256 does not match" in said(damaged)

    missing = cli("backup", "verify", "folio-19990101T000000Z.tar.gz")
    assert missing.exit_code == 1
    assert "no such backup file" in said(missing)

    refused = cli("backup", "restore", path.name, "--force")
    assert refused.exit_code == 1
    assert "was not restored" in said(refused)


def test_a_wrong_passphrase_is_refused(cli: Cli, data_dir: Path, book: Book,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKUP_PASSPHRASE", "the right one")
    get_settings.cache_clear()
    assert cli("backup", "create").exit_code == 0
    path = _only_backup(data_dir)
    monkeypatch.setenv("BACKUP_PASSPHRASE", "the wrong one")
    get_settings.cache_clear()
    result = cli("backup", "verify", path.name)
    assert result.exit_code == 1
    assert "the passphrase does not open this backup" in said(result)
    restore = cli("backup", "restore", path.name, "--force")
    assert restore.exit_code == 1
    assert "passphrase" in said(restore)


def test_restore_needs_force_on_a_database_with_data(cli: Cli, data_dir: Path,
                                                     session: Session, book: Book) -> None:
    a_few_entries(session, book)
    session.close()
    assert cli("backup", "create").exit_code == 0
    path = _only_backup(data_dir)
    post(session, book, "2026-03-01", [("1010", "1"), ("4100", "-1")])
    session.close()

    refused = cli("backup", "restore", path.name)
    assert refused.exit_code == 1
    assert "already has data" in said(refused)
    assert "--force" in said(refused)

    done = cli("backup", "restore", path.name, "--force")
    assert done.exit_code == 0, said(done)
    assert "Safety backup of the replaced database: folio-" in said(done)
    assert "acme (3 entries)" in said(done)
    check = cli("check")
    assert check.exit_code == 0, said(check)
    assert "acme: OK (3 entries" in said(check)


def test_prune_says_what_it_did(cli: Cli, data_dir: Path, book: Book) -> None:
    assert cli("backup", "create").exit_code == 0
    result = cli("backup", "prune", "--dry-run")
    assert result.exit_code == 0
    assert "Nothing to prune." in said(result)


def test_list_with_no_backups_says_how_to_make_one(cli: Cli, data_dir: Path) -> None:
    result = cli("backup", "list")
    assert result.exit_code == 0
    assert "folio backup create" in said(result)


def test_jobs_list_and_run(cli: Cli, data_dir: Path, book: Book) -> None:
    listed = cli("jobs", "list", "--format", "json")
    assert listed.exit_code == 0, said(listed)
    assert "backup" in [j["name"] for j in json.loads(listed.stdout)["jobs"]]

    ran = cli("jobs", "run", "backup")
    assert ran.exit_code == 0, said(ran)
    assert "backup: ok in" in said(ran)
    runs = cli("jobs", "runs", "--format", "json")
    assert [(r["name"], r["status"], r["trigger"]) for r in json.loads(runs.stdout)["runs"]] \
        == [("backup", "ok", "cli")]

    unknown = cli("jobs", "run", "nope")
    assert unknown.exit_code == 1
    assert "no job called 'nope'" in said(unknown)


def test_create_on_an_unmigrated_database_says_what_to_do(
        cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    result = cli("backup", "create")
    assert result.exit_code == 1
    assert "run 'folio db upgrade' first" in said(result)
