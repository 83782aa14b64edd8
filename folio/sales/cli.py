"""``folio invoices``: list, show and issue invoices; receivables aging and statements.
``folio quotations``: list, show, send and convert quotations."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.books.service import resolve_book
from folio.cli_support import Format, cli_session, date_option, emit, fail, out
from folio.clock import today
from folio.commerce.aging import Table
from folio.commerce.lines import PricedLineColumns
from folio.errors import NotFound
from folio.money import decimal_str
from folio.parties.models import Party
from folio.parties.service import get_party
from folio.sales import reports
from folio.sales.invoices import get_invoice, is_overdue, list_invoices
from folio.sales.issuing import issue_invoice
from folio.sales.models import Invoice
from folio.sales.quotation_models import Quotation
from folio.sales.quotations import (
    Milestone,
    convert,
    find_quotation,
    invoices_of,
    list_quotations,
    public_url,
    send_quotation,
)

app = typer.Typer(help="Invoices, credit notes and receivables.", no_args_is_help=True)
BookOpt = typer.Option(None, "--book", help="Book slug (optional when there is one book)")
FormatOpt = typer.Option(Format.table, "--format", help="table, csv or json")


def _find(session: Session, book: Book, ref: str) -> Invoice:
    """An invoice by its number (INV/2026/03/0001) or its id."""
    found = session.scalar(select(Invoice).where(Invoice.book_id == book.id,
                                                 Invoice.number == ref))
    if found is not None:
        return found
    if ref.isdigit():
        return get_invoice(session, book, int(ref))
    raise NotFound(f"No invoice {ref!r} in this book")


LINE_HEADER = ["description", "quantity", "unit_price", "discount_percent", "net", "tax"]


def _lines(lines: Sequence[PricedLineColumns], cur: str) -> list[dict[str, str]]:
    """An invoice's or quotation's lines, as ``show`` prints them."""
    return [{"description": line.description, "quantity": format(line.quantity, "f"),
             "unit_price": decimal_str(line.unit_price, cur),
             "discount_percent": format(line.discount_percent, "f"),
             "net": decimal_str(line.net, cur), "tax": decimal_str(line.tax, cur)}
            for line in lines]


def _lines_table(data: dict[str, Any], more: list[list[str]] | None = None) -> Table:
    """The lines of ``data``, then its net, tax and total (and ``more`` rows)."""
    rows = [[str(x[h]) for h in LINE_HEADER] for x in data["lines"]]
    rows += [["Net", "", "", "", data["net_total"], ""],
             ["Tax", "", "", "", "", data["tax_total"]],
             ["Total", "", "", "", data["total"], ""], *(more or [])]
    return LINE_HEADER, rows


def _row(session: Session, invoice: Invoice) -> dict[str, Any]:
    cur = invoice.currency
    return {"id": invoice.id, "number": invoice.number, "kind": invoice.kind,
            "issue_date": invoice.issue_date.isoformat(),
            "due_date": invoice.due_date.isoformat(),
            "customer": session.get_one(Party, invoice.customer_id).name,
            "status": "overdue" if is_overdue(invoice) else invoice.status,
            "total": decimal_str(invoice.total, cur),
            "amount_due": decimal_str(invoice.amount_due, cur)}


@app.command("list")
def list_(
    status: str | None = typer.Option(None, "--status",
                                      help="draft, issued, partially_paid, paid, "
                                           "written_off, void or overdue"),
    search: str | None = typer.Option(None, "--search", help="Number, reference or customer"),
    start: str | None = typer.Option(None, "--from", help="Issued on or after YYYY-MM-DD"),
    end: str | None = typer.Option(None, "--to", help="Issued on or before YYYY-MM-DD"),
    page: int = typer.Option(1, "--page", min=1),
    fmt: Format = FormatOpt,
    book: str | None = BookOpt,
) -> None:
    """List invoices and credit notes, newest first."""
    with cli_session() as session:
        target = resolve_book(session, book)
        result = list_invoices(session, target, status=status, search=search,
                               start=date_option(start, "--from"),
                               end=date_option(end, "--to"), page=page, page_size=100)
        rows = [_row(session, i) for i in result.invoices]
        header = ["id", "number", "kind", "issue_date", "due_date", "customer", "status",
                  "total", "amount_due"]
        emit(fmt, {"book": target.slug, "page": result.page, "pages": result.pages,
                   "total": result.total, "invoices": rows},
             (header, [[str(r[h] or "") for h in header] for r in rows]),
             f"Invoices of {target.name} (page {result.page} of {result.pages})")


@app.command("show")
def show(ref: str = typer.Argument(..., help="Invoice number or id"), fmt: Format = FormatOpt,
         book: str | None = BookOpt) -> None:
    """Show one invoice with its lines and totals."""
    with cli_session() as session:
        target = resolve_book(session, book)
        invoice = _find(session, target, ref)
        cur = invoice.currency
        data = _row(session, invoice)
        data["lines"] = _lines(invoice.lines, cur)
        for name in ("net_total", "tax_total", "rounding", "withholding_amount", "stamp_duty",
                     "amount_paid", "amount_credited", "amount_written_off"):
            data[name] = decimal_str(getattr(invoice, name), cur)
        emit(fmt, data, _lines_table(data, [["Due", "", "", "", data["amount_due"], ""]]),
             f"{invoice.number or 'Draft'} to {data['customer']} ({data['status']})")


@app.command("issue")
def issue(ref: str = typer.Argument(..., help="Id of the draft"),
          book: str | None = BookOpt) -> None:
    """Number a draft and post it to the ledger."""
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        invoice = issue_invoice(session, target, _find(session, target, ref))
        out.print(f"Issued {invoice.number}: {decimal_str(invoice.total, invoice.currency)} "
                  f"{invoice.currency}, due {invoice.due_date.isoformat()}.", markup=False)


@app.command("aging")
def aging(as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD (default today)"),
          fmt: Format = FormatOpt, book: str | None = BookOpt) -> None:
    """Receivables aging per customer: current, 1-30, 31-60, 61-90, over 90 days."""
    with cli_session() as session:
        target = resolve_book(session, book)
        day = date_option(as_of, "--as-of") or today()
        report = reports.receivables_aging(session, target, day)
        emit(fmt, reports.aging_dict(report), reports.aging_table(report),
             f"Receivables aging of {target.name} at {day}")


@app.command("statement")
def statement(customer: int = typer.Argument(..., help="The customer's party id"),
              start: str = typer.Option(..., "--from", help="YYYY-MM-DD"),
              end: str | None = typer.Option(None, "--to", help="YYYY-MM-DD (default today)"),
              fmt: Format = FormatOpt, book: str | None = BookOpt) -> None:
    """A customer's statement: opening balance, documents, payments, closing balance."""
    with cli_session() as session:
        target = resolve_book(session, book)
        party = get_party(session, target, customer)
        first, last = date_option(start, "--from"), date_option(end, "--to") or today()
        assert first is not None
        report = reports.customer_statement(session, target, party, first, last)
        emit(fmt, reports.statement_dict(report), reports.statement_table(report),
             f"Statement of {party.name}, {first} to {last}")


