"""``folio mail outbox|retry|send-now``: the outgoing mail queue."""

from __future__ import annotations

import typer

from folio.cli_support import Format, cli_session, emit, fail, out
from folio.errors import FolioError
from folio.ops.jobs import as_utc
from folio.outbox.models import OutboxMessage
from folio.outbox.service import STATUSES, list_all, retry_any
from folio.settings import get_settings

app = typer.Typer(help="Outgoing email: the outbox, retries, sending now.",
                  no_args_is_help=True)


def _row(row: OutboxMessage) -> dict[str, object]:
    return {"id": row.id, "book_id": row.book_id, "kind": row.kind, "to": row.to_addresses,
            "subject": row.subject, "status": row.status, "attempts": row.attempts,
            "next_attempt_at": as_utc(row.next_attempt_at).isoformat(),
            "sent_at": as_utc(row.sent_at).isoformat() if row.sent_at else None,
            "last_error": row.last_error}


@app.command()
def outbox(
    status: str | None = typer.Option(None, "--status", help=f"One of {', '.join(STATUSES)}"),
    limit: int = typer.Option(200, "--limit", min=1, max=10_000),
    fmt: Format = typer.Option(Format.table, "--format", help="table, csv or json"),
) -> None:
    """The outbox, newest first."""
    if status is not None and status not in STATUSES:
        fail(f"--status: {status!r} is not one of {', '.join(STATUSES)}")
    with cli_session() as session:
        rows = [_row(r) for r in list_all(session, status, limit)]
    header = ["id", "kind", "to", "subject", "status", "attempts", "next_attempt_at",
              "last_error"]
    emit(fmt, {"messages": rows},
         (header, [[str(r[h] if r[h] is not None else "") for h in header] for r in rows]),
         title="Outbox")


@app.command()
def retry(message_id: int = typer.Argument(..., help="The message's id (folio mail outbox)",
                                           min=1)) -> None:
    """Queue a failed message again, with a fresh count of attempts."""
    with cli_session(write=True) as session:
        row = retry_any(session, message_id)
        out.print(f"Message {row.id} is queued again; it goes with the next send-mail run.")


@app.command("send-now")
def send_now() -> None:
    """Run the send-mail job now; exit 1 if it fails."""
    from folio.db import get_engine
    from folio.ops.jobs import run_job

    try:
        done = run_job("send-mail", get_engine(), get_settings(), trigger="cli")
    except FolioError as exc:
        fail(exc.detail)
    assert done is not None
    if done.status == "failed":
        fail(f"send-mail failed: {done.message}")
    if done.status == "skipped":
        fail("another process is sending mail now; try again in a moment", code=75)
    out.print(f"send-mail: {done.message or 'nothing due'}")
