"""Liveness and readiness: /health and /api/v1/health."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from folio import __version__
from folio.app import create_app
from folio.db import create_folio_engine
from folio.settings import Settings, get_settings

FIELDS = {"status", "database", "migrations", "disk", "backup", "version", "commit",
          "deployed_at", "environment", "uptime_seconds"}


def _get(engine: Engine, path: str, settings: Settings | None = None) -> object:
    app = create_app(engine)
    if settings is not None:
        app.dependency_overrides[get_settings] = lambda: settings
    with TestClient(app) as client:
        return client.get(path)


def test_liveness_answers_without_touching_the_database() -> None:
    engine = create_engine("sqlite:////nonexistent-folio-dir/sub/folio.db")
    response = _get(engine, "/health")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.json() == {"status": "ok"}  # type: ignore[attr-defined]


def test_readiness_is_ok_on_a_migrated_database(client: TestClient, engine: Engine) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == FIELDS
    assert body["status"] in ("ok", "degraded")
    assert body["database"]["reachable"] is True
    assert body["database"]["dialect"] == engine.dialect.name
    assert body["database"]["latency_ms"] >= 0
    assert body["migrations"]["at_head"] is True
    assert body["migrations"]["current"] == body["migrations"]["head"] is not None
    assert body["disk"]["free_bytes"] > 0
    assert 0 <= body["disk"]["free_percent"] <= 100
    assert body["backup"] == {"last_verified_at": None, "age_seconds": None, "file": None,
                              "created_at": None, "stale": False}
    assert body["version"] == __version__
    assert body["environment"] == "test"
    assert body["uptime_seconds"] >= 0


def test_readiness_needs_no_credentials(client: TestClient) -> None:
    response = client.get("/api/v1/health", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 200


def test_readiness_fails_when_migrations_are_not_at_head(tmp_path: Path) -> None:
    engine = create_folio_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    response = _get(engine, "/api/v1/health")
    engine.dispose()
    assert response.status_code == 503  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/json"  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["status"] == "failing"
    assert body["database"]["reachable"] is True
    assert body["migrations"]["current"] is None
    assert body["migrations"]["at_head"] is False


@pytest.mark.parametrize("url", [
    "sqlite:////nonexistent-folio-dir/sub/folio.db",
    "postgresql+psycopg://postgres@127.0.0.1:9/folio",  # the discard port: nothing listens
])
def test_readiness_fails_when_the_database_is_unreachable(url: str) -> None:
    engine = create_engine(url, connect_args={"connect_timeout": 2} if "postgres" in url else {})
    response = _get(engine, "/api/v1/health")
    assert response.status_code == 503  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/json"  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == FIELDS
    assert body["status"] == "failing"
    assert body["database"]["reachable"] is False
    assert body["database"]["latency_ms"] is None
    assert body["migrations"]["at_head"] is False


def test_it_reports_commit_and_deploy_time_from_the_environment(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FOLIO_COMMIT", "abc1234")
    monkeypatch.setenv("FOLIO_DEPLOYED_AT", "2026-11-23T10:00:00Z")
    body = _get(create_folio_engine(f"sqlite:///{tmp_path / 'x.db'}"), "/api/v1/health",
                Settings(DATA_DIR=tmp_path)).json()  # type: ignore[attr-defined]
    assert (body["commit"], body["deployed_at"]) == ("abc1234", "2026-11-23T10:00:00Z")


def test_it_reports_commit_and_deploy_time_from_deploy_json(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FOLIO_COMMIT", raising=False)
    monkeypatch.delenv("FOLIO_DEPLOYED_AT", raising=False)
    (tmp_path / "deploy.json").write_text(
        json.dumps({"commit": "def5678", "deployed_at": "2026-11-22T09:00:00Z"}))
    body = _get(create_folio_engine(f"sqlite:///{tmp_path / 'x.db'}"), "/api/v1/health",
                Settings(DATA_DIR=tmp_path)).json()  # type: ignore[attr-defined]
    assert (body["commit"], body["deployed_at"]) == ("def5678", "2026-11-22T09:00:00Z")
    assert body["disk"]["path"] == str(tmp_path)


def test_commit_and_deploy_time_are_null_when_unknown(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FOLIO_COMMIT", raising=False)
    monkeypatch.delenv("FOLIO_DEPLOYED_AT", raising=False)
    body = _get(create_folio_engine(f"sqlite:///{tmp_path / 'x.db'}"), "/api/v1/health",
                Settings(DATA_DIR=tmp_path)).json()  # type: ignore[attr-defined]
    assert body["commit"] is None
    assert body["deployed_at"] is None


def test_readiness_is_documented_with_a_response_model() -> None:
    schema = create_app(create_engine("sqlite://")).openapi()
    operation = schema["paths"]["/api/v1/health"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Readiness"}
    assert "503" in operation["responses"]
    assert "/health" not in schema["paths"]
