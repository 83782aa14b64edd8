"""Parties of a book: create, edit, find customers and vendors."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.guard import require
from folio.books.models import Book
from folio.errors import Conflict, FolioError, NotFound, ValidationError
from folio.money import is_currency
from folio.parties.models import Party
from folio.parties.tax_ids import parse_tax_id

EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_TERMS_DAYS = 365


@dataclass
class PartyInput:
    name: str
    is_customer: bool = False
    is_vendor: bool = False
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    tax_id: str | None = None
    payment_terms_days: int = 0
    default_currency: str | None = None
    is_active: bool = True


def _clean(data: PartyInput) -> tuple[PartyInput, list[dict[str, str]], list[str]]:
    """Normalized input, field errors, and warnings (e.g. a doubtful NPWP check digit)."""
    errors: list[dict[str, str]] = []
    warnings: list[str] = []

    def error(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    def optional(value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    name = (data.name or "").strip()
    if not name or len(name) > 200:
        error("name", "a name of 1 to 200 characters")
    if not (data.is_customer or data.is_vendor):
        error("is_customer", "a party is a customer, a vendor, or both")
    email, phone, address = optional(data.email), optional(data.phone), optional(data.address)
    if email is not None and (len(email) > 254 or not EMAIL_RE.fullmatch(email)):
        error("email", "an address like name@example.com")
    if phone is not None and len(phone) > 40:
        error("phone", "at most 40 characters")
    if address is not None and len(address) > 500:
        error("address", "at most 500 characters")
    tax_id = optional(data.tax_id)
    if tax_id is not None:
        try:
            parsed = parse_tax_id(tax_id)
        except FolioError as exc:
            errors.extend(exc.errors)
        else:
            tax_id = parsed.value
            warnings.extend(parsed.warnings)
    if not isinstance(data.payment_terms_days, int) \
            or not 0 <= data.payment_terms_days <= MAX_TERMS_DAYS:
        error("payment_terms_days", f"a number of days from 0 to {MAX_TERMS_DAYS}")
    currency = optional(data.default_currency)
    if currency is not None:
        currency = currency.upper()
        if not is_currency(currency):
            error("default_currency", "an ISO 4217 currency code, e.g. IDR")
    cleaned = PartyInput(name=name, is_customer=data.is_customer, is_vendor=data.is_vendor,
                         email=email, phone=phone, address=address, tax_id=tax_id,
                         payment_terms_days=data.payment_terms_days,
                         default_currency=currency, is_active=data.is_active)
    return cleaned, errors, warnings


def _check_name_free(session: Session, book: Book, name: str, party_id: int | None) -> None:
    query = select(Party.id).where(Party.book_id == book.id, Party.name == name)
    if party_id is not None:
        query = query.where(Party.id != party_id)
    if session.scalar(query) is not None:
        raise Conflict(f"A party named {name!r} already exists in this book", field="name")


def create_party(session: Session, book: Book, data: PartyInput) -> tuple[Party, list[str]]:
    """Create a party; returns it with any warnings about its data."""
    require(session, book, "party.write")
    cleaned, errors, warnings = _clean(data)
    if errors:
        raise ValidationError("The party has errors", errors=errors)
    _check_name_free(session, book, cleaned.name, None)
    party = Party(book_id=book.id, **{f.name: getattr(cleaned, f.name) for f in fields(cleaned)})
    session.add(party)
    session.flush()
    audit.record(session, "create", "party", party.id, book=book, after=_snapshot(party),
                 summary=party.name)
    return party, warnings


def _snapshot(party: Party) -> dict[str, object]:
    return snapshot(party, [f.name for f in fields(PartyInput)])


def update_party(session: Session, party: Party, data: PartyInput) -> tuple[Party, list[str]]:
    """Replace a party's details; returns it with any warnings about its data."""
    book = session.get_one(Book, party.book_id)
    require(session, book, "party.write")
    cleaned, errors, warnings = _clean(data)
    if errors:
        raise ValidationError("The party has errors", errors=errors)
    _check_name_free(session, book, cleaned.name, party.id)
    before = _snapshot(party)
    for f in fields(cleaned):
        setattr(party, f.name, getattr(cleaned, f.name))
    session.flush()
    audit.record(session, "update", "party", party.id, book=book, before=before,
                 after=_snapshot(party), summary=party.name)
    return party, warnings


def get_party(session: Session, book: Book, party_id: int) -> Party:
    party = session.scalar(select(Party).where(Party.book_id == book.id, Party.id == party_id))
    if party is None:
        raise NotFound(f"No party {party_id} in this book", field="party")
    return party


def list_parties(session: Session, book: Book, *, search: str | None = None,
                 customers: bool = False, vendors: bool = False,
                 include_inactive: bool = False) -> list[Party]:
    """Parties by name; ``customers``/``vendors`` keep only those, ``search`` matches names."""
    query = select(Party).where(Party.book_id == book.id)
    if customers:
        query = query.where(Party.is_customer.is_(True))
    if vendors:
        query = query.where(Party.is_vendor.is_(True))
    if not include_inactive:
        query = query.where(Party.is_active.is_(True))
    if search and search.strip():
        escaped = search.strip().lower().replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_")
        query = query.where(func.lower(Party.name).like(f"%{escaped}%", escape="\\"))
    return list(session.scalars(query.order_by(func.lower(Party.name), Party.id)))
