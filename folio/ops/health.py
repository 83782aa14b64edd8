"""Liveness (``/health``, no I/O) and readiness (``/api/v1/health``) checks."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection, Engine

from folio import __version__
from folio.migrate import head_revision
from folio.settings import Settings, get_settings

STARTED = time.monotonic()
LOW_DISK_PERCENT = 5.0

liveness_router = APIRouter()
router = APIRouter(tags=["operations"])


class DatabaseHealth(BaseModel):
    reachable: bool
    latency_ms: float | None
    dialect: str


class MigrationHealth(BaseModel):
    current: str | None
    head: str | None
    at_head: bool


class DiskHealth(BaseModel):
    free_bytes: int | None
    free_percent: float | None
    path: str


class BackupHealth(BaseModel):
    """The newest backup that passed verification; age is how old its data is."""

    last_verified_at: str | None = None
    age_seconds: float | None = None
    file: str | None = None
    created_at: str | None = None
    # Older than twice BACKUP_INTERVAL_MINUTES: the backup job is not keeping up.
    stale: bool = False


class Readiness(BaseModel):
    """Whether this process can serve requests, and what is deployed."""

    status: Literal["ok", "degraded", "failing"]
    database: DatabaseHealth
    migrations: MigrationHealth
    disk: DiskHealth
    backup: BackupHealth
    version: str
    commit: str | None
    deployed_at: str | None
    environment: str
    uptime_seconds: float


@liveness_router.get("/health", include_in_schema=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


@cache
def _head() -> str | None:
    return head_revision()


def _current_revision(connection: Connection) -> str | None:
    # Read alembic_version directly: Alembic's MigrationContext logs at INFO on every probe.
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_database(engine: Engine) -> tuple[DatabaseHealth, MigrationHealth]:
    head = _head()
    started = time.perf_counter()
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            latency = round((time.perf_counter() - started) * 1000, 2)
            current = _current_revision(connection)
    except Exception:  # any driver error means "not reachable"; the detail is for logs
        return (DatabaseHealth(reachable=False, latency_ms=None, dialect=engine.dialect.name),
                MigrationHealth(current=None, head=head, at_head=False))
    return (DatabaseHealth(reachable=True, latency_ms=latency, dialect=engine.dialect.name),
            MigrationHealth(current=current, head=head, at_head=current == head))


def check_disk(data_dir: Path) -> DiskHealth:
    path = data_dir.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        usage = shutil.disk_usage(path)
    except OSError:
        return DiskHealth(free_bytes=None, free_percent=None, path=str(data_dir))
    percent = round(usage.free / usage.total * 100, 1) if usage.total else None
    return DiskHealth(free_bytes=usage.free, free_percent=percent, path=str(data_dir))


def check_backup(engine: Engine, settings: Settings) -> BackupHealth:
    from datetime import UTC, datetime

    from folio.ops.backup.models import Backup

    try:
        with engine.connect() as connection:
            row = connection.execute(
                select(Backup.file_name, Backup.created_at, Backup.verified_at)
                .where(Backup.verify_ok.is_(True))
                .order_by(Backup.created_at.desc()).limit(1)).first()
    except Exception:  # no catalogue yet (migrations behind) or unreachable: reported above
        return BackupHealth()
    if row is None:
        return BackupHealth()
    name, created, verified = row
    created = created.replace(tzinfo=UTC) if created.tzinfo is None else created
    verified = verified.replace(tzinfo=UTC) if verified and verified.tzinfo is None else verified
    age = max(0.0, (datetime.now(UTC) - created).total_seconds())
    return BackupHealth(last_verified_at=verified.isoformat() if verified else None,
                        age_seconds=round(age, 1), file=name, created_at=created.isoformat(),
                        stale=age > 2 * settings.BACKUP_INTERVAL_MINUTES * 60)


def deploy_info(data_dir: Path) -> dict[str, str | None]:
    """Commit and deploy time from FOLIO_COMMIT/FOLIO_DEPLOYED_AT, else DATA_DIR/deploy.json."""
    info: Any = {}
    with contextlib.suppress(OSError, ValueError):
        info = json.loads((data_dir / "deploy.json").read_text(encoding="utf-8"))
    if not isinstance(info, dict):
        info = {}
    commit = os.environ.get("FOLIO_COMMIT") or info.get("commit")
    deployed_at = os.environ.get("FOLIO_DEPLOYED_AT") or info.get("deployed_at")
    return {"commit": str(commit) if commit else None,
            "deployed_at": str(deployed_at) if deployed_at else None}


def readiness(engine: Engine, settings: Settings) -> Readiness:
    database, migrations = check_database(engine)
    disk = check_disk(settings.DATA_DIR)
    if not (database.reachable and migrations.at_head):
        status: Literal["ok", "degraded", "failing"] = "failing"
    elif disk.free_percent is not None and disk.free_percent < LOW_DISK_PERCENT:
        status = "degraded"
    else:
        status = "ok"
    return Readiness(status=status, database=database, migrations=migrations, disk=disk,
                     backup=check_backup(engine, settings) if database.reachable
                     else BackupHealth(), version=__version__,
                     environment=settings.FOLIO_ENV,
                     uptime_seconds=round(time.monotonic() - STARTED, 3),
                     **deploy_info(settings.DATA_DIR))


@router.get("/health", response_model=Readiness,
            responses={503: {"model": Readiness, "description": "Not ready"}},
            summary="Readiness: database, migrations, disk, backup, deploy")
def ready(request: Request, settings: Annotated[Settings, Depends(get_settings)]) -> Any:
    """200 when the database answers and its schema is at head; 503 (same body) otherwise."""
    report = readiness(request.app.state.engine, settings)
    return JSONResponse(report.model_dump(mode="json"),
                        status_code=503 if report.status == "failing" else 200)
