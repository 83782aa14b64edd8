"""JSON API of purchases: vendor bills and payments, vendor credits, expenses with receipts,
expense claims, payables aging, and attachment downloads."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status
from fastapi.responses import FileResponse

from folio.auth.guard import require
from folio.books.models import Book
from folio.clock import today
from folio.commerce.codes import CodeNames
from folio.commerce.csv_export import CSV_RESPONSE, csv_response
from folio.commerce.listing import page_count
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.idempotency import IdempotencyKey, idempotent
from folio.money import decimal_str
from folio.parties.models import Party
from folio.purchases import attachments, reports
from folio.purchases.bills import (
    BillInput,
    BillLineInput,
    approve_bill,
    create_bill,
    delete_bill,
    get_bill,
    is_overdue,
    list_bills,
    update_bill,
    void_bill,
)
from folio.purchases.claims import (
    ClaimInput,
    approve_claim,
    create_claim,
    get_claim,
    list_claims,
    reimburse_claim,
    reject_claim,
    submit_claim,
)
from folio.purchases.expenses import (
    ExpenseInput,
    attach_receipt,
    get_expense,
    list_expenses,
    record_expense,
)
from folio.purchases.models import (
    Attachment,
    Bill,
    BillPayment,
    Expense,
    ExpenseClaim,
    VendorCredit,
)
from folio.purchases.payments import (
    BillAllocationInput,
    BillPaymentInput,
    get_bill_payment,
    list_bill_payments,
    pay_bills,
)
from folio.purchases.schemas import (
    ApplyCreditIn,
    AttachmentOut,
    BillAllocationOut,
    BillIn,
    BillLineOut,
    BillOut,
    BillPage,
    BillPaymentIn,
    BillPaymentOut,
    BillPaymentPage,
    ClaimIn,
    ClaimOut,
    ClaimPage,
    ExpenseIn,
    ExpenseItemIn,
    ExpenseOut,
    ExpensePage,
    PayablesAgingOut,
    RefundCreditIn,
    ReimburseIn,
    RejectIn,
    VendorCreditAllocationOut,
    VendorCreditIn,
    VendorCreditLineOut,
    VendorCreditOut,
    VendorCreditPage,
    VendorCreditRefundOut,
    VoidIn,
)
from folio.purchases.vendor_credits import (
    VendorCreditInput,
    VendorCreditLineInput,
    allocations_of,
    apply_vendor_credit,
    create_vendor_credit,
    get_vendor_credit,
    list_vendor_credits,
    refund_vendor_credit,
    refunds_of,
    void_vendor_credit,
)

router = APIRouter(prefix="/books/{slug}")
Page = Annotated[int, Query(ge=1, le=1_000_000)]
PageSize = Annotated[int, Query(ge=1, le=500)]
IdQuery = Annotated[int | None, Query(ge=1, le=2**63 - 1)]
Upload = Annotated[UploadFile, File(description="JPEG, PNG, WebP, HEIC or PDF")]
FILE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/octet-stream": {"schema": {"type": "string",
                                                              "format": "binary"}}}}}


class Names(CodeNames):
    """Codes by id, and the attachments of the documents in a response."""

    def files(self, owner_type: str, ids: list[int]) -> dict[int, list[AttachmentOut]]:
        found = attachments.attachments_of(self.session, self.book, owner_type, ids)
        return {k: [_attachment_out(self.book, a) for a in v] for k, v in found.items()}


def _attachment_out(book: Book, a: Attachment) -> AttachmentOut:
    return AttachmentOut(id=a.id, original_name=a.original_name, media_type=a.media_type,
                         size=a.size, sha256=a.sha256, uploaded_by=a.uploaded_by,
                         uploaded_at=a.uploaded_at,
                         url=f"/api/v1/books/{book.slug}/attachments/{a.id}")


def _bill_out(names: Names, bill: Bill, files: list[AttachmentOut] | None = None) -> BillOut:
    cur = bill.currency

    def money(units: int) -> str:
        return decimal_str(units, cur)

    if files is None:
        files = names.files("bill", [bill.id])[bill.id]
    seller = names.session.get_one(Party, bill.vendor_id)
    return BillOut(
        id=bill.id, number=bill.number, status=bill.status, overdue=is_overdue(bill),
        vendor_id=bill.vendor_id, vendor=seller.name, vendor_reference=bill.vendor_reference,
        project_id=bill.project_id, bill_date=bill.bill_date, due_date=bill.due_date,
        currency=cur, exchange_rate=format(bill.exchange_rate, "f"),
        prices_include_tax=bill.prices_include_tax, notes=bill.notes,
        net_total=money(bill.net_total), tax_total=money(bill.tax_total),
        rounding=money(bill.rounding), total=money(bill.total),
        withholding_code=names.tax(bill.withholding_code_id),
        withholding_amount=money(bill.withholding_amount), payable=money(bill.payable),
        amount_paid=money(bill.amount_paid), amount_due=money(bill.amount_due),
        entry_id=bill.entry_id,
        lines=[BillLineOut(
            line_no=line.line_no, description=line.description,
            quantity=format(line.quantity, "f"), unit=line.unit,
            unit_price=money(line.unit_price),
            discount_percent=format(line.discount_percent, "f"),
            tax_code=names.tax(line.tax_code_id), account=names.account(line.account_id) or "",
            is_service=line.is_service, amount=money(line.amount), net=money(line.net),
            tax_base=money(line.tax_base), tax=money(line.tax)) for line in bill.lines],
        attachments=files)


def _payment_out(names: Names, payment: BillPayment) -> BillPaymentOut:
    cur = payment.currency
    return BillPaymentOut(
        id=payment.id, vendor_id=payment.vendor_id, date=payment.date, currency=cur,
        exchange_rate=format(payment.exchange_rate, "f"),
        account=names.account(payment.account_id) or "",
        amount=decimal_str(payment.amount, cur), bank_fee=decimal_str(payment.bank_fee, cur),
        reference=payment.reference, memo=payment.memo, entry_id=payment.entry_id,
        allocations=[BillAllocationOut(bill_id=a.bill_id, date=a.date,
                                       amount=decimal_str(a.amount, cur))
                     for a in payment.allocations])


def _expense_out(names: Names, expense: Expense,
                 files: list[AttachmentOut] | None = None) -> ExpenseOut:
    cur = expense.currency
    if files is None:
        files = names.files("expense", [expense.id])[expense.id]
    return ExpenseOut(
        id=expense.id, claim_id=expense.claim_id, date=expense.date, payee=expense.payee,
        vendor_id=expense.vendor_id, account=names.account(expense.account_id) or "",
        paid_from=names.account(expense.paid_from_id), currency=cur,
        amount=decimal_str(expense.amount, cur), tax_code=names.tax(expense.tax_code_id),
        net=decimal_str(expense.net, cur), tax=decimal_str(expense.tax, cur),
        description=expense.description, project_id=expense.project_id,
        entry_id=expense.entry_id, attachments=files)


def _expenses_out(names: Names, expenses: list[Expense]) -> list[ExpenseOut]:
    files = names.files("expense", [e.id for e in expenses])
    return [_expense_out(names, e, files[e.id]) for e in expenses]


def _claim_out(names: Names, claim: ExpenseClaim) -> ClaimOut:
    cur = claim.currency
    return ClaimOut(
        id=claim.id, title=claim.title, claimant=claim.claimant, claimant_id=claim.claimant_id,
        status=claim.status, currency=cur, total=decimal_str(claim.total, cur),
        amount_paid=decimal_str(claim.amount_paid, cur),
        amount_due=decimal_str(claim.amount_due, cur), submitted_at=claim.submitted_at,
        decided_by=claim.decided_by, decided_at=claim.decided_at,
        reject_reason=claim.reject_reason, entry_id=claim.entry_id,
        items=_expenses_out(names, list(claim.items)))


# Bills ---------------------------------------------------------------------------------

def _bill_input(data: BillIn) -> BillInput:
    fields = data.model_dump(exclude={"lines"})
    return BillInput(lines=[BillLineInput(**line.model_dump()) for line in data.lines],
                     **fields)


@router.get("/bills", response_model=BillPage, tags=["bills"])
def get_bills(book: BookDep, session: SessionDep,
              q: Annotated[str | None, Query(max_length=100)] = None,
              status_: Annotated[Literal["draft", "approved", "partially_paid", "paid", "void",
                                         "overdue"] | None, Query(alias="status")] = None,
              vendor_id: IdQuery = None,
              start: Annotated[date | None, Query(alias="from")] = None,
              end: Annotated[date | None, Query(alias="to")] = None,
              page: Page = 1, page_size: PageSize = 50) -> BillPage:
    """Vendor bills, newest first, with search and filters."""
    rows, total = list_bills(session, book, search=q, status=status_, vendor_id=vendor_id,
                             start=start, end=end, page=page, page_size=page_size)
    names = Names(session, book)
    files = names.files("bill", [b.id for b in rows])
    return BillPage(items=[_bill_out(names, b, files[b.id]) for b in rows], page=page,
                    pages=page_count(total, page_size), total=total)


@router.post("/bills", response_model=BillOut, status_code=201, tags=["bills"])
def post_bill(data: BillIn, request: Request, book: WriteBookDep, session: WriteSessionDep,
              key: IdempotencyKey = None) -> Response:
    """Save a draft bill; a vendor invoice number already recorded is refused (409)."""
    def run() -> tuple[int, Any]:
        bill = create_bill(session, book, _bill_input(data))
        return 201, _bill_out(Names(session, book), bill).model_dump(mode="json")
    return idempotent(request, session, key, data.model_dump(mode="json"), run)


@router.get("/bills/{bill_id}", response_model=BillOut, tags=["bills"])
def get_one_bill(bill_id: int, book: BookDep, session: SessionDep) -> BillOut:
    return _bill_out(Names(session, book), get_bill(session, book, bill_id))


@router.put("/bills/{bill_id}", response_model=BillOut, tags=["bills"])
def put_bill(bill_id: int, data: BillIn, book: WriteBookDep,
             session: WriteSessionDep) -> BillOut:
    """Replace a draft; an approved bill cannot change (409)."""
    bill = update_bill(session, book, get_bill(session, book, bill_id, for_update=True),
                       _bill_input(data))
    session.commit()
    return _bill_out(Names(session, book), bill)


@router.delete("/bills/{bill_id}", status_code=204, tags=["bills"])
def delete_one_bill(bill_id: int, book: WriteBookDep, session: WriteSessionDep) -> Response:
    delete_bill(session, book, get_bill(session, book, bill_id, for_update=True))
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/bills/{bill_id}/approve", response_model=BillOut, tags=["bills"])
def post_approve_bill(bill_id: int, request: Request, book: WriteBookDep,
                      session: WriteSessionDep, key: IdempotencyKey = None) -> Response:
    """Number the draft (BILL/yyyy/nnnn) and post it: expenses, input VAT, payables, PPh 23."""
    def run() -> tuple[int, Any]:
        bill = approve_bill(session, book, get_bill(session, book, bill_id, for_update=True))
        return 200, _bill_out(Names(session, book), bill).model_dump(mode="json")
    return idempotent(request, session, key, {"bill": bill_id}, run)


@router.post("/bills/{bill_id}/void", response_model=BillOut, tags=["bills"])
def post_void_bill(bill_id: int, book: WriteBookDep, session: WriteSessionDep,
                   data: VoidIn | None = None) -> BillOut:
    """Reverse an approved bill that nothing has paid; it stays listed as void."""
    data = data or VoidIn()
    bill = void_bill(session, book, get_bill(session, book, bill_id, for_update=True),
                     on=data.date, reason=data.reason)
    session.commit()
    return _bill_out(Names(session, book), bill)


@router.post("/bills/{bill_id}/attachments", response_model=AttachmentOut, status_code=201,
             tags=["bills"])
def post_bill_attachment(bill_id: int, file: Upload, book: WriteBookDep,
                         session: WriteSessionDep) -> AttachmentOut:
    """Keep the vendor's invoice (a scan or PDF) with the bill."""
    bill = get_bill(session, book, bill_id)
    require(session, book, "sales.draft")
    made = attachments.store(session, book, "bill", bill.id, file.file, file.filename)
    session.commit()
    return _attachment_out(book, made)


