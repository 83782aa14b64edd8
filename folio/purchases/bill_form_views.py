"""The bill draft form: a new bill, editing or deleting a draft, and the line editor's live
totals (the shared editor of folio/web/templates/_line_editor.html).

Fixed paths (``/bills/new``, ``/bills/preview``) are mounted before folio.purchases.views,
whose ``/bills/{bill_id}`` would otherwise read them as ids. Every line is a service line
(the bill's PPh 23 applies to all of them); goods that withholding must skip go through
the API's ``is_service: false``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.auth.guard import require
from folio.books.models import Book
from folio.clock import today
from folio.commerce.line_form import Preview, parse_rows, row_of, rows_with_errors
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import Conflict, FolioError, Forbidden
from folio.ledger.accounts import list_accounts
from folio.ledger.models import Account
from folio.money import to_minor
from folio.parties.models import Party
from folio.purchases.bills import (
    BillInput,
    BillLineInput,
    create_bill,
    delete_bill,
    get_bill,
    update_bill,
)
from folio.purchases.models import Bill, BillStatus
from folio.purchases.page_support import vendors
from folio.sales.models import Project
from folio.sales.page_forms import DocumentForm, check, read_form
from folio.sales.totals import PricedLine, invoice_totals
from folio.tax.models import TaxCode, TaxKind
from folio.web.forms import FormDep, field_errors, parse_date
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}/bills", include_in_schema=False)
BillId = Annotated[int, Path(ge=1, lt=2**63)]
FIELDS = ("vendor_id", "vendor_reference", "bill_date", "due_date", "project_id",
          "withholding_code", "notes")
Errors = list[dict[str, str]]


def _id(value: str, name: str, errors: Errors) -> int | None:
    if not value:
        return None
    if value.isdigit() and 0 < int(value) < 2**63:
        return int(value)
    errors.append({"field": name, "message": "choose from the list"})
    return None


def bill_input(form: DocumentForm, book: Book) -> tuple[BillInput, Errors]:
    """The service's input from the form as typed, and what the form itself could not read."""
    errors: Errors = []
    days: dict[str, date | None] = {}
    for name in ("bill_date", "due_date"):
        days[name] = None
        if form.get(name):
            try:
                days[name] = parse_date(form.get(name), name)
            except FolioError as exc:
                errors.extend(exc.errors)
    values, line_errors = parse_rows(form.rows, book.base_currency, book.locale)
    errors += line_errors
    vendor_id = _id(form.get("vendor_id"), "vendor_id", errors)
    return BillInput(
        vendor_id=vendor_id or 0, vendor_reference=form.get("vendor_reference"),
        bill_date=days["bill_date"], due_date=days["due_date"],
        project_id=_id(form.get("project_id"), "project_id", errors),
        withholding_code=form.get("withholding_code") or None,
        prices_include_tax=form.prices_include_tax, notes=form.get("notes") or None,
        lines=[BillLineInput(description=v.description, quantity=v.quantity,
                             unit=v.unit or None, unit_price=v.unit_price or Decimal(0),
                             discount_percent=v.discount_percent, tax_code=v.tax_code or None,
                             account=v.account) for v in values]), errors


def preview(session: Session, book: Book, data: BillInput, form_errors: Errors) -> Preview:
    """The totals of the lines as typed, by the code that prices saved bills; writes nothing."""
    cur = book.base_currency
    result = Preview(currency=cur)
    bad = rows_with_errors(form_errors)
    codes = {c.code: c for c in session.scalars(select(TaxCode).where(
        TaxCode.book_id == book.id, TaxCode.is_active.is_(True)))}
    kept = [line for n, line in enumerate(data.lines)
            if n not in bad and (not line.tax_code or line.tax_code in codes)]
    wht = codes.get(data.withholding_code or "")
    seller = session.scalar(select(Party).where(Party.book_id == book.id,
                                                Party.id == data.vendor_id)) \
        if 0 < data.vendor_id < 2**63 else None
    try:
        totals = invoice_totals(
            [PricedLine(line.quantity, line.unit_price, line.discount_percent,
                        line.tax_code or None) for line in kept],
            {k: v for k, v in codes.items() if v.kind == TaxKind.VAT.value}, cur,
            prices_include_tax=data.prices_include_tax,
            withholding_code=wht if wht is not None and wht.kind == TaxKind.WITHHOLDING.value
            else None, customer_has_tax_id=seller is None or bool(seller.tax_id))
    except (ArithmeticError, KeyError, ValueError):
        result.error = "The lines cannot be priced yet"
        return result
    taxes: dict[str, Decimal] = defaultdict(Decimal)
    for line, taxed in zip(kept, totals.lines, strict=True):
        if line.tax_code:
            taxes[line.tax_code] += taxed.tax
    result.net, result.total = to_minor(totals.net, cur), to_minor(totals.total, cur)
    result.rounding = to_minor(totals.rounding, cur)
    result.taxes = sorted((k, to_minor(v, cur)) for k, v in taxes.items())
    result.withholding = to_minor(totals.withholding, cur)
    result.unreadable = len(data.lines) - len(kept)
    return result


