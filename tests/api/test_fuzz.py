"""Fuzz the JSON API from its own OpenAPI document (Schemathesis, SQLite only).

Whatever a client sends, the answer is never a 5xx, and every 4xx is a problem document.
Path parameters are steered to a seeded book (and mostly to existing entries and accounts)
so that the book-scoped routes get past the book lookup.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from folio.auth.actor import SYSTEM
from folio.books.service import BookInput, create_book
from folio.db import create_folio_engine, make_session
from tests.conftest import OWNER, bearer_token, ensure_member, post, unthrottled_app
from tests.fuzzing import is_a_problem_document

ACCOUNTS = ["1010", "4100", "6200", "1020", "2100"]
AUTH: dict[str, str] = {}  # the owner's API token, once the database exists


# The schema is read from the app at import time; the database file it points at is only
# created (from the migrated template) and seeded by the fixture below, before any test.
DB_DIR = Path(tempfile.mkdtemp(prefix="folio-fuzz-"))
ENGINE = create_folio_engine(f"sqlite:///{DB_DIR / 'folio.db'}")
# The cron endpoint answers 503 by design while CRON_SECRET is unset (tests/ops/test_cron.py).
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", unthrottled_app(ENGINE)) \
    .exclude(path_regex="^/api/v1/cron/")


@pytest.fixture(scope="module", autouse=True)
def seeded_book(sqlite_template: Path) -> Iterator[None]:
    shutil.copy(sqlite_template, DB_DIR / "folio.db")
    with make_session(ENGINE, write=True, actor=SYSTEM) as session:
        book = create_book(session, BookInput(slug="acme", name="Acme", base_currency="USD"))
        ensure_member(session, book, OWNER, "owner")
        session.commit()
        post(session, book, "2025-01-05", [("1010", "10.00"), ("4100", "-10.00")])
        post(session, book, "2025-02-05", [("6200", "4.00"), ("1020", "-4.00")])
    AUTH["Authorization"] = f"Bearer {bearer_token(ENGINE, OWNER)}"
    yield
    ENGINE.dispose()
    shutil.rmtree(DB_DIR, ignore_errors=True)


def steer(case: Any) -> None:
    """Point path parameters at the seeded book (mostly at existing entries and accounts), and
    give every other entry real accounts and balancing amounts, so that requests get past
    the lookups and some entries are written. Done here, not in hooks, so that every
    generation phase is steered."""
    params = case.path_parameters
    if params:
        if "slug" in params:
            params["slug"] = "acme"
        if isinstance(params.get("entry_id"), int) and params["entry_id"] % 4:
            params["entry_id"] = params["entry_id"] % 4
        if isinstance(params.get("code"), str) and len(params["code"]) % 2:
            params["code"] = "1010"
    lines = case.body.get("lines") if isinstance(case.body, dict) else None
    if not isinstance(lines, list) or len(lines) < 2 or len(lines) % 2:
        return
    if not all(isinstance(line, dict) for line in lines):
        return
    for n, line in enumerate(lines):
        line["account"] = ACCOUNTS[n % len(ACCOUNTS)]
        line["amount"] = str(Decimal(n % 7 + 1).scaleb(-2))
        line.pop("currency", None)
    lines[-1]["amount"] = str(-sum(Decimal(line["amount"]) for line in lines[:-1]))



@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_api_answers_any_request_without_a_server_error(case: Any) -> None:
    steer(case)
    case.call_and_validate(headers=AUTH, checks=[not_a_server_error, is_a_problem_document])
