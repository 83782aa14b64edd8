"""/metrics: Prometheus text by route template, access control, business counters."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY, generate_latest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from folio.app import create_app
from folio.books.models import Book
from folio.ledger.transfer import import_journal
from folio.ops.metrics import _client_allowed, _registry, route_template
from folio.settings import Settings, get_settings
from tests.conftest import post

TOKEN = "a-long-random-scrape-token-for-tests"


def _configure(client: TestClient, **values: str) -> None:
    client.app.dependency_overrides[get_settings] = (  # type: ignore[attr-defined]
        lambda: Settings(**values))  # type: ignore[arg-type]


@pytest.fixture
def bare_client() -> Iterator[TestClient]:
    """A client on an app whose database is never touched."""
    with TestClient(create_app(create_engine("sqlite://"))) as test_client:
        yield test_client


def test_it_counts_requests_by_route_template(client: TestClient, book: Book) -> None:
    _configure(client, METRICS_ALLOW="testclient")
    assert client.get("/api/v1/books/acme/accounts").status_code == 200
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    labels = 'method="GET",route="/api/v1/books/{slug}/accounts",status="200"'
    assert f"folio_http_requests_total{{{labels}}}" in text
    assert f'folio_http_request_duration_seconds_bucket{{le="0.005",{labels}}}' in text or \
        f'folio_http_request_duration_seconds_bucket{{{labels},le="0.005"}}' in text
    assert f"folio_http_request_duration_seconds_count{{{labels}}}" in text
    assert "/api/v1/books/acme/accounts" not in text
    assert "folio_http_requests_in_progress" in text


def test_unmatched_paths_share_one_label(bare_client: TestClient) -> None:
    _configure(bare_client, METRICS_ALLOW="testclient")
    bare_client.get("/no/such/page-1")
    bare_client.get("/no/such/page-2")
    text = bare_client.get("/metrics").text
    assert 'route="<unmatched>",status="404"' in text
    assert "page-1" not in text


def test_a_slug_that_looks_like_the_prefix_stays_a_parameter() -> None:
    route = type("Route", (), {"path_format": "/books/{slug}/accounts"})()
    scope = {"route": route, "path": "/api/v1/books/api/accounts", "path_params": {"slug": "api"}}
    assert route_template(scope) == "/api/v1/books/{slug}/accounts"


def test_unknown_methods_share_one_label(bare_client: TestClient) -> None:
    _configure(bare_client, METRICS_ALLOW="testclient")
    bare_client.request("BREW", "/health")
    assert 'method="OTHER"' in bare_client.get("/metrics").text


def test_it_rejects_a_client_outside_the_allow_list(bare_client: TestClient) -> None:
    response = bare_client.get("/metrics")  # the default allows only loopback addresses
    assert response.status_code == 403
    assert "folio_http" not in response.text


def test_it_accepts_the_right_bearer_token(bare_client: TestClient) -> None:
    _configure(bare_client, METRICS_TOKEN=TOKEN)
    response = bare_client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert "folio_http_requests_total" in response.text


def test_it_rejects_a_wrong_bearer_token(bare_client: TestClient) -> None:
    _configure(bare_client, METRICS_TOKEN=TOKEN)
    response = bare_client.get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 403


def test_an_empty_token_setting_accepts_no_token(bare_client: TestClient) -> None:
    _configure(bare_client, METRICS_TOKEN="")
    assert bare_client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403


def test_the_allow_list_takes_addresses_and_networks() -> None:
    assert _client_allowed("127.0.0.1", "127.0.0.1,::1")
    assert _client_allowed("::1", "127.0.0.1,::1")
    assert _client_allowed("10.1.2.3", "10.0.0.0/8")
    assert not _client_allowed("192.168.1.1", "10.0.0.0/8, 127.0.0.1")
    assert not _client_allowed(None, "127.0.0.1")


def test_server_errors_are_counted(bare_client: TestClient) -> None:
    app = bare_client.app

    @app.get("/_boom")  # type: ignore[attr-defined]
    def boom() -> None:
        raise RuntimeError("boom")

    before = REGISTRY.get_sample_value(
        "folio_http_errors_total", {"method": "GET", "route": "/_boom"}) or 0
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/_boom").status_code == 500
    assert REGISTRY.get_sample_value(
        "folio_http_errors_total", {"method": "GET", "route": "/_boom"}) == before + 1


def test_posting_an_entry_counts_it(session: Session, book: Book) -> None:
    before = REGISTRY.get_sample_value("folio_entries_posted_total") or 0
    post(session, book, "2025-01-05", [("6200", 10), ("1010", -10)])
    assert REGISTRY.get_sample_value("folio_entries_posted_total") == before + 1


def test_importing_a_journal_counts_its_entries(session: Session, book: Book) -> None:
    before = REGISTRY.get_sample_value("folio_entries_posted_total") or 0
    result = import_journal(session, book, io.StringIO(
        "txn_id,date,description,party,account,amount\n"
        "t1,2025-01-05,Rent,,6200,10\nt1,2025-01-05,Rent,,1010,-10\n"
        "t2,2025-01-06,Rent,,6200,5\nt2,2025-01-06,Rent,,1010,-5\n", newline=""))
    session.commit()
    assert result.created == 2
    assert REGISTRY.get_sample_value("folio_entries_posted_total") == before + 2


def test_multiprocess_mode_reads_the_shared_directory(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    registry = _registry()
    assert registry is not REGISTRY
    generate_latest(registry)  # aggregates whatever the workers wrote (nothing here)
