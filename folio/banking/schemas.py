"""API shapes of banking: money accounts, imports, bank lines, rules."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from folio.banking.imports import ImportResult
from folio.banking.models import BankLine, BankRule, BankStatement, MoneyAccount
from folio.banking.suggestions import Suggestion
from folio.money import decimal_str

Code = Annotated[str, StringConstraints(min_length=1, max_length=20)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(max_length=200)]
Memo = Annotated[str, StringConstraints(max_length=500)]
Id = Annotated[int, Field(ge=1, lt=2**63)]
Kind = Literal["bank", "cash", "card", "ewallet"]
Amount = Annotated[Decimal, Field(max_digits=20, allow_inf_nan=False, examples=["1250.00"])]
Size = Annotated[Decimal, Field(ge=0, max_digits=20, allow_inf_nan=False,
                                description="Size of the line, whichever direction")]


class MoneyAccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    kind: Kind = "bank"
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3)] | None = None
    institution: ShortText | None = None
    account_number: Annotated[str, StringConstraints(max_length=40)] | None = None
    opening_balance: Amount = Decimal(0)
    opening_date: dt.date | None = None
    account: Code | None = Field(None, description="Link this existing ledger account")
    code: Code | None = Field(None, description="Code of the ledger account to create")


class MoneyAccountUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    institution: ShortText | None = None
    account_number: Annotated[str, StringConstraints(max_length=40)] | None = None
    is_active: bool | None = None


class MoneyAccountOut(BaseModel):
    id: int
    name: str
    kind: str
    account: str
    currency: str
    institution: str | None
    account_number: str | None = Field(description="Masked: only the last four digits")
    opening_balance: str
    opening_date: dt.date | None
    balance: str = Field(description="The ledger account's posted balance")
    csv_mapping: dict[str, Any] | None
    is_active: bool

    @classmethod
    def of(cls, money: MoneyAccount, code: str, balance: int) -> MoneyAccountOut:
        return cls(id=money.id, name=money.name, kind=money.kind, account=code,
                   currency=money.currency, institution=money.institution,
                   account_number=money.masked_number,
                   opening_balance=decimal_str(money.opening_balance, money.currency),
                   opening_date=money.opening_date,
                   balance=decimal_str(balance, money.currency),
                   csv_mapping=json.loads(money.csv_mapping) if money.csv_mapping else None,
                   is_active=money.is_active)


class SuggestionOut(BaseModel):
    account: str
    account_name: str
    party_id: int | None
    tax_code: str | None
    times: int = Field(description="Earlier lines of this payee booked to the account")
    transfer_line_id: int | None = Field(
        description="The opposite line in another money account, for a likely transfer")

    @classmethod
    def of(cls, hint: Suggestion) -> SuggestionOut:
        return cls(account=hint.account.code, account_name=hint.account.name,
                   party_id=hint.party.id if hint.party else None,
                   tax_code=hint.tax_code.code if hint.tax_code else None, times=hint.times,
                   transfer_line_id=hint.transfer_line_id)


class BankLineOut(BaseModel):
    id: int
    money_account_id: int
    statement_id: int | None
    date: dt.date
    amount: str
    currency: str
    payee: str
    description: str
    reference: str
    status: str
    entry_id: int | None
    account: str | None
    party_id: int | None
    tax_code: str | None
    memo: str | None
    rule_id: int | None
    transfer_line_id: int | None
    payment_id: int | None = None  # matched to an invoice: the customer payment
    bill_payment_id: int | None = None  # matched to a bill: the bill payment
    cleared: bool = False
    reconciliation_id: int | None = None
    suggestion: SuggestionOut | None = None

    @classmethod
    def of(cls, line: BankLine, codes: dict[int, str], tax_codes: dict[int, str],
           hint: Suggestion | None = None) -> BankLineOut:
        return cls(id=line.id, money_account_id=line.money_account_id,
                   statement_id=line.statement_id, date=line.date,
                   amount=decimal_str(line.amount, line.currency), currency=line.currency,
                   payee=line.payee, description=line.description, reference=line.reference,
                   status=line.status, entry_id=line.entry_id,
                   account=codes.get(line.account_id) if line.account_id else None,
                   party_id=line.party_id,
                   tax_code=tax_codes.get(line.tax_code_id) if line.tax_code_id else None,
                   memo=line.memo, rule_id=line.rule_id, transfer_line_id=line.transfer_line_id,
                   payment_id=line.payment_id, bill_payment_id=line.bill_payment_id,
                   cleared=bool(line.cleared), reconciliation_id=line.reconciliation_id,
                   suggestion=SuggestionOut.of(hint) if hint else None)


class BankLinePage(BaseModel):
    items: list[BankLineOut]
    page: int
    pages: int
    total: int


class StatementOut(BaseModel):
    id: int | None = Field(description="None when the file held nothing new")
    filename: str
    format: str
    sha256: str
    line_count: int
    imported: int
    skipped: int
    categorised: int
    start_date: dt.date | None
    end_date: dt.date | None
    opening_balance: str | None
    closing_balance: str | None

    @classmethod
    def of(cls, statement: BankStatement, currency: str) -> StatementOut:
        def money(units: int | None) -> str | None:
            return None if units is None else decimal_str(units, currency)

        return cls(id=statement.id, filename=statement.filename, format=statement.format,
                   sha256=statement.sha256, line_count=statement.line_count,
                   imported=statement.imported_count, skipped=statement.skipped_count,
                   categorised=statement.categorised_count, start_date=statement.start_date,
                   end_date=statement.end_date, opening_balance=money(statement.opening_balance),
                   closing_balance=money(statement.closing_balance))


class ImportOut(BaseModel):
    statement: StatementOut
    imported: int
    skipped: int
    categorised: int
    transfers: int
    unmatched: int
    lines: list[BankLineOut]

    @classmethod
    def of(cls, result: ImportResult, currency: str, lines: list[BankLineOut]) -> ImportOut:
        return cls(statement=StatementOut.of(result.statement, currency),
                   imported=result.imported, skipped=result.skipped,
                   categorised=result.categorised, transfers=result.transfers,
                   unmatched=result.unmatched, lines=lines)


class CategoriseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account: Code = Field(description="Counter account code; another money account's "
                                      "account makes the line a transfer")
    party_id: Id | None = None
    tax_code: Code | None = Field(None, description="Split the VAT out of the amount")
    memo: Memo | None = None


class BulkCategoriseIn(CategoriseIn):
    line_ids: Annotated[list[Id], Field(min_length=1, max_length=1000)]


class LineIdsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    line_ids: Annotated[list[Id], Field(min_length=1, max_length=1000)]


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    account: Code = Field(description="Book matching lines to this account")
    priority: Annotated[int, Field(ge=0, le=1_000_000)] = 100
    match: Literal["contains", "equals", "starts_with"] = "contains"
    payee: ShortText | None = None
    description: ShortText | None = None
    amount_min: Size | None = None
    amount_max: Size | None = None
    direction: Literal["in", "out"] | None = None
    money_account_id: Id | None = None
    party_id: Id | None = None
    tax_code: Code | None = None
    memo: Memo | None = None
    is_active: bool = True


class RuleUpdate(BaseModel):
    """Only the fields sent change; send null to clear an optional condition."""

    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    account: Code | None = None
    priority: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    match: Literal["contains", "equals", "starts_with"] | None = None
    payee: ShortText | None = None
    description: ShortText | None = None
    amount_min: Size | None = None
    amount_max: Size | None = None
    direction: Literal["in", "out"] | None = None
    money_account_id: Id | None = None
    party_id: Id | None = None
    tax_code: Code | None = None
    memo: Memo | None = None
    is_active: bool | None = None


class RuleOut(BaseModel):
    id: int
    name: str
    priority: int
    match: str
    payee: str | None
    description: str | None
    amount_min: str | None
    amount_max: str | None
    direction: str | None
    money_account_id: int | None
    account: str
    party_id: int | None
    tax_code: str | None
    memo: str | None
    is_active: bool
    hit_count: int

    @classmethod
    def of(cls, rule: BankRule, codes: dict[int, str], tax_codes: dict[int, str]) -> RuleOut:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else format(value, "f")

        return cls(id=rule.id, name=rule.name, priority=rule.priority, match=rule.match,
                   payee=rule.payee, description=rule.description,
                   amount_min=text(rule.amount_min), amount_max=text(rule.amount_max),
                   direction=rule.direction, money_account_id=rule.money_account_id,
                   account=codes.get(rule.account_id, ""), party_id=rule.party_id,
                   tax_code=tax_codes.get(rule.tax_code_id) if rule.tax_code_id else None,
                   memo=rule.memo, is_active=rule.is_active, hit_count=rule.hit_count)
