"""``folio report``: the ledger's reports and the sales and tax reports (sales by customer,
item or project, project profitability, the month's PPN, withholding).
``folio leads``: list, add, move, win and lose leads."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import typer
from sqlalchemy import select

from folio.books.service import resolve_book
from folio.cli_support import Format, cli_session, date_option, emit, fail, out
from folio.ledger import cli as ledger_cli
from folio.money import decimal_str
from folio.sales import analysis, leads, profitability
from folio.sales.models import Project
from folio.tax import reports as tax_reports

report_app = typer.Typer(help="Print a report.", no_args_is_help=True)
leads_app = typer.Typer(help="The lead pipeline.", no_args_is_help=True)
BookOpt = typer.Option(None, "--book", help="Book slug (optional when there is one book)")
FormatOpt = typer.Option(Format.table, "--format", help="table, csv or json")
FromOpt = typer.Option(None, "--from", help="Period start YYYY-MM-DD (default: fiscal year)")
ToOpt = typer.Option(None, "--to", help="Period end YYYY-MM-DD (default: today)")


def _ledger_report(name: ledger_cli.ReportName) -> Callable[..., None]:
    """The ledger's ``report NAME`` as a command of its own, with the same options."""
    signature = inspect.signature(ledger_cli.report, eval_str=True)

    def command(**options: Any) -> None:
        ledger_cli.report(name=name, **options)

    command.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p for p in signature.parameters.values() if p.name != "name"])
    command.__doc__ = f"Print the {name.value.replace('-', ' ')}."
    return command


for _name in ledger_cli.ReportName:
    report_app.command(_name.value)(_ledger_report(_name))


class SalesGroup(StrEnum):
    customer = "customer"
    item = "item"
    project = "project"


@report_app.command("sales-by")
def sales_by_cmd(
    by: SalesGroup = typer.Argument(..., help="customer, item or project"),
    start: str | None = FromOpt, end: str | None = ToOpt,
    fmt: Format = FormatOpt, book: str | None = BookOpt,
) -> None:
    """Net sales (invoices less credit notes, excluding VAT) per customer, item or project."""
    with cli_session() as session:
        target = resolve_book(session, book)
        report = analysis.sales_by(session, target, by.value, date_option(start, "--from"),
                                   date_option(end, "--to"))
        emit(fmt, analysis.sales_dict(report), analysis.sales_table(report),
             f"Sales by {by.value} of {target.name}, {report.start} to {report.end}")


@report_app.command("project-profit")
def project_profit_cmd(
    project: str | None = typer.Option(None, "--project", help="One project's code"),
    start: str | None = typer.Option(None, "--from", help="Period start (default: all)"),
    end: str | None = typer.Option(None, "--to", help="Period end (default: all)"),
    fmt: Format = FormatOpt, book: str | None = BookOpt,
) -> None:
    """Each project's revenue, costs, margin and budget used."""
    with cli_session() as session:
        target = resolve_book(session, book)
        project_id = None
        if project is not None:
            project_id = session.scalar(select(Project.id).where(
                Project.book_id == target.id, Project.code == project))
            if project_id is None:
                fail(f"--project: no project with the code {project!r}")
        report = profitability.project_profitability(
            session, target, project_id=project_id, start=date_option(start, "--from"),
            end=date_option(end, "--to"))
        emit(fmt, profitability.profitability_dict(report),
             profitability.profitability_table(report), f"Project profitability of {target.name}")


@report_app.command("ppn")
def ppn_cmd(
    month: str = typer.Option(..., "--month", help="The month, YYYY-MM"),
    fmt: Format = FormatOpt, book: str | None = BookOpt,
) -> None:
    """The month's output and input PPN and the net to pay: the SPT Masa PPN figures."""
    with cli_session() as session:
        target = resolve_book(session, book)
        report = tax_reports.ppn_return(session, target, month)
        emit(fmt, tax_reports.ppn_dict(report), tax_reports.ppn_table(report),
             f"PPN of {target.name}, {report.month:%Y-%m}")


