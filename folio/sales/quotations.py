"""Quotations: drafts, sending with a public link, revisions, the customer's decision, and
conversion to invoices in full or in milestones (down payments).

Lines are validated and priced by folio.sales.invoices (``build_lines`` and ``compute``),
so a quotation's totals are exactly what the invoice made from it will show. The public
link's token is random (folio.auth.keys.new_token) and only its SHA-256 is stored; the
token is the customer's only authority, so the public functions here take no actor and
reach nothing but the one quotation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.actor import Actor, actor_of
from folio.auth.guard import require
from folio.auth.keys import new_token, token_hash
from folio.books.models import Book
from folio.clock import today
from folio.commerce.listing import contains, like_pattern, page_count, page_of
from folio.commerce.records import record_in_book
from folio.errors import Conflict, NotFound, ValidationError
from folio.i18n import translations
from folio.ledger.models import Account
from folio.ledger.periods import FIRST_DAY, LAST_DAY
from folio.money import exponent, from_minor
from folio.parties.models import Party
from folio.sales import lookups
from folio.sales.invoices import (
    VAT_ROUNDINGS,
    InvoiceInput,
    InvoiceLineInput,
    build_lines,
    compute,
    create_draft,
)
from folio.sales.models import Invoice
from folio.sales.numbering import next_number
from folio.sales.quotation_models import Quotation, QuotationLine, QuotationStatus
from folio.settings import get_settings
from folio.tax.models import TaxCode

DEFAULT_VALIDITY_DAYS = 30
MAX_MILESTONES = 24
HUNDRED = Decimal(100)
FIELDS = ("number", "revision", "customer_id", "project_id", "status", "issue_date",
          "valid_until", "currency", "prices_include_tax", "vat_rounding", "net_total",
          "tax_total", "rounding", "total")
LINE_FIELDS = ("line_no", "item_id", "description", "quantity", "unit", "unit_price",
               "discount_percent", "tax_code_id", "account_id", "amount", "net", "tax_base",
               "tax")
DECIDABLE = QuotationStatus.SENT.value


@dataclass
class QuotationInput:
    customer_id: int
    lines: Sequence[InvoiceLineInput]
    issue_date: date | None = None
    valid_until: date | None = None  # None: issue date + 30 days
    project_id: int | None = None
    currency: str | None = None
    prices_include_tax: bool = False
    vat_rounding: str = "document"
    notes: str | None = None
    terms: str | None = None


@dataclass(frozen=True)
class Milestone:
    """One invoice of a conversion: a ``percent`` of the total or an ``amount``."""

    percent: Decimal | None = None
    amount: Decimal | None = None
    label: str | None = None  # default "Down payment", the last one "Final payment"


def _now() -> datetime:
    return datetime.now().astimezone()


def _text(errors: lookups.Errors, name: str, value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit or "\x00" in value:
        lookups.error(errors, name, f"at most {limit} characters")
    return value or None


def _day(errors: lookups.Errors, name: str, value: date) -> bool:
    if not FIRST_DAY <= value <= LAST_DAY:
        lookups.error(errors, name, f"a date from {FIRST_DAY} to {LAST_DAY}")
        return False
    return True


def _apply(session: Session, book: Book, quotation: Quotation, data: QuotationInput) -> Party:
    """Validate ``data`` into ``quotation`` and price its lines, all errors at once."""
    errors: lookups.Errors = []
    customer = lookups.customer(session, book, data.customer_id, "customer_id", errors)
    currency = (data.currency or book.base_currency).upper()
    if currency != book.base_currency:
        lookups.error(errors, "currency", f"quotations are in the book's currency, "
                                          f"{book.base_currency}")
        currency = book.base_currency
    issue_date = data.issue_date or today()
    valid_until = data.valid_until
    if _day(errors, "issue_date", issue_date) and valid_until is None:
        valid_until = min(issue_date + timedelta(days=DEFAULT_VALIDITY_DAYS), LAST_DAY)
    valid_until = valid_until or issue_date
    _day(errors, "valid_until", valid_until)
    if valid_until < issue_date:
        lookups.error(errors, "valid_until", "the quotation cannot expire before its date")
    project = lookups.project(session, book, data.project_id, errors, customer=customer)
    if data.vat_rounding not in VAT_ROUNDINGS:
        lookups.error(errors, "vat_rounding", f"one of {', '.join(VAT_ROUNDINGS)}")
    notes = _text(errors, "notes", data.notes, 2000)
    terms = _text(errors, "terms", data.terms, 2000)
    priced, codes = build_lines(session, book, InvoiceInput(customer_id=data.customer_id,
                                                            lines=data.lines),
                                currency, errors)
    if errors:
        raise ValidationError("The quotation has errors" if len(errors) > 1
                              else errors[0]["message"], errors=errors)
    assert customer is not None
    # Price the lines as an invoice would (never added to the session).
    scratch = Invoice(currency=currency, prices_include_tax=data.prices_include_tax,
                      vat_rounding=data.vat_rounding, lines=priced)
    compute(scratch, codes, None, customer)
    quotation.customer_id, quotation.project_id = customer.id, project.id if project else None
    quotation.issue_date, quotation.valid_until = issue_date, valid_until
    quotation.currency = currency
    quotation.prices_include_tax = data.prices_include_tax
    quotation.vat_rounding = data.vat_rounding
    quotation.notes, quotation.terms = notes, terms
    for name in ("net_total", "line_tax_total", "tax_total", "rounding", "total"):
        setattr(quotation, name, getattr(scratch, name))
    if quotation.id is not None:
        quotation.lines.clear()
        session.flush()
    quotation.lines.extend(
        QuotationLine(book_id=book.id, **{f: getattr(line, f) for f in LINE_FIELDS})
        for line in priced)
    return customer


def quotation_snapshot(quotation: Quotation) -> dict[str, object]:
    data = snapshot(quotation, FIELDS)
    data["lines"] = [snapshot(line, ("description", "quantity", "unit_price",
                                     "discount_percent", "tax_code_id", "account_id", "net",
                                     "tax")) for line in quotation.lines]
    return data


def create_quotation(session: Session, book: Book, data: QuotationInput) -> Quotation:
    """Save a draft quotation; it is numbered when sent."""
    require(session, book, "sales.draft")
    quotation = Quotation(book_id=book.id, status=QuotationStatus.DRAFT.value, revision=1)
    customer = _apply(session, book, quotation, data)
    session.add(quotation)
    session.flush()
    audit.record(session, "create", "quotation", quotation.id, book=book,
                 after=quotation_snapshot(quotation),
                 summary=f"Draft quotation to {customer.name}")
    return quotation


def _check_draft(quotation: Quotation) -> None:
    if quotation.status != QuotationStatus.DRAFT.value:
        raise Conflict(f"Quotation {quotation.label} is {quotation.status_on(today())}; only a "
                       f"draft can change (revise it instead)")


def update_quotation(session: Session, book: Book, quotation: Quotation,
                     data: QuotationInput) -> Quotation:
    require(session, book, "sales.draft")
    _check_draft(quotation)
    before = quotation_snapshot(quotation)
    customer = _apply(session, book, quotation, data)
    session.flush()
    audit.record(session, "update", "quotation", quotation.id, book=book, before=before,
                 after=quotation_snapshot(quotation),
                 summary=f"Draft quotation to {customer.name}")
    return quotation


def delete_quotation(session: Session, book: Book, quotation: Quotation) -> None:
    require(session, book, "sales.draft")
    _check_draft(quotation)
    audit.record(session, "delete", "quotation", quotation.id, book=book,
                 before=quotation_snapshot(quotation), summary="Draft quotation deleted")
    session.delete(quotation)
    session.flush()


def get_quotation(session: Session, book: Book, quotation_id: int, *,
                  for_update: bool = False) -> Quotation:
    require(session, book, "report.read")
    return record_in_book(session, book, Quotation, quotation_id, noun="quotation",
                          field="quotation", for_update=for_update)


def find_quotation(session: Session, book: Book, ref: str) -> Quotation:
    """A quotation by id, or by number (the latest revision of it)."""
    require(session, book, "report.read")
    found = session.scalar(select(Quotation).where(
        Quotation.book_id == book.id, Quotation.number == ref)
        .order_by(Quotation.revision.desc()).limit(1))
    if found is not None:
        return found
    if ref.isdigit() and len(ref) < 19:
        return get_quotation(session, book, int(ref))
    raise NotFound(f"No quotation {ref!r} in this book", field="quotation")


@dataclass
class QuotationPage:
    quotations: list[Quotation]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.page_size)


def list_quotations(session: Session, book: Book, *, search: str | None = None,
                    status: str | None = None, customer_id: int | None = None,
                    page: int = 1, page_size: int = 50) -> QuotationPage:
    """Quotations newest first; ``status`` ``expired`` means sent and past valid-until."""
    require(session, book, "report.read")
    query = select(Quotation).where(Quotation.book_id == book.id)
    day = today()
    if status == QuotationStatus.EXPIRED.value:
        query = query.where(Quotation.status == DECIDABLE, Quotation.valid_until < day)
    elif status == QuotationStatus.SENT.value:
        query = query.where(Quotation.status == DECIDABLE, Quotation.valid_until >= day)
    elif status is not None:
        query = query.where(Quotation.status == status)
    if customer_id is not None:
        query = query.where(Quotation.customer_id == customer_id)
    like = like_pattern(search)
    if like is not None:
        names = select(Party.id).where(Party.book_id == book.id, contains(Party.name, like))
        query = query.where(or_(contains(Quotation.number, like),
                                Quotation.customer_id.in_(names)))
    rows, total = page_of(session, query,
                          order_by=(Quotation.issue_date.desc(), Quotation.id.desc()),
                          page=page, page_size=page_size, load=(selectinload(Quotation.lines),))
    return QuotationPage(rows, total, page, page_size)


# Sending and the public link ----------------------------------------------------------

def send_quotation(session: Session, book: Book, quotation: Quotation) -> str:
    """Number the draft, mark it sent and make its public link; returns the link's token.

    The token is shown once: only its hash is kept (``new_link`` makes another).
    """
    require(session, book, "sales.issue")
    _check_draft(quotation)
    if quotation.valid_until < today():
        raise Conflict(f"The quotation expired on {quotation.valid_until}; change its "
                       f"valid-until date before sending it")
    before = quotation_snapshot(quotation)
    if quotation.number is None:
        quotation.number = next_number(session, book, "quotation", quotation.issue_date)
    quotation.status = QuotationStatus.SENT.value
    quotation.sent_at = _now()
    token = new_token("q_")
    quotation.token_hash = token_hash(token)
    session.flush()
    audit.record(session, "send", "quotation", quotation.id, book=book, before=before,
                 after=quotation_snapshot(quotation), summary=f"Sent quotation {quotation.label}")
    return token


def public_url(token: str, base: str = "") -> str:
    """The customer's link: under PUBLIC_URL when it is set, else under ``base``."""
    root = get_settings().PUBLIC_URL.strip() or base
    return f"{root.rstrip('/')}/q/{token}"


