"""JSON API of exchange rates and period-end revaluation."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from folio.auth.guard import require
from folio.commerce.listing import page_count
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.fx.models import ExchangeRate
from folio.fx.rates import check_currency, import_rates, list_rates, rate_on, set_rate
from folio.fx.revaluation import list_runs, plan_revaluation, revalue
from folio.fx.schemas import (
    ImportOut,
    LookupOut,
    RateImportIn,
    RateIn,
    RateOut,
    RatePage,
    RevaluationOut,
    RevalueIn,
    RunOut,
)
from folio.idempotency import IdempotencyKey, idempotent

router = APIRouter(prefix="/books/{slug}/fx", tags=["exchange rates"])
CurrencyQuery = Annotated[str | None, Query(min_length=3, max_length=3)]


def _rate_out(row: ExchangeRate) -> RateOut:
    return RateOut(id=row.id, currency=row.currency, date=row.date,
                   rate=format(row.rate, "f"), source=row.source)


@router.get("/rates", response_model=RatePage)
def get_rates(book: BookDep, session: SessionDep, currency: CurrencyQuery = None,
              start: Annotated[dt.date | None, Query(alias="from")] = None,
              end: Annotated[dt.date | None, Query(alias="to")] = None,
              page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
              page_size: Annotated[int, Query(ge=1, le=500)] = 50) -> RatePage:
    """Rates newest first, of one currency and between two dates if asked."""
    found = list_rates(session, book, currency=currency, start=start, end=end, page=page,
                       page_size=page_size)
    return RatePage(items=[_rate_out(r) for r in found.rates], page=page,
                    pages=page_count(found.total, page_size), total=found.total)


@router.post("/rates", response_model=RateOut, status_code=201)
def post_rate(data: RateIn, request: Request, book: WriteBookDep, session: WriteSessionDep,
              key: IdempotencyKey = None) -> Response:
    """Enter (or correct) a currency's rate on a day."""
    def run() -> tuple[int, Any]:
        row = set_rate(session, book, data.currency, data.date, data.rate)
        return 201, _rate_out(row).model_dump(mode="json")
    return idempotent(request, session, key, data.model_dump(mode="json"), run)


@router.post("/rates/import", response_model=ImportOut, status_code=201,
             responses={422: {"description": "A bad row: nothing was imported"}})
def post_rates_import(data: RateImportIn, request: Request, book: WriteBookDep,
                      session: WriteSessionDep, key: IdempotencyKey = None) -> Response:
    """Import date,currency,rate rows, all or nothing."""
    def run() -> tuple[int, Any]:
        count = import_rates(session, book, data.csv.encode())
        return 201, {"imported": count}
    return idempotent(request, session, key, data.model_dump(mode="json"), run)


@router.get("/rates/lookup", response_model=LookupOut)
def get_rate_on(book: BookDep, session: SessionDep,
                currency: Annotated[str, Query(min_length=3, max_length=3)],
                date: dt.date) -> LookupOut:
    """The rate in force on a day: the latest one on or before it."""
    require(session, book, "report.read")
    code = check_currency(book, currency)
    return LookupOut(currency=code, date=date, rate=format(rate_on(session, book, code, date),
                                                           "f"))


@router.get("/revaluation", response_model=RevaluationOut)
def get_revaluation(book: BookDep, session: SessionDep, date: dt.date) -> dict[str, Any]:
    """What a revaluation on ``date`` posts, item by item (a dry run: nothing is written)."""
    return plan_revaluation(session, book, date).as_dict()


@router.post("/revaluation", response_model=RevaluationOut, status_code=201)
def post_revaluation(data: RevalueIn, book: WriteBookDep,
                     session: WriteSessionDep) -> dict[str, Any]:
    """Post the revaluation on ``date`` and its reversal the next day; once per date."""
    plan = revalue(session, book, data.date)
    session.commit()
    return plan.as_dict()


@router.get("/revaluations", response_model=list[RunOut])
def get_revaluations(book: BookDep, session: SessionDep) -> list[RunOut]:
    return [RunOut(id=r.id, date=r.date, entry_id=r.entry_id,
                   reversal_entry_id=r.reversal_entry_id, created_by=r.created_by)
            for r in list_runs(session, book)]
