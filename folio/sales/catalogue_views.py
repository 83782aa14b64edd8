"""Catalogue pages: items and services (list, new, edit) and projects (list, one project with
its budget against what was invoiced and spent, new, edit). Rules stay in the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.auth.guard import can, require
from folio.books.models import Book
from folio.commerce.listing import page_count
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden, ValidationError
from folio.ledger.accounts import list_accounts
from folio.ledger.models import Account
from folio.money import decimal_str
from folio.parties.models import Party
from folio.parties.service import list_parties
from folio.purchases.models import Bill, Expense
from folio.sales.items import ItemInput, create_item, get_item, list_items, update_item
from folio.sales.models import Invoice, Item, Project
from folio.sales.profitability import project_profitability
from folio.sales.projects import (
    STATUSES,
    ProjectInput,
    create_project,
    get_project,
    list_projects,
    update_project,
)
from folio.tax.models import TaxCode, TaxKind
from folio.web.forms import Blankable, FormDep, field_errors, parse_date, parse_local_amount, text
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}", include_in_schema=False)
PAGE_SIZE = 50
RowId = Annotated[int, Path(ge=1, lt=2**63)]
ITEM_FIELDS = ("code", "name", "unit", "default_price", "tax_code", "income_account")
PROJECT_FIELDS = ("customer_id", "code", "name", "budget", "start_date", "end_date", "status")


def _refused(session: Session, exc: FolioError) -> tuple[str, dict[str, str]]:
    session.rollback()
    if isinstance(exc, Forbidden):
        raise exc
    return exc.detail, field_errors(exc.errors)


def _amount(book: Book, value: str, field: str) -> Decimal:
    return parse_local_amount(value, book.base_currency, book.locale, field) \
        if value.strip() else Decimal(0)


# Items --------------------------------------------------------------------------------

@router.get("/items", name="catalogue.items")
def items_page(request: Request, book: BookDep, session: SessionDep,
               q: Annotated[str | None, Query(max_length=100)] = None,
               inactive: Annotated[bool, Query()] = False,
               page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> HTMLResponse:
    """The items and services lines can be filled from."""
    found = list_items(session, book, search=q, include_inactive=inactive)
    rows = found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    taxes = dict(session.execute(select(TaxCode.id, TaxCode.code).where(
        TaxCode.book_id == book.id)).all())
    accounts = dict(session.execute(select(Account.id, Account.code).where(
        Account.book_id == book.id)).all())
    return render(request, "catalogue/items.html", {
        "book": book, "items": rows, "total": len(found), "page": page,
        "pages": page_count(len(found), PAGE_SIZE), "taxes": taxes, "accounts": accounts,
        "can_write": can(session, book, "sales.draft"),
        "filters": {"q": q or "", "inactive": inactive}})


def _item_form(request: Request, session: Session, book: Book, form: dict[str, str],
               item: Item | None, *, error: str = "", errors: dict[str, str] | None = None,
               status_code: int = 200) -> HTMLResponse:
    codes = list(session.scalars(select(TaxCode).where(
        TaxCode.book_id == book.id, TaxCode.kind == TaxKind.VAT, TaxCode.is_active.is_(True))
        .order_by(TaxCode.code)))
    income = [a for a in list_accounts(session, book, include_inactive=False)
              if a.type == "income" and not a.is_group]
    return render(request, "catalogue/item_form.html", {
        "book": book, "form": form, "item": item, "codes": codes, "income_accounts": income,
        "error": error, "errors": errors or {}}, status_code=status_code)


def _item_shown(session: Session, item: Item) -> dict[str, str]:
    tax = session.get(TaxCode, item.tax_code_id) if item.tax_code_id else None
    income = session.get(Account, item.income_account_id) if item.income_account_id else None
    return {"code": item.code, "name": item.name, "unit": item.unit,
            "default_price": decimal_str(item.default_price,
                                         session.get_one(Book, item.book_id).base_currency),
            "tax_code": tax.code if tax else "", "income_account": income.code if income else "",
            "is_active": "1" if item.is_active else ""}


def _item_input(book: Book, form: FormDep) -> tuple[dict[str, str], ItemInput]:
    shown = {name: text(form, name, 200) for name in ITEM_FIELDS}
    shown["is_active"] = "1" if form.get("is_active") else ""
    return shown, ItemInput(
        code=shown["code"], name=shown["name"], unit=shown["unit"],
        default_price=_amount(book, shown["default_price"], "default_price"),
        tax_code=shown["tax_code"] or None, income_account=shown["income_account"] or None,
        is_active=bool(shown["is_active"]))


def _items_done(request: Request, book: Book) -> RedirectResponse:
    target = request.app.url_path_for("catalogue.items", slug=book.slug)
    return RedirectResponse(f"{target}?notice=saved", status_code=303)


@router.get("/items/new", name="catalogue.item_new")
def new_item_page(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    require(session, book, "sales.draft")
    form = dict.fromkeys(ITEM_FIELDS, "")
    form.update(unit="unit", is_active="1")
    return _item_form(request, session, book, form, None)


@router.post("/items/new", name="catalogue.item_create")
def create_item_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                     form: FormDep) -> Response:
    shown = {name: text(form, name, 200) for name in ITEM_FIELDS}
    try:
        shown, data = _item_input(book, form)
        create_item(session, book, data)
    except FolioError as exc:
        error, errors = _refused(session, exc)
        return _item_form(request, session, book, shown, None, error=error, errors=errors,
                          status_code=exc.status)
    session.commit()
    return _items_done(request, book)


@router.get("/items/{item_id}/edit", name="catalogue.item_edit")
def edit_item_page(request: Request, book: BookDep, session: SessionDep,
                   item_id: RowId) -> HTMLResponse:
    require(session, book, "sales.draft")
    item = get_item(session, book, item_id)
    return _item_form(request, session, book, _item_shown(session, item), item)


@router.post("/items/{item_id}/edit", name="catalogue.item_update")
def update_item_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                     item_id: RowId, form: FormDep) -> Response:
    shown = {name: text(form, name, 200) for name in ITEM_FIELDS}
    try:
        shown, data = _item_input(book, form)
        update_item(session, book, get_item(session, book, item_id), data)
    except FolioError as exc:
        error, errors = _refused(session, exc)
        return _item_form(request, session, book, shown, get_item(session, book, item_id),
                          error=error, errors=errors, status_code=exc.status)
    session.commit()
    return _items_done(request, book)


# Projects -----------------------------------------------------------------------------

def _customers(session: Session, book: Book) -> list[Party]:
    return list_parties(session, book, customers=True)


@router.get("/projects", name="catalogue.projects")
def projects_page(request: Request, book: BookDep, session: SessionDep,
                  customer: Annotated[int | None, Blankable, Query(ge=1, lt=2**63)] = None,
                  status: Annotated[Literal["active", "on_hold", "done", "cancelled"] | None,
                                    Blankable, Query()] = None,
                  page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> HTMLResponse:
    found = list_projects(session, book, customer_id=customer, status=status)
    rows = found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    customers = _customers(session, book)
    names = {p.id: p.name for p in customers}
    missing = {p.customer_id for p in rows} - names.keys()
    if missing:
        names.update(session.execute(select(Party.id, Party.name)
                                     .where(Party.id.in_(missing))).all())
    return render(request, "catalogue/projects.html", {
        "book": book, "projects": rows, "total": len(found), "page": page,
        "pages": page_count(len(found), PAGE_SIZE), "customers": customers, "names": names,
        "can_write": can(session, book, "sales.draft"),
        "filters": {"customer": customer, "status": status or ""}})


def _project_form(request: Request, session: Session, book: Book, form: dict[str, str],
                  project: Project | None, *, error: str = "",
                  errors: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    return render(request, "catalogue/project_form.html", {
        "book": book, "form": form, "project": project, "customers": _customers(session, book),
        "statuses": STATUSES, "error": error, "errors": errors or {}},
        status_code=status_code)


def _optional_day(value: str, field: str) -> date | None:
    return parse_date(value, field) if value.strip() else None


def _project_input(book: Book, shown: dict[str, str]) -> ProjectInput:
    customer = shown["customer_id"]
    if not customer.isdigit() or not 0 < int(customer) < 2**63:
        raise ValidationError("Choose the customer", field="customer_id")
    return ProjectInput(
        customer_id=int(customer), code=shown["code"], name=shown["name"],
        budget=_amount(book, shown["budget"], "budget"),
        start_date=_optional_day(shown["start_date"], "start_date"),
        end_date=_optional_day(shown["end_date"], "end_date"), status=shown["status"])


def _project_done(request: Request, book: Book, project: Project) -> RedirectResponse:
    target = request.app.url_path_for("catalogue.project", slug=book.slug,
                                      project_id=str(project.id))
    return RedirectResponse(f"{target}?notice=saved", status_code=303)


@router.get("/projects/new", name="catalogue.project_new")
def new_project_page(request: Request, book: BookDep, session: SessionDep,
                     customer: Annotated[int | None, Blankable, Query(ge=1, lt=2**63)] = None
                     ) -> HTMLResponse:
    require(session, book, "sales.draft")
    form = dict.fromkeys(PROJECT_FIELDS, "")
    form.update(status="active", budget="0", customer_id=str(customer or ""))
    return _project_form(request, session, book, form, None)


@router.post("/projects/new", name="catalogue.project_create")
def create_project_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                        form: FormDep) -> Response:
    shown = {name: text(form, name, 200) for name in PROJECT_FIELDS}
    try:
        project = create_project(session, book, _project_input(book, shown))
    except FolioError as exc:
        error, errors = _refused(session, exc)
        return _project_form(request, session, book, shown, None, error=error, errors=errors,
                             status_code=exc.status)
    session.commit()
    return _project_done(request, book, project)


@router.get("/projects/{project_id}", name="catalogue.project")
def project_page(request: Request, book: BookDep, session: SessionDep,
                 project_id: RowId) -> HTMLResponse:
    """A project's budget against what was invoiced and spent, and its documents."""
    project = get_project(session, book, project_id)
    invoices = list(session.scalars(select(Invoice).where(
        Invoice.book_id == book.id, Invoice.project_id == project.id,
        Invoice.status != "void").order_by(Invoice.issue_date, Invoice.id)))
    bills = list(session.scalars(select(Bill).where(
        Bill.book_id == book.id, Bill.project_id == project.id, Bill.status != "void")
        .order_by(Bill.bill_date, Bill.id)))
    expenses = list(session.scalars(select(Expense).where(
        Expense.book_id == book.id, Expense.project_id == project.id,
        Expense.entry_id.is_not(None)).order_by(Expense.date, Expense.id)))
    # The figures of the profitability report: foreign documents count in the book's
    # currency, drafts and voids not at all.
    (profit,) = project_profitability(session, book, project_id=project.id).rows
    invoiced, spent = profit.revenue, profit.costs
    return render(request, "catalogue/project.html", {
        "book": book, "project": project,
        "customer": session.get_one(Party, project.customer_id),
        "invoices": invoices, "bills": bills, "expenses": expenses,
        "invoiced": invoiced, "spent": spent, "left": project.budget - spent,
        "used_percent": round(spent * 100 / project.budget) if project.budget else None,
        "can_write": can(session, book, "sales.draft")})


@router.get("/projects/{project_id}/edit", name="catalogue.project_edit")
def edit_project_page(request: Request, book: BookDep, session: SessionDep,
                      project_id: RowId) -> HTMLResponse:
    require(session, book, "sales.draft")
    project = get_project(session, book, project_id)
    form = {"customer_id": str(project.customer_id), "code": project.code,
            "name": project.name, "budget": decimal_str(project.budget, book.base_currency),
            "start_date": project.start_date.isoformat() if project.start_date else "",
            "end_date": project.end_date.isoformat() if project.end_date else "",
            "status": project.status}
    return _project_form(request, session, book, form, project)


@router.post("/projects/{project_id}/edit", name="catalogue.project_update")
def update_project_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                        project_id: RowId, form: FormDep) -> Response:
    shown = {name: text(form, name, 200) for name in PROJECT_FIELDS}
    try:
        project = update_project(session, book, get_project(session, book, project_id),
                                 _project_input(book, shown))
    except FolioError as exc:
        error, errors = _refused(session, exc)
        return _project_form(request, session, book, shown,
                             get_project(session, book, project_id), error=error,
                             errors=errors, status_code=exc.status)
    session.commit()
    return _project_done(request, book, project)
