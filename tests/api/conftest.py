"""Helpers of the API tests: a book made through the API, problem document checks."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

API = "/api/v1"
BOOK = f"{API}/books/acme"


def problem(response: httpx.Response, status: int, slug: str | None = None) -> dict[str, Any]:
    """Assert ``response`` is an RFC 9457 problem document with ``status``; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    if slug is not None:
        assert body["type"].endswith(f"/{slug}"), body["type"]
    for error in body.get("errors", []):
        assert {"field", "message"} <= set(error)
    return body


def fields(body: dict[str, Any]) -> list[str]:
    return [e["field"] for e in body.get("errors", [])]


def entry_body(lines: list[tuple[str, str]], day: str = "2025-01-05", **extra: Any
               ) -> dict[str, Any]:
    return {"date": day, "description": extra.pop("description", "Sale"),
            "lines": [{"account": code, "amount": amount} for code, amount in lines], **extra}


SALE = [("1010", "100.00"), ("4100", "-100.00")]


@pytest.fixture
def api(client: TestClient) -> TestClient:
    """The client with a USD book ``acme`` on the generic chart, made through the API."""
    response = client.post(f"{API}/books", json={"slug": "acme", "name": "Acme Ltd",
                                                  "base_currency": "USD"})
    assert response.status_code == 201, response.text
    return client

