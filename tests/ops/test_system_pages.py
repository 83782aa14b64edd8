"""The System dashboard: what an installation administrator sees, and nobody else."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.auth.actor import SYSTEM
from folio.auth.models import User
from folio.books.models import Book
from folio.db import make_session, transaction
from folio.ops import system
from folio.ops.backup import service as backups
from folio.ops.errortrack import ErrorGroup
from folio.ops.jobs import JobRun, job_lock
from folio.ops.requestlog import RequestLog
from folio.settings import Settings, get_settings
from tests.conftest import OWNER, ensure_user, sign_in_as
from tests.ops.backup_fixtures import need_pg_tools
from tests.web.page import Page

PAGES = ["/system", "/system/fragments/overview", "/system/requests", "/system/jobs",
         "/system/database", "/system/errors", "/system/users", "/system/backups",
         "/system/deploys"]
NOW = datetime.now(UTC)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """DATA_DIR (and so BACKUP_DIR) in this test's temp directory, for the app too."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BACKUP_DIR", raising=False)
    monkeypatch.delenv("BACKUP_PASSPHRASE", raising=False)
    monkeypatch.delenv("FOLIO_COMMIT", raising=False)
    monkeypatch.delenv("FOLIO_DEPLOYED_AT", raising=False)
    get_settings.cache_clear()
    (tmp_path / "data").mkdir()
    yield get_settings()
    get_settings.cache_clear()


def log_requests(engine: Engine, *rows: dict[str, Any]) -> None:
    defaults = {"at": NOW - timedelta(minutes=1), "method": "GET", "route": "/books/{slug}",
                "status": 200, "duration_ms": 10.0, "user_id": None, "ip": "203.0.113.9",
                "request_id": "req-1"}
    with transaction(engine, actor=SYSTEM) as db:
        db.add_all([RequestLog(**{**defaults, **row}) for row in rows])


def owner_id(engine: Engine) -> int:
    with make_session(engine, actor=SYSTEM) as db:
        return db.scalars(select(User.id).where(User.email == OWNER)).one()


def page(client: Any, path: str) -> Page:
    response = client.get(path)
    assert response.status_code == 200, response.text[:2000]
    return Page(response.text)


FIVE = [{"duration_ms": 10.0}, {"duration_ms": 20.0}, {"duration_ms": 30.0},
        {"duration_ms": 40.0, "status": 500}, {"duration_ms": 100.0, "status": 404}]


# --- overview ------------------------------------------------------------------------------

def test_traffic_has_rate_percentiles_and_error_rate(engine: Engine, session: Session) -> None:
    log_requests(engine, *FIVE, {"at": NOW - timedelta(hours=2), "duration_ms": 9000.0})
    hour = system.traffic(session, 60, NOW)
    assert (hour.requests, hour.errors, hour.error_rate) == (5, 1, 20.0)
    # percentile_cont: p50 the middle value, p95 interpolated between 40 and 100.
    assert (hour.p50_ms, hour.p95_ms) == (30.0, 88.0)
    assert system.traffic(session, 5, NOW).per_minute == 1.0
    empty = system.traffic(session, 5, NOW - timedelta(days=3))
    assert (empty.requests, empty.p50_ms, empty.error_rate) == (0, None, None)


def test_the_overview_shows_the_figures_and_refreshes_them(client: Any, engine: Engine) -> None:
    log_requests(engine, *FIVE)
    shown = page(client, "/system")
    assert "30.0 ms / 88.0 ms" in shown.text
    assert "20.0 %" in shown.text
    assert "Database size" in shown.text
    assert "Free disk" in shown.text
    refresher = next(a for _, a in shown.elements if "hx-get" in a)
    assert refresher["hx-get"] == "/system/fragments/overview"
    assert refresher["hx-trigger"] == "every 10s"
    fragment = client.get("/system/fragments/overview")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "88.0 ms" in fragment.text


