"""Personal-finance pages: the overview with its three charts, and (mounted here) the
budget editor, recurring transactions and savings goals. Rules stay in the services."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from folio.clock import today
from folio.deps import BookDep, SessionDep
from folio.errors import ValidationError
from folio.ledger.periods import add_months, month_start
from folio.ledger.summary import monthly_results
from folio.money import exponent
from folio.personal import budget_views, goal_views, recurring_views
from folio.personal.budget_report import budget_vs_actual
from folio.personal.forecast import forecast
from folio.personal.months import month_text, parse_month
from folio.personal.networth import net_worth
from folio.personal.spending import spending_by_category
from folio.web.forms import Blankable
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}/personal", include_in_schema=False)
MonthParam = Annotated[str | None, Blankable, Query(max_length=20)]
CHART_MONTHS = 12


def page_month(month: str | None) -> date:
    """The month a page shows: the one asked for, else this month; a bad one is a 422."""
    return parse_month(month) if month else month_start(today())


@router.get("", name="personal.overview")
def overview_page(request: Request, book: BookDep, session: SessionDep,
                  month: MonthParam = None) -> HTMLResponse:
    """Where the money goes this month, income against expenses, and net worth."""
    try:
        first = page_month(month)
    except ValidationError as exc:
        first, error = month_start(today()), exc.detail
    else:
        error = ""
    day = today()
    spending = spending_by_category(session, book, first)
    trend = monthly_results(session, book, day, CHART_MONTHS)
    worth = net_worth(session, book, CHART_MONTHS, today=day)
    budget = budget_vs_actual(session, book, month_text(first))
    ahead = forecast(session, book, 1, today=day)
    charts: dict[str, Any] = {
        "exponent": exponent(book.base_currency), "currency": book.base_currency,
        "locale": book.locale.replace("_", "-"),
        "spending": {"values": [row.amount for row in spending]},
        "cashflow": {"values_income": [r.income for r in trend],
                     "values_expenses": [r.expenses for r in trend]},
        "net_worth": {"values": [p.net_worth for p in worth.points]},
    }
    return render(request, "personal/overview.html", {
        "book": book, "month": first, "month_text": month_text(first),
        "previous_month": month_text(add_months(first, -1)),
        "next_month": month_text(add_months(first, 1)), "error": error,
        "spending": spending, "spending_total": sum(r.amount for r in spending),
        "trend": trend, "worth": worth, "budget": budget, "ahead": ahead.months[0],
        "charts": charts}, status_code=422 if error else 200)


router.include_router(budget_views.router)
router.include_router(recurring_views.router)
router.include_router(goal_views.router)
