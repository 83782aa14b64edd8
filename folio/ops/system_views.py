"""The System dashboard: how this installation is doing, for its administrators only.

Every page is read-only and starts with ``require_installation_admin``; a member of a book
who does not administer the installation gets the 403 page. The actions (run a job, back
up, verify a backup) are POSTs with the CSRF token, and run through ``folio.ops.jobs`` and
the backup service, which record what happened. The overview's figures refresh every ten
seconds through an HTMX fragment.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from babel.dates import format_timedelta
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from folio.auth.service import require_installation_admin
from folio.deps import SessionDep, WriteSessionDep
from folio.errors import NotFound
from folio.ops import system
from folio.ops.backup import service as backups
from folio.ops.backup.crypto import DamagedArchive, WrongPassphrase
from folio.ops.backup.database import BackupError
from folio.ops.errortrack import ErrorGroup
from folio.ops.jobs import get_job, run_job
from folio.settings import get_settings
from folio.web.filters import LANGUAGE_LOCALES
from folio.web.forms import Blankable
from folio.web.templating import render, request_language

router = APIRouter(include_in_schema=False)
REFRESH_SECONDS = 10
TRIGGER = "dashboard"  # job_runs.trigger of a run started from these pages
JOB_NOTICES = ("ok", "failed", "skipped")
BACKUP_NOTICES = ("backup_ok", "backup_failed", "backup_skipped", "verify_ok",
                  "verify_failed", "verify_error")

Day = Annotated[date | None, Blankable]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]


def _span(request: Request) -> Any:
    """Seconds as words in the page's language ("3 hours"), for uptime and ages."""
    locale = LANGUAGE_LOCALES.get(request_language(request), "en_US")

    def span(seconds: float | None) -> str:
        if seconds is None:
            return ""
        return format_timedelta(timedelta(seconds=seconds), locale=locale)

    return span


def _page(request: Request, template: str, context: dict[str, Any], *,
          fragment: bool = False) -> HTMLResponse:
    return render(request, f"system/{template}", {
        "span": _span(request), "refresh_seconds": REFRESH_SECONDS, **context},
        fragment=fragment)


def _back(request: Request, route: str, **query: str) -> Response:
    from urllib.parse import urlencode

    path = request.app.url_path_for(route)
    return RedirectResponse(f"{path}?{urlencode(query)}" if query else path, status_code=303)


# --- overview ------------------------------------------------------------------------------

def _overview(request: Request, session: Session) -> dict[str, Any]:
    return {"o": system.overview(session, get_settings())}


@router.get("/system", name="system")
def overview_page(request: Request, session: SessionDep) -> HTMLResponse:
    """Version, uptime, traffic, latency, errors, database and disk at a glance."""
    require_installation_admin(session)
    return _page(request, "overview.html", _overview(request, session))


@router.get("/system/fragments/overview", name="system.overview_fragment")
def overview_fragment(request: Request, session: SessionDep) -> HTMLResponse:
    """The overview's figures alone, which the page fetches again every few seconds."""
    require_installation_admin(session)
    return _page(request, "_overview_figures.html", _overview(request, session), fragment=True)


# --- the request log -----------------------------------------------------------------------

@router.get("/system/requests", name="system.requests")
def requests_page(request: Request, session: SessionDep,
                  method: Annotated[str, Query(max_length=10)] = "",
                  route: Annotated[str, Query(max_length=300)] = "",
                  status: Annotated[str, Query(max_length=3)] = "",
                  user: Annotated[str, Query(max_length=254)] = "",
                  start: Annotated[Day, Query(alias="from")] = None,
                  end: Annotated[Day, Query(alias="to")] = None,
                  page: PageNumber = 1) -> HTMLResponse:
    """Every logged request, newest first, filtered by method, route, status, user, date."""
    require_installation_admin(session)
    filters = system.RequestFilters(
        method=method.upper() if method.upper() in system.METHODS else "",
        route=route.strip(), status=status if status in system.STATUS_CLASSES else "",
        user=user.strip(), start=start, end=end)
    return _page(request, "requests.html", {
        "result": system.request_log(session, filters, page), "filters": filters,
        "methods": system.METHODS, "status_classes": system.STATUS_CLASSES})


# --- jobs ----------------------------------------------------------------------------------

@router.get("/system/jobs", name="system.jobs")
def jobs_page(request: Request, session: SessionDep,
              job: Annotated[str, Query(max_length=60)] = "",
              notice: Annotated[str, Query(max_length=20)] = "",
              page: PageNumber = 1) -> HTMLResponse:
    """Registered jobs with their last and next run, and the history of runs."""
    require_installation_admin(session)
    settings = get_settings()
    summaries = system.job_summaries(session, settings,
                                     getattr(request.app.state, "scheduler", None))
    names = [s.job.name for s in summaries]
    shown = job if job in names else ""
    return _page(request, "jobs.html", {
        "summaries": summaries, "history": system.job_history(session, shown, page),
        "job_filter": shown, "notice": notice if notice in JOB_NOTICES else None,
        "notice_job": request.query_params.get("name", "") if notice else "",
        "scheduler_on": getattr(request.app.state, "scheduler", None) is not None})