def _saved_form(session: Session, book: Book, bill: Bill) -> DocumentForm:
    codes = dict(session.execute(select(TaxCode.id, TaxCode.code).where(
        TaxCode.book_id == book.id)).all())
    accounts = dict(session.execute(select(Account.id, Account.code).where(
        Account.book_id == book.id)).all())
    wht = codes.get(bill.withholding_code_id) if bill.withholding_code_id else ""
    fields = {"vendor_id": str(bill.vendor_id), "vendor_reference": bill.vendor_reference,
              "bill_date": bill.bill_date.isoformat(), "due_date": bill.due_date.isoformat(),
              "project_id": str(bill.project_id or ""), "withholding_code": wht or "",
              "notes": bill.notes or ""}
    rows = [row_of(description=line.description, quantity=line.quantity,
                   unit_price=line.unit_price, discount_percent=line.discount_percent,
                   tax_code=codes.get(line.tax_code_id, "") if line.tax_code_id else "",
                   account=accounts.get(line.account_id, ""), currency=bill.currency,
                   locale=book.locale) for line in bill.lines]
    return DocumentForm(fields, rows, bill.prices_include_tax)


def form_page(request: Request, session: Session, book: Book, form: DocumentForm,
              bill: Bill | None = None, errors: dict[str, str] | None = None,
              status_code: int = 200) -> HTMLResponse:
    data, form_errors = bill_input(form, book)
    codes = list(session.scalars(select(TaxCode).where(
        TaxCode.book_id == book.id, TaxCode.is_active.is_(True)).order_by(TaxCode.code)))
    return render(request, "purchases/bill_form.html", {
        "book": book, "form": form, "bill": bill, "errors": errors or {},
        "preview": preview(session, book, data, form_errors), "vendors": vendors(session, book),
        "projects": list(session.scalars(select(Project).where(
            Project.book_id == book.id).order_by(Project.code))),
        "vat_codes": [c for c in codes if c.kind == TaxKind.VAT.value],
        "withholding_codes": [c for c in codes if c.kind == TaxKind.WITHHOLDING.value],
        "accounts": [a for a in list_accounts(session, book, include_inactive=False)
                     if a.type in ("expense", "asset") and not a.is_group]},
        status_code=status_code)


def _save(request: Request, session: Session, book: Book, form: DocumentForm, action: str,
          bill: Bill | None) -> Response:
    if action == "add_line":  # the line editor without JavaScript
        return form_page(request, session, book, form.padded(extra=1), bill)
    data, form_errors = bill_input(form, book)
    try:
        if bill is None:
            saved = check(form_errors, lambda: create_bill(session, book, data))
        else:
            draft = bill
            saved = check(form_errors, lambda: update_bill(session, book, draft, data))
    except FolioError as exc:
        session.rollback()
        if isinstance(exc, Forbidden):
            raise
        errors = field_errors(exc.errors)
        errors.setdefault("", exc.detail)
        if bill is not None:
            bill = get_bill(session, book, bill.id)
        return form_page(request, session, book, form.padded(), bill, errors, exc.status)
    session.commit()
    target = request.app.url_path_for("purchases.bill", slug=book.slug, bill_id=str(saved.id))
    return RedirectResponse(f"{target}?notice=saved", status_code=303)


@router.get("/new", name="purchases.bill_new")
def bill_new(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    require(session, book, "sales.draft")
    vendor = request.query_params.get("vendor", "")
    form = DocumentForm({"bill_date": today().isoformat(),
                         "vendor_id": vendor if vendor.isdigit() else ""})
    return form_page(request, session, book, form.padded())


@router.post("/new", name="purchases.bill_create")
def bill_create(request: Request, form: FormDep, book: WriteBookDep,
                session: WriteSessionDep) -> Response:
    return _save(request, session, book, read_form(form, FIELDS), str(form.get("action", "")),
                 None)


@router.post("/preview", name="purchases.bill_preview")
def bill_preview(request: Request, form: FormDep, book: BookDep,
                 session: SessionDep) -> HTMLResponse:
    """The totals of the bill as typed so far; reads, never writes."""
    data, form_errors = bill_input(read_form(form, FIELDS), book)
    return render(request, "sales/_totals.html",
                  {"book": book, "preview": preview(session, book, data, form_errors)},
                  fragment=True)


def _draft(session: Session, book: Book, bill_id: int) -> Bill:
    bill = get_bill(session, book, bill_id)
    if bill.status != BillStatus.DRAFT.value:
        raise Conflict(f"Bill {bill.number} is {bill.status}; only a draft can change "
                       f"(void it instead)")
    return bill


@router.get("/{bill_id}/edit", name="purchases.bill_edit")
def bill_edit(request: Request, book: BookDep, session: SessionDep,
              bill_id: BillId) -> HTMLResponse:
    require(session, book, "sales.draft")
    bill = _draft(session, book, bill_id)
    return form_page(request, session, book, _saved_form(session, book, bill).padded(), bill)


@router.post("/{bill_id}/edit", name="purchases.bill_update")
def bill_update(request: Request, form: FormDep, book: WriteBookDep,
                session: WriteSessionDep, bill_id: BillId) -> Response:
    bill = _draft(session, book, bill_id)
    return _save(request, session, book, read_form(form, FIELDS), str(form.get("action", "")),
                 bill)


@router.post("/{bill_id}/delete", name="purchases.bill_delete")
def bill_delete(request: Request, book: WriteBookDep, session: WriteSessionDep,
                bill_id: BillId) -> Response:
    delete_bill(session, book, get_bill(session, book, bill_id, for_update=True))
    session.commit()
    target = request.app.url_path_for("purchases.bills", slug=book.slug)
    return RedirectResponse(f"{target}?notice=deleted", status_code=303)

