"""Receivables pages: the aging of what customers owe, and one customer's statement."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from folio.clock import today
from folio.deps import BookDep, SessionDep
from folio.errors import FolioError
from folio.parties.models import Party
from folio.parties.service import get_party
from folio.sales.reports import customer_statement, receivables_aging
from folio.web.forms import Blankable
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}/receivables", include_in_schema=False)


@router.get("/aging", name="sales.receivables_aging")
def aging_page(request: Request, book: BookDep, session: SessionDep,
               as_of: Annotated[date | None, Blankable, Query()] = None) -> HTMLResponse:
    """What each customer owed on a day, by days past due."""
    day = as_of or today()
    return render(request, "sales/aging.html", {
        "book": book, "report": receivables_aging(session, book, day),
        "as_of": day})


@router.get("/statement", name="sales.customer_statement")
def statement_page(
    request: Request, book: BookDep, session: SessionDep,
    customer: Annotated[int | None, Blankable, Query(ge=1, lt=2**63)] = None,
    start: Annotated[date | None, Blankable, Query(alias="from")] = None,
    end: Annotated[date | None, Blankable, Query(alias="to")] = None,
) -> HTMLResponse:
    """A customer's opening balance, documents and payments in a period, and closing."""
    end = end or today()
    start = start or date(end.year, 1, 1)
    customers = list(session.scalars(select(Party).where(
        Party.book_id == book.id, Party.is_customer.is_(True)).order_by(Party.name)))
    report, error, status = None, "", 200
    if customer is not None:
        try:
            report = customer_statement(session, book, get_party(session, book, customer),
                                        start, end)
        except FolioError as exc:
            error, status = exc.detail, exc.status
    return render(request, "sales/statement.html", {
        "book": book, "customers": customers, "report": report, "error": error,
        "filters": {"customer": customer, "from": start.isoformat(), "to": end.isoformat()}},
        status_code=status)
