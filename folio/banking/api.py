"""JSON API for money accounts, statement imports, bank lines and rules."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile, status
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.banking.accounts import (
    MoneyAccountInput,
    create_money_account,
    get_money_account,
    list_money_accounts,
    update_money_account,
)
from folio.banking.imports import MAX_FILE_BYTES, import_statement, list_statements
from folio.banking.matching import match_bill, match_invoice, suggest_matches
from folio.banking.models import BankLine, BankRule, MoneyAccount
from folio.banking.reconcile import (
    change_statement_balance,
    delete_open,
    finish,
    list_reconciliations,
    reconciliation_status,
    start_reconciliation,
    toggle_cleared,
    undo,
)
from folio.banking.rules import (
    RuleInput,
    apply_rules_to_open_lines,
    create_rule,
    delete_rule,
    get_rule,
    list_rules,
    update_rule,
)
from folio.banking.schemas import (
    Amount,
    BankLineOut,
    BankLinePage,
    BulkCategoriseIn,
    CategoriseIn,
    ImportOut,
    LineIdsIn,
    MoneyAccountCreate,
    MoneyAccountOut,
    MoneyAccountUpdate,
    RuleIn,
    RuleOut,
    RuleUpdate,
    StatementOut,
)
from folio.banking.service import categorise, get_line, ignore, list_lines, uncategorise
from folio.banking.suggestions import suggest_many
from folio.books.models import Book
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import ValidationError
from folio.idempotency import IdempotencyKey, idempotent
from folio.ledger.models import Account, AccountBalance
from folio.tax.models import TaxCode

router = APIRouter(prefix="/books/{slug}", tags=["banking"])
MoneyAccountId = Annotated[int, Query(ge=1, lt=2**63, description="A money account's id")]


def _codes(session: Session, book: Book) -> dict[int, str]:
    return dict(session.execute(select(Account.id, Account.code)
                                .where(Account.book_id == book.id)).all())


def _tax_codes(session: Session, book: Book) -> dict[int, str]:
    return dict(session.execute(select(TaxCode.id, TaxCode.code)
                                .where(TaxCode.book_id == book.id)).all())


def _money_out(session: Session, book: Book, money: MoneyAccount) -> MoneyAccountOut:
    balance = session.scalar(select(func.coalesce(func.sum(AccountBalance.amount), 0))
                             .where(AccountBalance.book_id == book.id,
                                    AccountBalance.account_id == money.account_id))
    return MoneyAccountOut.of(money, _codes(session, book)[money.account_id], int(balance or 0))


def _lines_out(session: Session, book: Book, lines: list[BankLine], *,
               hints: bool = False) -> list[BankLineOut]:
    codes, taxes = _codes(session, book), _tax_codes(session, book)
    found = suggest_many(session, book, lines) if hints else {}
    return [BankLineOut.of(line, codes, taxes, found.get(line.id)) for line in lines]


def _rule_out(session: Session, book: Book, rule: BankRule) -> RuleOut:
    return RuleOut.of(rule, _codes(session, book), _tax_codes(session, book))


@router.get("/bank-accounts", response_model=list[MoneyAccountOut])
def get_money_accounts(book: BookDep, session: SessionDep,
                       include_inactive: bool = False) -> list[MoneyAccountOut]:
    """The bank, cash, card and e-wallet accounts, with their ledger balances."""
    return [_money_out(session, book, money) for money in
            list_money_accounts(session, book, include_inactive=include_inactive)]


@router.post("/bank-accounts", response_model=MoneyAccountOut, status_code=201)
def post_money_account(data: MoneyAccountCreate, book: WriteBookDep,
                       session: WriteSessionDep) -> MoneyAccountOut:
    """Create a money account on a new ledger account, or link an existing one."""
    money = create_money_account(session, book, MoneyAccountInput(**data.model_dump()))
    session.commit()
    return _money_out(session, book, money)


@router.get("/bank-accounts/{account_id}", response_model=MoneyAccountOut)
def get_one_money_account(account_id: int, book: BookDep,
                          session: SessionDep) -> MoneyAccountOut:
    return _money_out(session, book, get_money_account(session, book, account_id))


@router.patch("/bank-accounts/{account_id}", response_model=MoneyAccountOut)
def patch_money_account(account_id: int, data: MoneyAccountUpdate, book: WriteBookDep,
                        session: WriteSessionDep) -> MoneyAccountOut:
    """Rename, describe or (de)activate a money account."""
    money = update_money_account(session, book, get_money_account(session, book, account_id),
                                 **data.model_dump(exclude_unset=True))
    session.commit()
    return _money_out(session, book, money)


def _mapping(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ValidationError("mapping is not JSON", field="mapping") from exc
    if not isinstance(value, dict):
        raise ValidationError("mapping is a JSON object of column names", field="mapping")
    return value


@router.post("/bank-accounts/{account_id}/imports", response_model=ImportOut, status_code=201,
             responses={422: {"description": "A bad line: nothing was imported"}})
def post_import(
    account_id: int, request: Request, book: WriteBookDep, session: WriteSessionDep,
    file: Annotated[UploadFile, File(description="CSV, OFX/QFX, QIF or camt.053 XML")],
    format: Annotated[Literal["csv", "ofx", "qif", "camt"] | None, Form()] = None,
    preset: Annotated[Literal["generic", "bca", "mandiri"] | None, Form()] = None,
    year: Annotated[int | None, Form(ge=1900, le=2200,
                                     description="Year of CSV dates that have none")] = None,
    date_order: Annotated[Literal["mdy", "dmy", "ymd"] | None,
                          Form(description="Order of QIF dates")] = None,
    mapping: Annotated[str | None, Form(max_length=4000,
                                        description="CSV column mapping as JSON")] = None,
    key: IdempotencyKey = None,
) -> Response:
    """Import a statement: every line or none; lines imported before are skipped."""
    data = file.file.read(MAX_FILE_BYTES + 1)
    options: dict[str, Any] = {}
    if year is not None:
        options["year"] = year
    if date_order is not None:
        options["date_order"] = date_order
    payload = {"sha256": hashlib.sha256(data).hexdigest(), "filename": file.filename,
               "format": format, "preset": preset, "options": options, "mapping": mapping}

    def run() -> tuple[int, Any]:
        money = get_money_account(session, book, account_id)
        result = import_statement(session, book, money, file.filename or "statement", data,
                                  format, _mapping(mapping), preset=preset, options=options)
        body = ImportOut.of(result, money.currency, _lines_out(session, book, result.lines))
        return 201, body.model_dump(mode="json")
    return idempotent(request, session, key, payload, run)


@router.get("/bank-accounts/{account_id}/imports", response_model=list[StatementOut])
def get_imports(account_id: int, book: BookDep, session: SessionDep) -> list[StatementOut]:
    """The statements imported into a money account, newest first."""
    money = get_money_account(session, book, account_id)
    return [StatementOut.of(s, money.currency) for s in list_statements(session, book, money)]


@router.get("/bank-lines", response_model=BankLinePage)
def get_bank_lines(
    book: BookDep, session: SessionDep, account_id: MoneyAccountId | None = None,
    status_: Annotated[Literal["unmatched", "categorised", "matched", "transfer", "ignored"]
                       | None, Query(alias="status")] = None,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    q: Annotated[str | None, Query(max_length=100, description="Payee, description or "
                                                               "reference contains")] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> BankLinePage:
    """Bank lines newest first; open lines carry a suggestion learned from earlier ones."""
    result = list_lines(session, book, money_account_id=account_id, status=status_,
                        start=start, end=end, search=q, page=page, page_size=page_size)
    return BankLinePage(items=_lines_out(session, book, result.lines, hints=True),
                        page=result.page, pages=result.pages, total=result.total)


@router.get("/bank-lines/{line_id}", response_model=BankLineOut)
def get_bank_line(line_id: int, book: BookDep, session: SessionDep) -> BankLineOut:
    return _lines_out(session, book, [get_line(session, book, line_id)], hints=True)[0]


@router.post("/bank-lines/{line_id}/categorise", response_model=BankLineOut)
def categorise_line(line_id: int, data: CategoriseIn, book: WriteBookDep,
                    session: WriteSessionDep) -> BankLineOut:
    """Book one line: posts its entry, or joins a transfer between own accounts."""
    [line] = categorise(session, book, [line_id], data.account, data.party_id, data.tax_code,
                        data.memo)
    session.commit()
    return _lines_out(session, book, [line])[0]


@router.post("/bank-lines/categorise", response_model=list[BankLineOut])
def categorise_lines(data: BulkCategoriseIn, book: WriteBookDep,
                     session: WriteSessionDep) -> list[BankLineOut]:
    """Book many lines to the same account at once: all of them, or none."""
    lines = categorise(session, book, data.line_ids, data.account, data.party_id,
                       data.tax_code, data.memo)
    session.commit()
    return _lines_out(session, book, lines)


@router.post("/bank-lines/uncategorise", response_model=list[BankLineOut])
def uncategorise_lines(data: LineIdsIn, book: WriteBookDep,
                       session: WriteSessionDep) -> list[BankLineOut]:
    """Reverse the entries of booked lines and return them to unmatched."""
    lines = uncategorise(session, book, data.line_ids)
    session.commit()
    return _lines_out(session, book, lines)


@router.post("/bank-lines/ignore", response_model=list[BankLineOut])
def ignore_lines(data: LineIdsIn, book: WriteBookDep,
                 session: WriteSessionDep) -> list[BankLineOut]:
    """Mark lines that are already in the books some other way: they book nothing."""
    lines = ignore(session, book, data.line_ids)
    session.commit()
    return _lines_out(session, book, lines)


@router.get("/bank-rules", response_model=list[RuleOut])
def get_rules(book: BookDep, session: SessionDep) -> list[RuleOut]:
    """The rules in the order they are tried (priority, then age)."""
    return [_rule_out(session, book, rule) for rule in list_rules(session, book)]


@router.post("/bank-rules", response_model=RuleOut, status_code=201)
def post_rule(data: RuleIn, book: WriteBookDep, session: WriteSessionDep) -> RuleOut:
    rule = create_rule(session, book, RuleInput(**data.model_dump()))
    session.commit()
    return _rule_out(session, book, rule)


@router.post("/bank-rules/apply", response_model=dict[str, int])
def post_apply_rules(book: WriteBookDep, session: WriteSessionDep) -> dict[str, int]:
    """Run the rules over every unmatched line (imports apply them to new lines anyway)."""
    booked = apply_rules_to_open_lines(session, book)
    session.commit()
    return {"categorised": booked}


@router.get("/bank-rules/{rule_id}", response_model=RuleOut)
def get_one_rule(rule_id: int, book: BookDep, session: SessionDep) -> RuleOut:
    return _rule_out(session, book, get_rule(session, book, rule_id))


@router.patch("/bank-rules/{rule_id}", response_model=RuleOut)
def patch_rule(rule_id: int, data: RuleUpdate, book: WriteBookDep,
               session: WriteSessionDep) -> RuleOut:
    """Change some of a rule's fields; lines it booked before stay as they are."""
    rule = get_rule(session, book, rule_id)
    codes, taxes = _codes(session, book), _tax_codes(session, book)
    current = RuleInput(
        name=rule.name, account=codes[rule.account_id], priority=rule.priority,
        match=rule.match, payee=rule.payee, description=rule.description,
        amount_min=rule.amount_min, amount_max=rule.amount_max, direction=rule.direction,
        money_account_id=rule.money_account_id, party_id=rule.party_id,
        tax_code=taxes.get(rule.tax_code_id) if rule.tax_code_id else None, memo=rule.memo,
        is_active=rule.is_active)
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is None and name in ("name", "account", "priority", "match", "is_active"):
            raise ValidationError(f"{name} cannot be null", field=name)
        setattr(current, name, value)
    update_rule(session, book, rule, current)
    session.commit()
    return _rule_out(session, book, rule)


