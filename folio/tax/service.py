"""Tax codes of a book: create, list, seed the country's defaults."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.guard import require
from folio.books.models import Book
from folio.errors import Conflict, ValidationError
from folio.ledger.accounts import CODE_RE, account_by_role
from folio.ledger.models import Account
from folio.money import ROUNDING_MODES
from folio.tax.models import TaxCode, TaxKind
from folio.tax.templates import DEFAULT_TAX_CODES

TAX_KINDS = tuple(k.value for k in TaxKind)


@dataclass
class TaxCodeInput:
    code: str
    name: str
    kind: str
    rate: Decimal
    account: str | None = None  # the ledger account's code
    base_numerator: int = 1
    base_denominator: int = 1
    rounding: str = "half_up"


def _account(session: Session, book: Book, code: str) -> Account | None:
    return session.scalar(select(Account).where(Account.book_id == book.id, Account.code == code))


def validate_tax_code(session: Session, book: Book,
                      data: TaxCodeInput) -> tuple[list[dict[str, str]], Account | None]:
    """Field errors for ``data`` and the account it names."""
    errors: list[dict[str, str]] = []

    def error(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    if not CODE_RE.match(data.code or ""):
        error("code", "1-20 letters, digits, dots, dashes or underscores, e.g. PPN12")
    if not (data.name or "").strip() or len(data.name) > 200:
        error("name", "a name of 1 to 200 characters")
    if data.kind not in TAX_KINDS:
        error("kind", f"one of {', '.join(TAX_KINDS)}")
    if not isinstance(data.rate, Decimal) or not data.rate.is_finite() \
            or not Decimal(0) <= data.rate <= Decimal(1):
        error("rate", "a fraction from 0 to 1, e.g. 0.12 for 12%")
    if not 0 < data.base_numerator <= data.base_denominator:
        error("base_numerator", "a taxable base from 1/n up to the whole price (1/1)")
    if data.rounding not in ROUNDING_MODES:
        error("rounding", f"one of {', '.join(ROUNDING_MODES)}")
    account = None
    if data.account is not None:
        account = _account(session, book, data.account) if CODE_RE.match(data.account) else None
        if account is None:
            error("account", f"no account with the code {data.account!r} in this book")
        elif account.is_group:
            error("account", "a group account cannot take postings")
    return errors, account


def create_tax_code(session: Session, book: Book, data: TaxCodeInput) -> TaxCode:
    require(session, book, "tax.manage")
    errors, account = validate_tax_code(session, book, data)
    if errors:
        raise ValidationError("The tax code has errors", errors=errors)
    if session.scalar(select(TaxCode.id).where(TaxCode.book_id == book.id,
                                               TaxCode.code == data.code)) is not None:
        raise Conflict(f"A tax code {data.code!r} already exists in this book", field="code")
    tax_code = TaxCode(
        book_id=book.id, code=data.code, name=data.name.strip(), kind=data.kind, rate=data.rate,
        base_numerator=data.base_numerator, base_denominator=data.base_denominator,
        rounding=data.rounding, account_id=account.id if account else None, is_active=True)
    session.add(tax_code)
    session.flush()
    audit.record(session, "create", "tax_code", tax_code.code, book=book,
                 after=snapshot(tax_code, ("code", "name", "kind", "rate", "base_numerator",
                                           "base_denominator", "rounding", "account_id")),
                 summary=tax_code.name)
    return tax_code


def list_tax_codes(session: Session, book: Book, *, kind: str | None = None,
                   include_inactive: bool = False) -> list[TaxCode]:
    query = select(TaxCode).where(TaxCode.book_id == book.id)
    if kind is not None:
        query = query.where(TaxCode.kind == kind)
    if not include_inactive:
        query = query.where(TaxCode.is_active.is_(True))
    return list(session.scalars(query.order_by(TaxCode.code)))


def seed_default_tax_codes(session: Session, book: Book) -> list[TaxCode]:
    """Add the country's default codes the book lacks; accounts are found by role."""
    existing = {code.code for code in list_tax_codes(session, book, include_inactive=True)}
    made = []
    for template in DEFAULT_TAX_CODES.get(book.country, ()):
        if template.code in existing:
            continue
        account = account_by_role(session, book, template.account_role)
        made.append(create_tax_code(session, book, TaxCodeInput(
            code=template.code, name=template.name, kind=template.kind, rate=template.rate,
            account=account.code if account else None, base_numerator=template.base_numerator,
            base_denominator=template.base_denominator, rounding=template.rounding)))
    return made
