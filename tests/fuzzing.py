"""What every Schemathesis fuzz test of the API shares: the problem-document check."""

from __future__ import annotations

from typing import Any

PROBLEM_FIELDS = {"type", "title", "status", "detail"}


def is_a_problem_document(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx answer is application/problem+json with type, title, status and detail."""
    if not 400 <= response.status_code < 500:
        return None
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    assert content_type == "application/problem+json", (
        f"{response.status_code} answered with {content_type!r}")
    body = response.json()
    assert set(body) >= PROBLEM_FIELDS, f"problem document without {PROBLEM_FIELDS - set(body)}"
    assert body["status"] == response.status_code
    return True
