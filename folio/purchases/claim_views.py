"""Expense claim pages: "my claims" and a new claim with receipts (any member who may
submit), "claims to approve" and one claim with its actions: submit, approve or reject with a
reason (owners and admins, never their own), reimburse (bookkeepers)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from folio.auth.actor import actor_of
from folio.auth.guard import can, require
from folio.books.models import Book
from folio.clock import today
from folio.commerce.listing import page_count
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden, NotFound, ValidationError
from folio.purchases import attachments
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
from folio.purchases.expense_views import Receipt, account_codes, has_file, vat_codes
from folio.purchases.expenses import ExpenseInput, attach_receipt, get_expense
from folio.purchases.models import ClaimStatus, ExpenseClaim
from folio.purchases.page_support import (
    amount_field,
    date_field,
    expense_accounts,
    money_accounts,
    problem,
)
from folio.web.forms import Blankable, text
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}/claims", include_in_schema=False)
PAGE_SIZE = 50
ITEM_ROWS = 3  # blank item rows on the form; more items go through the API
ITEM_FIELDS = ("date", "payee", "account", "amount", "tax_code", "description")
ClaimId = Annotated[int, Path(ge=1, lt=2**63)]
StatusFilter = Literal["draft", "submitted", "approved", "rejected", "partially_paid", "paid"]


async def _multipart(request: Request) -> FormData:
    return await request.form(max_files=ITEM_ROWS + 1, max_fields=100)


ClaimForm = Annotated[FormData, Depends(_multipart)]


def _list(request: Request, session: Session, book: Book, *, mine: bool,
          status: str | None, page: int) -> HTMLResponse:
    rows, total = list_claims(session, book, status=status, mine=mine, page=page,
                              page_size=PAGE_SIZE)
    return render(request, "purchases/claims.html", {
        "book": book, "claims": rows, "total": total, "page": page, "mine": mine,
        "pages": page_count(total, PAGE_SIZE),
        "can_submit": can(session, book, "expense.submit"),
        "can_approve": can(session, book, "expense.approve"),
        "filters": {"status": status or ""}})


@router.get("/mine", name="purchases.claims_mine")
def my_claims_page(request: Request, book: BookDep, session: SessionDep,
                   status: Annotated[StatusFilter | None, Blankable, Query()] = None,
                   page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> HTMLResponse:
    """The signed-in member's own claims."""
    return _list(request, session, book, mine=True, status=status, page=page)


@router.get("/to-approve", name="purchases.claims_to_approve")
def claims_to_approve_page(request: Request, book: BookDep, session: SessionDep,
                           page: Annotated[int, Query(ge=1, le=1_000_000)] = 1
                           ) -> HTMLResponse:
    """Submitted claims waiting for an owner's or admin's decision."""
    return _list(request, session, book, mine=False, status=ClaimStatus.SUBMITTED.value,
                 page=page)


def _blank_items() -> list[dict[str, str]]:
    return [dict.fromkeys(ITEM_FIELDS, "") for _ in range(ITEM_ROWS)]


def _form_page(request: Request, session: Session, book: Book, form: dict[str, object], *,
               error: str = "", errors: dict[str, str] | None = None,
               status_code: int = 200) -> HTMLResponse:
    return render(request, "purchases/claim_form.html", {
        "book": book, "form": form, "accounts": expense_accounts(session, book),
        "codes": vat_codes(session, book),
        "max_mb": attachments.max_bytes() // (1024 * 1024) or 1,
        "error": error, "errors": errors or {}}, status_code=status_code)


@router.get("/new", name="purchases.claim_new")
def new_claim_page(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    require(session, book, "expense.submit")
    items = _blank_items()
    items[0]["date"] = today().isoformat()
    return _form_page(request, session, book, {"title": "", "items": items})


@router.post("/new", name="purchases.claim_create")
def create_claim_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                      form: ClaimForm) -> Response:
    """Save the claim (and submit it when asked), with a receipt per item."""
    items = [{key: text(form, f"items-{n}-{key}", 500) for key in ITEM_FIELDS}
             for n in range(ITEM_ROWS)]
    shown: dict[str, object] = {"title": text(form, "title", 200), "items": items}
    try:
        filled = [(n, row) for n, row in enumerate(items)
                  if any(v for k, v in row.items() if k != "date")]
        inputs = []
        for n, row in filled:
            amount = amount_field(book, row["amount"], f"items[{n}].amount", required=True)
            assert amount is not None
            if not row["account"]:
                raise ValidationError("Choose the expense account", field=f"items[{n}].account")
            inputs.append(ExpenseInput(
                date=date_field(row["date"], f"items[{n}].date"), payee=row["payee"],
                account=row["account"], amount=amount, description=row["description"],
                tax_code=row["tax_code"] or None))
        claim = create_claim(session, book, ClaimInput(
            title=str(shown["title"]), items=inputs, submit=form.get("submit") == "1"))
        for (n, _row), item in zip(filled, claim.items, strict=True):
            upload = form.get(f"items-{n}-receipt")
            if isinstance(upload, UploadFile) and upload.filename:
                try:
                    attach_receipt(session, book, item, upload.file, upload.filename)
                except FolioError as exc:
                    exc.errors = [{**e, "field": f"items[{n}].receipt"} for e in exc.errors]
                    raise
    except FolioError as exc:
        session.rollback()
        if isinstance(exc, Forbidden):
            raise
        detail, errors = problem(exc)
        return _form_page(request, session, book, shown, error=detail, errors=errors,
                          status_code=exc.status)
    session.commit()
    return _done(request, book, claim.id, "created")


