"""API shapes of personal finance. Amounts travel as decimal strings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Code = Annotated[str, StringConstraints(min_length=1, max_length=20)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Money = Annotated[Decimal, Field(ge=0, max_digits=20, allow_inf_nan=False,
                                 examples=["2000000"])]
Positive = Annotated[Decimal, Field(gt=0, max_digits=20, allow_inf_nan=False,
                                    examples=["186000"])]
Signed = Annotated[Decimal, Field(max_digits=20, allow_inf_nan=False, examples=["250000"])]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BudgetIn(Strict):
    amount: Money
    rollover: bool = False


class BudgetOut(BaseModel):
    month: str
    account: str
    amount: str
    rollover: bool


class RecurringIn(Strict):
    name: Name
    payee: Annotated[str, StringConstraints(max_length=200)] | None = None
    kind: Literal["subscription", "bill", "income"] = "subscription"
    amount: Positive
    category: Code = Field(description="Expense account (an income account for kind income)")
    money_account: Code = Field(description="Asset or liability account the money moves "
                                            "through")
    frequency: Literal["weekly", "monthly", "quarterly", "yearly"] = "monthly"
    interval: Annotated[int, Field(ge=1, le=99)] = 1
    next_date: dt.date
    end_date: dt.date | None = None
    active: bool = True


class RecurringOut(BaseModel):
    id: int
    name: str
    payee: str | None
    kind: str
    amount: str
    category: str
    money_account: str
    frequency: str
    interval: int
    next_date: dt.date
    end_date: dt.date | None
    active: bool
    last_entry_id: int | None


class RecordIn(Strict):
    date: dt.date | None = Field(None, description="Date of the entry; default: the "
                                                   "occurrence's due date")


class RecordOut(BaseModel):
    entry_id: int
    entry_number: int | None
    recurring: RecurringOut


class SuggestionOut(BaseModel):
    name: str
    payee: str | None
    amount: str
    category: str
    money_account: str | None
    frequency: str
    occurrences: int
    last_date: dt.date
    next_date: dt.date


class GoalIn(Strict):
    name: Name
    target_amount: Positive
    target_date: dt.date | None = None
    account: Code | None = Field(None, description="Asset account whose balance is the "
                                                   "goal's progress; null: manual")


class ContributionIn(Strict):
    amount: Signed = Field(description="Added to a manual goal; negative takes some back")


class GoalOut(BaseModel):
    id: int
    name: str
    target_amount: str
    target_date: dt.date | None
    account: str | None
    current: str
    remaining: str
    percent: str
    months_left: int | None
    monthly_needed: str | None
    reached: bool
