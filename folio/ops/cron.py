"""``POST /api/v1/cron/{job}``: run a job from outside (a system cron, a monitor).

The caller proves itself with ``Authorization: Bearer $CRON_SECRET``, not a user token;
the auth middleware lets PUBLIC_API_PREFIXES through and this route checks the secret.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel

from folio.errors import FolioError
from folio.ops import jobs
from folio.problems import problem
from folio.settings import Settings, get_settings

PUBLIC_API_PREFIXES = ("/api/v1/cron/",)

router = APIRouter(tags=["operations"])


class JobRunOut(BaseModel):
    job: str
    status: str
    started_at: str
    duration_ms: int
    records: int
    message: str


def _bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@router.post("/cron/{job}", response_model=JobRunOut,
             summary="Run a job now (Authorization: Bearer $CRON_SECRET)",
             responses={401: {"description": "Missing or wrong secret"},
                        404: {"description": "No such job"},
                        409: {"description": "Another process is running the job"},
                        500: {"description": "The job failed"},
                        503: {"description": "CRON_SECRET is not set"}})
def run_cron_job(job: str, request: Request,
                 settings: Annotated[Settings, Depends(get_settings)],
                 authorization: Annotated[str | None, Header()] = None) -> Any:
    """Runs the job synchronously and answers with its recorded run."""
    path = request.url.path
    if not settings.CRON_SECRET:
        return problem(503, "The cron endpoint is off: set CRON_SECRET to turn it on",
                       slug="cron-disabled", title="Cron endpoint disabled", instance=path)
    given = _bearer(authorization).encode()
    if not hmac.compare_digest(given, settings.CRON_SECRET.encode()):
        return problem(401, "Send Authorization: Bearer <CRON_SECRET>", slug="unauthorized",
                       instance=path, headers={"WWW-Authenticate": "Bearer"})
    try:
        run = jobs.run_job(job, request.app.state.engine, settings, trigger="cron")
    except FolioError as exc:
        return problem(exc.status, exc.detail, slug=exc.slug, title=exc.title,
                       errors=exc.errors, instance=path)
    assert run is not None
    body = JobRunOut(job=run.name, status=run.status,
                     started_at=jobs.as_utc(run.started_at).isoformat(),
                     duration_ms=run.duration_ms, records=run.records, message=run.message)
    if run.status == "skipped":
        return problem(409, f"The job {job!r} is already running in another process",
                       slug="job-running", title="Job already running", instance=path)
    if run.status == "failed":
        return problem(500, f"The job {job!r} failed: {run.message}", slug="job-failed",
                       title="Job failed", instance=path)
    return body
