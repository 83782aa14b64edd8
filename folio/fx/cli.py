"""``folio fx``: exchange rates (add, import, list) and period-end revaluation."""

from __future__ import annotations

from pathlib import Path

import typer

from folio.books.service import resolve_book
from folio.cli_support import Format, cli_session, date_option, emit, fail, out, progress_bar
from folio.errors import ValidationError
from folio.fx.rates import MAX_ROWS, import_rates, list_rates, parse_rate, set_rate
from folio.fx.revaluation import plan_revaluation, revalue

app = typer.Typer(help="Exchange rates and revaluation of foreign-currency items.",
                  no_args_is_help=True)
rates_app = typer.Typer(help="Exchange rates to the book's currency.", no_args_is_help=True)
app.add_typer(rates_app, name="rates")
BookOpt = typer.Option(None, "--book", help="Book slug (optional when there is one book)")
FormatOpt = typer.Option(Format.table, "--format", help="table, csv or json")
MAX_FILE_BYTES = 20 * 1024 * 1024


@rates_app.command("add")
def add(currency: str = typer.Argument(..., help="ISO 4217 code, e.g. USD"),
        day: str = typer.Argument(..., metavar="DATE", help="YYYY-MM-DD"),
        rate: str = typer.Argument(..., help="Base-currency units per unit: 16250 or "
                                             "16.250,50"),
        book: str | None = BookOpt) -> None:
    """Enter (or correct) the rate of CURRENCY on DATE."""
    when = date_option(day, "DATE")
    assert when is not None
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        try:
            value = parse_rate(rate)
        except ValidationError as exc:
            fail(f"RATE: {exc.detail}")
        row = set_rate(session, target, currency, when, value)
        session.commit()
        out.print(f"{row.currency} on {row.date.isoformat()}: {format(row.rate, 'f')} "
                  f"{target.base_currency}", highlight=False)


@rates_app.command("import")
def import_file(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                            help="CSV with the columns date,currency,rate"),
                book: str | None = BookOpt) -> None:
    """Import rates from a CSV file: every row or, when one is wrong, none."""
    if file.stat().st_size > MAX_FILE_BYTES:
        fail(f"{file.name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    data = file.read_bytes()
    rows = min(data.count(b"\n"), MAX_ROWS)
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        with progress_bar("Importing rates", rows) as advance:
            count = import_rates(session, target, data, progress=advance)
        session.commit()
    out.print(f"{count} exchange rate(s) imported from {file.name}.", highlight=False)


@rates_app.command("list")
def list_command(currency: str | None = typer.Option(None, "--currency"),
                 start: str | None = typer.Option(None, "--from", help="YYYY-MM-DD"),
                 end: str | None = typer.Option(None, "--to", help="YYYY-MM-DD"),
                 limit: int = typer.Option(100, "--limit", min=1, max=500),
                 book: str | None = BookOpt, fmt: Format = FormatOpt) -> None:
    """Rates newest first."""
    with cli_session() as session:
        target = resolve_book(session, book)
        found = list_rates(session, target, currency=currency,
                           start=date_option(start, "--from"), end=date_option(end, "--to"),
                           page_size=limit)
        rows = [{"date": r.date.isoformat(), "currency": r.currency,
                 "rate": format(r.rate, "f"), "source": r.source} for r in found.rates]
    emit(fmt, {"base_currency": target.base_currency, "total": found.total, "rates": rows},
         (["date", "currency", "rate", "source"],
          [[r["date"], r["currency"], r["rate"], r["source"]] for r in rows]),
         title=f"Exchange rates to {target.base_currency}")


@app.command("revalue")
def revalue_command(day: str = typer.Option(..., "--date", help="The closing day, YYYY-MM-DD"),
                    dry_run: bool = typer.Option(False, "--dry-run",
                                                 help="Show the figures; post nothing"),
                    book: str | None = BookOpt, fmt: Format = FormatOpt) -> None:
    """Revalue open foreign-currency items at the closing rate; reversed the next day."""
    when = date_option(day, "--date")
    assert when is not None
    with cli_session(write=not dry_run) as session:
        target = resolve_book(session, book)
        plan = plan_revaluation(session, target, when) if dry_run \
            else revalue(session, target, when)
        if not dry_run:
            session.commit()
        data = plan.as_dict()
    items = data["items"]
    emit(fmt, data, (["kind", "reference", "currency", "amount", "closing_rate", "carried",
                      "revalued", "difference"],
                     [[i["kind"], i["reference"], i["currency"], i["amount"], i["closing_rate"],
                       i["carried"], i["revalued"], i["difference"]] for i in items]),
         title=f"Revaluation at {when.isoformat()}")
    if fmt is Format.table:
        verb = "would post" if dry_run else "posted"
        out.print(f"Net unrealised gain/loss {verb}: {data['net']} {target.base_currency}"
                  + (f" (entry {data['entry_id']}, reversed by entry "
                     f"{data['reversal_entry_id']})" if data["entry_id"] else ""),
                  highlight=False)
