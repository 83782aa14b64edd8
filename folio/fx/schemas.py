"""API shapes of exchange rates and revaluation; rates and amounts travel as decimal strings."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from folio.sales.schemas import Rate, Strict

Currency = Annotated[str, StringConstraints(min_length=3, max_length=3)]


class RateIn(Strict):
    currency: Currency = Field(examples=["USD"])
    date: dt.date
    rate: Rate = Field(description="Base-currency units for one unit of the currency")


class RateOut(BaseModel):
    id: int
    currency: str
    date: dt.date
    rate: str
    source: str


class RatePage(BaseModel):
    items: list[RateOut]
    page: int
    pages: int
    total: int


class RateImportIn(Strict):
    csv: Annotated[str, StringConstraints(max_length=2_000_000)] = Field(
        description="date,currency,rate rows with a header; ';' and 16.250,50 accepted")


class ImportOut(BaseModel):
    imported: int


class LookupOut(BaseModel):
    currency: str
    date: dt.date
    rate: str


class RevalueIn(Strict):
    date: dt.date


class RevaluationItemOut(BaseModel):
    kind: str
    reference: str
    account: str
    currency: str
    amount: str
    carried: str
    closing_rate: str
    revalued: str
    difference: str


class RevaluationOut(BaseModel):
    date: dt.date
    base_currency: str
    items: list[RevaluationItemOut]
    net: str
    posted: bool
    entry_id: int | None
    reversal_entry_id: int | None


class RunOut(BaseModel):
    id: int
    date: dt.date
    entry_id: int | None
    reversal_entry_id: int | None
    created_by: str
