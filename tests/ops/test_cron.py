"""POST /api/v1/cron/{job}: a bearer secret, not a user, may run a job."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from folio.ops.cron import PUBLIC_API_PREFIXES
from folio.ops.jobs import recent_runs
from folio.settings import Settings, get_settings
from tests.ops.backup_fixtures import backup_settings, need_pg_tools

SECRET = "s3cr3t-cron-token-that-is-long-enough-0123456789"


def _use(client: TestClient, settings: Settings) -> None:
    client.app.dependency_overrides[get_settings] = lambda: settings  # type: ignore[attr-defined]


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


@pytest.fixture
def cron_settings(tmp_path: Any) -> Settings:
    return backup_settings(tmp_path, CRON_SECRET=SECRET)


def test_the_cron_prefix_is_public() -> None:
    assert "/api/v1/cron/" in PUBLIC_API_PREFIXES


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {SECRET}",
                                           f"Bearer {SECRET}x", "Bearer "])
def test_it_refuses_a_missing_or_wrong_secret(client: TestClient, engine: Engine,
                                              cron_settings: Settings,
                                              authorization: str | None) -> None:
    _use(client, cron_settings)
    headers = {"Authorization": authorization} if authorization is not None else {}
    body = _problem(client.post("/api/v1/cron/backup", headers=headers), 401)
    assert "CRON_SECRET" in body["detail"]
    assert recent_runs(engine) == []


def test_it_is_off_without_a_secret(client: TestClient, engine: Engine, tmp_path: Any) -> None:
    _use(client, backup_settings(tmp_path))
    body = _problem(client.post("/api/v1/cron/backup",
                                headers={"Authorization": "Bearer "}), 503)
    assert "set CRON_SECRET" in body["detail"]


def test_an_unknown_job_is_404(client: TestClient, cron_settings: Settings) -> None:
    _use(client, cron_settings)
    body = _problem(client.post("/api/v1/cron/nope",
                                headers={"Authorization": f"Bearer {SECRET}"}), 404)
    assert "nope" in body["detail"]


def test_the_right_secret_runs_the_job_and_records_it(client: TestClient, engine: Engine,
                                                      cron_settings: Settings) -> None:
    need_pg_tools(engine)
    _use(client, cron_settings)
    response = client.post("/api/v1/cron/backup", headers={"Authorization": f"Bearer {SECRET}"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["job"] == "backup"
    assert body["status"] == "ok"
    assert "verified" in body["message"]
    runs = recent_runs(engine, "backup")
    assert [(r.status, r.trigger) for r in runs] == [("ok", "cron")]
    assert len(list(cron_settings.backup_dir.glob("folio-*.tar.gz"))) == 1
