"""``folio backup create|list|verify|restore|prune``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from folio.cli_support import Format, emit, err, fail, out
from folio.errors import FolioError
from folio.ops.backup import service
from folio.ops.backup.offsite import offsite
from folio.ops.backup.service import BackupError, DamagedArchive, WrongPassphrase
from folio.settings import get_settings

app = typer.Typer(help="Verified backups of the database and attachments.",
                  no_args_is_help=True)


@contextmanager
def _steps(label: str) -> Iterator[Callable[[str], None]]:
    """A spinner naming the current step on a terminal; silent otherwise."""
    if not err.is_terminal:
        yield lambda _step: None
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task(label)
        yield lambda step: bar.update(task, description=f"{label}: {step}")


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except WrongPassphrase as exc:
        fail(f"{exc}")
    except (BackupError, DamagedArchive, FolioError) as exc:
        fail(getattr(exc, "detail", None) or str(exc))


def _engine() -> Any:
    from folio.db import get_engine

    return get_engine()


def _path(name: str | None) -> Path:
    settings = get_settings()
    if name is None:
        newest = next((b for b in service.list_backups(_engine(), settings)
                       if b.status != "missing"), None)
        if newest is None:
            fail(f"there are no backups in {settings.backup_dir}")
        name = newest.name
    return service.resolve(settings, name)


@app.command()
def create(verify: bool = typer.Option(True, "--verify/--no-verify",
                                       help="Verify the new backup (only verified ones count)"),
           ) -> None:
    """Back up the database and attachments into BACKUP_DIR."""
    with _errors(), _steps("Backing up") as step:
        made = service.create(_engine(), get_settings(), verify_after=verify, on_step=step)
    where = get_settings().backup_dir / made.file_name
    out.print(f"Created {where} ({made.size:,} bytes, "
              f"{'encrypted' if made.encrypted else 'not encrypted'})", highlight=False)
    out.print(f"SHA-256 {made.sha256}", highlight=False)
    if verify and not made.verify_ok:
        fail(f"{made.file_name} failed verification: {made.verify_message}")
    if verify:
        out.print(f"Verified: {made.verify_message}", highlight=False)
        store = offsite(get_settings())
        if store is not None:
            with _errors():
                copy = store.upload(where)
            out.print(f"Copied to s3://{store.bucket}/{copy.key}", highlight=False)


@app.command("offsite")
def offsite_(pull: str | None = typer.Option(None, "--pull", metavar="NAME",
                                             help="Download this copy into BACKUP_DIR")) -> None:
    """List the copies on S3-compatible storage, or --pull one back (to restore it)."""
    settings = get_settings()
    store = offsite(settings)
    if store is None:
        fail("No offsite storage configured: set BACKUP_S3_BUCKET (docs/backups.md)")
    with _errors():
        if pull is not None:
            name = Path(pull).name
            target = store.download(name, settings.backup_dir / name)
            out.print(f"Downloaded {target}; check it with: folio backup verify {name}",
                      highlight=False)
            return
        copies = store.copies()
    for copy in copies:
        typer.echo(f"{copy.key}\t{copy.size}")


@app.command("list")
def list_(fmt: Format = typer.Option(Format.table, "--format", help="table, csv or json")) -> None:
    """Every backup, newest first, with its verification status."""
    with _errors():
        listings = service.list_backups(_engine(), get_settings())
    records: list[dict[str, Any]] = [{
        "name": b.name, "created_at": b.created_at.isoformat() if b.created_at else None,
        "kind": b.kind, "size": b.size, "encrypted": b.encrypted, "status": b.status,
        "verified_at": b.verified_at.isoformat() if b.verified_at else None,
        "message": b.message, "sha256": b.sha256} for b in listings]
    if fmt is Format.json:
        sys.stdout.write(json.dumps(records, indent=2) + "\n")
        return
    header = ["name", "created_at", "kind", "size", "encrypted", "status", "verified_at"]
    rows = [[str(r[h] if r[h] is not None else "") for h in header] for r in records]
    if fmt is Format.csv:
        emit(fmt, {}, ([*header, "message", "sha256"],
                       [[*row, r["message"], r["sha256"]] for row, r in zip(rows, records,
                                                                           strict=True)]))
    elif not records:
        out.print(f"No backups yet in {get_settings().backup_dir}. "
                  "Make one with: folio backup create")
    else:
        emit(fmt, {}, (header, rows), title="Backups")


@app.command()
def verify(name: str | None = typer.Argument(None, help="File name or path (default: newest)"),
           ) -> None:
    """Restore a backup into a scratch database and check it; exit 1 if it fails."""
    with _errors(), _steps("Verifying") as step:
        path = _path(name)
        result = service.verify(_engine(), get_settings(), path, on_step=step)
    if not result.ok:
        fail(f"{path.name}: {result.message}")
    out.print(f"{path.name}: {result.message}", highlight=False)


@app.command()
def restore(name: str = typer.Argument(..., help="File name in BACKUP_DIR, or a path"),
            force: bool = typer.Option(False, "--force",
                                       help="Replace a database that already has data"),
            ) -> None:
    """Replace the database with a backup, after verifying it (stop the app first)."""
    with _errors(), _steps("Restoring") as step:
        path = service.resolve(get_settings(), name)
        result = service.restore(_engine(), get_settings(), path, force=force, on_step=step)
    if result.safety_backup:
        out.print(f"Safety backup of the replaced database: {result.safety_backup}",
                  highlight=False)
    books = ", ".join(f"{b['slug']} ({b['chain_seq']} entries)"
                      for b in result.manifest.get("books", [])) or "no books"
    out.print(f"Restored {path.name} (made {result.manifest.get('created_at')}): {books}",
              highlight=False)


@app.command()
def prune(dry_run: bool = typer.Option(False, "--dry-run", help="Only say what would go")) -> None:
    """Delete backups that retention (BACKUP_KEEP_DAILY/WEEKLY/MONTHLY) does not keep."""
    with _errors():
        gone = service.prune(_engine(), get_settings(), dry_run=dry_run)
    verb = "Would delete" if dry_run else "Deleted"
    if not gone:
        out.print("Nothing to prune.")
    for name in gone:
        out.print(f"{verb} {name}", highlight=False)
