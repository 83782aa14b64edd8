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
from folio.ledger.models import Account
from folio.mail import check_address
from folio.money import is_currency
from folio.parties.models import Party, PartyContact
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
    # Account codes: an income account for a customer's invoice lines, an expense account
    # for a vendor's bill lines (used when a line names no account and no item's).
    default_income_account: str | None = None
    default_expense_account: str | None = None


ACCOUNT_FIELDS = {"default_income_account": ("default_income_account_id", "income"),
                  "default_expense_account": ("default_expense_account_id", "expense")}
COLUMNS = tuple(f.name for f in fields(PartyInput) if f.name not in ACCOUNT_FIELDS)


def _accounts(session: Session, book: Book, data: PartyInput,
              errors: list[dict[str, str]]) -> dict[str, int | None]:
    """The default accounts' ids by column, checked to be of their type in ``book``."""
    found: dict[str, int | None] = {}
    for name, (column, kind) in ACCOUNT_FIELDS.items():
        code = (getattr(data, name) or "").strip()
        found[column] = None
        if not code:
            continue
        account = session.scalar(select(Account).where(
            Account.book_id == book.id, Account.code == code)) if len(code) <= 20 else None
        if account is None or account.is_group or not account.is_active:
            errors.append({"field": name, "message": f"no postable account {code!r} "
                                                     f"in this book"[:200]})
        elif account.type != kind:
            errors.append({"field": name, "message": f"{account.code} is an {account.type} "
                                                     f"account; use an {kind} account"})
        else:
            found[column] = account.id
    return found


def input_of(session: Session, party: Party) -> PartyInput:
    """The party's details as the input that would save them unchanged."""
    data = PartyInput(**{name: getattr(party, name) for name in COLUMNS})
    for name, (column, _kind) in ACCOUNT_FIELDS.items():
        account_id = getattr(party, column)
        setattr(data, name, session.scalar(select(Account.code).where(
            Account.id == account_id)) if account_id else None)
    return data


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
                         default_currency=currency, is_active=data.is_active,
                         default_income_account=data.default_income_account,
                         default_expense_account=data.default_expense_account)
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
    accounts = _accounts(session, book, cleaned, errors)
    if errors:
        raise ValidationError("The party has errors", errors=errors)
    _check_name_free(session, book, cleaned.name, None)
    party = Party(book_id=book.id, **{name: getattr(cleaned, name) for name in COLUMNS},
                  **accounts)
    session.add(party)
    session.flush()
    audit.record(session, "create", "party", party.id, book=book, after=_snapshot(party),
                 summary=party.name)
    return party, warnings


def _snapshot(party: Party) -> dict[str, object]:
    return snapshot(party, [*COLUMNS, *(column for column, _ in ACCOUNT_FIELDS.values())])


def update_party(session: Session, party: Party, data: PartyInput) -> tuple[Party, list[str]]:
    """Replace a party's details; returns it with any warnings about its data."""
    book = session.get_one(Book, party.book_id)
    require(session, book, "party.write")
    cleaned, errors, warnings = _clean(data)
    accounts = _accounts(session, book, cleaned, errors)
    if errors:
        raise ValidationError("The party has errors", errors=errors)
    _check_name_free(session, book, cleaned.name, party.id)
    before = _snapshot(party)
    for name in COLUMNS:
        setattr(party, name, getattr(cleaned, name))
    for column, account_id in accounts.items():
        setattr(party, column, account_id)
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


# Contact people ------------------------------------------------------------------------

@dataclass
class ContactInput:
    name: str
    email: str | None = None
    phone: str | None = None
    role: str | None = None
    is_primary: bool = False


CONTACT_FIELDS = ("name", "email", "phone", "role", "is_primary")