# Bill payments -------------------------------------------------------------------------

@router.get("/bill-payments", response_model=BillPaymentPage, tags=["bills"])
def get_bill_payments(book: BookDep, session: SessionDep, vendor_id: IdQuery = None,
                      page: Page = 1, page_size: PageSize = 50) -> BillPaymentPage:
    rows, total = list_bill_payments(session, book, vendor_id=vendor_id, page=page,
                                     page_size=page_size)
    names = Names(session, book)
    return BillPaymentPage(items=[_payment_out(names, p) for p in rows], page=page,
                           pages=page_count(total, page_size), total=total)


@router.post("/bill-payments", response_model=BillPaymentOut, status_code=201, tags=["bills"])
def post_bill_payment(data: BillPaymentIn, request: Request, book: WriteBookDep,
                      session: WriteSessionDep, key: IdempotencyKey = None) -> Response:
    """Pay a vendor from a bank or cash account; bank fees are charged on top."""
    def run() -> tuple[int, Any]:
        fields = data.model_dump(exclude={"allocations"})
        allocations = None if data.allocations is None else [
            BillAllocationInput(a.bill_id, a.amount) for a in data.allocations]
        payment = pay_bills(session, book, BillPaymentInput(allocations=allocations, **fields))
        return 201, _payment_out(Names(session, book), payment).model_dump(mode="json")
    return idempotent(request, session, key, data.model_dump(mode="json"), run)


