"""Alerts fire on crafted data, resolve when it recovers, and notify once by email and
webhook; plus the scrape-time metrics they share (backup age, free disk, job runs)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text, update
from sqlalchemy.engine import Engine

from folio.auth.actor import SYSTEM
from folio.db import transaction
from folio.ops import alerts
from folio.ops.alerts import AlertState, evaluate
from folio.ops.backup.models import Backup
from folio.ops.jobs import JobRun, run_job
from folio.ops.requestlog import RequestLog
from folio.settings import Settings, get_settings
from tests.conftest import Cli, said
from tests.ops.backup_fixtures import backup_settings
from tests.smtp_server import SmtpServer, free_port

ADMINS = "ops@example.test, owner@example.test"


# --- a webhook receiver ------------------------------------------------------------------

@dataclass
class Receiver:
    url: str
    status: int = 200
    bodies: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def webhook() -> Iterator[Receiver]:
    """A real HTTP server on 127.0.0.1 that keeps the JSON bodies POSTed to it."""
    receiver = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            receiver.bodies.append(json.loads(self.rfile.read(length)))
            self.send_response(receiver.status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/folio"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def alert_settings(tmp_path: Path, smtp: SmtpServer | None = None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"PUBLIC_URL": "https://books.example.test"}
    if smtp is not None:
        values.update(SMTP_HOST=smtp.host, SMTP_PORT=smtp.port, SMTP_STARTTLS=False,
                      SMTP_FROM="Folio <folio@example.test>", SMTP_TIMEOUT=5,
                      ALERT_EMAIL_TO=ADMINS)
    return backup_settings(tmp_path, **{**values, **overrides})


# --- crafted data ------------------------------------------------------------------------

def requests(engine: Engine, count: int, *, status: int = 200, duration_ms: float = 20,
             at: datetime | None = None) -> None:
    at = at or datetime.now(UTC) - timedelta(minutes=1)
    with transaction(engine, actor=SYSTEM) as session:
        session.add_all(RequestLog(at=at, method="GET", route="/api/v1/books", status=status,
                                   duration_ms=duration_ms, ip="", request_id="")
                        for _ in range(count))


def job_run(engine: Engine, status: str, started: datetime, name: str = "backup") -> None:
    with transaction(engine, actor=SYSTEM) as session:
        session.add(JobRun(name=name, started_at=started, duration_ms=5, status=status,
                           trigger="scheduler", records=0, message="disk full", error=""))


def backup(engine: Engine, created: datetime, ok: bool | None = True) -> None:
    with transaction(engine, actor=SYSTEM) as session:
        session.add(Backup(file_name=f"folio-{created:%Y%m%dT%H%M%S}-{ok}.tar.gz",
                           created_at=created, kind="scheduled", size=10, sha256="0" * 64,
                           verified_at=created if ok is not None else None, verify_ok=ok))


def state(engine: Engine, rule: str) -> AlertState:
    with transaction(engine, write=False, actor=SYSTEM) as session:
        found = session.get(AlertState, rule)
        assert found is not None
        return found


def one(engine: Engine, settings: Settings, rule: str,
        now: datetime | None = None) -> alerts.Evaluated:
    [result] = evaluate(engine, settings, now=now, rules=[rule])
    return result


# --- rules -------------------------------------------------------------------------------

def test_the_error_rate_alert_fires_once_and_resolves_by_email(
        engine: Engine, tmp_path: Path, smtp_server: SmtpServer) -> None:
    settings = alert_settings(tmp_path, smtp_server)
    requests(engine, 25)
    requests(engine, 5, status=503)
    fired = one(engine, settings, "error_rate")
    assert (fired.status, fired.value, fired.notified) == ("firing", 0.1667, "firing")
    [mail] = smtp_server.wait_for(1)
    assert mail.message["Subject"] == \
        "[FIRING] Folio Error rate on https://books.example.test"
    assert sorted(mail.rcpt_tos) == ["ops@example.test", "owner@example.test"]
    assert "16.7% of requests answered 5xx" in mail.message.get_content()

    again = one(engine, settings, "error_rate")  # still firing: no second message
    assert (again.status, again.notified) == ("firing", None)
    assert len(smtp_server.messages) == 1
    assert state(engine, "error_rate").notified_status == "firing"

    later = datetime.now(UTC) + timedelta(minutes=10)  # the window has moved past the errors
    requests(engine, 30, at=later - timedelta(minutes=1))
    resolved = one(engine, settings, "error_rate", now=later)
    assert (resolved.status, resolved.value, resolved.notified) == ("ok", 0.0, "resolved")
    resolved_mail = smtp_server.wait_for(2)[1]
    assert resolved_mail.message["Subject"].startswith("[RESOLVED] Folio Error rate")
    assert one(engine, settings, "error_rate", now=later).notified is None
    assert len(smtp_server.messages) == 2


def test_too_few_requests_never_fire(engine: Engine, tmp_path: Path) -> None:
    requests(engine, 19, status=500, duration_ms=9000)
    settings = alert_settings(tmp_path)
    assert [r.status for r in evaluate(engine, settings, rules=["error_rate", "p95_latency"])] \
        == ["ok", "ok"]


def test_the_latency_alert_looks_at_the_95th_percentile(engine: Engine, tmp_path: Path) -> None:
    settings = alert_settings(tmp_path)
    requests(engine, 95, duration_ms=100)
    requests(engine, 5, duration_ms=5000)  # 5%: the p95 is still fast
    assert one(engine, settings, "p95_latency").status == "ok"
    assert one(engine, settings, "p95_latency").value == 100
    requests(engine, 10, duration_ms=2500)
    slow = one(engine, settings, "p95_latency")
    assert (slow.status, slow.value) == ("firing", 2500)
    assert "the limit is 2000 ms" in slow.message
    later = datetime.now(UTC) + timedelta(minutes=10)
    requests(engine, 20, duration_ms=50, at=later - timedelta(seconds=30))
    assert one(engine, settings, "p95_latency", now=later).status == "ok"


def test_the_disk_alert_compares_the_free_share(engine: Engine, tmp_path: Path) -> None:
    fired = one(engine, alert_settings(tmp_path, ALERT_DISK_FREE_RATIO=1.01), "disk_free")
    assert fired.status == "firing"
    assert fired.value is not None
    assert 0 < fired.value <= 1
    assert one(engine, alert_settings(tmp_path, ALERT_DISK_FREE_RATIO=0.0),
               "disk_free").status == "ok"


def test_the_backup_alert_fires_on_an_old_verified_backup(engine: Engine,
                                                         tmp_path: Path) -> None:
    settings = alert_settings(tmp_path)
    now = datetime.now(UTC)
    backup(engine, now - timedelta(hours=30))
    backup(engine, now - timedelta(hours=1), ok=False)  # newer, but failed verification
    fired = one(engine, settings, "backup_age")
    assert fired.status == "firing"
    assert fired.value is not None
    assert 29.9 * 3600 < fired.value < 30.1 * 3600
    assert "30.0 hours old; the limit is 26 hours" in fired.message
    backup(engine, now - timedelta(minutes=5))
    assert one(engine, settings, "backup_age").status == "ok"


def test_no_verified_backup_fires_only_after_the_grace_period(engine: Engine,
                                                              tmp_path: Path) -> None:
    settings = alert_settings(tmp_path)
    assert one(engine, settings, "backup_age").status == "ok"  # a new installation
    job_run(engine, "ok", datetime.now(UTC) - timedelta(hours=27), name="evaluate-alerts")
    fired = one(engine, settings, "backup_age")
    assert (fired.status, fired.message) == ("firing", "There is no verified backup")


def test_a_failed_job_fires_for_an_hour(engine: Engine, tmp_path: Path) -> None:
    settings = alert_settings(tmp_path)
    assert one(engine, settings, "failed_jobs").status == "ok"
    job_run(engine, "failed", datetime.now(UTC) - timedelta(minutes=10))
    job_run(engine, "ok", datetime.now(UTC) - timedelta(minutes=5), name="prune-logs")
    fired = one(engine, settings, "failed_jobs")
    assert (fired.status, fired.value) == ("firing", 1)
    assert "failed in the last hour: backup" in fired.message
    later = datetime.now(UTC) + timedelta(hours=1)
    assert one(engine, settings, "failed_jobs", now=later).status == "ok"


def test_readiness_fires_when_migrations_are_behind(engine: Engine, tmp_path: Path) -> None:
    settings = alert_settings(tmp_path)
    assert one(engine, settings, "readiness").status == "ok"
    with engine.begin() as connection:
        head = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        fired = one(engine, settings, "readiness")
        assert fired.status == "firing"
        assert "run `folio db upgrade`" in fired.message
    finally:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    assert one(engine, settings, "readiness").status == "ok"


def test_a_still_firing_alert_is_repeated_after_the_repeat_interval(
        engine: Engine, tmp_path: Path, smtp_server: SmtpServer) -> None:
    settings = alert_settings(tmp_path, smtp_server, ALERT_DISK_FREE_RATIO=1.01)
    assert one(engine, settings, "disk_free").notified == "firing"
    assert one(engine, settings, "disk_free").notified is None
    with transaction(engine, actor=SYSTEM) as session:
        session.execute(update(AlertState).values(
            last_notified_at=datetime.now(UTC) - timedelta(hours=25)))
    assert one(engine, settings, "disk_free").notified == "firing"
    assert len(smtp_server.wait_for(2)) == 2
    assert one(engine, settings, "disk_free").notified is None


# --- webhook -----------------------------------------------------------------------------

def test_the_webhook_gets_generic_json(engine: Engine, tmp_path: Path,
                                       webhook: Receiver) -> None:
    settings = alert_settings(tmp_path, ALERT_WEBHOOK_URL=webhook.url)
    job_run(engine, "failed", datetime.now(UTC) - timedelta(minutes=1))
    one(engine, settings, "failed_jobs")
    one(engine, settings, "failed_jobs")
    [body] = webhook.bodies
    assert set(body) == {"alert", "status", "value", "message", "instance", "at"}
    assert (body["alert"], body["status"], body["value"]) == ("failed_jobs", "firing", 1)
    assert body["instance"] == "https://books.example.test"
    assert datetime.fromisoformat(body["at"]).tzinfo is not None
    one(engine, settings, "failed_jobs", now=datetime.now(UTC) + timedelta(hours=2))
    assert [b["status"] for b in webhook.bodies] == ["firing", "resolved"]


def test_the_webhook_speaks_slack(engine: Engine, tmp_path: Path, webhook: Receiver) -> None:
    settings = alert_settings(tmp_path, ALERT_WEBHOOK_URL=webhook.url,
                              ALERT_WEBHOOK_FORMAT="slack", ALERT_DISK_FREE_RATIO=1.01)
    one(engine, settings, "disk_free")
    [body] = webhook.bodies
    assert list(body) == ["text"]
    assert body["text"].startswith("[FIRING] Folio Disk almost full on "
                                   "https://books.example.test: ")
    assert "of the disk holding" in body["text"]


def test_a_failing_webhook_is_logged_and_retried_next_time(
        engine: Engine, tmp_path: Path, webhook: Receiver,
        caplog: pytest.LogCaptureFixture) -> None:
    settings = alert_settings(tmp_path, ALERT_WEBHOOK_URL=webhook.url,
                              ALERT_DISK_FREE_RATIO=1.01)
    webhook.status = 500
    failed = one(engine, settings, "disk_free")
    assert (failed.status, failed.notified, failed.failed_channels) == (
        "firing", None, ("webhook",))
    assert "alert notification by webhook failed (will retry)" in caplog.text
    assert webhook.url not in caplog.text  # the URL may carry a token
    assert state(engine, "disk_free").notified_status == "ok"

    webhook.status = 204
    assert one(engine, settings, "disk_free").notified == "firing"
    assert len(webhook.bodies) == 2
    assert one(engine, settings, "disk_free").notified is None
    assert len(webhook.bodies) == 2


def test_a_closed_port_does_not_break_the_job(engine: Engine, tmp_path: Path,
                                              smtp_server: SmtpServer) -> None:
    settings = alert_settings(tmp_path, smtp_server,
                              ALERT_WEBHOOK_URL=f"http://127.0.0.1:{free_port()}/hook",
                              ALERT_DISK_FREE_RATIO=1.01, ALERT_WEBHOOK_TIMEOUT=2)
    run = run_job("evaluate-alerts", engine, settings)
    assert run is not None
    assert run.status == "ok", run.error
    assert "failed channels (retried next time): webhook" in run.message
    assert "firing: disk_free" in run.message
    assert len(smtp_server.wait_for(1)) == 1  # email still went out
    # Email worked and the webhook did not: the next evaluation tries again.
    assert state(engine, "disk_free").notified_status == "ok"


def test_the_alert_job_is_scheduled_every_minute(tmp_path: Path) -> None:
    from folio.ops.jobs import jobs

    assert jobs()["evaluate-alerts"].every(backup_settings(tmp_path)) == 1


# --- CLI ---------------------------------------------------------------------------------

def _env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def test_folio_alerts_test_sends_through_every_channel(
        cli: Cli, monkeypatch: pytest.MonkeyPatch, smtp_server: SmtpServer,
        webhook: Receiver) -> None:
    _env(monkeypatch, **smtp_server.environ, ALERT_EMAIL_TO=ADMINS,
         ALERT_WEBHOOK_URL=webhook.url)
    result = cli("alerts", "test")
    assert result.exit_code == 0, said(result)
    assert "email: sent" in said(result)
    assert "webhook: sent" in said(result)
    [mail] = smtp_server.wait_for(1)
    assert mail.message["Subject"].startswith("[TEST] Folio test on ")
    assert webhook.bodies[0]["alert"] == "test"


def test_folio_alerts_test_names_the_failed_channel(
        cli: Cli, monkeypatch: pytest.MonkeyPatch, smtp_server: SmtpServer) -> None:
    _env(monkeypatch, **smtp_server.environ, ALERT_EMAIL_TO=ADMINS,
         ALERT_WEBHOOK_URL=f"http://127.0.0.1:{free_port()}/hook")
    result = cli("alerts", "test")
    assert result.exit_code == 1
    assert "email: sent" in said(result)
    assert "webhook failed" in said(result)


def test_folio_alerts_test_without_channels_fails(cli: Cli,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _env(monkeypatch, ALERT_EMAIL_TO="", ALERT_WEBHOOK_URL="")
    result = cli("alerts", "test")
    assert result.exit_code == 1
    assert "No alert channel is configured" in said(result)


def test_folio_alerts_list_shows_each_rule(cli: Cli, engine: Engine,
                                           monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    job_run(engine, "failed", datetime.now(UTC) - timedelta(minutes=3))
    _env(monkeypatch, DATA_DIR=str(tmp_path), ALERT_EMAIL_TO="", ALERT_WEBHOOK_URL="")
    assert cli("alerts", "evaluate").exit_code == 0
    result = cli("alerts", "list", "--format", "json")
    assert result.exit_code == 0, said(result)
    found = {a["rule"]: a for a in json.loads(result.stdout)["alerts"]}
    assert set(found) == set(alerts.RULES)
    assert found["failed_jobs"]["status"] == "firing"
    assert found["failed_jobs"]["value"] == 1
    assert found["readiness"]["status"] == "ok"
    csv_out = cli("alerts", "list", "--format", "csv")
    assert csv_out.stdout.splitlines()[0] == "rule,status,since,value,last_notified_at,message"


# --- metrics -----------------------------------------------------------------------------

def _scrape(client: TestClient, settings: Settings) -> dict[str, float]:
    client.app.dependency_overrides[get_settings] = lambda: settings  # type: ignore[attr-defined]
    response = client.get("/metrics")
    assert response.status_code == 200
    return {sample.name + json.dumps(sample.labels, sort_keys=True): sample.value
            for family in text_string_to_metric_families(response.text)
            for sample in family.samples}


def test_metrics_report_free_disk_backup_age_and_job_runs(
        client: TestClient, engine: Engine, tmp_path: Path) -> None:
    settings = backup_settings(tmp_path, METRICS_ALLOW="testclient")
    scraped = _scrape(client, settings)
    assert 0 < scraped["folio_disk_free_ratio{}"] <= 1
    assert "folio_backup_age_seconds{}" not in scraped  # absent until a verified backup

    backup(engine, datetime.now(UTC) - timedelta(hours=2))
    backup(engine, datetime.now(UTC) - timedelta(minutes=1), ok=None)  # not verified yet
    run_job("prune-logs", engine, settings)
    scraped = _scrape(client, settings)
    assert 7190 < scraped["folio_backup_age_seconds{}"] < 7300
    assert scraped['folio_job_runs_total{"job": "prune-logs", "status": "ok"}'] >= 1


def test_the_business_counters_count() -> None:
    from prometheus_client import REGISTRY

    from folio.ops import metrics

    def value(name: str) -> float:
        return REGISTRY.get_sample_value(name) or 0

    issued, approved = value("folio_invoices_issued_total"), value(
        "folio_quotations_approved_total")
    metrics.invoice_issued()
    metrics.invoice_issued(2)
    metrics.quotation_approved()
    assert value("folio_invoices_issued_total") == issued + 3
    assert value("folio_quotations_approved_total") == approved + 1
