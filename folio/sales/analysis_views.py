"""Sales and tax report pages: sales by customer, item or project, project profitability,
the month's PPN and the withholding summary. Each calls the same report function as
``/api/v1/books/{slug}/reports/...`` and offers its CSV and JSON downloads."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from folio.clock import today
from folio.deps import BookDep, SessionDep
from folio.sales.analysis import sales_by
from folio.sales.profitability import project_profitability
from folio.sales.projects import list_projects
from folio.tax.reports import ppn_return, withholding_summary
from folio.web.forms import Blankable
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}/reports", include_in_schema=False)
FromQuery = Annotated[date | None, Blankable, Query(alias="from")]
ToQuery = Annotated[date | None, Blankable, Query(alias="to")]


@router.get("/sales", name="analysis.sales")
def sales_page(request: Request, book: BookDep, session: SessionDep,
               by: Annotated[Literal["customer", "item", "project"], Query()] = "customer",
               start: FromQuery = None, end: ToQuery = None) -> HTMLResponse:
    report = sales_by(session, book, by, start, end)
    return render(request, "analysis/sales.html", {"book": book, "report": report})


@router.get("/project-profitability", name="analysis.profitability")
def profitability_page(request: Request, book: BookDep, session: SessionDep,
                       start: FromQuery = None, end: ToQuery = None,
                       project: Annotated[int | None, Blankable, Query(ge=1, lt=2**63)] = None
                       ) -> HTMLResponse:
    report = project_profitability(session, book, project_id=project, start=start, end=end)
    return render(request, "analysis/profitability.html", {
        "book": book, "report": report, "project": project,
        "projects": list_projects(session, book)})


@router.get("/ppn", name="analysis.ppn")
def ppn_page(request: Request, book: BookDep, session: SessionDep,
             month: Annotated[str | None, Query(max_length=7)] = None
             ) -> HTMLResponse:
    report = ppn_return(session, book, month or today().strftime("%Y-%m"))
    return render(request, "analysis/ppn.html", {"book": book, "report": report})


@router.get("/withholding", name="analysis.withholding")
def withholding_page(request: Request, book: BookDep, session: SessionDep,
                     start: FromQuery = None, end: ToQuery = None) -> HTMLResponse:
    report = withholding_summary(session, book, start, end)
    return render(request, "analysis/withholding.html", {"book": book, "report": report})
