"""Ledger commands: import, export, report, check, close."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import IO

import typer
from rich.markup import escape

from folio.books.service import resolve_book
from folio.cli_support import Format, cli_session, date_option, emit, err, fail, out, progress_bar
from folio.clock import today
from folio.errors import ValidationError
from folio.ledger import report_output as output
from folio.ledger.accounts import get_account
from folio.ledger.check import check_book
from folio.ledger.general_ledger import general_ledger
from folio.ledger.periods import check_day
from folio.ledger.reports import balance_sheet, income_statement, report_period, trial_balance
from folio.ledger.service import close_fiscal_year
from folio.ledger.transfer import export_accounts, export_journal, import_accounts, import_journal

import_app = typer.Typer(help="Import data.", no_args_is_help=True)
export_app = typer.Typer(help="Export data.", no_args_is_help=True)

BookOpt = typer.Option(None, "--book", help="Book slug (optional when there is one book)")


def _open(path: Path) -> IO[str]:
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except OSError as exc:
        fail(f"{path}: {exc.strerror}")


def _not_text(path: Path) -> ValidationError:
    return ValidationError(f"{path}: not UTF-8 text; nothing was imported")


@import_app.command("journal")
def import_journal_cmd(
    postings: Path = typer.Argument(
        ..., help="POSTINGS.csv: txn_id,date,description,party,account,amount"),
    accounts: Path | None = typer.Option(None, "--accounts", help="ACCOUNTS.csv: code,name,type"),
    book: str | None = BookOpt,
) -> None:
    """Import posted entries (and optionally accounts); all or nothing, safe to repeat."""
    # The file is streamed, not read whole: a million rows held twice cost a gigabyte.
    with _open(postings) as stream, cli_session(write=True) as session:
        target = resolve_book(session, book)
        if accounts is not None:
            with _open(accounts) as chart:
                try:
                    made = import_accounts(session, target, chart)
                except UnicodeDecodeError:
                    raise _not_text(accounts) from None
            err.print(f"Accounts: {made.created} created, {made.existing} already there.")
        with progress_bar("Importing", None) as advance:
            try:
                result = import_journal(session, target, stream, progress=advance)
            except UnicodeDecodeError:
                raise _not_text(postings) from None
    out.print(f"Imported {result.created} entries ({result.postings} postings); "
              f"skipped {result.skipped} already in the book.")


@export_app.command("journal")
def export_journal_cmd(
    book: str | None = BookOpt,
    fmt: str = typer.Option("csv", "--format", help="csv (the import's columns)"),
) -> None:
    """Write every posted entry as CSV with the import's columns."""
    if fmt != "csv":
        fail("only --format csv is supported for the journal")
    with cli_session() as session:
        export_journal(session, resolve_book(session, book), sys.stdout)


@export_app.command("accounts")
def export_accounts_cmd(book: str | None = BookOpt) -> None:
    """Write the chart of accounts as CSV (code,name,type,parent,currency)."""
    with cli_session() as session:
        export_accounts(session, resolve_book(session, book), sys.stdout)


class ReportName(StrEnum):
    trial_balance = "trial-balance"
    balance_sheet = "balance-sheet"
    income_statement = "income-statement"
    general_ledger = "general-ledger"


def report(
    name: ReportName = typer.Argument(..., help="Which report"),
    as_of: str | None = typer.Option(None, "--as-of", help="Date YYYY-MM-DD (default today)"),
    start: str | None = typer.Option(None, "--from", help="Period start YYYY-MM-DD"),
    end: str | None = typer.Option(None, "--to", help="Period end YYYY-MM-DD"),
    account: str | None = typer.Option(None, "--account", help="Account code (general ledger)"),
    page: int = typer.Option(1, "--page", min=1, help="Page of the general ledger"),
    fmt: Format = typer.Option(Format.table, "--format", help="table, csv or json"),
    book: str | None = BookOpt,
) -> None:
    """Print a report: trial balance, balance sheet, income statement or general ledger."""
    with cli_session() as session:
        target = resolve_book(session, book)
        as_of_day = check_day(date_option(as_of, "--as-of") or today(), "--as-of")
        start_day, end_day = date_option(start, "--from"), date_option(end, "--to") or as_of_day
        if start_day and start_day > end_day:
            fail("--from is after --to")
        start_day, end_day = report_period(target, start_day, end_day)
        if name is ReportName.trial_balance:
            tb = trial_balance(session, target, as_of_day)
            emit(fmt, output.trial_balance_dict(tb), output.trial_balance_table(tb),
                 f"Trial balance of {target.name} at {as_of_day}")
        elif name is ReportName.balance_sheet:
            bs = balance_sheet(session, target, as_of_day)
            emit(fmt, output.balance_sheet_dict(bs), output.balance_sheet_table(bs),
                 f"Balance sheet of {target.name} at {as_of_day}")
        elif name is ReportName.income_statement:
            inc = income_statement(session, target, start_day, end_day)
            emit(fmt, output.income_statement_dict(inc), output.income_statement_table(inc),
                 f"Income statement of {target.name}, {start_day} to {end_day}")
        else:
            if not account:
                fail("the general ledger needs --account CODE")
            gl = general_ledger(session, target, get_account(session, target, account),
                                start_day, end_day, page=page)
            emit(fmt, output.general_ledger_dict(gl), output.general_ledger_table(gl),
                 f"{gl.account.code} {gl.account.name}, {start_day} to {end_day} "
                 f"(page {gl.page} of {gl.pages})")



def check(book: str | None = BookOpt) -> None:
    """Recompute balances, check every entry balances and walk the hash chain."""
    from folio.books.service import list_books

    with cli_session() as session:
        books = [resolve_book(session, book)] if book else list_books(session)
        failed = False
        for target in books:
            with progress_bar(f"Checking {target.slug}", target.chain_seq) as advance:
                result = check_book(session, target, progress=advance)
            if result.ok:
                out.print(f"{result.book}: OK ({result.entries} entries, chain intact, "
                          f"balances match)")
            else:
                failed = True
                for problem in result.problems:
                    err.print(f"[red]{escape(f'{result.book}: {problem}')}[/]",
                              highlight=False)
    if failed:
        raise typer.Exit(1)


def close_year(
    year_end: str = typer.Argument(..., help="Any date in the fiscal year to close"),
    book: str | None = BookOpt,
) -> None:
    """Close a fiscal year: post income and expenses to retained earnings and lock it."""
    day = date_option(year_end, "YEAR_END")
    assert day is not None
    with cli_session(write=True) as session:
        entry = close_fiscal_year(session, resolve_book(session, book), day)
        out.print(f"Closed; closing entry {entry.number}." if entry else
                  "Closed; the year had no income or expenses.")
