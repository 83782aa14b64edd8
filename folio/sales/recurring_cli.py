"""``folio recurring list|create|pause|resume|run``: recurring invoice schedules."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import typer

from folio.books.service import resolve_book
from folio.cli_support import Format, cli_session, date_option, emit, fail, out
from folio.money import decimal_str
from folio.sales.invoices import InvoiceLineInput
from folio.sales.recurring import (
    FREQUENCIES,
    ScheduleInput,
    create_schedule,
    estimated_net,
    get_schedule,
    list_schedules,
    run_due,
    set_paused,
)
from folio.sales.recurring_models import RecurringInvoice

app = typer.Typer(help="Recurring invoices: schedules and their runs.", no_args_is_help=True)
BookOpt = typer.Option(None, "--book", help="Book slug (optional when there is one book)")


def _row(schedule: RecurringInvoice) -> dict[str, Any]:
    return {"id": schedule.id, "name": schedule.name, "customer_id": schedule.customer_id,
            "frequency": schedule.frequency, "interval": schedule.interval,
            "next_run": schedule.next_run.isoformat(), "count_made": schedule.count_made,
            "auto_issue": schedule.auto_issue, "auto_email": schedule.auto_email,
            "status": schedule.status,
            "net": decimal_str(estimated_net(schedule), schedule.currency)}


@app.command("list")
def list_(status: str | None = typer.Option(None, "--status", help="active, paused, finished"),
          fmt: Format = typer.Option(Format.table, "--format", help="table, csv or json"),
          book: str | None = BookOpt) -> None:
    """Schedules by their next run date."""
    with cli_session() as session:
        target = resolve_book(session, book)
        rows = [_row(s) for s in list_schedules(session, target, status=status,
                                                page_size=500).schedules]
    header = ["id", "name", "customer_id", "frequency", "interval", "next_run", "count_made",
              "status", "net"]
    emit(fmt, {"book": target.slug, "schedules": rows},
         (header, [[str(r[h]) for h in header] for r in rows]), f"Recurring invoices of "
                                                                  f"{target.name}")


def _line(spec: str, n: int) -> InvoiceLineInput:
    parts = [p.strip() for p in spec.split(";")]
    if not 3 <= len(parts) <= 5:
        fail(f"--line {n + 1}: write it as 'description;quantity;unit price[;tax code"
             f"[;account]]', e.g. 'Retainer;1;5000000;PPN12'")
    try:
        quantity, price = Decimal(parts[1]), Decimal(parts[2])
    except InvalidOperation:
        fail(f"--line {n + 1}: quantity and unit price are numbers such as 1 and 5000000")
    return InvoiceLineInput(description=parts[0], quantity=quantity, unit_price=price,
                            tax_code=parts[3] if len(parts) > 3 else "",
                            account=parts[4] if len(parts) > 4 and parts[4] else None)


@app.command()
def create(
    customer: int = typer.Option(..., "--customer", help="The customer's party id", min=1),
    name: str = typer.Option(..., "--name", help="What the schedule bills"),
    line: list[str] = typer.Option(..., "--line",
                                   help="'description;quantity;unit price[;tax code"
                                        "[;account]]'; repeat for more lines"),
    frequency: str = typer.Option("monthly", "--frequency", help=", ".join(FREQUENCIES)),
    interval: int = typer.Option(1, "--interval", help="Every N periods", min=1, max=24),
    start: str | None = typer.Option(None, "--start", help="First invoice YYYY-MM-DD"),
    end: str | None = typer.Option(None, "--end", help="No invoices after YYYY-MM-DD"),
    count: int | None = typer.Option(None, "--count", help="Stop after N invoices", min=1),
    due_days: int | None = typer.Option(None, "--due-days", help="Days to pay", min=0),
    issue: bool = typer.Option(False, "--issue", help="Issue each invoice"),
    email: bool = typer.Option(False, "--email", help="Email each issued invoice"),
    book: str | None = BookOpt,
) -> None:
    """Make a schedule; the recurring-invoices job makes its invoices."""
    lines = [_line(spec, n) for n, spec in enumerate(line)]
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        schedule = create_schedule(session, target, ScheduleInput(
            name=name, customer_id=customer, lines=lines, frequency=frequency,
            interval=interval, start_date=date_option(start, "--start"),
            end_date=date_option(end, "--end"), max_count=count, due_days=due_days,
            auto_issue=issue, auto_email=email))
        out.print(f"Schedule {schedule.id} ({schedule.name}): first invoice on "
                  f"{schedule.next_run.isoformat()}.", markup=False)


def _pause(schedule_id: int, book: str | None, paused: bool) -> None:
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        schedule = set_paused(session, target,
                              get_schedule(session, target, schedule_id, for_update=True),
                              paused)
        word = "paused" if paused else f"active; next invoice on {schedule.next_run}"
        out.print(f"Schedule {schedule.id} is {word}.", markup=False)


@app.command()
def pause(schedule_id: int = typer.Argument(..., min=1), book: str | None = BookOpt) -> None:
    """Stop making invoices until resumed."""
    _pause(schedule_id, book, True)


@app.command()
def resume(schedule_id: int = typer.Argument(..., min=1), book: str | None = BookOpt) -> None:
    """Start again from the next period date (periods missed while paused are skipped)."""
    _pause(schedule_id, book, False)


@app.command()
def run(book: str | None = BookOpt) -> None:
    """Make every invoice that is due now (what the daily job does)."""
    from folio.db import get_engine

    book_id = None
    if book is not None:
        with cli_session() as session:
            book_id = resolve_book(session, book).id
    report = run_due(get_engine(), book_id=book_id)
    out.print(report.message, markup=False)
    if report.problems and not report.made:
        raise typer.Exit(1)