@router.delete("/bank-rules/{rule_id}", status_code=204)
def delete_one_rule(rule_id: int, book: WriteBookDep, session: WriteSessionDep) -> Response:
    """Delete a rule; what it booked stays booked."""
    delete_rule(session, book, get_rule(session, book, rule_id))
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- Reconciliation -------------------------------------------------------------------------

class ReconciliationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    statement_date: date
    statement_balance: Amount


RECONCILIATIONS = "/bank-accounts/{account_id}/reconciliations"


@router.get(RECONCILIATIONS, response_model=list[dict[str, Any]])
def get_reconciliations(account_id: int, book: BookDep,
                        session: SessionDep) -> list[dict[str, Any]]:
    """A money account's reconciliations, newest first, with their differences."""
    return [reconciliation_status(session, book, account_id, rec.id).as_dict()
            for rec in list_reconciliations(session, book, account_id)]


@router.post(RECONCILIATIONS, response_model=dict[str, Any], status_code=201)
def post_reconciliation(account_id: int, data: ReconciliationIn, book: WriteBookDep,
                        session: WriteSessionDep) -> dict[str, Any]:
    """Start reconciling against a statement's end date and closing balance."""
    rec = start_reconciliation(session, book, account_id, data.statement_date,
                               data.statement_balance)
    session.commit()
    return reconciliation_status(session, book, account_id, rec.id).as_dict()