@router.post("/system/jobs/{job_name}/run", name="system.job_run")
def job_run(request: Request, job_name: str, session: WriteSessionDep) -> Response:
    """Run a job now, here; a job another process is running is skipped, not queued."""
    require_installation_admin(session)
    found = get_job(job_name[:60])
    # Hand back the session's (SQLite: write) transaction: the job writes on its own.
    session.rollback()
    run = run_job(found.name, request.app.state.engine, get_settings(), trigger=TRIGGER)
    status = run.status if run is not None else "skipped"
    return _back(request, "system.jobs", notice=status, name=found.name)


# --- database ------------------------------------------------------------------------------

@router.get("/system/database", name="system.database")
def database_page(request: Request, session: SessionDep) -> HTMLResponse:
    """Tables with their rows and sizes, the database's size and its schema revision."""
    require_installation_admin(session)
    return _page(request, "database.html", {"db": system.database_info(session)})


# --- errors --------------------------------------------------------------------------------

@router.get("/system/errors", name="system.errors")
def errors_page(request: Request, session: SessionDep, page: PageNumber = 1) -> HTMLResponse:
    """Unexpected errors grouped by where they happen, most recent first."""
    require_installation_admin(session)
    return _page(request, "errors.html", {"result": system.error_groups(session, page)})


@router.get("/system/errors/{group_id}", name="system.error")
def error_page(request: Request, group_id: int, session: SessionDep) -> HTMLResponse:
    """One error group with its last traceback."""
    require_installation_admin(session)
    group = session.get(ErrorGroup, group_id) if 0 < group_id < 2**63 else None
    if group is None:
        raise NotFound(f"No error group {group_id}")
    return _page(request, "error.html", {"group": group})


# --- active users --------------------------------------------------------------------------

@router.get("/system/users", name="system.users")
def users_page(request: Request, session: SessionDep) -> HTMLResponse:
    """Who has used Folio in the browser in the last quarter of an hour."""
    require_installation_admin(session)
    return _page(request, "users.html", {"active": system.active_users(session),
                                         "minutes": system.ACTIVE_MINUTES})


# --- backups -------------------------------------------------------------------------------

def _listing(request: Request, name: str) -> backups.Listing:
    """A backup by its catalogue name; never a path from the request."""
    settings = get_settings()
    for listing in backups.list_backups(request.app.state.engine, settings):
        if listing.name == name and listing.status != "missing":
            path = settings.backup_dir / listing.name
            if path.is_file() and path.resolve().parent == settings.backup_dir.resolve():
                return listing
    raise NotFound("There is no such backup file")


@router.get("/system/backups", name="system.backups")
def backups_page(request: Request, session: SessionDep,
                 notice: Annotated[str, Query(max_length=20)] = "") -> HTMLResponse:
    """Every backup with its size, encryption and the outcome of its last verification."""
    require_installation_admin(session)
    settings = get_settings()
    return _page(request, "backups.html", {
        "backups": backups.list_backups(request.app.state.engine, settings),
        "backup_dir": str(settings.backup_dir), "encrypting": bool(settings.BACKUP_PASSPHRASE),
        "notice": notice if notice in BACKUP_NOTICES else None,
        "notice_name": request.query_params.get("name", "") if notice else ""})


@router.post("/system/backups/create", name="system.backup_create")
def backup_create(request: Request, session: WriteSessionDep) -> Response:
    """Back up now through the ``backup`` job: create, verify, prune, recorded as a run."""
    require_installation_admin(session)
    session.rollback()
    run = run_job("backup", request.app.state.engine, get_settings(), trigger=TRIGGER)
    status = run.status if run is not None else "skipped"
    return _back(request, "system.backups", notice=f"backup_{status}")


@router.post("/system/backups/verify", name="system.backup_verify")
def backup_verify(request: Request, session: WriteSessionDep,
                  name: Annotated[str, Form(max_length=200)] = "") -> Response:
    """Restore a backup into a scratch database and check it; the result is catalogued."""
    require_installation_admin(session)
    listing = _listing(request, name)
    session.rollback()
    settings = get_settings()
    try:
        result = backups.verify(request.app.state.engine, settings,
                                settings.backup_dir / listing.name)
    except (WrongPassphrase, DamagedArchive, BackupError, OSError):
        return _back(request, "system.backups", notice="verify_error", name=listing.name)
    return _back(request, "system.backups", notice="verify_ok" if result.ok else "verify_failed",
                 name=listing.name)


@router.get("/system/backups/{file_name}/download", name="system.backup_download")
def backup_download(request: Request, file_name: str, session: SessionDep) -> Response:
    """The archive itself, as an attachment; only files the catalogue lists."""
    require_installation_admin(session)
    listing = _listing(request, file_name)
    return FileResponse(get_settings().backup_dir / listing.name, filename=listing.name,
                        media_type="application/octet-stream",
                        headers={"Cache-Control": "no-store"})


# --- deploys -------------------------------------------------------------------------------

@router.get("/system/deploys", name="system.deploys")
def deploys_page(request: Request, session: SessionDep) -> HTMLResponse:
    """What is running (version, commit, deploy time, uptime) and earlier releases."""
    require_installation_admin(session)
    return _page(request, "deploys.html", {"d": system.deploys(get_settings())})
