"""JSON API of recurring invoice schedules: list, create, read, change, pause, resume,
delete, and run the due ones now."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.idempotency import IdempotencyKey, idempotent
from folio.money import decimal_str
from folio.sales.invoices import InvoiceLineInput
from folio.sales.recurring import (
    ScheduleInput,
    create_schedule,
    delete_schedule,
    get_schedule,
    list_schedules,
    runs_of,
    set_paused,
    update_schedule,
)
from folio.sales.recurring_models import RecurringInvoice
from folio.sales.schemas import InvoiceLineIn

router = APIRouter(prefix="/books/{slug}", tags=["recurring invoices"])
ScheduleId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    customer_id: Annotated[int, Field(ge=1, le=2**63 - 1)]
    lines: Annotated[list[InvoiceLineIn], Field(min_length=1, max_length=500)]
    frequency: Literal["weekly", "monthly", "quarterly", "yearly"] = "monthly"
    interval: Annotated[int, Field(ge=1, le=24)] = 1
    start_date: dt.date | None = Field(None, description="The first invoice's date; "
                                                         "default today")
    end_date: dt.date | None = None
    max_count: Annotated[int, Field(ge=1, le=1000)] | None = Field(
        None, description="Stop after this many invoices")
    due_days: Annotated[int, Field(ge=0, le=365)] | None = Field(
        None, description="Days to pay; default: the customer's terms, else the book's")
    auto_issue: bool = False
    auto_email: bool = Field(False, description="Email each invoice (needs auto_issue)")
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3)] | None = None
    prices_include_tax: bool = False
    withholding_code: Annotated[str, StringConstraints(max_length=20)] | None = None
    reference: Annotated[str, StringConstraints(max_length=100)] | None = None
    notes: Annotated[str, StringConstraints(max_length=2000)] | None = None


class ScheduleLineOut(BaseModel):
    line_no: int
    item_id: int | None
    description: str | None
    quantity: str
    unit_price: str | None
    discount_percent: str
    tax_code: str | None
    account: str | None


class RunOut(BaseModel):
    period_date: dt.date
    invoice_id: int | None
    invoice_number: str | None


class ScheduleOut(BaseModel):
    id: int
    name: str
    customer_id: int
    currency: str
    frequency: str
    interval: int
    start_date: dt.date
    next_run: dt.date
    end_date: dt.date | None
    max_count: int | None
    count_made: int
    due_days: int | None
    auto_issue: bool
    auto_email: bool
    status: str
    prices_include_tax: bool
    withholding_code: str | None
    reference: str | None
    notes: str | None
    lines: list[ScheduleLineOut]
    runs: list[RunOut] | None = None


class SchedulePageOut(BaseModel):
    schedules: list[ScheduleOut]
    total: int
    page: int
    pages: int


class PauseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    paused: bool


def schedule_out(session: Session, book: Book, schedule: RecurringInvoice, *,
                 with_runs: bool = False) -> ScheduleOut:
    cur = schedule.currency
    runs = [RunOut(period_date=run.period_date, invoice_id=run.invoice_id,
                   invoice_number=invoice.number if invoice else None)
            for run, invoice in runs_of(session, book, schedule)] if with_runs else None
    return ScheduleOut(
        id=schedule.id, name=schedule.name, customer_id=schedule.customer_id, currency=cur,
        frequency=schedule.frequency, interval=schedule.interval,
        start_date=schedule.start_date, next_run=schedule.next_run,
        end_date=schedule.end_date, max_count=schedule.max_count,
        count_made=schedule.count_made, due_days=schedule.due_days,
        auto_issue=schedule.auto_issue, auto_email=schedule.auto_email,
        status=schedule.status, prices_include_tax=schedule.prices_include_tax,
        withholding_code=schedule.withholding_code, reference=schedule.reference,
        notes=schedule.notes, runs=runs,
        lines=[ScheduleLineOut(
            line_no=line.line_no, item_id=line.item_id, description=line.description,
            quantity=format(line.quantity, "f"),
            unit_price=decimal_str(line.unit_price, cur) if line.unit_price is not None
            else None, discount_percent=format(line.discount_percent, "f"),
            tax_code=line.tax_code, account=line.account) for line in schedule.lines])


def schedule_input(body: ScheduleIn) -> ScheduleInput:
    data = body.model_dump(exclude={"lines"})
    return ScheduleInput(**data, lines=[InvoiceLineInput(**line.model_dump())
                                        for line in body.lines])


@router.get("/recurring-invoices", response_model=SchedulePageOut)
def get_schedules(book: BookDep, session: SessionDep,
                  status: Literal["active", "paused", "finished"] | None = None,
                  page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
                  page_size: Annotated[int, Query(ge=1, le=500)] = 50) -> SchedulePageOut:
    """Schedules by their next run date."""
    result = list_schedules(session, book, status=status, page=page, page_size=page_size)
    return SchedulePageOut(schedules=[schedule_out(session, book, s) for s in result.schedules],
                           total=result.total, page=result.page, pages=result.pages)


@router.post("/recurring-invoices", response_model=ScheduleOut, status_code=201)
def post_schedule(body: ScheduleIn, request: Request, book: WriteBookDep,
                  session: WriteSessionDep, key: IdempotencyKey = None) -> Response:
    """A new schedule; the recurring-invoices job (daily) makes its invoices."""
    def run() -> tuple[int, Any]:
        schedule = create_schedule(session, book, schedule_input(body))
        return 201, schedule_out(session, book, schedule).model_dump(mode="json")
    return idempotent(request, session, key, body.model_dump(mode="json"), run)


@router.get("/recurring-invoices/{schedule_id}", response_model=ScheduleOut)
def get_one_schedule(schedule_id: ScheduleId, book: BookDep,
                     session: SessionDep) -> ScheduleOut:
    """A schedule with the invoices it made."""
    return schedule_out(session, book, get_schedule(session, book, schedule_id),
                        with_runs=True)


@router.put("/recurring-invoices/{schedule_id}", response_model=ScheduleOut)
def put_schedule(schedule_id: ScheduleId, body: ScheduleIn, book: WriteBookDep,
                 session: WriteSessionDep) -> ScheduleOut:
    schedule = update_schedule(session, book,
                               get_schedule(session, book, schedule_id, for_update=True),
                               schedule_input(body))
    session.commit()
    return schedule_out(session, book, schedule)


@router.post("/recurring-invoices/{schedule_id}/pause", response_model=ScheduleOut)
def post_pause(schedule_id: ScheduleId, body: PauseIn, book: WriteBookDep,
               session: WriteSessionDep) -> ScheduleOut:
    """Pause (``paused: true``) or resume; resuming skips the periods missed meanwhile."""
    schedule = set_paused(session, book,
                          get_schedule(session, book, schedule_id, for_update=True),
                          body.paused)
    session.commit()
    return schedule_out(session, book, schedule)


@router.delete("/recurring-invoices/{schedule_id}", status_code=204)
def delete_one_schedule(schedule_id: ScheduleId, book: WriteBookDep,
                        session: WriteSessionDep) -> Response:
    """Remove the schedule; the invoices it made stay."""
    delete_schedule(session, book, get_schedule(session, book, schedule_id, for_update=True))
    session.commit()
    return Response(status_code=204)
