"""``folio budget``, ``folio recurring-tx``, ``folio goals`` and the personal reports."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from tests.conftest import Cli, post, said
from tests.personal.conftest import CHECKING, GROCERIES, OPENING, SAVINGS, SUBSCRIPTIONS


def test_budget_set_copy_and_show(cli: Cli, session: Session, household: Book) -> None:
    post(session, household, "2026-10-12", [(GROCERIES, 1_500_000), (CHECKING, -1_500_000)])
    session.close()

    set_ = cli("budget", "set", "2026-10", GROCERIES, "2000000", "--rollover")
    copy = cli("budget", "copy", "2026-11")
    shown = cli("budget", "show", "2026-11", "--format", "json")
    report = cli("report", "budget", "--month", "2026-11", "--format", "csv")

    assert set_.exit_code == 0, said(set_)
    assert "2000000 IDR with rollover" in said(set_)
    assert "Copied 1 budget into 2026-11" in said(copy)
    data = json.loads(shown.stdout)
    assert data["categories"][0]["available"] == "2500000"
    assert report.stdout.splitlines()[1].startswith(f"{GROCERIES},Groceries,2000000,500000,0,")


@pytest.mark.parametrize(("args", "message"), [
    (("budget", "set", "2026-13", GROCERIES, "1"), "not a month"),
    (("budget", "set", "2026-11", GROCERIES, "--", "-5"), "cannot be negative"),
    (("budget", "set", "2026-11", CHECKING, "5"), "asset account"),
    (("budget", "set", "2026-11", "4242", "5"), "no account"),
])
def test_bad_budgets_exit_non_zero_and_write_nothing(
        cli: Cli, household: Book, counts: Callable[[], dict[str, int]],
        args: tuple[str, ...], message: str) -> None:
    before = counts()
    result = cli(*args)
    assert result.exit_code == 1, said(result)
    assert message in said(result)
    assert counts() == before


def test_recurring_add_list_and_record(cli: Cli, household: Book) -> None:
    added = cli("recurring-tx", "add", "Netflix", "186000", "--category", SUBSCRIPTIONS,
                "--from", CHECKING, "--next", "2026-10-31", "--payee", "Netflix")
    assert added.exit_code == 0, said(added)

    recorded = cli("recurring-tx", "record", "1")
    listed = cli("recurring-tx", "list", "--format", "json")

    assert "on 2026-10-31; next on 2026-11-30" in said(recorded)
    (item,) = json.loads(listed.stdout)["recurring"]
    assert (item["name"], item["next_date"], item["last_entry_id"]) == (
        "Netflix", "2026-11-30", 1)


def test_recording_an_unknown_series_fails(cli: Cli, household: Book) -> None:
    result = cli("recurring-tx", "record", "42")
    assert result.exit_code == 1
    assert "No recurring transaction 42" in said(result)


def test_goals_add_contribute_list(cli: Cli, session: Session, household: Book) -> None:
    post(session, household, "2026-01-05", [(SAVINGS, 3_000_000), (OPENING, -3_000_000)])
    session.close()

    assert cli("goals", "add", "Motor", "12000000", "--account", SAVINGS).exit_code == 0
    assert cli("goals", "add", "Lebaran", "1000000").exit_code == 0
    given = cli("goals", "contribute", "2", "250000")
    listed = cli("goals", "list", "--format", "csv")

    assert "Lebaran: 250000 IDR saved" in said(given)
    rows = listed.stdout.splitlines()
    assert rows[0] == "id,name,target_amount,target_date,current,percent,monthly_needed,account"
    assert "1,Motor,12000000,,3000000,25.0,,1030" in rows


def test_net_worth_and_forecast_reports(cli: Cli, session: Session, household: Book) -> None:
    post(session, household, "2026-01-05", [(CHECKING, 5_000_000), (OPENING, -5_000_000)])
    session.close()

    worth = cli("report", "net-worth", "--months", "24", "--format", "json")
    ahead = cli("report", "forecast", "--format", "table")
    bad = cli("report", "forecast", "--months", "99")

    assert json.loads(worth.stdout)["current"] == "5000000"
    assert len(json.loads(worth.stdout)["points"]) == 24
    assert ahead.exit_code == 0, said(ahead)
    assert "5000000" in said(ahead)
    assert bad.exit_code == 1
    assert "from 1 to 24" in said(bad)