# Quotations ----------------------------------------------------------------------------

quotations_app = typer.Typer(help="Quotations: list, show, send and convert to invoices.",
                             no_args_is_help=True)


def _quotation_row(session: Session, quotation: Quotation) -> dict[str, Any]:
    cur = quotation.currency
    return {"id": quotation.id, "number": quotation.label, "revision": quotation.revision,
            "issue_date": quotation.issue_date.isoformat(),
            "valid_until": quotation.valid_until.isoformat(),
            "customer": session.get_one(Party, quotation.customer_id).name,
            "status": quotation.status_on(today()), "total": decimal_str(quotation.total, cur)}


@quotations_app.command("list")
def quotations_list(
    status: str | None = typer.Option(None, "--status",
                                      help="draft, sent, approved, declined, expired, "
                                           "superseded or converted"),
    search: str | None = typer.Option(None, "--search", help="Number or customer"),
    customer: int | None = typer.Option(None, "--customer", help="The customer's party id"),
    page: int = typer.Option(1, "--page", min=1),
    fmt: Format = FormatOpt,
    book: str | None = BookOpt,
) -> None:
    """List quotations, newest first."""
    with cli_session() as session:
        target = resolve_book(session, book)
        result = list_quotations(session, target, status=status, search=search,
                                 customer_id=customer, page=page, page_size=100)
        rows = [_quotation_row(session, q) for q in result.quotations]
        header = ["id", "number", "issue_date", "valid_until", "customer", "status", "total"]
        emit(fmt, {"book": target.slug, "page": result.page, "pages": result.pages,
                   "total": result.total, "quotations": rows},
             (header, [[str(r[h] or "") for h in header] for r in rows]),
             f"Quotations of {target.name} (page {result.page} of {result.pages})")