@router.get("/bill-payments/{payment_id}", response_model=BillPaymentOut, tags=["bills"])
def get_one_bill_payment(payment_id: int, book: BookDep, session: SessionDep) -> BillPaymentOut:
    return _payment_out(Names(session, book), get_bill_payment(session, book, payment_id))


@router.get("/reports/payables-aging", response_model=PayablesAgingOut, responses=CSV_RESPONSE,
            tags=["reports"])
def report_payables_aging(book: BookDep, session: SessionDep, as_of: date | None = None,
                          format: Annotated[Literal["json", "csv"], Query()] = "json") -> Any:
    """What we owe each vendor, by days overdue: current, 1-30, 31-60, 61-90, over 90."""
    report = reports.payables_aging(session, book, as_of or today())
    if format == "csv":
        return csv_response(reports.aging_table(report), "payables-aging")
    return reports.aging_dict(report)


# Expenses ------------------------------------------------------------------------------

@router.get("/expenses", response_model=ExpensePage, tags=["expenses"])
def get_expenses(book: BookDep, session: SessionDep,
                 kind: Literal["direct", "claim"] | None = None, claim_id: IdQuery = None,
                 project_id: IdQuery = None,
                 start: Annotated[date | None, Query(alias="from")] = None,
                 end: Annotated[date | None, Query(alias="to")] = None,
                 page: Page = 1, page_size: PageSize = 50) -> ExpensePage:
    rows, total = list_expenses(session, book, kind=kind, claim_id=claim_id,
                                project_id=project_id, start=start, end=end, page=page,
                                page_size=page_size)
    return ExpensePage(items=_expenses_out(Names(session, book), rows), page=page,
                       pages=page_count(total, page_size), total=total)


