"""JSON log lines with the request id; one access line per request; no secrets."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from folio.app import create_app
from folio.ops.logging import JsonFormatter, configure_logging
from folio.settings import Settings, get_settings

SECRET = "Bearer very-secret-token-value-0123456789"


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything logged while the test runs, formatted as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


@pytest.fixture
def app_client() -> Iterator[TestClient]:
    with TestClient(create_app(create_engine("sqlite://"))) as test_client:
        yield test_client


def _records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def _server_side(stream: io.StringIO) -> list[dict[str, Any]]:
    """Leave out the test client's own lines (httpx logs the URL it requested)."""
    return [r for r in _records(stream) if r["logger"] != "httpx"]


def _access(stream: io.StringIO) -> list[dict[str, Any]]:
    return [r for r in _records(stream) if r["logger"] == "folio.access"]


def test_it_logs_one_json_access_line_per_request(
        app_client: TestClient, log_lines: io.StringIO) -> None:
    response = app_client.get("/health")
    (line,) = _access(log_lines)
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["level"] == "INFO"
    assert line["message"] == "request"
    assert (line["method"], line["route"], line["status"]) == ("GET", "/health", 200)
    assert line["duration_ms"] >= 0
    assert line["client_ip"] == "testclient"
    assert line["ts"].endswith("+00:00")


def test_it_uses_the_request_id_the_client_sent(
        app_client: TestClient, log_lines: io.StringIO) -> None:
    response = app_client.get("/health", headers={"X-Request-ID": "req-42"})
    assert response.headers["X-Request-ID"] == "req-42"
    assert [r["request_id"] for r in _access(log_lines)] == ["req-42"]


def test_lines_logged_inside_a_request_carry_its_id(
        app_client: TestClient, log_lines: io.StringIO) -> None:
    app = app_client.app

    @app.get("/_says_hello")  # type: ignore[attr-defined]
    def says_hello() -> dict[str, str]:
        logging.getLogger("folio.test").info("hello", extra={"who": "alice"})
        return {}

    response = app_client.get("/_says_hello")
    (hello,) = [r for r in _records(log_lines) if r["logger"] == "folio.test"]
    assert hello["request_id"] == response.headers["X-Request-ID"]
    assert hello["who"] == "alice"


def test_the_access_line_names_the_route_template_not_the_path(
        client: TestClient, log_lines: io.StringIO) -> None:
    assert client.get("/api/v1/books/some-book/accounts?token=abc").status_code == 404
    (line,) = _access(log_lines)
    assert (line["route"], line["status"]) == ("/api/v1/books/{slug}/accounts", 404)
    server_side = json.dumps(_server_side(log_lines))
    assert "some-book" not in server_side
    assert "token=abc" not in server_side


def test_authorization_headers_never_reach_the_logs(
        app_client: TestClient, log_lines: io.StringIO) -> None:
    app_client.app.dependency_overrides[get_settings] = (  # type: ignore[attr-defined]
        lambda: Settings(METRICS_TOKEN=SECRET.removeprefix("Bearer ")))
    assert app_client.get("/metrics", headers={"Authorization": SECRET}).status_code == 200
    app_client.get("/api/v1/health", headers={"Authorization": SECRET, "Cookie": "s=1"})
    app_client.get("/metrics", headers={"Authorization": SECRET + "x"})
    assert len(_access(log_lines)) == 3
    assert "very-secret-token" not in log_lines.getvalue()  # httpx's lines included
    assert "Cookie" not in log_lines.getvalue()


def test_configure_logging_is_idempotent() -> None:
    configure_logging(Settings())
    configure_logging(Settings())
    json_handlers = [h for h in logging.getLogger().handlers if getattr(h, "folio_json", False)]
    assert len(json_handlers) == 1
    assert logging.getLogger("uvicorn.access").disabled


def test_exceptions_are_logged_in_the_line() -> None:
    try:
        raise ValueError("bad thing")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed", None, __import__("sys").exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "failed"
    assert "ValueError: bad thing" in line["exc"]