def _claim_page(request: Request, session: Session, book: Book, claim: ExpenseClaim, *,
                error: str = "", errors: dict[str, str] | None = None,
                form: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    me = actor_of(session).user_id
    own = me is not None and claim.claimant_id == me
    status = claim.status
    receipts_open = status in (ClaimStatus.DRAFT.value, ClaimStatus.SUBMITTED.value)
    return render(request, "purchases/claim.html", {
        "book": book, "claim": claim, "accounts": account_codes(session, book),
        "files": attachments.attachments_of(session, book, "expense",
                                            [i.id for i in claim.items]),
        "can_submit": own and status == ClaimStatus.DRAFT.value
        and can(session, book, "expense.submit"),
        "can_decide": not own and status == ClaimStatus.SUBMITTED.value
        and can(session, book, "expense.approve"),
        "can_reimburse": status in (ClaimStatus.APPROVED.value,
                                    ClaimStatus.PARTIALLY_PAID.value)
        and can(session, book, "payment.record"),
        "can_attach": receipts_open and (can(session, book, "payment.record")
                                         or (own and can(session, book, "expense.submit"))),
        "own": own, "bank_accounts": money_accounts(session, book),
        "today": today().isoformat(), "error": error, "errors": errors or {},
        "form": form or {}, "notice": request.query_params.get("notice")},
        status_code=status_code)


@router.get("/{claim_id}", name="purchases.claim")
def claim_page(request: Request, book: BookDep, session: SessionDep,
               claim_id: ClaimId) -> HTMLResponse:
    return _claim_page(request, session, book, get_claim(session, book, claim_id))


def _done(request: Request, book: Book, claim_id: int, notice: str) -> RedirectResponse:
    target = request.app.url_path_for("purchases.claim", slug=book.slug, claim_id=str(claim_id))
    return RedirectResponse(f"{target}?notice={notice}", status_code=303)


def _failed(request: Request, session: Session, book: Book, claim_id: int, exc: FolioError,
            form: dict[str, str] | None = None) -> HTMLResponse:
    session.rollback()
    if isinstance(exc, Forbidden):
        raise exc
    detail, errors = problem(exc)
    return _claim_page(request, session, book, get_claim(session, book, claim_id),
                       error=detail, errors=errors, form=form, status_code=exc.status)


@router.post("/{claim_id}/submit", name="purchases.claim_submit")
def submit_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                claim_id: ClaimId) -> Response:
    try:
        submit_claim(session, book, get_claim(session, book, claim_id, for_update=True))
    except FolioError as exc:
        return _failed(request, session, book, claim_id, exc)
    session.commit()
    return _done(request, book, claim_id, "submitted")


@router.post("/{claim_id}/approve", name="purchases.claim_approve")
def approve_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                 claim_id: ClaimId) -> Response:
    try:
        approve_claim(session, book, get_claim(session, book, claim_id, for_update=True))
    except FolioError as exc:
        return _failed(request, session, book, claim_id, exc)
    session.commit()
    return _done(request, book, claim_id, "approved")


@router.post("/{claim_id}/reject", name="purchases.claim_reject")
def reject_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                claim_id: ClaimId, reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    try:
        reject_claim(session, book, get_claim(session, book, claim_id, for_update=True), reason)
    except FolioError as exc:
        return _failed(request, session, book, claim_id, exc, {"reason": reason})
    session.commit()
    return _done(request, book, claim_id, "rejected")


@router.post("/{claim_id}/reimburse", name="purchases.claim_reimburse")
def reimburse_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                   claim_id: ClaimId, paid_on: Annotated[str, Form(max_length=20)] = "",
                   account: Annotated[str, Form(max_length=20)] = "",
                   amount: Annotated[str, Form(max_length=40)] = "",
                   reference: Annotated[str, Form(max_length=100)] = "") -> Response:
    form = {"paid_on": paid_on, "account": account, "amount": amount, "reference": reference}
    try:
        claim = get_claim(session, book, claim_id, for_update=True)
        day = date_field(paid_on, "date")
        if not account:
            raise ValidationError("Choose the account the money was paid from", field="account")
        reimburse_claim(session, book, claim, on=day, account=account,
                        amount=amount_field(book, amount, "amount"),
                        reference=reference.strip() or None)
    except FolioError as exc:
        return _failed(request, session, book, claim_id, exc, form)
    session.commit()
    return _done(request, book, claim_id, "reimbursed")


@router.post("/{claim_id}/items/{expense_id}/receipts", name="purchases.claim_receipt")
def claim_receipt_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                       claim_id: ClaimId, expense_id: Annotated[int, Path(ge=1, lt=2**63)],
                       receipt: Receipt = None) -> Response:
    """Add a receipt to an item of the claim (the claimant, or a bookkeeper)."""
    try:
        claim = get_claim(session, book, claim_id)
        item = get_expense(session, book, expense_id)
        if item.claim_id != claim.id:
            raise NotFound(f"No item {expense_id} in this claim", field="expense")
        if not has_file(receipt):
            raise ValidationError("Choose a file to upload", field="file")
        assert receipt is not None
        attach_receipt(session, book, item, receipt.file, receipt.filename)
    except FolioError as exc:
        return _failed(request, session, book, claim_id, exc)
    session.commit()
    return _done(request, book, claim_id, "attached")