@router.post("/expenses", response_model=ExpenseOut, status_code=201, tags=["expenses"])
def post_expense(data: ExpenseIn, request: Request, book: WriteBookDep,
                 session: WriteSessionDep, key: IdempotencyKey = None) -> Response:
    """Record an expense paid from a bank or cash account (posted at once)."""
    def run() -> tuple[int, Any]:
        expense = record_expense(session, book, ExpenseInput(**data.model_dump()))
        return 201, _expense_out(Names(session, book), expense, []).model_dump(mode="json")
    return idempotent(request, session, key, data.model_dump(mode="json"), run)


@router.get("/expenses/{expense_id}", response_model=ExpenseOut, tags=["expenses"])
def get_one_expense(expense_id: int, book: BookDep, session: SessionDep) -> ExpenseOut:
    return _expense_out(Names(session, book), get_expense(session, book, expense_id))


@router.post("/expenses/{expense_id}/attachments", response_model=AttachmentOut,
             status_code=201, tags=["expenses"])
def post_receipt(expense_id: int, file: Upload, book: WriteBookDep,
                 session: WriteSessionDep) -> AttachmentOut:
    """Upload a receipt (multipart field ``file``): its type is judged by its content."""
    made = attach_receipt(session, book, get_expense(session, book, expense_id), file.file,
                          file.filename)
    session.commit()
    return _attachment_out(book, made)


