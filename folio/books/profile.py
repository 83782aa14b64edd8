"""The book profile: what the book prints on its invoices, quotations, receipts and
statements (legal name, address, NPWP, logo, bank details, payment instructions), its
document defaults, and its overdue-reminder settings.

Reading it needs ``book.read``; changing it needs ``book.manage``, and every change is in
the audit log. The logo is checked by its bytes (PNG, JPEG or an SVG without scripts) and
size, and kept under ``DATA_DIR/attachments/<book>/logo/`` so the backup archive takes it.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.guard import require
from folio.books.models import Book
from folio.books.profile_models import DEFAULT_REMINDER_DAYS, BookBankAccount, BookProfile
from folio.errors import FolioError, ValidationError
from folio.mail import check_address
from folio.parties.tax_ids import format_tax_id, parse_tax_id
from folio.purchases.attachments import DIRECTORY, forget_on_rollback
from folio.settings import get_settings

LOGO_MAX_BYTES = 1024 * 1024
MAX_BANK_ACCOUNTS = 5
MAX_REMINDER_STAGES = 6
REMINDER_RANGE = (-60, 365)
FIELDS = ("legal_name", "address", "city", "postal_code", "phone", "email", "website",
          "tax_id", "invoice_footer", "payment_terms_days", "invoice_notes",
          "reminders_enabled", "reminder_days", "logo_path", "logo_media_type")
_OLD_LOGOS = "profile.old_logos"
_UNSAFE_SVG = re.compile(rb"<script|javascript:|<foreignobject|\son[a-z]+\s*=|<!entity"
                         rb"|(?:href|src)\s*=\s*[\"']?\s*(?:https?:|file:|//)", re.IGNORECASE)


class LogoTooLarge(FolioError):
    status = 413
    title = "Content too large"
    slug = "too-large"


@dataclass
class BankDetailInput:
    bank_name: str
    account_name: str
    account_number: str


@dataclass
class ProfileInput:
    legal_name: str | None = None
    address: str | None = None
    city: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    tax_id: str | None = None
    invoice_footer: str | None = None
    payment_terms_days: int | None = None
    invoice_notes: str | None = None
    reminders_enabled: bool = False
    reminder_days: str = DEFAULT_REMINDER_DAYS
    bank_accounts: Sequence[BankDetailInput] = field(default_factory=list)


def _stored(session: Session, book: Book) -> BookProfile | None:
    return session.get(BookProfile, book.id)


def get_profile(session: Session, book: Book) -> BookProfile:
    """The book's profile; an unsaved empty one when it was never set."""
    require(session, book, "book.read")
    return _stored(session, book) or BookProfile(
        book_id=book.id, reminders_enabled=False, reminder_days=DEFAULT_REMINDER_DAYS)


def bank_accounts(session: Session, book: Book) -> list[BookBankAccount]:
    require(session, book, "book.read")
    return list(session.scalars(select(BookBankAccount).where(
        BookBankAccount.book_id == book.id).order_by(BookBankAccount.position,
                                                     BookBankAccount.id)))


Errors = list[dict[str, str]]


def _text(errors: Errors, name: str, value: str | None, limit: int, *,
          multiline: bool = False) -> str | None:
    if value is None:
        return None
    value = value.replace("\r\n", "\n").strip()
    if len(value) > limit:
        errors.append({"field": name, "message": f"at most {limit} characters"})
    elif "\x00" in value or (not multiline and ("\n" in value or "\r" in value)):
        errors.append({"field": name, "message": "line breaks and NUL are not allowed here"})
    return value or None


def parse_reminder_days(text: str, field_name: str = "reminder_days") -> list[int]:
    """``"-3, 7, 30"`` as sorted distinct days from the due date; ValidationError if not."""
    days: set[int] = set()
    low, high = REMINDER_RANGE
    for part in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        if not re.fullmatch(r"[+-]?\d{1,3}", part) or not low <= int(part) <= high:
            raise ValidationError(f"{part!r}: days from the due date, from {low} to {high}, "
                                  f"separated by commas (such as -3, 7, 30)", field=field_name)
        days.add(int(part))
    if len(days) > MAX_REMINDER_STAGES:
        raise ValidationError(f"at most {MAX_REMINDER_STAGES} reminder stages",
                              field=field_name)
    return sorted(days)


def _website(errors: Errors, value: str | None) -> str | None:
    text = _text(errors, "website", value, 200)
    if text and not re.fullmatch(r"(https?://)?[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/\S*)?", text):
        errors.append({"field": "website", "message": "a web address such as "
                                                      "https://example.co.id"})
    return text


