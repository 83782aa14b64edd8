"""``folio jobs list|run|runs``."""

from __future__ import annotations

import typer
from rich.markup import escape
from sqlalchemy.engine import Engine

from folio.cli_support import Format, emit, err, fail, out
from folio.errors import FolioError
from folio.ops import jobs
from folio.settings import get_settings

app = typer.Typer(help="Scheduled jobs: list them, run one now, see past runs.",
                  no_args_is_help=True)


def _engine() -> Engine:
    from folio.db import get_engine

    return get_engine()


@app.command("list")
def list_(fmt: Format = typer.Option(Format.table, "--format", help="table, csv or json")) -> None:
    """Every job, its schedule and its last run."""
    settings = get_settings()
    engine = _engine()
    last: dict[str, jobs.JobRun] = {}
    for run in jobs.recent_runs(engine, limit=500):
        last.setdefault(run.name, run)
    data = []
    for name, job in jobs.jobs().items():
        latest = last.get(name)
        data.append({"name": name, "description": job.description,
                     "every_minutes": job.every(settings) or None,
                     "last_run": jobs.as_utc(latest.started_at).isoformat() if latest else None,
                     "last_status": latest.status if latest else None,
                     "last_message": latest.message if latest else None})
    header = ["name", "every_minutes", "last_run", "last_status", "description"]
    emit(fmt, {"jobs": data, "scheduler": settings.scheduler_enabled},
         (header, [[str(d[h] or "") for h in header] for d in data]), title="Jobs")


@app.command()
def run(name: str = typer.Argument(..., help="The job to run")) -> None:
    """Run a job now (unless another process is running it); exit 1 if it fails."""
    try:
        done = jobs.run_job(name, _engine(), get_settings(), trigger="cli")
    except FolioError as exc:
        fail(exc.detail)
    assert done is not None
    line = f"{name}: {done.status} in {done.duration_ms} ms"
    if done.message:
        line += f" ({done.message})"
    if done.status == "failed":
        fail(line)
    if done.status == "skipped":
        err.print(escape(line), highlight=False)
        raise typer.Exit(75)  # EX_TEMPFAIL: try again later
    out.print(escape(line), highlight=False)


@app.command()
def runs(name: str | None = typer.Argument(None, help="Only this job"),
         limit: int = typer.Option(20, "--limit", min=1, max=1000),
         fmt: Format = typer.Option(Format.table, "--format", help="table, csv or json")) -> None:
    """Recent runs, newest first."""
    found = jobs.recent_runs(_engine(), name, limit)
    data = [{"name": r.name, "started_at": jobs.as_utc(r.started_at).isoformat(),
             "status": r.status, "trigger": r.trigger, "duration_ms": r.duration_ms,
             "records": r.records,
             "message": r.message} for r in found]
    header = ["started_at", "name", "status", "trigger", "duration_ms", "records", "message"]
    emit(fmt, {"runs": data}, (header, [[str(d[h]) for h in header] for d in data]),
         title="Job runs")