@router.get("/attachments/{attachment_id}", response_class=FileResponse,
            responses=FILE_RESPONSE, tags=["expenses"])
def download_attachment(attachment_id: int, book: BookDep, session: SessionDep) -> Response:
    """The stored file, as a download, to anyone who can read the book."""
    found, path = attachments.get_attachment(session, book, attachment_id)
    return FileResponse(path, media_type=found.media_type, filename=found.original_name,
                        content_disposition_type="attachment")


# Expense claims ------------------------------------------------------------------------

def _items(items: list[ExpenseItemIn]) -> list[ExpenseInput]:
    return [ExpenseInput(**item.model_dump()) for item in items]


@router.get("/expense-claims", response_model=ClaimPage, tags=["expenses"])
def get_claims(book: BookDep, session: SessionDep,
               status_: Annotated[Literal["draft", "submitted", "approved", "rejected",
                                          "partially_paid", "paid"] | None,
                                  Query(alias="status")] = None,
               mine: bool = False, page: Page = 1, page_size: PageSize = 50) -> ClaimPage:
    rows, total = list_claims(session, book, status=status_, mine=mine, page=page,
                              page_size=page_size)
    names = Names(session, book)
    return ClaimPage(items=[_claim_out(names, c) for c in rows], page=page,
                     pages=page_count(total, page_size), total=total)


@router.post("/expense-claims", response_model=ClaimOut, status_code=201, tags=["expenses"])
def post_claim(data: ClaimIn, request: Request, book: WriteBookDep, session: WriteSessionDep,
               key: IdempotencyKey = None) -> Response:
    """Claim back expenses you paid yourself; add receipts to its items, then submit."""
    def run() -> tuple[int, Any]:
        claim = create_claim(session, book, ClaimInput(title=data.title,
                                                       items=_items(data.items),
                                                       submit=data.submit))
        return 201, _claim_out(Names(session, book), claim).model_dump(mode="json")
    return idempotent(request, session, key, data.model_dump(mode="json"), run)


@router.get("/expense-claims/{claim_id}", response_model=ClaimOut, tags=["expenses"])
def get_one_claim(claim_id: int, book: BookDep, session: SessionDep) -> ClaimOut:
    return _claim_out(Names(session, book), get_claim(session, book, claim_id))


