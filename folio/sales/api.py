"""JSON API of sales: items, projects, invoices, credit notes, payments, receivables reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response, status

from folio.books.models import Book
from folio.clock import today
from folio.commerce.codes import CodeNames
from folio.commerce.csv_export import CSV_RESPONSE, csv_response
from folio.commerce.listing import page_count
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.idempotency import IdempotencyKey, idempotent
from folio.money import decimal_str
from folio.parties.models import Party
from folio.parties.service import get_party
from folio.sales import reports
from folio.sales.adjustments import CreditNoteInput, create_credit_note, write_off
from folio.sales.invoices import (
    InvoiceInput,
    InvoiceLineInput,
    create_draft,
    delete_draft,
    get_invoice,
    is_overdue,
    list_invoices,
    update_draft,
)
from folio.sales.issuing import issue_invoice, void_invoice
from folio.sales.items import ItemInput, create_item, get_item, list_items, update_item
from folio.sales.models import Invoice, InvoiceLine, Item, Payment, Project
from folio.sales.numbering import set_format
from folio.sales.payments import (
    AllocationInput,
    PaymentInput,
    RefundInput,
    apply_credit,
    get_payment,
    list_payments,
    record_payment,
    refund_credit,
    void_payment,
)
from folio.sales.projects import (
    ProjectInput,
    create_project,
    get_project,
    list_projects,
    update_project,
)
from folio.sales.quotation_models import QuotationLine
from folio.sales.schemas import (
    AgingOut,
    AllocationOut,
    ApplyCreditIn,
    CreditNoteIn,
    InvoiceIn,
    InvoiceLineIn,
    InvoiceLineOut,
    InvoiceOut,
    InvoicePage,
    ItemIn,
    ItemOut,
    NumberSeriesIn,
    NumberSeriesOut,
    PaymentIn,
    PaymentOut,
    PaymentPage,
    PaymentVoidIn,
    ProjectIn,
    ProjectOut,
    RefundIn,
    StatementOut,
    VoidIn,
    WriteOffIn,
)

router = APIRouter(prefix="/books/{slug}")
Format = Annotated[Literal["json", "csv"], Query(description="json (default) or csv")]
Page = Annotated[int, Query(ge=1, le=1_000_000)]
IdQuery = Annotated[int | None, Query(ge=1, le=2**63 - 1)]
PageSize = Annotated[int, Query(ge=1, le=500)]


def _item_out(names: CodeNames, item: Item) -> ItemOut:
    return ItemOut(id=item.id, code=item.code, name=item.name, unit=item.unit,
                   default_price=decimal_str(item.default_price, names.book.base_currency),
                   tax_code=names.tax(item.tax_code_id),
                   income_account=names.account(item.income_account_id),
                   is_active=item.is_active)


def _project_out(book: Book, project: Project) -> ProjectOut:
    return ProjectOut(id=project.id, customer_id=project.customer_id, code=project.code,
                      name=project.name, budget=decimal_str(project.budget, book.base_currency),
                      start_date=project.start_date, end_date=project.end_date,
                      status=project.status)


def line_out(names: CodeNames, line: InvoiceLine | QuotationLine, cur: str) -> InvoiceLineOut:
    """An invoice's or quotation's line (they have the same shape) as the API shows it."""
    return InvoiceLineOut(
        line_no=line.line_no, item_id=line.item_id, description=line.description,
        quantity=format(line.quantity, "f"), unit=line.unit,
        unit_price=decimal_str(line.unit_price, cur),
        discount_percent=format(line.discount_percent, "f"),
        tax_code=names.tax(line.tax_code_id), account=names.account(line.account_id) or "",
        amount=decimal_str(line.amount, cur), net=decimal_str(line.net, cur),
        tax_base=decimal_str(line.tax_base, cur), tax=decimal_str(line.tax, cur))


def _invoice_out(names: CodeNames, invoice: Invoice) -> InvoiceOut:
    cur = invoice.currency

    def money(units: int) -> str:
        return decimal_str(units, cur)

    customer = names.session.get_one(Party, invoice.customer_id)
    return InvoiceOut(
        id=invoice.id, kind=invoice.kind, number=invoice.number, status=invoice.status,
        overdue=is_overdue(invoice), customer_id=invoice.customer_id, customer=customer.name,
        project_id=invoice.project_id, credit_of_id=invoice.credit_of_id,
        quotation_id=invoice.quotation_id, exchange_rate=format(invoice.exchange_rate, "f"),
        issue_date=invoice.issue_date, due_date=invoice.due_date, currency=cur,
        prices_include_tax=invoice.prices_include_tax, vat_rounding=invoice.vat_rounding,
        reference=invoice.reference, notes=invoice.notes, net_total=money(invoice.net_total),
        tax_total=money(invoice.tax_total), rounding=money(invoice.rounding),
        total=money(invoice.total), withholding_code=names.tax(invoice.withholding_code_id),
        withholding_amount=money(invoice.withholding_amount),
        stamp_duty=money(invoice.stamp_duty), stamp_duty_borne_by=invoice.stamp_duty_borne_by,
        amount_paid=money(invoice.amount_paid), amount_credited=money(invoice.amount_credited),
        amount_written_off=money(invoice.amount_written_off),
        amount_due=money(invoice.amount_due), entry_id=invoice.entry_id,
        lines=[line_out(names, line, cur) for line in invoice.lines])


def _payment_out(names: CodeNames, payment: Payment) -> PaymentOut:
    cur = payment.currency
    return PaymentOut(
        id=payment.id, customer_id=payment.customer_id, date=payment.date, currency=cur,
        exchange_rate=format(payment.exchange_rate, "f"), kind=payment.kind,
        void_entry_id=payment.void_entry_id, account=names.account(payment.account_id) or "",
        amount=decimal_str(payment.amount, cur), bank_fee=decimal_str(payment.bank_fee, cur),
        withheld_tax=decimal_str(payment.withheld_tax, cur),
        withholding_reference=payment.withholding_reference, reference=payment.reference,
        memo=payment.memo, entry_id=payment.entry_id,
        unallocated=decimal_str(payment.unallocated, cur),
        allocations=[AllocationOut(invoice_id=a.invoice_id, date=a.date,
                                   amount=decimal_str(a.amount, cur))
                     for a in payment.allocations])


# Items ---------------------------------------------------------------------------------

@router.get("/items", response_model=list[ItemOut], tags=["items"])
def get_items(book: BookDep, session: SessionDep,
              q: Annotated[str | None, Query(max_length=100)] = None,
              include_inactive: bool = False) -> list[ItemOut]:
    """The items and services catalogue, by code."""
    names = CodeNames(session, book)
    return [_item_out(names, i) for i in list_items(session, book, search=q,
                                                    include_inactive=include_inactive)]


@router.post("/items", response_model=ItemOut, status_code=201, tags=["items"])
def post_item(data: ItemIn, book: WriteBookDep, session: WriteSessionDep) -> ItemOut:
    item = create_item(session, book, ItemInput(**data.model_dump()))
    session.commit()
    return _item_out(CodeNames(session, book), item)


@router.get("/items/{item_id}", response_model=ItemOut, tags=["items"])
def get_one_item(item_id: int, book: BookDep, session: SessionDep) -> ItemOut:
    return _item_out(CodeNames(session, book), get_item(session, book, item_id))


@router.put("/items/{item_id}", response_model=ItemOut, tags=["items"])
def put_item(item_id: int, data: ItemIn, book: WriteBookDep,
             session: WriteSessionDep) -> ItemOut:
    item = update_item(session, book, get_item(session, book, item_id),
                       ItemInput(**data.model_dump()))
    session.commit()
    return _item_out(CodeNames(session, book), item)


# Projects ------------------------------------------------------------------------------

@router.get("/projects", response_model=list[ProjectOut], tags=["projects"])
def get_projects(book: BookDep, session: SessionDep, customer_id: IdQuery = None,
                 status_: Annotated[Literal["active", "on_hold", "done", "cancelled"] | None,
                                    Query(alias="status")] = None) -> list[ProjectOut]:
    return [_project_out(book, p) for p in list_projects(session, book, customer_id=customer_id,
                                                         status=status_)]


@router.post("/projects", response_model=ProjectOut, status_code=201, tags=["projects"])
def post_project(data: ProjectIn, book: WriteBookDep, session: WriteSessionDep) -> ProjectOut:
    project = create_project(session, book, ProjectInput(**data.model_dump()))
    session.commit()
    return _project_out(book, project)


@router.get("/projects/{project_id}", response_model=ProjectOut, tags=["projects"])
def get_one_project(project_id: int, book: BookDep, session: SessionDep) -> ProjectOut:
    return _project_out(book, get_project(session, book, project_id))


@router.put("/projects/{project_id}", response_model=ProjectOut, tags=["projects"])
def put_project(project_id: int, data: ProjectIn, book: WriteBookDep,
                session: WriteSessionDep) -> ProjectOut:
    project = update_project(session, book, get_project(session, book, project_id),
                             ProjectInput(**data.model_dump()))
    session.commit()
    return _project_out(book, project)


# Invoices ------------------------------------------------------------------------------

def _lines(lines: list[InvoiceLineIn]) -> list[InvoiceLineInput]:
    return [InvoiceLineInput(**line.model_dump()) for line in lines]


def _invoice_input(data: InvoiceIn) -> InvoiceInput:
    fields = data.model_dump(exclude={"lines"})
    return InvoiceInput(lines=_lines(data.lines), **fields)


@router.get("/invoices", response_model=InvoicePage, tags=["invoices"])
def get_invoices(book: BookDep, session: SessionDep,
                 q: Annotated[str | None, Query(max_length=100)] = None,
                 status_: Annotated[Literal["draft", "issued", "partially_paid", "paid",
                                            "written_off", "void", "overdue"] | None,
                                    Query(alias="status")] = None,
                 customer_id: IdQuery = None,
                 kind: Literal["invoice", "credit_note"] | None = None,
                 start: Annotated[date | None, Query(alias="from")] = None,
                 end: Annotated[date | None, Query(alias="to")] = None,
                 page: Page = 1, page_size: PageSize = 50) -> InvoicePage:
    """Invoices and credit notes, newest first, with search and filters."""
    result = list_invoices(session, book, search=q, status=status_, customer_id=customer_id,
                           kind=kind, start=start, end=end, page=page, page_size=page_size)
    names = CodeNames(session, book)
    return InvoicePage(items=[_invoice_out(names, i) for i in result.invoices],
                       page=result.page, pages=result.pages, total=result.total)


@router.post("/invoices", response_model=InvoiceOut, status_code=201, tags=["invoices"])
def post_invoice(data: InvoiceIn, request: Request, book: WriteBookDep,
                 session: WriteSessionDep, key: IdempotencyKey = None) -> Response:
    """Save a draft invoice (numbered when issued)."""
    def run() -> tuple[int, Any]:
        invoice = create_draft(session, book, _invoice_input(data))
        return 201, _invoice_out(CodeNames(session, book), invoice).model_dump(mode="json")
    return idempotent(request, session, key, data.model_dump(mode="json"), run)


@router.get("/invoices/{invoice_id}", response_model=InvoiceOut, tags=["invoices"])
def get_one_invoice(invoice_id: int, book: BookDep, session: SessionDep) -> InvoiceOut:
    return _invoice_out(CodeNames(session, book), get_invoice(session, book, invoice_id))


@router.get("/invoices/{invoice_id}/pdf", tags=["invoices"], response_class=Response,
            responses={200: {"content": {"application/pdf": {}},
                             "description": "The invoice as a printable A4 PDF."}})
def get_invoice_pdf(invoice_id: int, book: BookDep, session: SessionDep) -> Response:
    from folio.documents.pdf import invoice_pdf

    invoice = get_invoice(session, book, invoice_id)
    name = (invoice.number or f"invoice-{invoice.id}").replace("/", "-")
    return Response(invoice_pdf(session, book, invoice), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}.pdf"'})


@router.put("/invoices/{invoice_id}", response_model=InvoiceOut, tags=["invoices"])
def put_invoice(invoice_id: int, data: InvoiceIn, book: WriteBookDep,
                session: WriteSessionDep) -> InvoiceOut:
    """Replace a draft; an issued invoice cannot change (409)."""
    invoice = update_draft(session, book, get_invoice(session, book, invoice_id, for_update=True),
                           _invoice_input(data))
    session.commit()
    return _invoice_out(CodeNames(session, book), invoice)


@router.delete("/invoices/{invoice_id}", status_code=204, tags=["invoices"])
def delete_invoice(invoice_id: int, book: WriteBookDep, session: WriteSessionDep) -> Response:
    """Delete a draft; issued invoices are voided instead (409)."""
    delete_draft(session, book, get_invoice(session, book, invoice_id, for_update=True))
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/invoices/{invoice_id}/issue", response_model=InvoiceOut, tags=["invoices"])
def post_issue(invoice_id: int, request: Request, book: WriteBookDep,
               session: WriteSessionDep, key: IdempotencyKey = None) -> Response:
    """Number the draft and post it to the ledger."""
    def run() -> tuple[int, Any]:
        invoice = issue_invoice(session, book,
                                get_invoice(session, book, invoice_id, for_update=True))
        return 200, _invoice_out(CodeNames(session, book), invoice).model_dump(mode="json")
    return idempotent(request, session, key, {"invoice": invoice_id}, run)


@router.post("/invoices/{invoice_id}/void", response_model=InvoiceOut, tags=["invoices"])
def post_void(invoice_id: int, book: WriteBookDep, session: WriteSessionDep,
              data: VoidIn | None = None) -> InvoiceOut:
    """Reverse an invoice or credit note nothing has paid; it stays listed as void."""
    data = data or VoidIn()
    invoice = void_invoice(session, book, get_invoice(session, book, invoice_id, for_update=True),
                           on=data.date, reason=data.reason)
    session.commit()
    return _invoice_out(CodeNames(session, book), invoice)


@router.post("/invoices/{invoice_id}/credit-notes", response_model=InvoiceOut, status_code=201,
             tags=["invoices"])
def post_credit_note(invoice_id: int, request: Request, book: WriteBookDep,
                     session: WriteSessionDep, data: CreditNoteIn | None = None,
                     key: IdempotencyKey = None) -> Response:
    """Issue a credit note against the invoice (the whole invoice unless lines are given)."""
    data = data or CreditNoteIn()

    def run() -> tuple[int, Any]:
        note = create_credit_note(
            session, book, get_invoice(session, book, invoice_id, for_update=True),
            CreditNoteInput(issue_date=data.issue_date, reason=data.reason,
                            lines=_lines(data.lines) if data.lines is not None else None))
        return 201, _invoice_out(CodeNames(session, book), note).model_dump(mode="json")
    return idempotent(request, session, key, data.model_dump(mode="json"), run)


@router.post("/invoices/{invoice_id}/write-off", response_model=InvoiceOut, tags=["invoices"])
def post_write_off(invoice_id: int, book: WriteBookDep, session: WriteSessionDep,
                   data: WriteOffIn | None = None) -> InvoiceOut:
    """Write what is still due off to a bad-debt expense account."""
    data = data or WriteOffIn()
    invoice = write_off(session, book, get_invoice(session, book, invoice_id, for_update=True),
                        on=data.date, account=data.account, reason=data.reason)
    session.commit()
    return _invoice_out(CodeNames(session, book), invoice)


@router.post("/invoices/{invoice_id}/apply-credit", response_model=InvoiceOut,
             tags=["invoices"])
def post_apply_credit(invoice_id: int, data: ApplyCreditIn, book: WriteBookDep,
                      session: WriteSessionDep) -> InvoiceOut:
    """Settle the invoice from the customer's credit (overpayments)."""
    invoice = get_invoice(session, book, invoice_id, for_update=True)
    apply_credit(session, book, invoice, on=data.date, amount=data.amount)
    session.commit()
    return _invoice_out(CodeNames(session, book), invoice)


