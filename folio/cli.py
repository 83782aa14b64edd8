"""The ``folio`` command."""

from __future__ import annotations

import typer

from folio.auth.cli import app as users_app
from folio.auth.tokens_cli import app as tokens_app
from folio.banking import cli as banking_cli
from folio.books.cli import app as books_app
from folio.cli_support import cli_session, err, fail, out
from folio.fx import cli as fx_cli
from folio.ledger import cli as ledger_cli
from folio.ops import alerts_cli, jobs_cli
from folio.ops.backup import cli as backup_cli
from folio.outbox import cli as outbox_cli
from folio.personal import cli as personal_cli
from folio.purchases import cli as purchases_cli
from folio.sales import payment_cli, recurring_cli
from folio.sales.analysis_cli import leads_app, report_app
from folio.sales.cli import app as invoices_app
from folio.sales.cli import quotations_app

app = typer.Typer(help="Folio: bookkeeping, invoicing and business finance.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(books_app, name="books")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(invoices_app, name="invoices")
app.add_typer(purchases_cli.bills_app, name="bills")
app.add_typer(purchases_cli.expenses_app, name="expenses")
app.add_typer(purchases_cli.credits_app, name="vendor-credits")
app.add_typer(quotations_app, name="quotations")
app.add_typer(backup_cli.app, name="backup")
app.add_typer(jobs_cli.app, name="jobs")
app.add_typer(outbox_cli.app, name="mail")
app.add_typer(recurring_cli.app, name="recurring")
app.add_typer(alerts_cli.app, name="alerts")
app.add_typer(ledger_cli.import_app, name="import")
ledger_cli.import_app.command("bank")(banking_cli.import_bank)
app.add_typer(banking_cli.app, name="bank")
app.add_typer(ledger_cli.export_app, name="export")
# ``folio report NAME``: the ledger's reports and the sales and tax reports, one group.
app.add_typer(report_app, name="report")
report_app.command("net-worth")(personal_cli.net_worth_report)
report_app.command("budget")(personal_cli.budget_report)
report_app.command("forecast")(personal_cli.forecast_report)
app.add_typer(personal_cli.budget_app, name="budget")
app.add_typer(personal_cli.recurring_app, name="recurring-tx")
app.add_typer(personal_cli.goals_app, name="goals")
app.add_typer(leads_app, name="leads")
app.add_typer(fx_cli.app, name="fx")
app.add_typer(payment_cli.app, name="payments")
app.command("check")(ledger_cli.check)
app.command("close-year")(ledger_cli.close_year)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply database migrations."""
    from folio.db import get_engine
    from folio.migrate import current_revision, upgrade

    engine = get_engine()
    upgrade(engine, revision)
    out.print(f"Database at revision {current_revision(engine)}.")


@app.command()
def demo(
    first_run: bool = typer.Option(False, "--first-run",
                                   help="Only when the database has no book yet"),
) -> None:
    """Create the demo agency book (IDR) with a year of transactions."""
    from folio.books.service import list_books
    from folio.demo import DEMO_SLUG, create_demo_book

    with cli_session(write=True) as session:
        books = list_books(session)
        if first_run and books:
            return
        if any(b.slug == DEMO_SLUG for b in books):
            out.print(f"The demo book '{DEMO_SLUG}' is already here.")
            return
        book = create_demo_book(session)
        out.print(f"Created the demo book [bold]{book.slug}[/] with {book.chain_seq} entries.")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind"),
    port: int = typer.Option(8000, "--port", help="Port"),
    reload: bool = typer.Option(False, "--reload", help="Reload on code changes"),
) -> None:
    """Serve the web app and API."""
    import os

    import uvicorn

    from folio.settings import get_settings

    try:
        settings = get_settings()  # production refuses a weak SECRET_KEY here, before binding
    except ValueError as exc:
        fail(str(exc))
    # The app reads where it is served from the settings (the setup link names it).
    os.environ["HOST"], os.environ["PORT"] = host, str(port)
    get_settings.cache_clear()
    if host not in ("127.0.0.1", "localhost", "::1") and settings.FOLIO_ENV != "production":
        err.print("[yellow]note:[/] serving on a public address outside production: cookies "
                  "are not marked Secure and HSTS is off; put Folio behind TLS "
                  "(docs/deploy.md) and set FOLIO_ENV=production.")
    uvicorn.run("folio.app:create_app", factory=True, host=host, port=port, reload=reload,
                proxy_headers=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
