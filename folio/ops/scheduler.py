"""The in-process scheduler: every job with an interval, run through ``run_job``.

Each app process may run one (JOBS_SCHEDULER, on in production); the job lock and the
"ran within its interval" check make a job run once per interval across all of them.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from folio.ops import jobs
from folio.settings import Settings, get_settings

log = logging.getLogger("folio.scheduler")
FIRST_RUN_DELAY = timedelta(minutes=1)  # let the app finish starting first


def _run(name: str, engine: Engine, settings: Settings) -> None:
    try:
        jobs.run_job(name, engine, settings, trigger="scheduler")
    except Exception:  # recorded by run_job where it could be; never kill the scheduler
        log.exception("scheduled job %s could not run", name)


def build_scheduler(engine: Engine, settings: Settings) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=UTC)
    first = datetime.now(UTC) + FIRST_RUN_DELAY
    for name, job in jobs.jobs().items():
        minutes = job.every(settings)
        if not minutes:
            continue
        # Check often (at most every 15 minutes): run_job skips a job that ran within its
        # interval, so a restarted process does not wait a whole interval, nor run early.
        scheduler.add_job(_run, "interval", minutes=min(minutes, 15), args=[name, engine, settings],
                          id=name, next_run_time=first, max_instances=1, coalesce=True,
                          misfire_grace_time=300)
    return scheduler


@asynccontextmanager
async def scheduler_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the scheduler with the app when JOBS_SCHEDULER says so; stop it after."""
    settings = get_settings()
    scheduler = None
    if settings.scheduler_enabled:
        scheduler = build_scheduler(app.state.engine, settings)
        scheduler.start()
        app.state.scheduler = scheduler
        log.info("scheduler started with jobs: %s", ", ".join(j.id for j in scheduler.get_jobs()))
    try:
        yield
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