@router.post("/expense-claims/{claim_id}/submit", response_model=ClaimOut, tags=["expenses"])
def post_submit_claim(claim_id: int, book: WriteBookDep, session: WriteSessionDep) -> ClaimOut:
    claim = submit_claim(session, book, get_claim(session, book, claim_id, for_update=True))
    session.commit()
    return _claim_out(Names(session, book), claim)


@router.post("/expense-claims/{claim_id}/approve", response_model=ClaimOut, tags=["expenses"])
def post_approve_claim(claim_id: int, request: Request, book: WriteBookDep,
                       session: WriteSessionDep, key: IdempotencyKey = None) -> Response:
    """Approve and post a submitted claim (an owner or admin, never the claimant)."""
    def run() -> tuple[int, Any]:
        claim = approve_claim(session, book, get_claim(session, book, claim_id,
                                                       for_update=True))
        return 200, _claim_out(Names(session, book), claim).model_dump(mode="json")
    return idempotent(request, session, key, {"claim": claim_id}, run)


@router.post("/expense-claims/{claim_id}/reject", response_model=ClaimOut, tags=["expenses"])
def post_reject_claim(claim_id: int, data: RejectIn, book: WriteBookDep,
                      session: WriteSessionDep) -> ClaimOut:
    claim = reject_claim(session, book, get_claim(session, book, claim_id, for_update=True),
                         data.reason)
    session.commit()
    return _claim_out(Names(session, book), claim)


@router.post("/expense-claims/{claim_id}/reimburse", response_model=ClaimOut,
             tags=["expenses"])
def post_reimburse_claim(claim_id: int, data: ReimburseIn, request: Request,
                         book: WriteBookDep, session: WriteSessionDep,
                         key: IdempotencyKey = None) -> Response:
    """Pay the claimant back from a bank or cash account."""
    def run() -> tuple[int, Any]:
        claim = reimburse_claim(session, book, get_claim(session, book, claim_id,
                                                         for_update=True),
                                on=data.date, account=data.account, amount=data.amount,
                                reference=data.reference)
        return 200, _claim_out(Names(session, book), claim).model_dump(mode="json")
    return idempotent(request, session, key, data.model_dump(mode="json"), run)


# Vendor credits ------------------------------------------------------------------------

def _credit_out(names: Names, credit: VendorCredit) -> VendorCreditOut:
    cur = credit.currency

    def money(units: int) -> str:
        return decimal_str(units, cur)

    session, book = names.session, names.book
    return VendorCreditOut(
        id=credit.id, vendor_id=credit.vendor_id,
        vendor=session.get_one(Party, credit.vendor_id).name,
        vendor_reference=credit.vendor_reference, bill_id=credit.bill_id,
        status=credit.status, date=credit.date, currency=cur,
        net_total=money(credit.net_total), tax_total=money(credit.tax_total),
        total=money(credit.total), amount_applied=money(credit.amount_applied),
        amount_refunded=money(credit.amount_refunded), remaining=money(credit.remaining),
        notes=credit.notes, entry_id=credit.entry_id,
        lines=[VendorCreditLineOut(line_no=line.line_no, description=line.description,
                                   account=names.account(line.account_id) or "",
                                   tax_code=names.tax(line.tax_code_id), net=money(line.net),
                                   tax=money(line.tax)) for line in credit.lines],
        allocations=[VendorCreditAllocationOut(bill_id=a.bill_id, date=a.date,
                                               amount=money(a.amount))
                     for a in allocations_of(session, book, credit_id=credit.id)],
        refunds=[VendorCreditRefundOut(date=r.date, account=names.account(r.account_id) or "",
                                       amount=money(r.amount), reference=r.reference,
                                       entry_id=r.entry_id)
                 for r in refunds_of(session, book, credit.id)])