def new_link(session: Session, book: Book, quotation: Quotation) -> str:
    """A fresh public link for a sent quotation; the old link stops working."""
    require(session, book, "sales.issue")
    if quotation.token_hash is None:
        raise Conflict("Only a sent quotation has a public link; send it first")
    token = new_token("q_")
    quotation.token_hash = token_hash(token)
    session.flush()
    audit.record(session, "update", "quotation", quotation.id, book=book,
                 summary=f"New public link for quotation {quotation.label}")
    return token


def public_quotation(session: Session, token: str) -> tuple[Book, Quotation]:
    """The book and quotation behind a public token, and nothing else; NotFound otherwise."""
    found = None
    if token and len(token) <= 100 and token.isprintable():
        found = session.scalar(select(Quotation).where(
            Quotation.token_hash == token_hash(token)))
    if found is None or found.status == QuotationStatus.DRAFT.value:
        raise NotFound("This quotation link is not valid")
    return session.get_one(Book, found.book_id), found


def _decide(session: Session, book: Book, quotation: Quotation, approve: bool, name: str,
            comment: str | None, actor: Actor) -> Quotation:
    errors: lookups.Errors = []
    clean_name = _text(errors, "name", name, 200)
    if not clean_name:
        lookups.error(errors, "name", "the name of who decides is required")
    clean_comment = _text(errors, "comment", comment, 1000)
    if errors:
        raise ValidationError(errors[0]["message"], errors=errors)
    status = quotation.status_on(today())
    if status != DECIDABLE:
        raise Conflict(f"Quotation {quotation.label} is {status}; only a sent quotation "
                       f"within its validity can be approved or declined")
    before = quotation_snapshot(quotation)
    quotation.status = (QuotationStatus.APPROVED if approve else QuotationStatus.DECLINED).value
    quotation.decided_at = _now()
    quotation.decided_by = actor.label[:254]
    quotation.client_name, quotation.client_comment = clean_name, clean_comment
    session.flush()
    after = quotation_snapshot(quotation)
    after.update(client_name=clean_name, client_comment=clean_comment)
    audit.record(session, "approve" if approve else "reject", "quotation", quotation.id,
                 book=book, before=before, after=after, actor=actor,
                 summary=f"Quotation {quotation.label} {quotation.status} by {clean_name}")
    if approve:
        from folio.ops.metrics import quotation_approved

        quotation_approved()
    return quotation


