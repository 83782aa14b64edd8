"""``folio budget``, ``folio recurring-tx``, ``folio goals``, and the personal reports that
``folio report`` mounts (net-worth, budget, forecast)."""

from __future__ import annotations

from decimal import Decimal

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.books.service import resolve_book
from folio.cli_support import Format, cli_session, date_option, emit, out
from folio.clock import today
from folio.ledger.models import Account
from folio.money import decimal_str, parse_amount
from folio.personal import output
from folio.personal.budget_report import budget_vs_actual
from folio.personal.budgets import BudgetInput, copy_budgets, set_budget
from folio.personal.forecast import forecast
from folio.personal.goals import GoalInput, contribute, create_goal, get_goal, list_goals
from folio.personal.months import month_text
from folio.personal.networth import net_worth
from folio.personal.recurring import (
    RecurringInput,
    create_recurring,
    get_recurring,
    list_recurring,
    record_now,
)

budget_app = typer.Typer(help="Monthly budgets per spending category.", no_args_is_help=True)
recurring_app = typer.Typer(help="Recurring transactions: subscriptions, bills, income.",
                            no_args_is_help=True)
goals_app = typer.Typer(help="Savings goals.", no_args_is_help=True)
BookOpt = typer.Option(None, "--book", help="Book slug (optional when there is one book)")
FormatOpt = typer.Option(Format.table, "--format", help="table, csv or json")


def _amount(book: Book, text: str, field: str = "amount") -> Decimal:
    return parse_amount(text, book.base_currency, field=field)


def _this_month() -> str:
    return month_text(today().replace(day=1))


def _codes(session: Session, book: Book) -> dict[int, str]:
    return {aid: code for aid, code in session.execute(
        select(Account.id, Account.code).where(Account.book_id == book.id))}


# folio budget ---------------------------------------------------------------------------

@budget_app.command("set")
def budget_set(
    month: str = typer.Argument(..., help="Month, YYYY-MM"),
    account: str = typer.Argument(..., help="Expense account (or group) code"),
    amount: str = typer.Argument(..., help="Amount in the book's currency, e.g. 2000000"),
    rollover: bool = typer.Option(False, "--rollover/--no-rollover",
                                  help="Carry what is left (or overspent) into next month"),
    book: str | None = BookOpt,
) -> None:
    """Set the budget of one category for one month."""
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        budget = set_budget(session, target, BudgetInput(
            month=month, account=account, amount=_amount(target, amount), rollover=rollover))
        out.print(f"Budget of {account} for {month}: "
                  f"{decimal_str(budget.amount, target.base_currency)} "
                  f"{target.base_currency}{' with rollover' if budget.rollover else ''}.")


@budget_app.command("show")
def budget_show(
    month: str | None = typer.Argument(None, help="Month, YYYY-MM (default: this month)"),
    fmt: Format = FormatOpt, book: str | None = BookOpt,
) -> None:
    """Budget against actual for a month."""
    with cli_session() as session:
        target = resolve_book(session, book)
        report = budget_vs_actual(session, target, month or _this_month())
        emit(fmt, output.budget_dict(report), output.budget_table(report),
             f"Budget of {target.name}, {month_text(report.month)}")


@budget_app.command("copy")
def budget_copy(
    month: str = typer.Argument(..., help="The month to fill, YYYY-MM"),
    book: str | None = BookOpt,
) -> None:
    """Copy the previous month's budgets into MONTH (categories it has stay as they are)."""
    with cli_session(write=True) as session:
        made = copy_budgets(session, resolve_book(session, book), month)
        out.print(f"Copied {len(made)} budget{'s' if len(made) != 1 else ''} into {month}.")


# folio recurring-tx ---------------------------------------------------------------------

@recurring_app.command("list")
def recurring_list(fmt: Format = FormatOpt, book: str | None = BookOpt) -> None:
    """Recurring transactions, soonest first."""
    with cli_session() as session:
        target = resolve_book(session, book)
        items = list_recurring(session, target)
        codes = _codes(session, target)
        emit(fmt, {"book": target.slug, "recurring": [
            output.recurring_dict(i, codes, target.base_currency) for i in items]},
            output.recurring_table(items, codes, target.base_currency),
            f"Recurring transactions of {target.name}")