@router.get("/vendor-credits", response_model=VendorCreditPage, tags=["bills"])
def get_vendor_credits(book: BookDep, session: SessionDep,
                       q: Annotated[str | None, Query(max_length=100)] = None,
                       status_: Annotated[Literal["open", "closed", "void"] | None,
                                          Query(alias="status")] = None,
                       vendor_id: IdQuery = None, page: Page = 1,
                       page_size: PageSize = 50) -> VendorCreditPage:
    """Vendor credit notes, newest first."""
    rows, total = list_vendor_credits(session, book, search=q, status=status_,
                                      vendor_id=vendor_id, page=page, page_size=page_size)
    names = Names(session, book)
    return VendorCreditPage(items=[_credit_out(names, c) for c in rows], page=page,
                            pages=page_count(total, page_size), total=total)


@router.post("/vendor-credits", response_model=VendorCreditOut, status_code=201,
             tags=["bills"])
def post_vendor_credit(data: VendorCreditIn, request: Request, book: WriteBookDep,
                       session: WriteSessionDep, key: IdempotencyKey = None) -> Response:
    """Record a vendor's credit note; it posts at once (Dr payables / Cr expense, input VAT)."""
    def run() -> tuple[int, Any]:
        fields = data.model_dump(exclude={"lines"})
        credit = create_vendor_credit(session, book, VendorCreditInput(
            lines=[VendorCreditLineInput(**line.model_dump()) for line in data.lines],
            **fields))
        return 201, _credit_out(Names(session, book), credit).model_dump(mode="json")
    return idempotent(request, session, key, data.model_dump(mode="json"), run)


@router.get("/vendor-credits/{credit_id}", response_model=VendorCreditOut, tags=["bills"])
def get_one_vendor_credit(credit_id: int, book: BookDep,
                          session: SessionDep) -> VendorCreditOut:
    return _credit_out(Names(session, book), get_vendor_credit(session, book, credit_id))


@router.post("/vendor-credits/{credit_id}/apply", response_model=VendorCreditOut,
             tags=["bills"])
def post_apply_vendor_credit(credit_id: int, data: ApplyCreditIn, request: Request,
                             book: WriteBookDep, session: WriteSessionDep,
                             key: IdempotencyKey = None) -> Response:
    """Set what is left of the credit against one of the same vendor's open bills."""
    def run() -> tuple[int, Any]:
        credit = get_vendor_credit(session, book, credit_id, for_update=True)
        apply_vendor_credit(session, book, credit, data.bill_id, data.amount, on=data.date)
        return 200, _credit_out(Names(session, book), credit).model_dump(mode="json")
    return idempotent(request, session, key, {"credit": credit_id, **data.model_dump(
        mode="json")}, run)


@router.post("/vendor-credits/{credit_id}/refund", response_model=VendorCreditOut,
             tags=["bills"])
def post_refund_vendor_credit(credit_id: int, data: RefundCreditIn, request: Request,
                              book: WriteBookDep, session: WriteSessionDep,
                              key: IdempotencyKey = None) -> Response:
    """Record money the vendor paid back against the credit (Dr bank / Cr payables)."""
    def run() -> tuple[int, Any]:
        credit = get_vendor_credit(session, book, credit_id, for_update=True)
        refund_vendor_credit(session, book, credit, on=data.date, account=data.account,
                             amount=data.amount, reference=data.reference)
        return 200, _credit_out(Names(session, book), credit).model_dump(mode="json")
    return idempotent(request, session, key, {"credit": credit_id, **data.model_dump(
        mode="json")}, run)


@router.post("/vendor-credits/{credit_id}/void", response_model=VendorCreditOut,
             tags=["bills"])
def post_void_vendor_credit(credit_id: int, book: WriteBookDep, session: WriteSessionDep,
                            data: VoidIn | None = None) -> VendorCreditOut:
    """Reverse a credit that is neither applied nor refunded."""
    data = data or VoidIn()
    credit = void_vendor_credit(session, book,
                                get_vendor_credit(session, book, credit_id, for_update=True),
                                on=data.date, reason=data.reason)
    session.commit()
    return _credit_out(Names(session, book), credit)
