"""Sales by customer, item and project, and project profitability, hand-computed from
tests/sales/analysis_data.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import NotFound, ValidationError
from folio.ledger.reports import income_statement
from folio.parties.models import Party
from folio.sales.analysis import sales_by, sales_dict, sales_table
from folio.sales.profitability import (
    profitability_dict,
    profitability_table,
    project_profitability,
)
from tests.sales.analysis_data import November, build_november

NOV = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def november(session: Session, studio: Book, client_co: Party) -> November:
    return build_november(session, studio, client_co)


def test_sales_by_customer_take_credit_notes_off_and_leave_drafts_and_voids_out(
        session: Session, november: November) -> None:
    data = sales_dict(sales_by(session, november.book, "customer", *NOV))
    assert [(r["customer"], r["documents"], r["net"]) for r in data["rows"]] == [
        ("CV Beta", 1, "20500000"), ("PT Klien Maju", 2, "5000000")]
    assert data["total_net"] == "25500000"


def test_sales_by_item_count_quantities_and_show_lines_without_an_item(
        session: Session, november: November) -> None:
    data = sales_dict(sales_by(session, november.book, "item", *NOV))
    assert [(r["code"], r["item"], r["quantity"], r["net"]) for r in data["rows"]] == [
        ("LAPTOP", "Laptop", "1", "20000000"), ("DESIGN", "Design", "1", "5000000"),
        (None, None, "1", "500000")]
    header, rows = sales_table(sales_by(session, november.book, "item", *NOV))
    assert header == ["code", "item", "quantity", "documents", "net"]
    assert rows[2][1] == "(no item)"
    assert rows[-1] == ["", "Total", "", "", "25500000"]


def test_sales_by_project(session: Session, november: November) -> None:
    data = sales_dict(sales_by(session, november.book, "project", *NOV))
    assert [(r["code"], r["net"]) for r in data["rows"]] == [(None, "20500000"),
                                                             ("P1", "5000000")]


@pytest.mark.parametrize("by", ["customer", "item", "project"])
def test_every_grouping_adds_up_to_the_income_statements_revenue(
        session: Session, november: November, by: str) -> None:
    report = sales_by(session, november.book, by, *NOV)
    revenue = income_statement(session, november.book, *NOV).income.total
    assert report.net == revenue == 25_500_000


def test_the_period_defaults_to_the_fiscal_year_and_a_reversed_one_is_refused(
        session: Session, november: November) -> None:
    with pytest.raises(ValidationError):
        sales_by(session, november.book, "customer", date(2026, 12, 1), date(2026, 11, 1))
    with pytest.raises(ValidationError) as caught:
        sales_by(session, november.book, "colour", *NOV)
    assert caught.value.errors[0]["field"] == "by"
    october = sales_by(session, november.book, "customer", date(2026, 10, 1),
                       date(2026, 10, 31))
    assert october.net == 7_000_000


def test_project_profitability_sets_bills_and_expenses_against_revenue(
        session: Session, november: November) -> None:
    report = project_profitability(session, november.book)
    [row] = report.rows
    assert (row.revenue, row.bill_costs, row.expense_costs) == (5_000_000, 3_000_000,
                                                                1_000_000)
    assert row.margin == 1_000_000
    assert row.margin_percent == Decimal("20.0")
    assert row.budget_used_percent == Decimal("20.0")
    data = profitability_dict(report)
    assert data["projects"][0]["customer"] == "PT Klien Maju"
    assert data["total_margin"] == "1000000"
    _header, rows = profitability_table(report)
    assert rows[0][:7] == ["P1", "Rebrand", "PT Klien Maju", "5000000", "4000000", "1000000",
                           "20.0"]


def test_profitability_of_a_period_and_of_one_project(session: Session,
                                                      november: November) -> None:
    early = project_profitability(session, november.book, project_id=november.project.id,
                                  start=date(2026, 11, 1), end=date(2026, 11, 10))
    [row] = early.rows
    assert (row.revenue, row.costs) == (10_000_000, 3_000_000)  # before the credit note
    assert row.margin_percent == Decimal("70.0")
    with pytest.raises(NotFound):
        project_profitability(session, november.book, project_id=999_999)
    with pytest.raises(ValidationError):
        project_profitability(session, november.book, start=date(2026, 12, 1),
                              end=date(2026, 1, 1))


def test_a_project_without_revenue_has_no_margin_percent(session: Session, studio: Book,
                                                         client_co: Party) -> None:
    from folio.sales.projects import ProjectInput, create_project

    create_project(session, studio, ProjectInput(customer_id=client_co.id, code="EMPTY",
                                                 name="Nothing yet"))
    [row] = project_profitability(session, studio).rows
    assert row.margin == 0
    assert row.margin_percent is None
    assert row.budget_used_percent is None
    assert profitability_dict(project_profitability(session, studio))["projects"][0][
        "margin_percent"] is None