def _profile_snapshot(profile: BookProfile, banks: Sequence[BookBankAccount]
                      ) -> dict[str, Any]:
    data = snapshot(profile, FIELDS)
    data["bank_accounts"] = [snapshot(b, ("bank_name", "account_name", "account_number"))
                             for b in banks]
    return data


def update_profile(session: Session, book: Book, data: ProfileInput) -> BookProfile:
    """Replace the profile (and its bank accounts) with ``data``; all checks come first."""
    require(session, book, "book.manage")
    errors: Errors = []
    values: dict[str, Any] = {
        "legal_name": _text(errors, "legal_name", data.legal_name, 200),
        "address": _text(errors, "address", data.address, 500, multiline=True),
        "city": _text(errors, "city", data.city, 100),
        "postal_code": _text(errors, "postal_code", data.postal_code, 20),
        "phone": _text(errors, "phone", data.phone, 40),
        "website": _website(errors, data.website),
        "invoice_footer": _text(errors, "invoice_footer", data.invoice_footer, 2000,
                                multiline=True),
        "invoice_notes": _text(errors, "invoice_notes", data.invoice_notes, 2000,
                               multiline=True),
        "reminders_enabled": bool(data.reminders_enabled),
    }
    email = _text(errors, "email", data.email, 254)
    if email:
        try:
            email = check_address(email, "email")
        except ValidationError as exc:
            errors.append({"field": "email", "message": exc.detail})
    values["email"] = email
    tax_id = _text(errors, "tax_id", data.tax_id, 40)
    if tax_id:
        try:
            tax_id = parse_tax_id(tax_id, "tax_id").value
        except ValidationError as exc:
            errors.append({"field": "tax_id", "message": exc.detail})
    values["tax_id"] = tax_id
    terms = data.payment_terms_days
    if terms is not None and not 0 <= terms <= 365:
        errors.append({"field": "payment_terms_days", "message": "from 0 to 365 days"})
    values["payment_terms_days"] = terms
    try:
        values["reminder_days"] = ",".join(str(d) for d in parse_reminder_days(
            data.reminder_days or ""))
    except ValidationError as exc:
        errors.append({"field": "reminder_days", "message": exc.detail})
    if values["reminders_enabled"] and not values.get("reminder_days"):
        errors.append({"field": "reminder_days", "message": "reminders need at least one stage"})
    if len(data.bank_accounts) > MAX_BANK_ACCOUNTS:
        errors.append({"field": "bank_accounts",
                       "message": f"at most {MAX_BANK_ACCOUNTS} bank accounts"})
    banks: list[BookBankAccount] = []
    for n, bank in enumerate(data.bank_accounts[:MAX_BANK_ACCOUNTS]):
        at = f"bank_accounts[{n}]"
        name = _text(errors, f"{at}.bank_name", bank.bank_name, 100)
        holder = _text(errors, f"{at}.account_name", bank.account_name, 200)
        number = _text(errors, f"{at}.account_number", bank.account_number, 50)
        if not (name and holder and number):
            for key, value in (("bank_name", name), ("account_name", holder),
                               ("account_number", number)):
                if not value:
                    errors.append({"field": f"{at}.{key}", "message": "required"})
            continue
        banks.append(BookBankAccount(book_id=book.id, position=n, bank_name=name,
                                     account_name=holder, account_number=number))
    if errors:
        raise ValidationError("The profile has errors" if len(errors) > 1
                              else f"{errors[0]['field']}: {errors[0]['message']}",
                              errors=errors)
    profile = _stored(session, book)
    before = _profile_snapshot(profile, bank_accounts(session, book)) if profile else None
    if profile is None:
        profile = BookProfile(book_id=book.id)
        session.add(profile)
    for key, value in values.items():
        setattr(profile, key, value)
    profile.updated_at = datetime.now(UTC)
    session.execute(delete(BookBankAccount).where(BookBankAccount.book_id == book.id))
    session.add_all(banks)
    session.flush()
    audit.record(session, "update", "book_profile", book.id, book=book, before=before,
                 after=_profile_snapshot(profile, banks), summary="Book profile updated")
    return profile


# The logo -------------------------------------------------------------------------------