def client_decision(session: Session, token: str, *, approve: bool, name: str,
                    comment: str | None = None, ip: str = "",
                    request_id: str = "") -> Quotation:
    """The customer approves or declines through the public link (no account)."""
    book, quotation = public_quotation(session, token)
    label = f"client:{(name or '').strip()}"[:254]
    actor = Actor(label=label, scope="write", ip=ip, request_id=request_id)
    return _decide(session, book, quotation, approve, name, comment, actor)


def record_decision(session: Session, book: Book, quotation: Quotation, *, approve: bool,
                    name: str, comment: str | None = None) -> Quotation:
    """Staff record the customer's decision given by phone or email."""
    require(session, book, "sales.issue")
    staff = actor_of(session)
    return _decide(session, book, quotation, approve, name, comment, staff)


# Revisions ----------------------------------------------------------------------------

def revise(session: Session, book: Book, quotation: Quotation) -> Quotation:
    """A new draft copied from ``quotation`` with the next revision; the old one is
    superseded (its public link shows that a newer revision exists)."""
    require(session, book, "sales.draft")
    status = quotation.status_on(today())
    if status in (QuotationStatus.DRAFT.value, QuotationStatus.SUPERSEDED.value,
                  QuotationStatus.CONVERTED.value, QuotationStatus.APPROVED.value):
        raise Conflict(f"Quotation {quotation.label} is {status}; only a sent, declined or "
                       f"expired quotation can be revised")
    before = quotation_snapshot(quotation)
    copy = Quotation(
        book_id=book.id, number=quotation.number, revision=quotation.revision + 1,
        revision_of_id=quotation.id, customer_id=quotation.customer_id,
        project_id=quotation.project_id, status=QuotationStatus.DRAFT.value,
        issue_date=max(today(), quotation.issue_date),
        currency=quotation.currency, prices_include_tax=quotation.prices_include_tax,
        vat_rounding=quotation.vat_rounding, notes=quotation.notes, terms=quotation.terms)
    validity = quotation.valid_until - quotation.issue_date
    copy.valid_until = min(copy.issue_date + validity, LAST_DAY)
    for name in ("net_total", "line_tax_total", "tax_total", "rounding", "total"):
        setattr(copy, name, getattr(quotation, name))
    copy.lines = [QuotationLine(book_id=book.id, **{f: getattr(line, f) for f in LINE_FIELDS})
                  for line in quotation.lines]
    quotation.status = QuotationStatus.SUPERSEDED.value
    session.add(copy)
    session.flush()
    audit.record(session, "update", "quotation", quotation.id, book=book, before=before,
                 after=quotation_snapshot(quotation),
                 summary=f"Quotation {quotation.label} superseded by revision {copy.revision}")
    audit.record(session, "create", "quotation", copy.id, book=book,
                 after=quotation_snapshot(copy),
                 summary=f"Revision {copy.revision} of quotation {quotation.number}")
    return copy


