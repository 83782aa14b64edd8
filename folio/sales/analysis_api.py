"""JSON (and CSV) API of the sales and tax reports: sales by customer, item or project,
project profitability, the month's PPN and the withholding summary."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from folio.commerce.csv_export import CSV_RESPONSE, csv_response
from folio.deps import BookDep, SessionDep
from folio.sales import analysis, profitability
from folio.tax import reports as tax_reports

router = APIRouter(prefix="/books/{slug}/reports", tags=["reports"])
Format = Annotated[Literal["json", "csv"], Query(description="json (default) or csv")]
FromQuery = Annotated[date | None, Query(alias="from")]
ToQuery = Annotated[date | None, Query(alias="to")]


@router.get("/sales-by-{by}", responses=CSV_RESPONSE)
def sales_by(by: Literal["customer", "item", "project"], book: BookDep, session: SessionDep,
             start: FromQuery = None, end: ToQuery = None, format: Format = "json") -> Any:
    """Net sales (invoices less credit notes, excluding VAT) per customer, item or project;
    the period defaults to the fiscal year to date."""
    report = analysis.sales_by(session, book, by, start, end)
    if format == "csv":
        return csv_response(analysis.sales_table(report), f"sales-by-{by}")
    return analysis.sales_dict(report)


@router.get("/project-profitability", responses=CSV_RESPONSE)
def project_profit(book: BookDep, session: SessionDep, start: FromQuery = None,
                   end: ToQuery = None,
                   project_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
                   format: Format = "json") -> Any:
    """Each project's revenue, costs (bills and expenses), margin and budget used."""
    report = profitability.project_profitability(session, book, project_id=project_id,
                                                 start=start, end=end)
    if format == "csv":
        return csv_response(profitability.profitability_table(report), "project-profitability")
    return profitability.profitability_dict(report)


@router.get("/ppn", responses=CSV_RESPONSE)
def ppn(book: BookDep, session: SessionDep,
        month: Annotated[str, Query(max_length=7, examples=["2026-11"])],
        format: Format = "json") -> Any:
    """The month's output and input PPN per tax code and document, and the net payable or
    overpaid: the figures of the SPT Masa PPN."""
    report = tax_reports.ppn_return(session, book, month)
    if format == "csv":
        return csv_response(tax_reports.ppn_table(report), f"ppn-{report.month:%Y-%m}")
    return tax_reports.ppn_dict(report)


@router.get("/withholding", responses=CSV_RESPONSE)
def withholding(book: BookDep, session: SessionDep, start: FromQuery = None,
                end: ToQuery = None, format: Format = "json") -> Any:
    """Income tax (PPh 23 ...) withheld by customers from our receipts, and by us from
    vendors' bills, per party and month with the documents."""
    report = tax_reports.withholding_summary(session, book, start, end)
    if format == "csv":
        return csv_response(tax_reports.withholding_table(report), "withholding")
    return tax_reports.withholding_dict(report)