def sniff_logo(content: bytes) -> tuple[str, str] | None:
    """(media type, extension) of a PNG, JPEG or SVG logo, judged by its bytes."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if (head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in content[:4096].lower()):
        return "image/svg+xml", "svg"
    return None


def _discard_after_commit(session: Session, path: Path) -> None:
    """Remove the replaced logo's file once the transaction that replaced it commits."""
    if not session.info.get(_OLD_LOGOS + ".hooked"):
        session.info[_OLD_LOGOS + ".hooked"] = True

        @event.listens_for(session, "after_commit")
        def _committed(sess: Session) -> None:
            for gone in sess.info.pop(_OLD_LOGOS, []):
                gone.unlink(missing_ok=True)

        @event.listens_for(session, "after_rollback")
        def _rolled_back(sess: Session) -> None:
            sess.info.pop(_OLD_LOGOS, None)

    session.info.setdefault(_OLD_LOGOS, []).append(path)


def set_logo(session: Session, book: Book, content: bytes) -> BookProfile:
    """Keep ``content`` as the book's logo, replacing any earlier one."""
    require(session, book, "book.manage")
    if len(content) > LOGO_MAX_BYTES:
        raise LogoTooLarge(f"The logo is larger than {LOGO_MAX_BYTES // 1024} KB", field="logo")
    if not content:
        raise ValidationError("The file is empty", field="logo")
    kind = sniff_logo(content)
    if kind is None:
        raise ValidationError("The logo must be a PNG, JPEG or SVG image (judged by the "
                              "file's content, not its name)", field="logo")
    media_type, ext = kind
    if media_type == "image/svg+xml" and _UNSAFE_SVG.search(content):
        raise ValidationError("This SVG has scripts, event handlers or outside references; "
                              "export it as a plain SVG or a PNG", field="logo")
    relative = Path(DIRECTORY) / book.slug / "logo" / f"{secrets.token_hex(16)}.{ext}"
    target = get_settings().DATA_DIR / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as handle:
        handle.write(content)
    forget_on_rollback(session, target)
    profile = _stored(session, book)
    if profile is None:
        profile = BookProfile(book_id=book.id, reminders_enabled=False,
                              reminder_days=DEFAULT_REMINDER_DAYS)
        session.add(profile)
    before = {"logo_path": profile.logo_path, "logo_media_type": profile.logo_media_type}
    if profile.logo_path:
        _discard_after_commit(session, get_settings().DATA_DIR / profile.logo_path)
    profile.logo_path, profile.logo_media_type = relative.as_posix(), media_type
    profile.updated_at = datetime.now(UTC)
    session.flush()
    audit.record(session, "update", "book_profile", book.id, book=book, before=before,
                 after={"logo_path": profile.logo_path, "logo_media_type": media_type,
                        "size": len(content)}, summary="Book logo replaced")
    return profile


def remove_logo(session: Session, book: Book) -> None:
    require(session, book, "book.manage")
    profile = _stored(session, book)
    if profile is None or not profile.logo_path:
        return
    before = {"logo_path": profile.logo_path, "logo_media_type": profile.logo_media_type}
    _discard_after_commit(session, get_settings().DATA_DIR / profile.logo_path)
    profile.logo_path = profile.logo_media_type = None
    session.flush()
    audit.record(session, "delete", "book_profile", book.id, book=book, before=before,
                 summary="Book logo removed")


def logo(session: Session, book: Book) -> tuple[bytes, str] | None:
    """The logo's bytes and media type, or None (also when its file went missing)."""
    profile = get_profile(session, book)
    if not profile.logo_path or not profile.logo_media_type:
        return None
    root = (get_settings().DATA_DIR / DIRECTORY).resolve()
    path = (get_settings().DATA_DIR / profile.logo_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path.read_bytes(), profile.logo_media_type


@dataclass(frozen=True)
class Letterhead:
    """What a document prints about its issuer."""

    name: str
    address_lines: list[str]
    contact: list[str]
    tax_id: str | None
    logo: str | None  # a data: URI
    banks: list[BookBankAccount]
    footer: str | None
    notes: str | None


def letterhead(session: Session, book: Book) -> Letterhead:
    profile = get_profile(session, book)
    lines = [line.strip() for line in (profile.address or "").splitlines() if line.strip()]
    place = " ".join(filter(None, [profile.postal_code, profile.city]))
    if place:
        lines.append(place)
    found = logo(session, book)
    return Letterhead(
        name=profile.legal_name or book.name, address_lines=lines,
        contact=[c for c in (profile.phone, profile.email, profile.website) if c],
        tax_id=format_tax_id(profile.tax_id) if profile.tax_id else None,
        logo=(f"data:{found[1]};base64,{base64.b64encode(found[0]).decode()}"
              if found else None),
        banks=bank_accounts(session, book), footer=profile.invoice_footer,
        notes=profile.invoice_notes)