@router.put("/number-series/{kind}/{year}", response_model=NumberSeriesOut,
            tags=["invoices"])
def put_number_series(kind: Literal["invoice", "credit_note"],
                      year: Annotated[int, Path(ge=1900, le=2999)], data: NumberSeriesIn,
                      book: WriteBookDep, session: WriteSessionDep) -> NumberSeriesOut:
    """Set the number format of invoices or credit notes from ``year`` on."""
    row = set_format(session, book, kind, year, data.format)
    session.commit()
    return NumberSeriesOut(kind=row.kind, year=row.year, format=row.format, last=row.last)


# Payments ------------------------------------------------------------------------------

@router.get("/payments", response_model=PaymentPage, tags=["payments"])
def get_payments(book: BookDep, session: SessionDep, customer_id: IdQuery = None,
                 start: Annotated[date | None, Query(alias="from")] = None,
                 end: Annotated[date | None, Query(alias="to")] = None,
                 page: Page = 1, page_size: PageSize = 50) -> PaymentPage:
    rows, total = list_payments(session, book, customer_id=customer_id, start=start, end=end,
                                page=page, page_size=page_size)
    names = CodeNames(session, book)
    return PaymentPage(items=[_payment_out(names, p) for p in rows], page=page,
                       pages=page_count(total, page_size), total=total)