def _clean_contact(data: ContactInput) -> ContactInput:
    errors: list[dict[str, str]] = []

    def optional(value: str | None, field: str, limit: int) -> str | None:
        value = (value or "").strip() or None
        if value is not None and len(value) > limit:
            errors.append({"field": field, "message": f"at most {limit} characters"})
        return value

    name = (data.name or "").strip()
    if not name or len(name) > 200:
        errors.append({"field": "name", "message": "a name of 1 to 200 characters"})
    email = optional(data.email, "email", 254)
    if email is not None:
        try:
            check_address(email, "email")
        except FolioError:
            errors.append({"field": "email", "message": "an address like name@example.com"})
        else:
            if not EMAIL_RE.fullmatch(email):
                errors.append({"field": "email",
                               "message": "an address like name@example.com"})
    phone = optional(data.phone, "phone", 40)
    role = optional(data.role, "role", 100)
    if errors:
        raise ValidationError("The contact person has errors", errors=errors)
    return ContactInput(name=name, email=email, phone=phone, role=role,
                        is_primary=bool(data.is_primary))


def _contact_snapshot(contact: PartyContact) -> dict[str, object]:
    return snapshot(contact, list(CONTACT_FIELDS))


def _only_primary(session: Session, contact: PartyContact) -> None:
    """Make ``contact`` the party's one primary contact."""
    for other in session.scalars(select(PartyContact).where(
            PartyContact.party_id == contact.party_id, PartyContact.id != contact.id,
            PartyContact.is_primary.is_(True))):
        other.is_primary = False
    session.flush()


def list_contacts(session: Session, party: Party) -> list[PartyContact]:
    """A party's contact people: the primary first, then by name."""
    book = session.get_one(Book, party.book_id)
    require(session, book, "report.read")
    return list(session.scalars(select(PartyContact).where(PartyContact.party_id == party.id)
                                .order_by(PartyContact.is_primary.desc(),
                                          func.lower(PartyContact.name), PartyContact.id)))


def get_contact(session: Session, party: Party, contact_id: int) -> PartyContact:
    contact = session.scalar(select(PartyContact).where(
        PartyContact.party_id == party.id, PartyContact.id == contact_id))
    if contact is None:
        raise NotFound(f"No contact person {contact_id} at {party.name}", field="contact")
    return contact


def add_contact(session: Session, party: Party, data: ContactInput) -> PartyContact:
    """Add a contact person; a primary one takes over from the party's previous primary."""
    book = session.get_one(Book, party.book_id)
    require(session, book, "party.write")
    cleaned = _clean_contact(data)
    contact = PartyContact(book_id=book.id, party_id=party.id,
                           **{name: getattr(cleaned, name) for name in CONTACT_FIELDS})
    session.add(contact)
    session.flush()
    if contact.is_primary:
        _only_primary(session, contact)
    audit.record(session, "create", "party_contact", contact.id, book=book,
                 after=_contact_snapshot(contact), summary=f"{party.name}: {contact.name}"[:300])
    return contact


def update_contact(session: Session, contact: PartyContact,
                   data: ContactInput) -> PartyContact:
    book = session.get_one(Book, contact.book_id)
    require(session, book, "party.write")
    cleaned = _clean_contact(data)
    before = _contact_snapshot(contact)
    for name in CONTACT_FIELDS:
        setattr(contact, name, getattr(cleaned, name))
    session.flush()
    if contact.is_primary:
        _only_primary(session, contact)
    audit.record(session, "update", "party_contact", contact.id, book=book, before=before,
                 after=_contact_snapshot(contact), summary=contact.name)
    return contact


def remove_contact(session: Session, contact: PartyContact) -> None:
    book = session.get_one(Book, contact.book_id)
    require(session, book, "party.write")
    before = _contact_snapshot(contact)
    contact_id, name = contact.id, contact.name
    session.delete(contact)
    session.flush()
    audit.record(session, "delete", "party_contact", contact_id, book=book, before=before,
                 summary=name)


def primary_email(session: Session, party: Party) -> str | None:
    """Where a party's documents go by default: its primary contact's email, else its own."""
    email = session.scalar(select(PartyContact.email).where(
        PartyContact.party_id == party.id, PartyContact.is_primary.is_(True)))
    return email or party.email
