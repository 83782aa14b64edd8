"""API shapes of the ledger: what clients send and receive."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from folio.ledger.models import Account, JournalEntry
from folio.money import decimal_str

Code = Annotated[str, StringConstraints(min_length=1, max_length=20)]
ShortText = Annotated[str, StringConstraints(max_length=200)]
AmountIn = Annotated[Decimal, Field(description="Signed decimal: debit positive, credit negative",
                                    examples=["1250.00"], max_digits=20, allow_inf_nan=False)]


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Code
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    type: Literal["asset", "liability", "equity", "income", "expense"]
    parent: Code | None = None
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3)] | None = None
    name_id: ShortText | None = None
    is_group: bool = False
    description: Annotated[str, StringConstraints(max_length=500)] | None = None


class AccountUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    name_id: ShortText | None = None
    is_active: bool | None = None
    description: Annotated[str, StringConstraints(max_length=500)] | None = None


class AccountOut(BaseModel):
    code: str
    name: str
    name_id: str | None
    type: str
    parent: str | None
    is_group: bool
    is_active: bool
    currency: str | None
    role: str | None

    @classmethod
    def of(cls, account: Account, parent_code: str | None) -> AccountOut:
        return cls(code=account.code, name=account.name, name_id=account.name_id,
                   type=account.type, parent=parent_code, is_group=account.is_group,
                   is_active=account.is_active, currency=account.currency, role=account.role)


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account: Code
    amount: AmountIn
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3)] | None = None
    rate: Annotated[Decimal, Field(gt=0, max_digits=24, allow_inf_nan=False)] | None = None
    memo: Annotated[str, StringConstraints(max_length=500)] | None = None


class EntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: dt.date
    description: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    party: ShortText | None = None
    reference: Annotated[str, StringConstraints(max_length=100)] | None = None
    lines: Annotated[list[LineIn], Field(min_length=2, max_length=500)]
    post: bool = Field(False, description="Post at once instead of saving a draft")


class ReverseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: dt.date | None = Field(None, description="Date of the reversal (default today)")
    description: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None


class CloseYearIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: dt.date = Field(description="Any date in the fiscal year to close")


class LineOut(BaseModel):
    line_no: int
    account: str
    account_name: str
    amount: str
    currency: str
    rate: str
    base_amount: str
    debit: str
    credit: str
    memo: str | None


class EntryOut(BaseModel):
    id: int
    number: int | None
    date: dt.date
    description: str
    party: str | None
    reference: str | None
    status: str
    kind: str
    reversal_of: int | None
    reversed_by: int | None
    hash: str | None
    posted_at: dt.datetime | None
    lines: list[LineOut]

    @classmethod
    def of(cls, entry: JournalEntry, base_currency: str, reversed_by: int | None = None
           ) -> EntryOut:
        return cls(
            id=entry.id, number=entry.number, date=entry.date, description=entry.description,
            party=entry.party, reference=entry.reference, status=entry.status, kind=entry.kind,
            reversal_of=entry.reversal_of_id, reversed_by=reversed_by, hash=entry.hash,
            posted_at=_utc(entry.posted_at),
            lines=[LineOut(line_no=x.line_no, account=x.account.code, account_name=x.account.name,
                           amount=decimal_str(x.amount, x.currency), currency=x.currency,
                           rate=format(x.rate.normalize(), "f"),
                           base_amount=decimal_str(x.base_amount, base_currency),
                           debit=decimal_str(max(x.base_amount, 0), base_currency),
                           credit=decimal_str(max(-x.base_amount, 0), base_currency),
                           memo=x.memo) for x in entry.lines])


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """Timestamps are stored in UTC; SQLite hands them back without the zone."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


class EntryPage(BaseModel):
    items: list[EntryOut]
    page: int
    pages: int
    total: int
