"""Document fixtures: the sales book and invoice factories, and pdftotext."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest

from tests.conftest import _missing
from tests.sales.conftest import client_co, make_invoice, studio

__all__ = ["client_co", "make_invoice", "pdf_text", "studio"]


def _weasyprint_ready() -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: Pango or its fonts are not installed
        _missing(f"WeasyPrint cannot load ({exc}); install libpango-1.0-0 libpangoft2-1.0-0 "
                 "fonts-noto-core to test PDF documents")
    if shutil.which("pdftotext") is None:
        _missing("pdftotext is not installed; install poppler-utils to test PDF documents")


@pytest.fixture(autouse=True)
def _native_libraries() -> None:
    _weasyprint_ready()


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as pdftotext reads it, whitespace collapsed to single spaces."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode()
    return " ".join(out.split())


@pytest.fixture
def anonymous_too(engine: Any) -> Any:
    """A second client that has not signed in, next to the signed-in ``client``."""
    from fastapi.testclient import TestClient

    from folio.app import create_app

    with TestClient(create_app(engine)) as test_client:
        yield test_client
