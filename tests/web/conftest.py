"""Fixtures of the page tests: a book with a few posted entries, a reader for pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.ledger.models import JournalEntry
from tests.conftest import post
from tests.web.page import Page


@pytest.fixture
def entries(session: Session, book: Book) -> list[JournalEntry]:
    """Three posted entries in the USD book: capital, a sale, rent."""
    return [
        post(session, book, "2026-01-05", [("1020", "5000"), ("3100", "-5000")],
             description="Owner's capital"),
        post(session, book, "2026-01-10", [("1010", "1250.50"), ("4100", "-1250.50")],
             description="Cash sale", party="Walk-in customer"),
        post(session, book, "2026-01-20", [("6200", "800"), ("1020", "-800")],
             description="January rent", reference="R-1"),
    ]



@pytest.fixture
def page(client: Any) -> Callable[..., Page]:
    """GET a path, check it is a 200 HTML page, and parse it."""

    def get(path: str, status: int = 200, **kwargs: Any) -> Page:
        response = client.get(path, **kwargs)
        assert response.status_code == status, response.text[:2000]
        assert response.headers["content-type"].startswith("text/html")
        return Page(response.text)

    return get