# Conversion to invoices ---------------------------------------------------------------

def _codes(session: Session, book: Book) -> tuple[dict[int, str], dict[int, str]]:
    taxes = dict(session.execute(select(TaxCode.id, TaxCode.code).where(
        TaxCode.book_id == book.id)).all())
    accounts = dict(session.execute(select(Account.id, Account.code).where(
        Account.book_id == book.id)).all())
    return taxes, accounts


def _shares(total: int, milestones: Sequence[Milestone], currency: str) -> list[int]:
    """Each milestone's part of ``total`` in minor units; the last takes the remainder."""
    errors: lookups.Errors = []
    if not 1 <= len(milestones) <= MAX_MILESTONES:
        lookups.error(errors, "milestones", f"from 1 to {MAX_MILESTONES} milestones")
    stated = Decimal(0)
    shares: list[int] = []
    for n, milestone in enumerate(milestones):
        at = f"milestones[{n}]"
        if (milestone.percent is None) == (milestone.amount is None):
            lookups.error(errors, at, "give either a percent or an amount")
            continue
        if milestone.percent is not None:
            pct = milestone.percent
            if not pct.is_finite() or not 0 < pct <= 100 or pct != pct.quantize(
                    Decimal("0.0001")):
                lookups.error(errors, f"{at}.percent", "a percentage above 0 up to 100")
                continue
            exact = Decimal(total) * pct / HUNDRED
            stated += exact
            shares.append(int(exact.quantize(Decimal(1), ROUND_HALF_UP)))
        else:
            assert milestone.amount is not None
            units = lookups.minor(milestone.amount, currency, f"{at}.amount", errors)
            if units <= 0 and not errors:
                lookups.error(errors, f"{at}.amount", "an amount above 0")
            stated += units
            shares.append(units)
        if milestone.label is not None and (len(milestone.label) > 100
                                            or not milestone.label.isprintable()):
            lookups.error(errors, f"{at}.label", "at most 100 printable characters")
    if not errors and stated != total:
        places = -exponent(currency)
        lookups.error(errors, "milestones",
                      f"the milestones add up to {format(stated.scaleb(places), 'f')}, not "
                      f"the quotation's total {from_minor(total, currency)}")
    if errors:
        raise ValidationError(errors[0]["message"], errors=errors)
    shares[-1] = total - sum(shares[:-1])
    if any(share <= 0 for share in shares):
        raise ValidationError("Each milestone must be above zero", field="milestones")
    return shares