def test_the_overview_works_in_bahasa(client: Any) -> None:
    client.cookies.set("folio_lang", "id")
    shown = client.get("/system", headers={"Accept-Language": "id"})
    assert shown.status_code == 200
    assert "Ukuran basis data" in shown.text


# --- the request log -----------------------------------------------------------------------

def test_the_request_log_filters(client: Any, engine: Engine) -> None:
    me = owner_id(engine)
    log_requests(
        engine,
        {"method": "POST", "route": "/api/v1/books/{slug}/entries", "status": 201,
         "user_id": me, "request_id": "mine"},
        {"route": "/books/{slug}/journal", "status": 500, "request_id": "broken"},
        {"route": "/login", "status": 302, "at": NOW - timedelta(days=10),
         "request_id": "old"})

    def ids(query: str) -> set[str]:
        shown = page(client, f"/system/requests{query}")
        return {r for r in ("mine", "broken", "old") if r in shown.text}

    assert ids("") == {"mine", "broken", "old"}
    assert ids("?method=POST") == {"mine"}
    assert ids("?route=journal") == {"broken"}
    assert ids("?status=5xx") == {"broken"}
    assert ids("?status=3xx") == {"old"}
    assert ids("?user=owner@") == {"mine"}
    day = (NOW - timedelta(days=10)).date().isoformat()
    assert ids(f"?from={day}&to={day}") == {"old"}
    assert ids("?route=%25") == set()  # a LIKE wildcard is searched for, not obeyed
    assert OWNER in page(client, "/system/requests?method=POST").text


def test_the_request_log_pages_newest_first(client: Any, engine: Engine) -> None:
    log_requests(engine, *({"request_id": f"r{n:03}", "at": NOW - timedelta(seconds=n)}
                           for n in range(system.PAGE_SIZE + 5)))
    first = page(client, "/system/requests")
    assert "r000" in first.text
    assert "r054" not in first.text
    assert "/system/requests?page=2" in first.hrefs()
    assert "r054" in page(client, "/system/requests?page=2").text


# --- jobs ----------------------------------------------------------------------------------

