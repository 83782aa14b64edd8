"""``folio books``: create and list books."""

from __future__ import annotations

import typer
from rich.markup import escape

from folio.books.service import BookInput, create_book, list_books
from folio.cli_support import cli_session, out
from folio.ledger.charts import CHART_TEMPLATES

app = typer.Typer(help="Create and list books.", no_args_is_help=True)


@app.command("create")
def create(
    slug: str = typer.Argument(..., help="Short name used in URLs and --book, e.g. acme"),
    name: str = typer.Option(..., "--name", help="The book's full name"),
    currency: str = typer.Option(..., "--currency", help="Base currency, ISO 4217 (IDR, USD)"),
    locale: str = typer.Option("en_US", "--locale", help="Formatting locale (id_ID, en_IN)"),
    chart: str = typer.Option("generic", "--chart",
                              help=f"Chart template: {'|'.join(CHART_TEMPLATES)}"),
    country: str | None = typer.Option(None, "--country", help="ISO 3166 country (ID, IN)"),
    fiscal_year_start: int = typer.Option(1, "--fiscal-year-start",
                                          help="Month the fiscal year starts (4 for India)"),
) -> None:
    """Create a book with a chart of accounts."""
    with cli_session(write=True) as session:
        book = create_book(session, BookInput(
            slug=slug, name=name, base_currency=currency.upper(), locale=locale,
            country=country.upper() if country else None, fiscal_year_start=fiscal_year_start,
            chart=chart))
        out.print(f"Created book [bold]{book.slug}[/] ({escape(book.name)}, "
                  f"{book.base_currency}, chart {chart}).")


@app.command("list")
def list_() -> None:
    """List the books in this database."""
    with cli_session() as session:
        for book in list_books(session):  # tab-separated for scripts, so no Rich
            typer.echo(f"{book.slug}\t{book.name}\t{book.base_currency}\t{book.locale}")
