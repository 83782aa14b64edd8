"""``folio alerts list|test|evaluate``."""

from __future__ import annotations

import typer
from rich.markup import escape
from sqlalchemy.engine import Engine

from folio.cli_support import Format, emit, fail, out
from folio.ops import alerts
from folio.ops.jobs import as_utc
from folio.settings import get_settings

app = typer.Typer(help="Alerts: their state, a test notification, a check now.",
                  no_args_is_help=True)


def _engine() -> Engine:
    from folio.db import get_engine

    return get_engine()


@app.command("list")
def list_(fmt: Format = typer.Option(Format.table, "--format", help="table, csv or json")) -> None:
    """Every rule and its state (a rule not checked yet shows as "unknown")."""
    found = {s.rule: s for s in alerts.states(_engine())}
    data = []
    for rule, (title, _check) in alerts.RULES.items():
        state = found.get(rule)
        data.append({
            "rule": rule, "title": title,
            "status": state.status if state else "unknown",
            "since": as_utc(state.since).isoformat() if state else None,
            "value": state.last_value if state else None,
            "message": state.message if state else "",
            "last_notified_at": as_utc(state.last_notified_at).isoformat()
            if state and state.last_notified_at else None})
    header = ["rule", "status", "since", "value", "last_notified_at", "message"]
    emit(fmt, {"alerts": data},
         (header, [["" if d[h] is None else str(d[h]) for h in header] for d in data]),
         title="Alerts")


@app.command()
def test() -> None:
    """Send a test notification through every configured channel; exit 1 naming a failure."""
    settings = get_settings()
    sent, failed = alerts.send_test(settings)
    if not sent:
        fail("No alert channel is configured: set ALERT_EMAIL_TO (with SMTP_HOST) or "
             "ALERT_WEBHOOK_URL")
    for channel in sent:
        if channel not in failed:
            out.print(f"{channel}: sent", highlight=False)
    if failed:
        fail("; ".join(f"{channel} failed: {reason}" for channel, reason in failed.items()))


@app.command()
def evaluate() -> None:
    """Check every rule now (as the evaluate-alerts job does) and notify what changed."""
    for result in alerts.evaluate(_engine(), get_settings()):
        line = f"{result.rule}: {result.status} ({result.message})"
        if result.notified:
            line += f" - notified {result.notified}"
        if result.failed_channels:
            line += f" - failed: {', '.join(result.failed_channels)}"
        out.print(escape(line), highlight=False)
