"""The invoice and quotation forms of the pages: what they post, read into the services'
inputs, the forms of saved drafts, and the live totals under the line editor.

Header fields are named as the services name their fields (``customer_id``, ``issue_date``
...), so a service's field errors land next to the right input. What the form itself
cannot read is returned as field errors too; ``check`` raises them together with the
service's, so a page shows every problem at once and saves nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from folio.books.models import Book
from folio.commerce.line_form import (
    ItemChoice,
    LineRow,
    Preview,
    padded,
    parse_rows,
    read_rows,
    row_of,
    rows_with_errors,
)
from folio.errors import FolioError, ValidationError
from folio.i18n import N_
from folio.ledger.models import Account
from folio.money import format_number, from_minor, is_currency
from folio.parties.models import Party
from folio.sales import lookups
from folio.sales.invoices import InvoiceInput, InvoiceLineInput, build_lines, compute
from folio.sales.items import list_items
from folio.sales.models import Invoice, InvoiceLine, Item
from folio.sales.quotation_models import Quotation, QuotationLine
from folio.sales.quotations import QuotationInput
from folio.tax.models import TaxCode
from folio.web.forms import text

INVOICE_FIELDS = ("customer_id", "project_id", "issue_date", "due_date", "currency",
                  "reference", "notes", "withholding_code", "stamp_duty_borne_by",
                  "vat_rounding")
QUOTATION_FIELDS = ("customer_id", "project_id", "issue_date", "valid_until", "currency",
                    "notes", "terms", "vat_rounding")
LIMITS = {"notes": 2000, "terms": 2000, "reference": 100}
Errors = list[dict[str, str]]
T = TypeVar("T")


@dataclass
class DocumentForm:
    """A document form as typed: header fields by name, the editor's rows, the checkbox."""

    fields: dict[str, str]
    rows: list[LineRow] = field(default_factory=list)
    prices_include_tax: bool = False

    def get(self, name: str) -> str:
        return self.fields.get(name, "")

    def padded(self, extra: int = 0) -> DocumentForm:
        return DocumentForm(self.fields, padded(self.rows, extra), self.prices_include_tax)


def read_form(form: FormData, names: tuple[str, ...]) -> DocumentForm:
    return DocumentForm({name: text(form, name, LIMITS.get(name, 40)) for name in names},
                        read_rows(form), form.get("prices_include_tax") in ("1", "on", "true"))


def _id(value: str, name: str, errors: Errors, *, required: bool = False,
        missing: str = "") -> int | None:
    if not value:
        if required:
            errors.append({"field": name, "message": missing})
        return None
    if value.isdigit() and 0 < int(value) < 2**63:
        return int(value)
    errors.append({"field": name, "message": missing or N_("choose from the list")})
    return None


def _date(value: str, name: str, errors: Errors) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append({"field": name, "message": "enter a date as YYYY-MM-DD"})
        return None


def _currency(code: str | None, book: Book) -> str:
    """The document's currency as typed, when it is one (the service reports others)."""
    code = (code or "").upper()
    return code if is_currency(code) else book.base_currency


def _lines(form: DocumentForm, book: Book, errors: Errors) -> list[InvoiceLineInput]:
    values, line_errors = parse_rows(form.rows, _currency(form.get("currency"), book),
                                     book.locale)
    errors.extend(line_errors)
    return [InvoiceLineInput(**v.invoice_fields()) for v in values]  # type: ignore[arg-type]


def invoice_input(form: DocumentForm, book: Book) -> tuple[InvoiceInput, Errors]:
    """The service's input, and the errors of what the form could not read."""
    errors: Errors = []
    customer = _id(form.get("customer_id"), "customer_id", errors, required=True,
                   missing=N_("choose a customer"))
    data = InvoiceInput(
        customer_id=customer or 0, lines=_lines(form, book, errors),
        issue_date=_date(form.get("issue_date"), "issue_date", errors),
        due_date=_date(form.get("due_date"), "due_date", errors),
        project_id=_id(form.get("project_id"), "project_id", errors),
        currency=form.get("currency") or None,
        prices_include_tax=form.prices_include_tax,
        vat_rounding=form.get("vat_rounding") or "document",
        withholding_code=form.get("withholding_code") or None,
        stamp_duty_borne_by=form.get("stamp_duty_borne_by") or "issuer",
        reference=form.get("reference"), notes=form.get("notes"))
    return data, errors


def quotation_input(form: DocumentForm, book: Book) -> tuple[QuotationInput, Errors]:
    errors: Errors = []
    customer = _id(form.get("customer_id"), "customer_id", errors, required=True,
                   missing=N_("choose a customer"))
    data = QuotationInput(
        customer_id=customer or 0, lines=_lines(form, book, errors),
        issue_date=_date(form.get("issue_date"), "issue_date", errors),
        valid_until=_date(form.get("valid_until"), "valid_until", errors),
        project_id=_id(form.get("project_id"), "project_id", errors),
        currency=form.get("currency") or None,
        prices_include_tax=form.prices_include_tax,
        vat_rounding=form.get("vat_rounding") or "document",
        notes=form.get("notes"), terms=form.get("terms"))
    return data, errors


def check(errors: Errors, save: Callable[[], T]) -> T:
    """Run ``save``; raise the form's ``errors`` with the service's, if there are any.

    The caller rolls back on the error, so a save that passed the service is undone too.
    """
    try:
        result = save()
    except ValidationError as exc:
        if not errors:
            raise
        raise ValidationError(exc.detail if not errors else N_("The form has errors"),
                              errors=errors + exc.errors) from exc
    if errors:
        raise ValidationError(errors[0]["message"] if len(errors) == 1
                              else N_("The form has errors"), errors=errors)
    return result