@router.get(RECONCILIATIONS + "/{reconciliation_id}", response_model=dict[str, Any])
def get_reconciliation_status(account_id: int, reconciliation_id: int, book: BookDep,
                              session: SessionDep) -> dict[str, Any]:
    """Statement balance, cleared balance, difference, cleared and uncleared lines."""
    return reconciliation_status(session, book, account_id, reconciliation_id).as_dict()


@router.get(RECONCILIATIONS + "/{reconciliation_id}/report", response_model=None)
def get_reconciliation_report(
    account_id: int, reconciliation_id: int, book: BookDep, session: SessionDep,
    format: Literal["json", "csv"] = "json",
) -> Response:
    """The reconciliation report as JSON or CSV."""
    report = reconciliation_status(session, book, account_id, reconciliation_id)
    if format == "csv":
        return Response(report.as_csv(), media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition":
                f'attachment; filename="reconciliation-{reconciliation_id}.csv"'})
    return Response(json.dumps(report.as_dict()), media_type="application/json")


class StatementBalanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    statement_balance: Amount


@router.patch(RECONCILIATIONS + "/{reconciliation_id}", response_model=dict[str, Any])
def patch_reconciliation(account_id: int, reconciliation_id: int, data: StatementBalanceIn,
                         book: WriteBookDep, session: WriteSessionDep) -> dict[str, Any]:
    """Correct the statement balance of an open reconciliation."""
    change_statement_balance(session, book, account_id, reconciliation_id,
                             data.statement_balance)
    session.commit()
    return reconciliation_status(session, book, account_id, reconciliation_id).as_dict()