def _allocate(share: int, groups: list[int], total: int) -> list[int]:
    """``share`` of ``total`` spread over ``groups`` in proportion (largest remainder)."""
    exact = [Decimal(g) * share / total for g in groups]
    parts = [int(x.to_integral_value(ROUND_FLOOR)) for x in exact]
    left = share - sum(parts)
    order = sorted(range(len(groups)), key=lambda i: (exact[i] - parts[i], groups[i]),
                   reverse=True)
    for i in order[:left]:
        parts[i] += 1
    return parts


def _language(book: Book) -> str:
    return "id" if book.locale.lower().startswith("id") else "en"


def _percent_text(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")).normalize(), "f")


def convert(session: Session, book: Book, quotation: Quotation,
            milestones: Sequence[Milestone] | None = None, *,
            issue_date: date | None = None) -> list[Invoice]:
    """Draft invoices for an approved quotation: one with its lines, or one per milestone
    (each a share of every tax code's amount, prices including tax, so the invoices add up
    exactly to the quotation's total); the quotation becomes ``converted``."""
    require(session, book, "sales.issue")
    status = quotation.status_on(today())
    if status != QuotationStatus.APPROVED.value:
        raise Conflict(f"Quotation {quotation.label} is {status}; only an approved quotation "
                       f"converts to invoices")
    taxes, accounts = _codes(session, book)
    cur = quotation.currency
    base: dict[str, Any] = dict(customer_id=quotation.customer_id, issue_date=issue_date,
                project_id=quotation.project_id, reference=quotation.label,
                notes=quotation.notes)
    inputs: list[InvoiceInput] = []
    if not milestones:
        inputs.append(InvoiceInput(
            prices_include_tax=quotation.prices_include_tax,
            vat_rounding=quotation.vat_rounding,
            lines=[InvoiceLineInput(
                description=line.description, quantity=line.quantity, unit=line.unit,
                unit_price=from_minor(line.unit_price, cur),
                discount_percent=line.discount_percent,
                tax_code=taxes.get(line.tax_code_id, "") if line.tax_code_id else "",
                account=accounts[line.account_id], item_id=line.item_id)
                for line in quotation.lines], **base))
    else:
        if quotation.total <= 0:
            raise ValidationError("A quotation with a zero total cannot be split",
                                  field="milestones")
        shares = _shares(quotation.total, milestones, cur)
        # What the customer pays per (tax code, account), the VAT round-off in the largest.
        gross: dict[tuple[int | None, int], int] = {}
        for line in quotation.lines:
            key = (line.tax_code_id, line.account_id)
            gross[key] = gross.get(key, 0) + line.net + line.tax
        keys = sorted(gross, key=lambda k: (k[0] is None, -gross[k]))
        gross[keys[0]] += quotation.total - sum(gross.values())
        keys = [k for k in keys if gross[k] > 0]
        amounts = [gross[k] for k in keys]
        given = [0] * len(keys)
        catalog = translations(_language(book))
        for n, (share, milestone) in enumerate(zip(shares, milestones, strict=True)):
            last = n == len(shares) - 1
            parts = [a - g for a, g in zip(amounts, given, strict=True)] if last else \
                _allocate(share, amounts, quotation.total)
            if any(p < 0 for p in parts):
                raise ValidationError("A milestone is too small to split over the "
                                      "quotation's tax codes", field="milestones")
            given = [g + p for g, p in zip(given, parts, strict=True)]
            label = milestone.label or (catalog.gettext("Final payment") if last
                                        else catalog.gettext("Down payment"))
            percent = _percent_text(Decimal(share) * HUNDRED / quotation.total)
            description = catalog.gettext("%(label)s %(percent)s%% of %(number)s") % {
                "label": label, "percent": percent, "number": quotation.label}
            inputs.append(InvoiceInput(
                prices_include_tax=True, vat_rounding=quotation.vat_rounding,
                lines=[InvoiceLineInput(
                    description=description, quantity=Decimal(1),
                    unit_price=from_minor(part, cur),
                    tax_code=taxes.get(key[0], "") if key[0] else "",
                    account=accounts[key[1]])
                    for key, part in zip(keys, parts, strict=True) if part > 0],
                **base))
    before = quotation_snapshot(quotation)
    invoices = []
    for data in inputs:
        invoice = create_draft(session, book, data)
        invoice.quotation_id = quotation.id
        invoices.append(invoice)
    quotation.status = QuotationStatus.CONVERTED.value
    quotation.converted_at = _now()
    session.flush()
    after = quotation_snapshot(quotation)
    after["invoice_ids"] = [i.id for i in invoices]
    audit.record(session, "update", "quotation", quotation.id, book=book, before=before,
                 after=after, summary=f"Quotation {quotation.label} converted to "
                                      f"{len(invoices)} draft invoice(s)")
    return invoices


def invoices_of(session: Session, book: Book, quotation: Quotation) -> list[Invoice]:
    """The invoices converted from ``quotation``, in order."""
    require(session, book, "report.read")
    return list(session.scalars(select(Invoice).where(
        Invoice.book_id == book.id, Invoice.quotation_id == quotation.id)
        .order_by(Invoice.id)))


def customer_name(session: Session, quotation: Quotation) -> str:
    return session.get_one(Party, quotation.customer_id).name