def test_jobs_are_listed_and_run_now_records_a_run(client: Any, engine: Engine) -> None:
    shown = page(client, "/system/jobs")
    for name in ("backup", "prune-logs", "evaluate-alerts"):
        assert name in shown.text
    assert "No runs yet" in shown.text
    response = client.post("/system/jobs/prune-logs/run", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/system/jobs?notice=ok&name=prune-logs"
    with make_session(engine, actor=SYSTEM) as db:
        run = db.scalars(select(JobRun)).one()
    assert (run.name, run.status, run.trigger) == ("prune-logs", "ok", "dashboard")
    after = page(client, response.headers["location"])
    assert "The job prune-logs ran." in after.text
    assert "dashboard" in after.text
    assert "prune-logs" in page(client, "/system/jobs?job=prune-logs").text


def test_a_job_running_elsewhere_is_not_started_again(client: Any, engine: Engine) -> None:
    with job_lock(engine, "prune-logs") as held:
        assert held
        response = client.post("/system/jobs/prune-logs/run")
    assert response.status_code == 200
    assert "running in another process" in response.text
    with make_session(engine, actor=SYSTEM) as db:
        assert db.scalars(select(JobRun.status)).all() == ["skipped"]


def test_an_unknown_job_is_404(client: Any) -> None:
    assert client.post("/system/jobs/nope/run").status_code == 404


# --- database, errors, users, deploys --------------------------------------------------------

def test_the_database_page_lists_tables_and_the_revision(client: Any, engine: Engine,
                                                         book: Book) -> None:
    shown = page(client, "/system/database")
    assert "journal_entries" in shown.text
    assert "request_log" in shown.text
    assert "At head: up to date" in shown.text
    with make_session(engine, actor=SYSTEM) as db:
        info = system.database_info(db)
    counted = {t.name: t.rows for t in info.tables}
    sized = {t.name: t.size_bytes for t in info.tables}
    assert sized["journal_entries"]  # dbstat on SQLite, pg_total_relation_size on PostgreSQL
    assert counted["books"] == 1
    assert counted["users"] == 1
    assert info.at_head
    assert info.size_bytes
    assert info.size_bytes > 0


def test_errors_are_listed_and_their_traceback_shown_escaped(client: Any, engine: Engine) -> None:
    with transaction(engine, actor=SYSTEM) as db:
        group = ErrorGroup(fingerprint="f" * 64, type="ValueError",
                           message="<script>alert(1)</script>", count=3,
                           first_seen=NOW - timedelta(days=1), last_seen=NOW,
                           last_traceback='File "x.py", line 1\n<b>boom</b>',
                           last_route="/books/{slug}", last_request_id="abc123")
        db.add(group)
        db.flush()
        group_id = group.id
    listing = client.get("/system/errors")
    assert "<script>alert(1)" not in listing.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing.text
    assert f"/system/errors/{group_id}" in Page(listing.text).hrefs()
    detail = client.get(f"/system/errors/{group_id}")
    assert detail.status_code == 200
    assert "<pre" in detail.text
    assert "&lt;b&gt;boom&lt;/b&gt;" in detail.text
    assert "<b>boom" not in detail.text
    assert "abc123" in detail.text
    assert client.get("/system/errors/999999").status_code == 404


def test_active_users_are_those_seen_lately(client: Any, engine: Engine) -> None:
    with make_session(engine, write=True, actor=SYSTEM) as db:
        ensure_user(db, "idle@example.test")  # never signed in: not active
        db.commit()
    shown = page(client, "/system/users")
    assert OWNER in shown.text
    assert "idle@example.test" not in shown.text
    with make_session(engine, actor=SYSTEM) as db:
        assert [a.user.email for a in system.active_users(db)] == [OWNER]
        # Twenty minutes from now (not from when this module was imported).
        assert system.active_users(db, datetime.now(UTC) + timedelta(minutes=20)) == []


def test_deploys_show_the_running_release_and_its_history(
        client: Any, data_dir: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "No release history is recorded" in page(client, "/system/deploys").text
    monkeypatch.setenv("FOLIO_COMMIT", "abc123def456")
    monkeypatch.setenv("FOLIO_DEPLOYED_AT", "2026-11-20T10:00:00Z")
    (data_dir.DATA_DIR / "releases.log").write_text(
        "2026-11-01T09:00:00Z\t0011aa-20261101090000\t0011aa\n"
        "2026-11-20T10:00:00Z\tabc123def456-20261120100000\tabc123def456\n", encoding="utf-8")
    shown = page(client, "/system/deploys")
    assert "abc123def456" in shown.text
    assert "2026-11-20T10:00:00Z" in shown.text
    assert shown.text.index("abc123def456-2026") < shown.text.index("0011aa-2026")


# --- backups -------------------------------------------------------------------------------

def test_backups_are_listed_downloaded_and_verified(client: Any, engine: Engine,
                                                   data_dir: Settings, book: Book) -> None:
    need_pg_tools(engine)
    assert "No backups yet" in page(client, "/system/backups").text
    made = backups.create(engine, data_dir)
    shown = page(client, "/system/backups")
    assert made.file_name in shown.text
    assert "Verified" in shown.text
    link = f"/system/backups/{made.file_name}/download"
    assert link in shown.hrefs()
    download = client.get(link)
    assert download.status_code == 200
    assert download.content == (data_dir.backup_dir / made.file_name).read_bytes()
    assert download.headers["content-disposition"].startswith("attachment")
    response = client.post("/system/backups/verify", data={"name": made.file_name},
                           follow_redirects=False)
    assert response.status_code == 303
    assert "notice=verify_ok" in response.headers["location"]
    assert "is verified" in page(client, response.headers["location"]).text


def test_a_damaged_backup_shows_as_failed(client: Any, engine: Engine, data_dir: Settings,
                                          book: Book) -> None:
    need_pg_tools(engine)
    made = backups.create(engine, data_dir, verify_after=False)
    path = data_dir.backup_dir / made.file_name
    path.write_bytes(path.read_bytes()[:200])
    response = client.post("/system/backups/verify", data={"name": made.file_name})
    assert response.status_code == 200
    assert "failed verification" in response.text


def test_back_up_now_runs_the_backup_job(client: Any, engine: Engine, data_dir: Settings,
                                         book: Book) -> None:
    need_pg_tools(engine)
    response = client.post("/system/backups/create", follow_redirects=False)
    assert response.headers["location"] == "/system/backups?notice=backup_ok"
    with make_session(engine, actor=SYSTEM) as db:
        run = db.scalars(select(JobRun)).one()
    assert (run.name, run.status, run.trigger) == ("backup", "ok", "dashboard")
    shown = page(client, response.headers["location"])
    assert "The backup is made and verified." in shown.text
    assert len(list(data_dir.backup_dir.glob("folio-*.tar.gz"))) == 1


def test_only_catalogued_files_can_be_downloaded(client: Any, data_dir: Settings,
                                                 engine: Engine) -> None:
    secret = data_dir.DATA_DIR / "secret.txt"
    secret.write_text("not for download", encoding="utf-8")
    for name in ("nope.tar.gz", "..%2Fsecret.txt", "%2E%2E%2Fsecret.txt", "secret.txt"):
        assert client.get(f"/system/backups/{name}/download").status_code == 404, name
    assert client.post("/system/backups/verify", data={"name": "../secret.txt"}
                       ).status_code == 404


# --- who may ------------------------------------------------------------------------------

def test_someone_who_is_not_an_administrator_gets_403_everywhere(
        anonymous: Any, engine: Engine, data_dir: Settings) -> None:
    sign_in_as(anonymous, engine, "someone@example.test")
    log_requests(engine, {})
    for path in [*PAGES, "/system/errors/1", "/system/backups/x.tar.gz/download"]:
        response = anonymous.get(path)
        assert response.status_code == 403, path
    for path in ("/system/jobs/prune-logs/run", "/system/backups/create",
                 "/system/backups/verify"):
        assert anonymous.post(path, data={"name": "x"}).status_code == 403, path
    with make_session(engine, actor=SYSTEM) as db:
        assert db.scalars(select(JobRun)).all() == []
    assert not list(data_dir.backup_dir.glob("*")) if data_dir.backup_dir.exists() else True
    home = anonymous.get("/")
    assert "/system" not in Page(home.text).hrefs()


def test_nobody_signed_in_is_sent_to_sign_in(anonymous: Any) -> None:
    response = anonymous.get("/system", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_an_action_without_the_csrf_token_is_refused(client: Any, engine: Engine) -> None:
    del client.headers["X-CSRF-Token"]
    assert client.post("/system/jobs/prune-logs/run").status_code == 403
    assert client.post("/system/backups/create").status_code == 403
    with make_session(engine, actor=SYSTEM) as db:
        assert db.scalars(select(JobRun)).all() == []


def test_administrators_find_the_system_pages_in_the_navigation(client: Any, book: Book) -> None:
    assert "/system" in page(client, "/books/acme").hrefs()
    assert "/system" in page(client, "/account").hrefs()


def test_every_system_page_needs_no_inline_script_or_style(client: Any, engine: Engine) -> None:
    log_requests(engine, *FIVE)
    client.post("/system/jobs/prune-logs/run")
    for path in PAGES:
        shown = page(client, path)
        assert not shown.attribute_values("style"), path
        assert not any(name.startswith("on") or name.startswith("hx-on")
                       for _, attrs in shown.elements for name in attrs), path
        assert all("src" in attrs for tag, attrs in shown.elements if tag == "script"), path
        for href in shown.hrefs():
            if href.startswith("/system"):
                assert client.get(href).status_code == 200, f"{href} on {path}"