@quotations_app.command("show")
def quotations_show(ref: str = typer.Argument(..., help="Quotation number or id"),
                    fmt: Format = FormatOpt, book: str | None = BookOpt) -> None:
    """Show one quotation with its lines and totals."""
    with cli_session() as session:
        target = resolve_book(session, book)
        quotation = find_quotation(session, target, ref)
        cur = quotation.currency
        data = _quotation_row(session, quotation)
        data["lines"] = _lines(quotation.lines, cur)
        data["net_total"] = decimal_str(quotation.net_total, cur)
        data["tax_total"] = decimal_str(quotation.tax_total, cur)
        data["client_name"], data["client_comment"] = (quotation.client_name,
                                                       quotation.client_comment)
        data["invoice_ids"] = [i.id for i in invoices_of(session, target, quotation)]
        emit(fmt, data, _lines_table(data),
             f"Quotation {quotation.label} to {data['customer']} ({data['status']})")


@quotations_app.command("send")
def quotations_send(ref: str = typer.Argument(..., help="Id of the draft"),
                    book: str | None = BookOpt) -> None:
    """Number a draft, mark it sent and print the customer's public link (shown once)."""
    from folio.auth.setup import startup_base_url
    from folio.settings import get_settings

    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        quotation = find_quotation(session, target, ref)
        token = send_quotation(session, target, quotation)
        link = public_url(token, startup_base_url(get_settings()))
        out.print(f"Sent {quotation.label}: {decimal_str(quotation.total, quotation.currency)} "
                  f"{quotation.currency}, valid until {quotation.valid_until.isoformat()}.",
                  markup=False)
        out.print(f"Public link: {link}", markup=False, soft_wrap=True)


def _milestone(text: str) -> Milestone:
    value = text.strip()
    try:
        if value.endswith("%"):
            return Milestone(percent=Decimal(value[:-1]))
        return Milestone(amount=Decimal(value))
    except InvalidOperation:
        fail(f"--milestone: {text!r} is not a percentage (30%) or an amount (1500000)")


@quotations_app.command("convert")
def quotations_convert(
    ref: str = typer.Argument(..., help="Number or id of an approved quotation"),
    milestone: list[str] = typer.Option(
        [], "--milestone", help="A percentage (30%) or an amount; repeat: --milestone 30% "
                                "--milestone 70%. None: one invoice in full"),
    book: str | None = BookOpt,
) -> None:
    """Make draft invoices from an approved quotation, in full or in milestones."""
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        quotation = find_quotation(session, target, ref)
        invoices = convert(session, target, quotation, [_milestone(m) for m in milestone])
        for invoice in invoices:
            out.print(f"Draft invoice {invoice.id}: "
                      f"{decimal_str(invoice.total, invoice.currency)} {invoice.currency}",
                      markup=False)
        out.print(f"Quotation {quotation.label} converted to {len(invoices)} draft "
                  f"invoice(s); issue them with `folio invoices issue ID`.", markup=False)
