"""Contact pages: customers and vendors listed and searched, one contact with what they owe
us and what we owe them, and the new and edit forms (field errors at the field, nothing
saved until the whole form is right)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.auth.guard import can, require
from folio.books.models import Book
from folio.commerce.listing import page_count
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden
from folio.parties.models import Party
from folio.parties.service import (
    ContactInput,
    PartyInput,
    add_contact,
    create_party,
    get_contact,
    get_party,
    input_of,
    list_contacts,
    list_parties,
    remove_contact,
    update_party,
)
from folio.parties.tax_ids import format_tax_id
from folio.purchases.bills import OPEN as OPEN_BILLS
from folio.purchases.models import Bill
from folio.purchases.vendor_credits import unapplied_credits
from folio.sales.models import Invoice, InvoiceStatus
from folio.web.forms import Blankable, FormDep, field_errors, text
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}/contacts", include_in_schema=False)
PAGE_SIZE = 50
PartyId = Annotated[int, Path(ge=1, lt=2**63)]
OPEN_INVOICES = (InvoiceStatus.ISSUED.value, InvoiceStatus.PARTIALLY_PAID.value)
TEXT_FIELDS = ("name", "email", "phone", "address", "tax_id", "payment_terms_days",
               "default_currency", "default_income_account", "default_expense_account")


@router.get("", name="parties.list")
def parties_page(
    request: Request, book: BookDep, session: SessionDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    kind: Annotated[Literal["customers", "vendors"] | None, Blankable, Query()] = None,
    inactive: Annotated[bool, Query()] = False,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    """Customers and vendors by name."""
    require(session, book, "report.read")
    found = list_parties(session, book, search=q, customers=kind == "customers",
                         vendors=kind == "vendors", include_inactive=inactive)
    rows = found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    return render(request, "parties/parties.html", {
        "book": book, "parties": rows, "total": len(found), "page": page,
        "pages": page_count(len(found), PAGE_SIZE), "can_write": can(session, book,
                                                                     "party.write"),
        "tax_ids": {p.id: format_tax_id(p.tax_id) for p in rows if p.tax_id},
        "filters": {"q": q or "", "kind": kind or "", "inactive": inactive}})


def _blank() -> dict[str, str]:
    form = dict.fromkeys(TEXT_FIELDS, "")
    form.update(payment_terms_days="0", is_customer="", is_vendor="", is_active="1")
    return form


def _shown(session: Session, party: Party) -> dict[str, str]:
    data = input_of(session, party)
    return {"default_income_account": data.default_income_account or "",
            "default_expense_account": data.default_expense_account or "",
            "name": party.name, "email": party.email or "", "phone": party.phone or "",
            "address": party.address or "", "tax_id": party.tax_id or "",
            "payment_terms_days": str(party.payment_terms_days),
            "default_currency": party.default_currency or "",
            "is_customer": "1" if party.is_customer else "",
            "is_vendor": "1" if party.is_vendor else "",
            "is_active": "1" if party.is_active else ""}


def _form_page(request: Request, book: Book, form: dict[str, str], party: Party | None, *,
               error: str = "", errors: dict[str, str] | None = None,
               status_code: int = 200) -> HTMLResponse:
    return render(request, "parties/party_form.html", {
        "book": book, "form": form, "party": party, "error": error, "errors": errors or {}},
        status_code=status_code)


def _read(form: FormDep) -> tuple[dict[str, str], PartyInput]:
    shown = {name: text(form, name, 500) for name in TEXT_FIELDS}
    for flag in ("is_customer", "is_vendor", "is_active"):
        shown[flag] = "1" if form.get(flag) else ""
    terms = shown["payment_terms_days"]
    data = PartyInput(
        name=shown["name"], is_customer=bool(shown["is_customer"]),
        is_vendor=bool(shown["is_vendor"]), email=shown["email"], phone=shown["phone"],
        address=shown["address"], tax_id=shown["tax_id"],
        # Not a whole number: -1 makes the service name the field.
        payment_terms_days=int(terms) if terms.isdigit() and len(terms) < 6 else (
            0 if not terms else -1),
        default_currency=shown["default_currency"], is_active=bool(shown["is_active"]),
        default_income_account=shown["default_income_account"],
        default_expense_account=shown["default_expense_account"])
    return shown, data


def _refused(request: Request, session: Session, book: Book, shown: dict[str, str],
             party: Party | None, exc: FolioError) -> HTMLResponse:
    session.rollback()
    if isinstance(exc, Forbidden):
        raise exc
    return _form_page(request, book, shown, party, error=exc.detail,
                      errors=field_errors(exc.errors), status_code=exc.status)


def _saved(request: Request, book: Book, party: Party, warnings: list[str]) -> Response:
    target = request.app.url_path_for("parties.party", slug=book.slug, party_id=str(party.id))
    notice = "saved_check_tax_id" if warnings else "saved"
    return RedirectResponse(f"{target}?notice={notice}", status_code=303)


@router.get("/new", name="parties.new")
def new_party_page(request: Request, book: BookDep, session: SessionDep,
                   kind: Annotated[Literal["customer", "vendor"] | None, Blankable,
                                   Query()] = None) -> HTMLResponse:
    require(session, book, "party.write")
    form = _blank()
    if kind is not None:
        form[f"is_{kind}"] = "1"
    return _form_page(request, book, form, None)


@router.post("/new", name="parties.create")
def create_party_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                      form: FormDep) -> Response:
    shown, data = _read(form)
    try:
        party, warnings = create_party(session, book, data)
    except FolioError as exc:
        return _refused(request, session, book, shown, None, exc)
    session.commit()
    return _saved(request, book, party, warnings)


@router.get("/{party_id}", name="parties.party")
def party_page(request: Request, book: BookDep, session: SessionDep,
               party_id: PartyId) -> HTMLResponse:
    """One contact: details, people, open invoices and bills, and the balances between us."""
    require(session, book, "report.read")
    return _party_page(request, session, book, get_party(session, book, party_id))


def _party_page(request: Request, session: Session, book: Book, party: Party, *,
                contact_form: dict[str, str] | None = None, error: str = "",
                errors: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    invoices = list(session.scalars(select(Invoice).where(
        Invoice.book_id == book.id, Invoice.customer_id == party.id,
        Invoice.kind == "invoice", Invoice.status.in_(OPEN_INVOICES))
        .order_by(Invoice.due_date, Invoice.id)))
    bills = list(session.scalars(select(Bill).where(
        Bill.book_id == book.id, Bill.vendor_id == party.id, Bill.status.in_(OPEN_BILLS))
        .order_by(Bill.due_date, Bill.id)))
    credits = unapplied_credits(session, book, party.id)
    return render(request, "parties/party.html", {
        "book": book, "party": party,
        "tax_id": format_tax_id(party.tax_id) if party.tax_id else "",
        "invoices": invoices, "bills": bills, "credits": credits,
        # In the book's currency; a document in another currency shows its own amounts.
        "receivable": sum(i.amount_due for i in invoices if i.currency == book.base_currency),
        "payable": sum(b.amount_due for b in bills if b.currency == book.base_currency)
        - sum(c.remaining for c in credits if c.currency == book.base_currency),
        "can_write": can(session, book, "party.write"),
        "can_credit": can(session, book, "sales.issue") and party.is_vendor,
        "contacts": list_contacts(session, party),
        "contact_form": contact_form or {"name": "", "email": "", "phone": "", "role": "",
                                         "is_primary": ""},
        "contact_error": error, "contact_errors": errors or {},
        "notice": request.query_params.get("notice")}, status_code=status_code)


@router.get("/{party_id}/edit", name="parties.edit")
def edit_party_page(request: Request, book: BookDep, session: SessionDep,
                    party_id: PartyId) -> HTMLResponse:
    require(session, book, "party.write")
    party = get_party(session, book, party_id)
    return _form_page(request, book, _shown(session, party), party)


@router.post("/{party_id}/edit", name="parties.update")
def update_party_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                      party_id: PartyId, form: FormDep) -> Response:
    shown, data = _read(form)
    party = get_party(session, book, party_id)
    try:
        party, warnings = update_party(session, party, data)
    except FolioError as exc:
        return _refused(request, session, book, shown, get_party(session, book, party_id), exc)
    session.commit()
    return _saved(request, book, party, warnings)


@router.post("/{party_id}/contacts", name="parties.contact_add")
def add_contact_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                     party_id: PartyId, form: FormDep) -> Response:
    """Add a contact person from the form on the party's page."""
    party = get_party(session, book, party_id)
    shown = {name: text(form, name, 300) for name in ("name", "email", "phone", "role")}
    shown["is_primary"] = "1" if form.get("is_primary") else ""
    try:
        add_contact(session, party, ContactInput(
            name=shown["name"], email=shown["email"], phone=shown["phone"],
            role=shown["role"], is_primary=bool(shown["is_primary"])))
    except FolioError as exc:
        session.rollback()
        if isinstance(exc, Forbidden):
            raise
        party = get_party(session, book, party_id)
        return _party_page(request, session, book, party, contact_form=shown,
                           error=exc.detail, errors=field_errors(exc.errors),
                           status_code=exc.status)
    session.commit()
    target = request.app.url_path_for("parties.party", slug=book.slug, party_id=str(party.id))
    return RedirectResponse(f"{target}?notice=contact_added#contacts", status_code=303)


@router.post("/{party_id}/contacts/{contact_id}/remove", name="parties.contact_remove")
def remove_contact_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                        party_id: PartyId, contact_id: PartyId) -> Response:
    party = get_party(session, book, party_id)
    remove_contact(session, get_contact(session, party, contact_id))
    session.commit()
    target = request.app.url_path_for("parties.party", slug=book.slug, party_id=str(party.id))
    return RedirectResponse(f"{target}?notice=contact_removed#contacts", status_code=303)
