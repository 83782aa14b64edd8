"""JSON API of the book profile: ``GET/PUT /books/{slug}/profile`` and its logo."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.books.profile import (
    LOGO_MAX_BYTES,
    MAX_BANK_ACCOUNTS,
    BankDetailInput,
    ProfileInput,
    bank_accounts,
    get_profile,
    logo,
    remove_logo,
    set_logo,
    update_profile,
)
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import NotFound

router = APIRouter(prefix="/books/{slug}", tags=["book profile"])


Short = Annotated[str, StringConstraints(max_length=200)]


class BankAccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bank_name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    account_name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    account_number: Annotated[str, StringConstraints(min_length=1, max_length=50)]


class ProfileBody(BaseModel):
    """The profile as a client sends it; empty strings and nulls clear a field."""

    model_config = ConfigDict(extra="forbid")
    legal_name: Short | None = None
    address: Annotated[str, StringConstraints(max_length=500)] | None = Field(
        None, description="Street address; one line per line")
    city: Annotated[str, StringConstraints(max_length=100)] | None = None
    postal_code: Annotated[str, StringConstraints(max_length=20)] | None = None
    phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
    website: Short | None = None
    tax_id: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        None, description="NPWP (15 or 16 digits) or NITKU; dots and dashes are ignored")
    invoice_footer: Annotated[str, StringConstraints(max_length=2000)] | None = Field(
        None, description="Payment instructions printed on invoices")
    payment_terms_days: Annotated[int, Field(ge=0, le=365)] | None = None
    invoice_notes: Annotated[str, StringConstraints(max_length=2000)] | None = None
    reminders_enabled: bool = False
    reminder_days: Annotated[str, StringConstraints(max_length=100)] = Field(
        "-3,7,30", description="Reminder stages in days from the due date")
    bank_accounts: Annotated[list[BankAccountIn], Field(max_length=MAX_BANK_ACCOUNTS)] = []


class ProfileOut(BaseModel):
    legal_name: str | None
    address: str | None
    city: str | None
    postal_code: str | None
    phone: str | None
    email: str | None
    website: str | None
    tax_id: str | None
    invoice_footer: str | None
    payment_terms_days: int | None
    invoice_notes: str | None
    reminders_enabled: bool
    reminder_days: str
    has_logo: bool
    logo_media_type: str | None
    bank_accounts: list[BankAccountIn]


def profile_out(session: Session, book: Book) -> ProfileOut:
    profile = get_profile(session, book)
    return ProfileOut(
        legal_name=profile.legal_name, address=profile.address, city=profile.city,
        postal_code=profile.postal_code, phone=profile.phone, email=profile.email,
        website=profile.website, tax_id=profile.tax_id, invoice_footer=profile.invoice_footer,
        payment_terms_days=profile.payment_terms_days, invoice_notes=profile.invoice_notes,
        reminders_enabled=bool(profile.reminders_enabled),
        reminder_days=profile.reminder_days or "", has_logo=bool(profile.logo_path),
        logo_media_type=profile.logo_media_type,
        bank_accounts=[BankAccountIn(bank_name=b.bank_name, account_name=b.account_name,
                                     account_number=b.account_number)
                       for b in bank_accounts(session, book)])


def profile_input(body: ProfileBody) -> ProfileInput:
    data = body.model_dump(exclude={"bank_accounts"})
    return ProfileInput(**data, bank_accounts=[BankDetailInput(**b.model_dump())
                                               for b in body.bank_accounts])


@router.get("/profile", response_model=ProfileOut)
def get_book_profile(book: BookDep, session: SessionDep) -> ProfileOut:
    """What the book prints on its documents, and its reminder settings."""
    return profile_out(session, book)


@router.put("/profile", response_model=ProfileOut)
def put_book_profile(body: ProfileBody, book: WriteBookDep,
                     session: WriteSessionDep) -> ProfileOut:
    """Replace the profile (owners and admins)."""
    update_profile(session, book, profile_input(body))
    session.commit()
    return profile_out(session, book)


Logo = Annotated[UploadFile, File(description=f"PNG, JPEG or SVG, at most "
                                               f"{LOGO_MAX_BYTES // 1024} KB")]


@router.put("/profile/logo", response_model=ProfileOut)
def put_logo(file: Logo, book: WriteBookDep, session: WriteSessionDep) -> ProfileOut:
    """Upload the logo (multipart field ``file``); its type is judged by its content."""
    set_logo(session, book, file.file.read(LOGO_MAX_BYTES + 1))  # more: refused (413)
    session.commit()
    return profile_out(session, book)


@router.delete("/profile/logo", status_code=204)
def delete_logo(book: WriteBookDep, session: WriteSessionDep) -> Response:
    remove_logo(session, book)
    session.commit()
    return Response(status_code=204)


@router.get("/profile/logo", response_class=Response,
            responses={200: {"content": {"image/png": {}, "image/jpeg": {},
                                         "image/svg+xml": {}}}})
def get_logo(book: BookDep, session: SessionDep) -> Response:
    found = logo(session, book)
    if found is None:
        raise NotFound("The book has no logo", field="logo")
    content, media_type = found
    # An SVG is shown as an image only: no scripts, even opened on its own.
    return Response(content, media_type=media_type,
                    headers={"Content-Security-Policy": "default-src 'none'; "
                                                        "style-src 'unsafe-inline'",
                             "Cache-Control": "private, max-age=300"})
