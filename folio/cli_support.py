"""What every CLI command shares: sessions, error exits, output formats, progress bars."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from enum import StrEnum
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from sqlalchemy.orm import Session

from folio.auth.actor import SYSTEM, Actor
from folio.db import transaction
from folio.errors import FolioError

err = Console(stderr=True)
out = Console()


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def fail(message: str, code: int = 1) -> NoReturn:
    # Messages quote user input (names, txn_ids): escape it so "[/]" is text, not markup.
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True)
    raise typer.Exit(code)


def date_option(value: str | None, option: str) -> date | None:
    """An optional YYYY-MM-DD option's date; a bad one exits naming ``option``."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a date in the form YYYY-MM-DD")


def cli_actor() -> Actor:
    """The CLI acts with the machine's authority; the audit log names the OS account."""
    import getpass

    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. an arbitrary container uid
        who = "unknown"
    return replace(SYSTEM, label=f"cli:{who}")


@contextmanager
def cli_session(write: bool = False) -> Iterator[Session]:
    """A transaction for one command; a domain error becomes a message and exit status 1."""
    try:
        with transaction(write=write, actor=cli_actor()) as session:
            yield session
    except FolioError as exc:
        details = [f"  {e.get('field', '')}: {e['message']}" for e in exc.errors
                   if e.get("message") and e["message"] not in exc.detail]
        fail("\n".join([exc.detail, *details]))


def emit(fmt: Format, data: dict[str, Any], table: tuple[list[str], list[list[str]]],
         title: str = "") -> None:
    """Print a report as a Rich table, CSV or JSON."""
    header, rows = table
    if fmt is Format.json:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    elif fmt is Format.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    else:
        grid = Table(title=escape(title) if title else None, show_lines=False)
        numeric = {"debit", "credit", "balance", "amount", "previous"}
        for name in header:
            grid.add_column(name, justify="right" if name in numeric else "left")
        for row in rows:
            grid.add_row(*[Text(str(c)) for c in row])  # cells are data, never markup
        out.print(grid)


@contextmanager
def progress_bar(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A Rich progress bar on a terminal; silent otherwise."""
    if not err.is_terminal:
        yield lambda _n: None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=False) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