@router.post(RECONCILIATIONS + "/{reconciliation_id}/toggle", response_model=dict[str, Any])
def post_toggle_cleared(account_id: int, reconciliation_id: int, data: LineIdsIn,
                        book: WriteBookDep, session: WriteSessionDep) -> dict[str, Any]:
    """Flip the cleared mark of bank lines in an open reconciliation."""
    toggle_cleared(session, book, account_id, reconciliation_id, data.line_ids)
    session.commit()
    return reconciliation_status(session, book, account_id, reconciliation_id).as_dict()


@router.post(RECONCILIATIONS + "/{reconciliation_id}/finish", response_model=dict[str, Any])
def post_finish(account_id: int, reconciliation_id: int, book: WriteBookDep,
                session: WriteSessionDep) -> dict[str, Any]:
    """Finish a balanced reconciliation and lock its cleared lines (409 if it differs)."""
    report = finish(session, book, account_id, reconciliation_id)
    session.commit()
    return report.as_dict()


@router.delete(RECONCILIATIONS + "/{reconciliation_id}", status_code=204)
def delete_reconciliation(account_id: int, reconciliation_id: int, book: WriteBookDep,
                          session: WriteSessionDep) -> Response:
    """Drop an open reconciliation and its cleared marks."""
    delete_open(session, book, account_id, reconciliation_id)
    session.commit()
    return Response(status_code=204)


@router.post(RECONCILIATIONS + "/undo", response_model=dict[str, Any])
def post_undo(account_id: int, book: WriteBookDep, session: WriteSessionDep
              ) -> dict[str, Any]:
    """Reopen the last finished reconciliation (owners and admins)."""
    rec = undo(session, book, account_id)
    session.commit()
    return reconciliation_status(session, book, account_id, rec.id).as_dict()


# -- Matching to invoices -------------------------------------------------------------------

class MatchIn(BaseModel):
    """The invoice (money received) or the bill (money paid out) a line settles."""

    model_config = ConfigDict(extra="forbid")
    invoice_id: Annotated[int | None, Field(ge=1, lt=2**63)] = None
    bill_id: Annotated[int | None, Field(ge=1, lt=2**63)] = None
    bank_fee: Annotated[Amount | None, Field(
        description="Bills only: the part of the money paid out that is the bank's fee "
                    "(by default, anything within 2 % above the amount due)")] = None

    @model_validator(mode="after")
    def _one_document(self) -> MatchIn:
        if (self.invoice_id is None) == (self.bill_id is None):
            raise ValueError("give either invoice_id or bill_id")
        if self.invoice_id is not None and self.bank_fee is not None:
            raise ValueError("bank_fee applies to bills only")
        return self


@router.get("/bank-lines/{line_id}/matches", response_model=list[dict[str, Any]])
def get_matches(line_id: int, book: BookDep, session: SessionDep) -> list[dict[str, Any]]:
    """Open invoices (money received) or bills (money paid out) the line probably settles,
    best first, with the reasons."""
    return [s.as_dict() for s in suggest_matches(session, book, line_id)]


@router.post("/bank-lines/{line_id}/match", response_model=BankLineOut,
             responses={409: {"description": "The line is booked already, or the document "
                                              "is not open"}})
def post_match(line_id: int, data: MatchIn, book: WriteBookDep,
               session: WriteSessionDep) -> BankLineOut:
    """Record the line as a payment of the invoice or bill; the line becomes matched."""
    if data.bill_id is not None:
        match_bill(session, book, line_id, data.bill_id, data.bank_fee)
    else:
        assert data.invoice_id is not None
        match_invoice(session, book, line_id, data.invoice_id)
    session.commit()
    return _lines_out(session, book, [get_line(session, book, line_id)])[0]
