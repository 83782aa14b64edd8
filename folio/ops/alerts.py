"""Alerts: rules checked every minute by the ``evaluate-alerts`` job, notified once.

Each rule looks at what Folio already records (the request log, job runs, the backup
catalogue, the disk, the readiness checks) and says firing or ok. ``alert_states`` keeps
one row per rule, so a notification goes out when a rule starts firing, when it resolves,
and as a reminder every ALERT_REPEAT_HOURS while it keeps firing, never on every check.
Notifications go by email (ALERT_EMAIL_TO) and to a webhook (ALERT_WEBHOOK_URL, generic
JSON or Slack). A notification that fails is logged and tried again at the next check;
it never fails the job.
"""

from __future__ import annotations

import logging
import math
import socket
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import DateTime, Float, String, Text, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from folio.auth.actor import SYSTEM
from folio.db import Base, transaction
from folio.ops.jobs import JobRun, Outcome, as_utc, job
from folio.ops.requestlog import RequestLog
from folio.settings import Settings

log = logging.getLogger("folio.alerts")

WINDOW = timedelta(minutes=5)
FAILED_JOBS_WINDOW = timedelta(hours=1)


class AlertState(Base):
    __tablename__ = "alert_states"

    rule: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(10))  # firing, ok
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    message: Mapped[str] = mapped_column(Text, default="")
    evaluated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # What the channels last heard ("firing" or "ok"): differs from status until a
    # notification is delivered, so a failed one is retried at the next evaluation.
    notified_status: Mapped[str] = mapped_column(String(10), default="ok")
    last_notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                              nullable=True)


@dataclass(frozen=True)
class Check:
    firing: bool
    value: float | None
    message: str


Rule = Callable[[Engine, Settings, datetime], Check]


# --- rules -------------------------------------------------------------------------------

def _request_window(engine: Engine, now: datetime) -> tuple[int, int]:
    with transaction(engine, write=False, actor=SYSTEM) as session:
        total, errors = session.execute(
            select(func.count(), func.count().filter(RequestLog.status >= 500))
            .where(RequestLog.at >= now - WINDOW)).one()
    return int(total or 0), int(errors or 0)


def error_rate(engine: Engine, settings: Settings, now: datetime) -> Check:
    total, errors = _request_window(engine, now)
    if total < settings.ALERT_MIN_REQUESTS:
        return Check(False, None, f"{total} requests in the last 5 minutes: too few to judge")
    rate = errors / total
    return Check(rate > settings.ALERT_ERROR_RATE, round(rate, 4),
                 f"{rate:.1%} of requests answered 5xx over the last 5 minutes ({errors} of "
                 f"{total}); the limit is {settings.ALERT_ERROR_RATE:.1%}")


def p95_latency(engine: Engine, settings: Settings, now: datetime) -> Check:
    since = now - WINDOW
    with transaction(engine, write=False, actor=SYSTEM) as session:
        total = int(session.scalar(select(func.count()).where(RequestLog.at >= since)) or 0)
        if total < settings.ALERT_MIN_REQUESTS:
            return Check(False, None,
                         f"{total} requests in the last 5 minutes: too few to judge")
        rank = math.ceil(0.95 * total)  # nearest rank
        p95 = float(session.scalar(
            select(RequestLog.duration_ms).where(RequestLog.at >= since)
            .order_by(RequestLog.duration_ms).offset(rank - 1).limit(1)) or 0)
    return Check(p95 > settings.ALERT_P95_MS, round(p95, 1),
                 f"95% of the last 5 minutes' {total} requests took up to {p95:.0f} ms; "
                 f"the limit is {settings.ALERT_P95_MS:.0f} ms")


def disk_free(engine: Engine, settings: Settings, now: datetime) -> Check:
    from folio.ops.metrics import disk_free_ratio

    ratio = disk_free_ratio(settings.DATA_DIR)
    if ratio is None:
        return Check(True, None, f"Cannot read the disk holding {settings.DATA_DIR}")
    return Check(ratio < settings.ALERT_DISK_FREE_RATIO, round(ratio, 4),
                 f"{ratio:.1%} of the disk holding {settings.DATA_DIR} is free; the limit is "
                 f"{settings.ALERT_DISK_FREE_RATIO:.0%}")


