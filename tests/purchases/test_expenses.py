"""Direct expenses and their receipts: what posts, what is stored where, who may download."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.app import create_app
from folio.books.models import Book
from folio.errors import ValidationError
from folio.purchases.expenses import ExpenseInput, record_expense
from folio.purchases.models import Attachment
from tests.api.conftest import problem
from tests.conftest import sign_in_as
from tests.purchases.conftest import D, stored_files, tiny_pdf, tiny_png
from tests.sales.conftest import balance

API = "/api/v1/books/studio"


def taxi(**extra: object) -> ExpenseInput:
    fields: dict[str, object] = {"date": date(2026, 3, 3), "payee": "Blue Bird",
                                 "account": "6207", "amount": D(111_000),
                                 "description": "Taxi to the client", "paid_from": "1101"}
    fields.update(extra)
    return ExpenseInput(**fields)  # type: ignore[arg-type]


def test_a_direct_expense_with_input_vat_posts_at_once(session: Session, studio: Book) -> None:
    expense = record_expense(session, studio, taxi(amount=D(1_110_000), tax_code="PPN-IN"))
    session.commit()
    # 1.110.000 includes PPN at 11% effective (12% of 11/12): net 1.000.000, PPN 110.000.
    assert (expense.net, expense.tax) == (1_000_000, 110_000)
    assert balance(session, studio, "6207") == 1_000_000
    assert balance(session, studio, "1401") == 110_000
    assert balance(session, studio, "1101") == -1_110_000


def test_a_bad_expense_names_its_fields(session: Session, studio: Book) -> None:
    with pytest.raises(ValidationError) as caught:
        record_expense(session, studio, taxi(account="2101", amount=D("-5"), payee="",
                                             paid_from="6207", tax_code="PPH23",
                                             project_id=999))
    assert {e["field"] for e in caught.value.errors} == {
        "account", "amount", "payee", "paid_from", "tax_code", "project_id"}


def upload(client: TestClient, expense_id: int, name: str, content: bytes,
           declared: str = "image/png") -> object:
    return client.post(f"{API}/expenses/{expense_id}/attachments",
                       files={"file": (name, content, declared)})


@pytest.fixture
def expense_id(client: TestClient, studio: Book) -> int:
    made = client.post(f"{API}/expenses", json={
        "date": "2026-03-03", "payee": "Toko Kertas", "account": "6204", "amount": "55500",
        "description": "Printer paper", "paid_from": "1101", "tax_code": "PPN-IN"})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_a_png_and_a_pdf_receipt_are_stored_and_downloaded(
        client: TestClient, expense_id: int, data_dir: Path, session: Session) -> None:
    png, pdf = tiny_png(), tiny_pdf()
    first = upload(client, expense_id, "../../etc/struk kertas.png", png)
    assert first.status_code == 201, first.text  # type: ignore[attr-defined]
    body = first.json()  # type: ignore[attr-defined]
    assert (body["original_name"], body["media_type"], body["size"]) == \
        ("struk kertas.png", "image/png", len(png))
    assert body["sha256"] == hashlib.sha256(png).hexdigest()
    # Declared as an image, named .jpg: the bytes say PDF, so it is stored as one.
    second = upload(client, expense_id, "scan.jpg", pdf, "image/jpeg").json()  # type: ignore
    assert second["media_type"] == "application/pdf"
    files = stored_files(data_dir)
    assert len(files) == 2
    for path in files:
        relative = path.relative_to(data_dir).parts
        assert relative[:3] == ("attachments", "studio", str(datetime.now(UTC).year))
        assert "struk" not in path.name
        assert "scan" not in path.name
    stored = session.scalars(select(Attachment.path)).all()
    assert all(not p.startswith("/") and p.startswith("attachments/studio/") for p in stored)
    got = client.get(body["url"])
    assert got.status_code == 200
    assert got.content == png
    assert got.headers["content-type"] == "image/png"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert "struk" in got.headers["content-disposition"]
    listed = client.get(f"{API}/expenses/{expense_id}").json()
    assert [a["media_type"] for a in listed["attachments"]] == ["image/png", "application/pdf"]


def test_an_exe_named_png_is_refused_and_nothing_is_written(
        client: TestClient, expense_id: int, data_dir: Path, session: Session) -> None:
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200
    refused = problem(upload(client, expense_id, "receipt.png", exe), 422)  # type: ignore
    assert refused["errors"][0]["field"] == "file"
    problem(upload(client, expense_id, "empty.png", b""), 422)  # type: ignore[arg-type]
    assert stored_files(data_dir) == []
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_a_file_above_the_limit_is_refused_and_nothing_is_written(
        client: TestClient, expense_id: int, data_dir: Path, session: Session,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from folio.settings import get_settings

    monkeypatch.setenv("EXPENSE_MAX_UPLOAD_MB", "0.001")  # 1.048 bytes
    get_settings.cache_clear()
    big = tiny_png() + b"\x00" * 2_000
    refused = problem(upload(client, expense_id, "big.png", big), 413)  # type: ignore
    assert "EXPENSE_MAX_UPLOAD_MB" in refused["detail"]
    assert stored_files(data_dir) == []
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0
    session.rollback()  # let go of SQLite's write lock before the next request
    assert upload(client, expense_id, "small.png", tiny_png()).status_code == 201  # type: ignore


def test_only_members_of_the_book_can_download(client: TestClient, expense_id: int,
                                               engine: Engine) -> None:
    made = upload(client, expense_id, "r.png", tiny_png()).json()  # type: ignore[attr-defined]
    with TestClient(create_app(engine)) as outsider:
        sign_in_as(outsider, engine, "outsider@example.test")
        problem(outsider.get(made["url"]), 404)
        problem(outsider.post(f"{API}/expenses/{expense_id}/attachments",
                              files={"file": ("r.png", tiny_png(), "image/png")}), 404)
    problem(client.get(f"{API}/attachments/999999"), 404)