@router.post("/payments", response_model=PaymentOut, status_code=201, tags=["payments"])
def post_payment(data: PaymentIn, request: Request, book: WriteBookDep,
                 session: WriteSessionDep, key: IdempotencyKey = None) -> Response:
    """Record a payment; what it does not allocate becomes the customer's credit."""
    def run() -> tuple[int, Any]:
        fields = data.model_dump(exclude={"allocations"})
        allocations = None if data.allocations is None else [
            AllocationInput(a.invoice_id, a.amount) for a in data.allocations]
        payment = record_payment(session, book, PaymentInput(allocations=allocations, **fields))
        return 201, _payment_out(CodeNames(session, book), payment).model_dump(mode="json")
    return idempotent(request, session, key, data.model_dump(mode="json"), run)


@router.get("/payments/{payment_id}", response_model=PaymentOut, tags=["payments"])
def get_one_payment(payment_id: int, book: BookDep, session: SessionDep) -> PaymentOut:
    return _payment_out(CodeNames(session, book), get_payment(session, book, payment_id))


@router.post("/payments/{payment_id}/void", response_model=PaymentOut, tags=["payments"])
def post_void_payment(payment_id: int, book: WriteBookDep, session: WriteSessionDep,
                      data: PaymentVoidIn | None = None) -> PaymentOut:
    """Reverse a payment and reopen the invoices it settled (not when reconciled or locked)."""
    data = data or PaymentVoidIn()
    payment = void_payment(session, book, get_payment(session, book, payment_id),
                           on=data.date, reason=data.reason)
    session.commit()
    return _payment_out(CodeNames(session, book), payment)