@report_app.command("withholding")
def withholding_cmd(start: str | None = FromOpt, end: str | None = ToOpt,
                    fmt: Format = FormatOpt, book: str | None = BookOpt) -> None:
    """Income tax withheld by customers from our receipts, and by us from vendors."""
    with cli_session() as session:
        target = resolve_book(session, book)
        report = tax_reports.withholding_summary(session, target, date_option(start, "--from"),
                                                 date_option(end, "--to"))
        emit(fmt, tax_reports.withholding_dict(report), tax_reports.withholding_table(report),
             f"Withholding of {target.name}, {report.start} to {report.end}")


# Leads ----------------------------------------------------------------------------------

LEAD_HEADER = ["id", "company", "contact", "stage", "value", "next_follow_up"]


@leads_app.command("list")
def leads_list(
    stage: str | None = typer.Option(None, "--stage",
                                     help="new, contacted, qualified, won or lost"),
    search: str | None = typer.Option(None, "--search", help="Text in the names or email"),
    fmt: Format = FormatOpt, book: str | None = BookOpt,
) -> None:
    """Leads, next follow-up first."""
    with cli_session() as session:
        target = resolve_book(session, book)
        found, total = leads.list_leads(session, target, stage=stage, search=search,
                                        page_size=500)
        cur = target.base_currency
        rows = [{"id": lead.id, "company": lead.company, "contact": lead.contact_name or "",
                 "stage": lead.stage, "value": decimal_str(lead.estimated_value, cur),
                 "next_follow_up": lead.next_follow_up.isoformat()
                 if lead.next_follow_up else ""} for lead in found]
        emit(fmt, {"book": target.slug, "currency": cur, "total": total, "leads": rows},
             (LEAD_HEADER, [[str(r[h]) for h in LEAD_HEADER] for r in rows]),
             f"Leads of {target.name}")


def _amount(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        fail(f"--value: {value!r} is not an amount")


@leads_app.command("add")
def leads_add(
    company: str = typer.Argument(..., help="The company's (or person's) name"),
    contact: str | None = typer.Option(None, "--contact", help="Contact person"),
    email: str | None = typer.Option(None, "--email"),
    phone: str | None = typer.Option(None, "--phone"),
    source: str | None = typer.Option(None, "--source", help="e.g. referral, website"),
    value: str = typer.Option("0", "--value", help="Estimated value"),
    follow_up: str | None = typer.Option(None, "--follow-up", help="Next follow-up date"),
    notes: str | None = typer.Option(None, "--notes"),
    book: str | None = BookOpt,
) -> None:
    """Add a lead in the 'new' stage."""
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        lead = leads.create_lead(session, target, leads.LeadInput(
            company=company, contact_name=contact, email=email, phone=phone, source=source,
            estimated_value=_amount(value), notes=notes,
            next_follow_up=date_option(follow_up, "--follow-up")))
        out.print(f"Added lead {lead.id}: {lead.company}.", markup=False)


@leads_app.command("move")
def leads_move(lead_id: int = typer.Argument(..., help="The lead's id"),
               stage: str = typer.Argument(..., help="new, contacted or qualified"),
               book: str | None = BookOpt) -> None:
    """Move an open lead to another open stage."""
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        lead = leads.move_lead(session, target, leads.get_lead(session, target, lead_id), stage)
        out.print(f"Lead {lead.id} is {lead.stage}.", markup=False)


@leads_app.command("win")
def leads_win(
    lead_id: int = typer.Argument(..., help="The lead's id"),
    party_id: int | None = typer.Option(None, "--party-id",
                                        help="Link this party instead of making one"),
    quotation: bool = typer.Option(False, "--quotation", help="Start a draft quotation"),
    book: str | None = BookOpt,
) -> None:
    """Mark a lead won: its customer is linked or created, and a draft quotation started."""
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        lead = leads.win_lead(session, target, leads.get_lead(session, target, lead_id),
                              party_id=party_id, start_quotation=quotation)
        extra = f", draft quotation {lead.quotation_id}" if lead.quotation_id else ""
        out.print(f"Lead {lead.id} won: customer {lead.party_id}{extra}.", markup=False)


@leads_app.command("lose")
def leads_lose(lead_id: int = typer.Argument(..., help="The lead's id"),
               reason: str = typer.Option(..., "--reason", help="Why it was lost"),
               book: str | None = BookOpt) -> None:
    """Mark a lead lost, saying why."""
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        lead = leads.lose_lead(session, target, leads.get_lead(session, target, lead_id), reason)
        out.print(f"Lead {lead.id} lost.", markup=False)
