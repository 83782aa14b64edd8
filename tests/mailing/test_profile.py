"""The book profile: API and page validation, the logo, and what documents print."""

from __future__ import annotations

import struct
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.documents.pdf import invoice_pdf
from tests.conftest import sign_in_as
from tests.mailing.conftest import pdf_text
from tests.sales.conftest import MakeInvoice

API = "/api/v1/books/studio/profile"
PAGE = "/books/studio/settings/profile"


def png(width: int = 4, height: int = 2) -> bytes:
    """A real (tiny, red) PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


GOOD = {"legal_name": "PT Studio Jakarta Kreatif", "address": "Jl. Kemang Raya 12\nLantai 3",
        "city": "Jakarta Selatan", "postal_code": "12730", "phone": "+62 21 555 0101",
        "email": "halo@studio.example", "website": "https://studio.example",
        "tax_id": "01.234.567.8-901.000", "invoice_footer": "Mohon cantumkan nomor faktur.",
        "payment_terms_days": 14, "reminders_enabled": True, "reminder_days": "7, -3, 30",
        "bank_accounts": [{"bank_name": "BCA", "account_name": "PT Studio Jakarta Kreatif",
                           "account_number": "123-456-7890"},
                          {"bank_name": "Mandiri", "account_name": "PT Studio Jakarta Kreatif",
                           "account_number": "987 654 3210"}]}


def test_the_profile_round_trips_through_the_api(client: Any, studio: Book) -> None:
    empty = client.get(API)
    assert empty.status_code == 200
    assert empty.json()["legal_name"] is None
    assert empty.json()["bank_accounts"] == []
    saved = client.put(API, json=GOOD)
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["tax_id"] == "012345678901000"  # digits only
    assert body["reminder_days"] == "-3,7,30"
    assert [b["bank_name"] for b in body["bank_accounts"]] == ["BCA", "Mandiri"]
    assert client.get(API).json() == body


def test_bad_input_is_refused_and_writes_nothing(client: Any, studio: Book,
                                                 counts: Callable[[], dict[str, int]]) -> None:
    before = counts()
    bad_npwp = client.put(API, json={**GOOD, "tax_id": "12345"})
    assert bad_npwp.status_code == 422
    assert "tax_id" in {e["field"] for e in bad_npwp.json()["errors"]}
    bad_many = client.put(API, json={**GOOD, "email": "not-an-email", "website": "no spaces x",
                                     "reminder_days": "3, soon"})
    assert bad_many.status_code == 422
    assert {"email", "website", "reminder_days"} <= {e["field"] for e in
                                                      bad_many.json()["errors"]}
    half_bank = client.put(API, json={**GOOD, "bank_accounts": [
        {"bank_name": "BCA", "account_name": " ", "account_number": "1"}]})
    assert half_bank.status_code == 422
    assert client.put(API, json={**GOOD, "extra": 1}).status_code == 422
    assert counts() == before


def test_the_logo_is_checked_by_its_bytes(client: Any, studio: Book, data_dir: Path,
                                          counts: Callable[[], dict[str, int]]) -> None:
    before = counts()
    fake = client.put(f"{API}/logo", files={"file": ("logo.png", b"GIF89a not a png",
                                                     "image/png")})
    assert fake.status_code == 422
    assert "PNG, JPEG or SVG" in fake.json()["detail"]
    script = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert client.put(f"{API}/logo", files={"file": ("x.svg", script, "image/svg+xml")}
                      ).status_code == 422
    huge = client.put(f"{API}/logo", files={"file": ("big.png", png() + b"\0" * 1_100_000,
                                                     "image/png")})
    assert huge.status_code == 413
    assert counts() == before
    assert not list(data_dir.rglob("*.*"))  # no file left behind
    ok = client.put(f"{API}/logo", files={"file": ("whatever.bin", png(), "text/plain")})
    assert ok.status_code == 200, ok.text
    assert ok.json()["logo_media_type"] == "image/png"
    served = client.get(f"{API}/logo")
    assert served.content == png()
    assert served.headers["content-type"] == "image/png"
    [stored] = list(data_dir.rglob("*.png"))
    assert "attachments/studio/logo" in stored.as_posix()
    again = client.put(f"{API}/logo", files={"file": ("l.png", png(8, 8), "image/png")})
    assert again.status_code == 200
    assert [p.read_bytes() for p in data_dir.rglob("*.png")] == [png(8, 8)]  # old one gone
    assert client.delete(f"{API}/logo").status_code == 204
    assert client.get(f"{API}/logo").status_code == 404
    assert not list(data_dir.rglob("*.png"))


def test_only_managers_change_the_profile(client: Any, engine: Engine, studio: Book,
                                          session: Session) -> None:
    from tests.conftest import ensure_member

    ensure_member(session, studio, "clerk@example.test", "accountant")
    session.commit()
    sign_in_as(client, engine, "clerk@example.test")
    assert client.get(API).status_code == 200
    assert client.put(API, json=GOOD).status_code == 403
    assert client.post(PAGE, data={"legal_name": "X"}).status_code == 403


def test_the_settings_page_saves_and_shows_errors(client: Any, studio: Book,
                                                  counts: Callable[[], dict[str, int]]) -> None:
    page = client.get(PAGE)
    assert page.status_code == 200
    assert 'name="bank-0-bank_name"' in page.text
    before = counts()
    bad = client.post(PAGE, data={"legal_name": "PT Studio", "tax_id": "99",
                                  "reminder_days": "-3,7,30"})
    assert bad.status_code == 422
    assert 'id="profile-npwp"' in bad.text
    assert 'aria-invalid="true" aria-describedby="error-tax_id"' in bad.text
    assert counts() == before
    good = client.post(PAGE, data={"legal_name": "PT Studio Jakarta Kreatif",
                                   "tax_id": "0123456789012345", "reminders_enabled": "1",
                                   "reminder_days": "-3,7,30", "bank-0-bank_name": "BCA",
                                   "bank-0-account_name": "PT Studio",
                                   "bank-0-account_number": "555"},
                       follow_redirects=False)
    assert good.status_code == 303, good.text
    shown = client.get(good.headers["location"])
    assert 'value="PT Studio Jakarta Kreatif"' in shown.text
    assert 'value="555"' in shown.text
    wrong = client.post(f"{PAGE}/logo", files={"logo": ("a.png", b"nope", "image/png")})
    assert wrong.status_code == 422


def test_the_invoice_pdf_prints_the_letterhead_logo_and_banks(
        client: Any, session: Session, studio: Book, make_invoice: MakeInvoice,
        tmp_path: Path) -> None:
    assert client.put(API, json=GOOD).status_code == 200
    assert client.put(f"{API}/logo", files={"file": ("l.png", png(), "image/png")}
                      ).status_code == 200
    session.expire_all()
    invoice = make_invoice((10_000_000, "PPN12"), issue=True)
    pdf = invoice_pdf(session, studio, invoice)
    text = pdf_text(pdf)
    assert "PT Studio Jakarta Kreatif" in text
    assert "Jl. Kemang Raya 12" in text
    assert "12730 Jakarta Selatan" in text
    assert "NPWP: 01.234.567.8-901.000" in text
    assert "BCA 123-456-7890 a.n. PT Studio Jakarta Kreatif" in text
    assert "Mandiri 987 654 3210" in text
    assert "Mohon cantumkan nomor faktur." in text
    (tmp_path / "i.pdf").write_bytes(pdf)
    images = subprocess.run(["pdfimages", "-list", str(tmp_path / "i.pdf")],
                            capture_output=True, text=True, check=True).stdout
    assert any(line.split()[3:5] == ["4", "2"] for line in images.splitlines()[2:]), images