@router.post("/refunds", response_model=PaymentOut, status_code=201, tags=["payments"])
def post_refund(data: RefundIn, request: Request, book: WriteBookDep,
                session: WriteSessionDep, key: IdempotencyKey = None) -> Response:
    """Pay a customer's credit (from overpayments) back from a bank or cash account."""
    def run() -> tuple[int, Any]:
        refund = refund_credit(session, book, RefundInput(**data.model_dump()))
        return 201, _payment_out(CodeNames(session, book), refund).model_dump(mode="json")
    return idempotent(request, session, key, data.model_dump(mode="json"), run)


# Reports -------------------------------------------------------------------------------

@router.get("/reports/receivables-aging", response_model=AgingOut, responses=CSV_RESPONSE,
            tags=["reports"])
def report_aging(book: BookDep, session: SessionDep, as_of: date | None = None,
                 format: Format = "json") -> Any:
    """What each customer owes, by days overdue: current, 1-30, 31-60, 61-90, over 90."""
    report = reports.receivables_aging(session, book, as_of or today())
    if format == "csv":
        return csv_response(reports.aging_table(report), "receivables-aging")
    return reports.aging_dict(report)


@router.get("/reports/customer-statement", response_model=StatementOut, responses=CSV_RESPONSE,
            tags=["reports"])
def report_statement(book: BookDep, session: SessionDep,
                     customer_id: Annotated[int, Query(ge=1, le=2**63 - 1)],
                     start: Annotated[date, Query(alias="from")],
                     end: Annotated[date, Query(alias="to")],
                     format: Format = "json") -> Any:
    """A customer's opening balance, documents and payments in the period, and closing."""
    customer = get_party(session, book, customer_id)
    report = reports.customer_statement(session, book, customer, start, end)
    if format == "csv":
        return csv_response(reports.statement_table(report), "customer-statement")
    return reports.statement_dict(report)