def backup_age(engine: Engine, settings: Settings, now: datetime) -> Check:
    from folio.ops.health import check_backup

    limit = timedelta(hours=settings.ALERT_BACKUP_MAX_AGE_HOURS)
    age = check_backup(engine, settings).age_seconds
    if age is not None:
        hours = age / 3600
        return Check(age > limit.total_seconds(), round(age, 1),
                     f"The last verified backup is {hours:.1f} hours old; the limit is "
                     f"{settings.ALERT_BACKUP_MAX_AGE_HOURS:g} hours")
    # None verified yet: only an alert once jobs have run for longer than the limit, so a
    # new installation has time for its first backup.
    with transaction(engine, write=False, actor=SYSTEM) as session:
        first = session.scalar(select(func.min(JobRun.started_at)))
    if first is None:
        return Check(False, None, "There is no verified backup yet (no job has run yet)")
    overdue = as_utc(first) < now - limit
    return Check(overdue, None, "There is no verified backup" + (
        "" if overdue else f" yet (jobs first ran {(now - as_utc(first)) / timedelta(hours=1):.1f}"
                           " hours ago)"))


def failed_jobs(engine: Engine, settings: Settings, now: datetime) -> Check:
    with transaction(engine, write=False, actor=SYSTEM) as session:
        names = sorted(session.scalars(
            select(JobRun.name).distinct().where(JobRun.status == "failed",
                                                 JobRun.started_at >= now - FAILED_JOBS_WINDOW)))
        count = int(session.scalar(select(func.count()).where(
            JobRun.status == "failed", JobRun.started_at >= now - FAILED_JOBS_WINDOW)) or 0)
    if not count:
        return Check(False, 0, "No job failed in the last hour")
    return Check(True, count, f"{count} job run(s) failed in the last hour: "
                              f"{', '.join(names)} (see `folio jobs runs`)")


def readiness(engine: Engine, settings: Settings, now: datetime) -> Check:
    from folio.ops.health import check_database

    database, migrations = check_database(engine)
    if not database.reachable:
        return Check(True, 0, "The database does not answer")
    if not migrations.at_head:
        return Check(True, 0, f"The database schema is at {migrations.current}, not "
                              f"{migrations.head}: run `folio db upgrade`")
    return Check(False, 1, f"Ready (database answered in {database.latency_ms} ms)")


RULES: dict[str, tuple[str, Rule]] = {
    "error_rate": ("Error rate", error_rate),
    "p95_latency": ("Slow responses (p95)", p95_latency),
    "disk_free": ("Disk almost full", disk_free),
    "backup_age": ("Backup too old", backup_age),
    "failed_jobs": ("Jobs failed", failed_jobs),
    "readiness": ("Not ready", readiness),
}


# --- notifications -----------------------------------------------------------------------

@dataclass(frozen=True)
class Notification:
    alert: str
    status: str  # firing, resolved (or test)
    value: float | None
    message: str
    instance: str
    at: datetime

    def payload(self) -> dict[str, Any]:
        return {"alert": self.alert, "status": self.status, "value": self.value,
                "message": self.message, "instance": self.instance,
                "at": self.at.isoformat()}

    def headline(self) -> str:
        title = RULES[self.alert][0] if self.alert in RULES else self.alert
        return f"[{self.status.upper()}] Folio {title} on {self.instance}"


def instance_name(settings: Settings) -> str:
    return settings.PUBLIC_URL.strip() or socket.gethostname()


def send_email(note: Notification, settings: Settings) -> None:
    from folio import mail

    recipients = [a.strip() for a in settings.ALERT_EMAIL_TO.split(",") if a.strip()]
    value = "" if note.value is None else f"Value: {note.value}\n"
    mail.send(mail.Message(
        to=recipients, subject=note.headline(),
        text=f"{note.message}\n\nAlert: {note.alert}\nStatus: {note.status}\n{value}"
             f"Instance: {note.instance}\nAt: {note.at.isoformat()}\n\n"
             "What each alert means and what to do: docs/monitoring.md\n"), settings)


_in_webhook: ContextVar[bool] = ContextVar("folio_alert_webhook", default=False)


