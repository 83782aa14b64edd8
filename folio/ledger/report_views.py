"""Report pages: trial balance, balance sheet, income statement, general ledger.

Each page calls the same report function as ``/api/v1/books/{slug}/reports/...`` and links
every row one level down: report, then the account's general ledger for the same period,
then the entry.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from folio.books.service import fiscal_year_start
from folio.clock import today
from folio.deps import BookDep, SessionDep
from folio.i18n import N_
from folio.ledger.accounts import get_account, list_accounts
from folio.ledger.general_ledger import general_ledger
from folio.ledger.models import AccountType
from folio.ledger.reports import balance_sheet, income_statement, report_period, trial_balance
from folio.web.forms import Blankable
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}/reports", include_in_schema=False)
DateQuery = Annotated[date | None, Blankable, Query()]
FromQuery = Annotated[date | None, Blankable, Query(alias="from")]
ToQuery = Annotated[date | None, Blankable, Query(alias="to")]
LEDGER_PAGE_SIZE = 100
# Labels the report functions give rows that are not accounts; translated when shown.
REPORT_LABELS = (N_("Current year earnings"), N_("Retained earnings of prior years (not closed)"))


@router.get("/trial-balance", name="reports.trial_balance")
def trial_balance_page(request: Request, book: BookDep, session: SessionDep,
                       as_of: DateQuery = None) -> HTMLResponse:
    report = trial_balance(session, book, as_of or today())
    return render(request, "reports/trial_balance.html", {
        "book": book, "report": report, "year_start": fiscal_year_start(book, report.as_of)})


@router.get("/balance-sheet", name="reports.balance_sheet")
def balance_sheet_page(request: Request, book: BookDep, session: SessionDep,
                       as_of: DateQuery = None) -> HTMLResponse:
    report = balance_sheet(session, book, as_of or today())
    return render(request, "reports/balance_sheet.html", {
        "book": book, "report": report, "year_start": fiscal_year_start(book, report.as_of)})


@router.get("/income-statement", name="reports.income_statement")
def income_statement_page(request: Request, book: BookDep, session: SessionDep,
                          start: FromQuery = None, end: ToQuery = None) -> HTMLResponse:
    report = income_statement(session, book, *report_period(book, start, end))
    return render(request, "reports/income_statement.html", {"book": book, "report": report})


@router.get("/general-ledger", name="reports.general_ledger")
def general_ledger_page(request: Request, book: BookDep, session: SessionDep,
                        account: Annotated[str | None, Query(max_length=20)] = None,
                        start: FromQuery = None, end: ToQuery = None,
                        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> HTMLResponse:
    start, end = report_period(book, start, end)
    report = None
    if account:
        report = general_ledger(session, book, get_account(session, book, account), start, end,
                                page=page, page_size=LEDGER_PAGE_SIZE)
    sign = -1 if report and AccountType(report.account.type).credit_normal else 1
    return render(request, "reports/general_ledger.html", {
        "book": book, "report": report, "start": start, "end": end, "sign": sign,
        "accounts": [a for a in list_accounts(session, book) if not a.is_group]})
