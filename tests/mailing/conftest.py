"""Mail fixtures: the sales book and customers, a real SMTP server wired into the settings,
and pdftotext."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.parties.models import Party
from folio.settings import Settings, get_settings
from tests.documents.conftest import pdf_text
from tests.sales.conftest import client_co, make_invoice, studio
from tests.smtp_server import SmtpServer

__all__ = ["client_co", "make_invoice", "pdf_text", "studio"]


@pytest.fixture
def mail_on(smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """SMTP_* pointing at the test server, for the services and the app alike."""
    for name, value in smtp_server.environ.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def mail_off(monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("SMTP_HOST", "")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def emailed_customer(session: Session, studio: Book, client_co: Party) -> Party:
    """``client_co`` with a contact address."""
    client_co.email = "Finance PT Klien <finance@klien.example>"
    session.commit()
    return client_co


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """DATA_DIR in the test's own directory, where logos are kept."""
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("DATA_DIR", str(root))
    get_settings.cache_clear()
    yield root
    get_settings.cache_clear()