class _QuietWebhook(logging.Filter):
    """httpx logs every request's URL at INFO; a webhook URL is a secret (Slack's carries
    its token), so its lines are left out while an alert is being sent."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not _in_webhook.get()


logging.getLogger("httpx").addFilter(_QuietWebhook())


def send_webhook(note: Notification, settings: Settings) -> None:
    body = ({"text": f"{note.headline()}: {note.message}"}
            if settings.ALERT_WEBHOOK_FORMAT == "slack" else note.payload())
    token = _in_webhook.set(True)
    try:
        response = httpx.post(settings.ALERT_WEBHOOK_URL, json=body,
                              timeout=settings.ALERT_WEBHOOK_TIMEOUT)
    finally:
        _in_webhook.reset(token)
    response.raise_for_status()


def channels(settings: Settings) -> dict[str, Callable[[Notification, Settings], None]]:
    """The configured channels, by name."""
    found: dict[str, Callable[[Notification, Settings], None]] = {}
    if settings.ALERT_EMAIL_TO.strip():
        found["email"] = send_email
    if settings.ALERT_WEBHOOK_URL.strip():
        found["webhook"] = send_webhook
    return found


def _safe_reason(exc: Exception, settings: Settings) -> str:
    # The webhook URL is a secret (Slack's carries its token): never log it.
    text = f"{exc.__class__.__name__}: {exc}"
    url = settings.ALERT_WEBHOOK_URL.strip()
    return text.replace(url, "<ALERT_WEBHOOK_URL>") if url else text


def notify(note: Notification, settings: Settings) -> dict[str, str]:
    """Send ``note`` through every channel; the failed ones with their reason. Never raises."""
    log.warning("alert %s %s: %s", note.alert, note.status, note.message,
                extra={"alert": note.alert, "alert_status": note.status})
    failed = {}
    for name, send in channels(settings).items():
        try:
            send(note, settings)
        except Exception as exc:
            failed[name] = _safe_reason(exc, settings)
            log.error("alert notification by %s failed (will retry): %s", name, failed[name])
    return failed


# --- evaluation --------------------------------------------------------------------------

@dataclass(frozen=True)
class Evaluated:
    rule: str
    status: str
    value: float | None
    message: str
    notified: str | None  # firing/resolved when a notification went out now
    failed_channels: tuple[str, ...] = ()


def _due(state: AlertState, settings: Settings, now: datetime) -> str | None:
    """The notification ``state`` calls for now, if any."""
    if state.status == "firing":
        if state.notified_status != "firing":
            return "firing"
        last = state.last_notified_at
        if last is None or as_utc(last) <= now - timedelta(hours=settings.ALERT_REPEAT_HOURS):
            return "firing"  # a reminder
        return None
    return "resolved" if state.notified_status == "firing" else None


def evaluate(engine: Engine, settings: Settings, now: datetime | None = None,
             rules: list[str] | None = None) -> list[Evaluated]:
    """Check every rule, store its state, notify what changed."""
    now = now or datetime.now(UTC)
    results = []
    for name in rules or list(RULES):
        try:
            check = RULES[name][1](engine, settings, now)
        except Exception:  # one broken rule must not silence the others
            log.exception("alert rule %s could not be checked", name)
            continue
        status = "firing" if check.firing else "ok"
        with transaction(engine, actor=SYSTEM) as session:
            state = session.get(AlertState, name)
            if state is None:
                state = AlertState(rule=name, status=status, since=now, notified_status="ok")
                session.add(state)
            elif state.status != status:
                state.status, state.since = status, now
            state.last_value, state.message, state.evaluated_at = check.value, check.message, now
            due = _due(state, settings, now)
        if due is None:
            results.append(Evaluated(name, status, check.value, check.message, None))
            continue
        failed = notify(Notification(name, due, check.value, check.message,
                                     instance_name(settings), now), settings)
        if not failed:
            with transaction(engine, actor=SYSTEM) as session:
                state = session.get(AlertState, name)
                if state is not None:
                    state.notified_status = "firing" if due == "firing" else "ok"
                    state.last_notified_at = now
        results.append(Evaluated(name, status, check.value, check.message,
                                 due if not failed else None, tuple(sorted(failed))))
    return results


def states(engine: Engine) -> list[AlertState]:
    with transaction(engine, write=False, actor=SYSTEM) as session:
        return list(session.scalars(select(AlertState).order_by(AlertState.rule)))


def send_test(settings: Settings) -> tuple[list[str], dict[str, str]]:
    """A test notification through every configured channel: (channels, failed ones)."""
    if not channels(settings):
        return [], {}
    note = Notification("test", "test", None,
                        "This is a test notification from Folio (`folio alerts test`).",
                        instance_name(settings), datetime.now(UTC))
    return list(channels(settings)), notify(note, settings)


@job("evaluate-alerts", description="Check the alert rules; notify by email and webhook",
     every=lambda settings: 1, lock_minutes=10)
def evaluate_alerts(engine: Engine, settings: Settings) -> Outcome:
    results = evaluate(engine, settings)
    firing = [r.rule for r in results if r.status == "firing"]
    sent = [f"{r.rule} {r.notified}" for r in results if r.notified]
    failed = sorted({c for r in results for c in r.failed_channels})
    parts = [f"firing: {', '.join(firing)}" if firing else "all ok"]
    if sent:
        parts.append(f"notified: {', '.join(sent)}")
    if failed:
        parts.append(f"failed channels (retried next time): {', '.join(failed)}")
    return Outcome(records=len(results), message="; ".join(parts))
