"""Purchases fixtures: the IDR agency book, a vendor, bill factories, a private DATA_DIR,
and tiny real receipt files."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.auth.actor import Actor, set_actor
from folio.auth.service import add_member, create_user
from folio.books.models import Book
from folio.db import make_session
from folio.parties.models import Party
from folio.parties.service import PartyInput, create_party
from folio.purchases.bills import BillInput, BillLineInput, approve_bill, create_bill
from folio.purchases.models import Bill
from folio.settings import get_settings
from tests.sales.conftest import balance, studio  # noqa: F401  (fixtures shared with sales)

D = Decimal
MakeBill = Callable[..., Bill]
PASSWORD = "correct battery horse staple"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """DATA_DIR in the test's own directory, so stored receipts can be looked at."""
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("DATA_DIR", str(root))
    get_settings.cache_clear()
    yield root
    get_settings.cache_clear()


@pytest.fixture
def vendor(session: Session, studio: Book) -> Party:  # noqa: F811
    """A design-services vendor with an NPWP and 30 days' terms."""
    party, _ = create_party(session, studio, PartyInput(
        name="PT Vendor Kreatif", is_vendor=True, tax_id="0123456789012345",
        payment_terms_days=30))
    session.commit()
    return party


def service(price: int | str, code: str | None = "PPN-IN", **extra: Any) -> BillLineInput:
    return BillLineInput(description=extra.pop("description", "Video production"),
                         unit_price=D(str(price)), tax_code=code, **extra)


@pytest.fixture
def make_bill(session: Session, studio: Book, vendor: Party) -> MakeBill:  # noqa: F811
    """A draft (or, with approve=True, an approved) bill from ``vendor``."""
    counter = iter(range(1, 10_000))

    def make(*lines: BillLineInput, approve: bool = False, day: str = "2026-03-02",
             **kwargs: Any) -> Bill:
        bill = create_bill(session, studio, BillInput(
            vendor_id=kwargs.pop("vendor_id", vendor.id),
            vendor_reference=kwargs.pop("vendor_reference", f"INV-V-{next(counter):03d}"),
            lines=list(lines or (service(5_550_000),)), bill_date=date.fromisoformat(day),
            **kwargs))
        if approve:
            approve_bill(session, studio, bill)
        session.commit()
        return bill

    return make


def member_session(engine: Engine, session: Session, book: Book, email: str,
                   role: str) -> Session:
    """A write session acting as a new member ``email`` with ``role``; the caller closes it."""
    user = create_user(session, email, PASSWORD)
    add_member(session, book, user, role)
    session.commit()
    acting = make_session(engine, write=True)
    set_actor(acting, Actor(label=email, user_id=user.id))
    return acting


def tiny_png() -> bytes:
    """A real 1x1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def tiny_pdf() -> bytes:
    """A real one-page PDF with a correct cross-reference table."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    body = b"%PDF-1.4\n"
    offsets = []
    for n, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{n} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    body += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
             f"%%EOF\n").encode()
    return body


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "attachments").rglob("*") if p.is_file()) \
        if (root / "attachments").exists() else []