def _codes(session: Session, book_id: int) -> tuple[dict[int, str], dict[int, str]]:
    """The book's tax codes and account codes by id."""
    taxes = dict(session.execute(select(TaxCode.id, TaxCode.code).where(
        TaxCode.book_id == book_id)).all())
    accounts = dict(session.execute(select(Account.id, Account.code).where(
        Account.book_id == book_id)).all())
    return taxes, accounts


def _rows(session: Session, book: Book, lines: list[InvoiceLine] | list[QuotationLine],
          currency: str) -> list[LineRow]:
    codes, accounts = _codes(session, book.id)
    # A line without a unit of its own shows its item's.
    units = dict(session.execute(select(Item.id, Item.unit).where(Item.book_id == book.id)).all())
    return [row_of(description=line.description, quantity=line.quantity,
                   unit_price=line.unit_price, discount_percent=line.discount_percent,
                   tax_code=codes.get(line.tax_code_id, "") if line.tax_code_id else "",
                   account=accounts.get(line.account_id, ""), currency=currency,
                   locale=book.locale, item_id=line.item_id,
                   unit=line.unit or (units.get(line.item_id, "") if line.item_id else ""))
            for line in lines]


def invoice_form(session: Session, book: Book, invoice: Invoice) -> DocumentForm:
    """A draft invoice as its form shows it."""
    wht = session.get(TaxCode, invoice.withholding_code_id) \
        if invoice.withholding_code_id else None
    return DocumentForm({
        "customer_id": str(invoice.customer_id),
        "project_id": str(invoice.project_id or ""),
        "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat(), "currency": invoice.currency,
        "reference": invoice.reference or "", "notes": invoice.notes or "",
        "withholding_code": wht.code if wht else "",
        "stamp_duty_borne_by": invoice.stamp_duty_borne_by,
        "vat_rounding": invoice.vat_rounding},
        _rows(session, book, invoice.lines, invoice.currency),
        invoice.prices_include_tax)


def quotation_form(session: Session, book: Book, quotation: Quotation) -> DocumentForm:
    return DocumentForm({
        "customer_id": str(quotation.customer_id),
        "project_id": str(quotation.project_id or ""),
        "issue_date": quotation.issue_date.isoformat(),
        "valid_until": quotation.valid_until.isoformat(), "currency": quotation.currency,
        "notes": quotation.notes or "", "terms": quotation.terms or "",
        "vat_rounding": quotation.vat_rounding},
        _rows(session, book, quotation.lines, quotation.currency),
        quotation.prices_include_tax)


def item_choices(session: Session, book: Book) -> list[ItemChoice]:
    """The book's active items for the editor's picker."""
    codes, accounts = _codes(session, book.id)
    cur = book.base_currency
    return [ItemChoice(id=item.id, code=item.code, name=item.name, unit=item.unit,
                       price=format_number(from_minor(item.default_price, cur), cur,
                                           book.locale),
                       tax_code=codes.get(item.tax_code_id, "") if item.tax_code_id else "",
                       account=accounts.get(item.income_account_id, "")
                       if item.income_account_id else "")
            for item in list_items(session, book)]


def preview(session: Session, book: Book, data: InvoiceInput, form_errors: Errors) -> Preview:
    """The totals of the lines as typed, priced by the code that prices saved invoices
    (``build_lines`` and ``compute``); rows with errors are left out. Writes nothing."""
    cur = _currency(data.currency, book)
    result = Preview(currency=cur)
    errors: Errors = []
    customer = lookups.customer(session, book, data.customer_id, "customer_id", []) \
        if data.customer_id else None
    wht = lookups.tax_code(session, book, data.withholding_code, "withholding_code", [],
                           "withholding")
    try:
        lines, codes = build_lines(session, book, data, cur, errors)
        bad = rows_with_errors(form_errors) | rows_with_errors(errors)
        kept = [line for n, line in enumerate(lines) if n not in bad]
        scratch = Invoice(currency=cur, prices_include_tax=data.prices_include_tax,
                          vat_rounding=data.vat_rounding
                          if data.vat_rounding in ("document", "line") else "document",
                          lines=kept)
        # Without a customer yet, withholding is shown at the rate for one with an NPWP.
        compute(scratch, codes, wht, customer or Party(name="", tax_id="-"))
    except FolioError as exc:
        result.error = exc.detail
        return result
    taxes: dict[str, int] = defaultdict(int)
    for line in scratch.lines:
        if line.tax_code_id is not None:
            taxes[codes[line.tax_code_id].code] += line.tax
    result.net, result.taxes = scratch.net_total, sorted(taxes.items())
    result.rounding, result.total = scratch.rounding, scratch.total
    result.withholding, result.stamp_duty = scratch.withholding_amount, scratch.stamp_duty
    result.unreadable = len(bad)
    return result


def saved_preview(document: Invoice | Quotation, session: Session) -> Preview:
    """The totals a saved document states, for its form's first view."""
    codes, _ = _codes(session, document.book_id)
    taxes: dict[str, int] = defaultdict(int)
    for line in document.lines:
        if line.tax_code_id is not None:
            taxes[codes.get(line.tax_code_id, "")] += line.tax
    return Preview(currency=document.currency, net=document.net_total,
                   taxes=sorted(taxes.items()), rounding=document.rounding,
                   total=document.total,
                   withholding=getattr(document, "withholding_amount", 0),
                   stamp_duty=getattr(document, "stamp_duty", 0))