@recurring_app.command("add")
def recurring_add(
    name: str = typer.Argument(..., help="What it is, e.g. Netflix"),
    amount: str = typer.Argument(..., help="Amount per occurrence"),
    category: str = typer.Option(..., "--category", help="Expense (or income) account code"),
    money_account: str = typer.Option(..., "--from", "--account",
                                      help="Asset or liability account the money moves through"),
    next_date: str = typer.Option(..., "--next", help="Next due date, YYYY-MM-DD"),
    kind: str = typer.Option("subscription", "--kind", help="subscription, bill or income"),
    frequency: str = typer.Option("monthly", "--every",
                                  help="weekly, monthly, quarterly or yearly"),
    interval: int = typer.Option(1, "--interval", help="Every N weeks/months/quarters/years"),
    payee: str | None = typer.Option(None, "--payee", help="Who is paid (or pays)"),
    end_date: str | None = typer.Option(None, "--until", help="Last date, YYYY-MM-DD"),
    book: str | None = BookOpt,
) -> None:
    """Add a recurring transaction."""
    day = date_option(next_date, "--next")
    assert day is not None
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        item = create_recurring(session, target, RecurringInput(
            name=name, amount=_amount(target, amount), category=category,
            money_account=money_account, next_date=day, kind=kind, frequency=frequency,
            interval=interval, payee=payee, end_date=date_option(end_date, "--until")))
        out.print(f"Added recurring transaction {item.id}: {item.name}, next on "
                  f"{item.next_date.isoformat()}.")


@recurring_app.command("record")
def recurring_record(
    recurring_id: int = typer.Argument(..., help="The recurring transaction's id"),
    on: str | None = typer.Option(None, "--on", help="Entry date (default: the due date)"),
    book: str | None = BookOpt,
) -> None:
    """Post the due occurrence and move the series on to its next date."""
    day = date_option(on, "--on")
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        item = get_recurring(session, target, recurring_id, for_update=True)
        entry = record_now(session, target, item, on=day)
        follow = f"next on {item.next_date.isoformat()}" if item.active else "the series ended"
        out.print(f"Posted entry {entry.number} for {item.name} on {entry.date.isoformat()}; "
                  f"{follow}.")


# folio goals ----------------------------------------------------------------------------

@goals_app.command("list")
def goals_list(fmt: Format = FormatOpt, book: str | None = BookOpt) -> None:
    """Savings goals with their progress and what to save each month."""
    with cli_session() as session:
        target = resolve_book(session, book)
        rows = list_goals(session, target)
        cur = target.base_currency
        emit(fmt, {"book": target.slug, "goals": [output.goal_dict(r, cur) for r in rows]},
             output.goals_table(rows, cur), f"Savings goals of {target.name}")


@goals_app.command("add")
def goals_add(
    name: str = typer.Argument(..., help="The goal, e.g. Emergency fund"),
    target_amount: str = typer.Argument(..., help="Amount to reach"),
    by: str | None = typer.Option(None, "--by", help="Target date, YYYY-MM-DD"),
    account: str | None = typer.Option(None, "--account",
                                       help="Asset account whose balance is the progress"),
    book: str | None = BookOpt,
) -> None:
    """Add a savings goal."""
    day = date_option(by, "--by")
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        goal = create_goal(session, target, GoalInput(
            name=name, target_amount=_amount(target, target_amount, "target_amount"),
            target_date=day, account=account))
        out.print(f"Added goal {goal.id}: {goal.name}.")


@goals_app.command("contribute")
def goals_contribute(
    goal_id: int = typer.Argument(..., help="The goal's id"),
    amount: str = typer.Argument(..., help="Amount to add (negative: take back)"),
    book: str | None = BookOpt,
) -> None:
    """Record a manual contribution to a goal without a linked account."""
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        goal = contribute(session, target, get_goal(session, target, goal_id, for_update=True),
                          _amount(target, amount))
        out.print(f"{goal.name}: {decimal_str(goal.contributed, target.base_currency)} "
                  f"{target.base_currency} saved.")


# folio report net-worth|budget|forecast (commands of the ``folio report`` group) --------

def net_worth_report(
    months: int = typer.Option(12, "--months", help="Month ends to show (1 to 120)"),
    fmt: Format = FormatOpt, book: str | None = BookOpt,
) -> None:
    """Net worth (assets less liabilities) at each month's end, and today."""
    with cli_session() as session:
        target = resolve_book(session, book)
        worth = net_worth(session, target, months)
        emit(fmt, output.net_worth_dict(worth), output.net_worth_table(worth),
             f"Net worth of {target.name}")


def budget_report(
    month: str | None = typer.Option(None, "--month", help="Month YYYY-MM (default: this "
                                                           "month)"),
    fmt: Format = FormatOpt, book: str | None = BookOpt,
) -> None:
    """Budget against actual for a month."""
    budget_show(month, fmt, book)


def forecast_report(
    months: int = typer.Option(3, "--months", help="Months ahead (1 to 24)"),
    fmt: Format = FormatOpt, book: str | None = BookOpt,
) -> None:
    """Expected income, expenses and money-account balance for the coming months."""
    with cli_session() as session:
        target = resolve_book(session, book)
        ahead = forecast(session, target, months)
        emit(fmt, output.forecast_dict(ahead), output.forecast_table(ahead),
             f"Forecast of {target.name}")
