"""``folio bills`` (list, show, approve, aging), ``folio vendor-credits`` (list, create, apply,
refund, void) and ``folio expenses`` (list)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import typer
from sqlalchemy.orm import Session

from folio.books.service import resolve_book
from folio.cli_support import Format, cli_session, date_option, emit, fail, out
from folio.clock import today
from folio.commerce.listing import page_count
from folio.ledger.models import Account
from folio.money import decimal_str
from folio.parties.models import Party
from folio.purchases import reports
from folio.purchases.bills import approve_bill, find_bill, is_overdue, list_bills
from folio.purchases.expenses import list_expenses
from folio.purchases.models import Bill, Expense, VendorCredit
from folio.purchases.vendor_credits import (
    VendorCreditInput,
    VendorCreditLineInput,
    apply_vendor_credit,
    create_vendor_credit,
    get_vendor_credit,
    list_vendor_credits,
    refund_vendor_credit,
    void_vendor_credit,
)

bills_app = typer.Typer(help="Vendor bills and payables.", no_args_is_help=True)
expenses_app = typer.Typer(help="Expenses and expense claims.", no_args_is_help=True)
credits_app = typer.Typer(help="Vendor credit notes: record, apply to bills, refund.",
                          no_args_is_help=True)
BookOpt = typer.Option(None, "--book", help="Book slug (optional when there is one book)")
FormatOpt = typer.Option(Format.table, "--format", help="table, csv or json")


def _row(session: Session, bill: Bill) -> dict[str, Any]:
    cur = bill.currency
    return {"id": bill.id, "number": bill.number, "vendor_reference": bill.vendor_reference,
            "bill_date": bill.bill_date.isoformat(), "due_date": bill.due_date.isoformat(),
            "vendor": session.get_one(Party, bill.vendor_id).name,
            "status": "overdue" if is_overdue(bill) else bill.status,
            "total": decimal_str(bill.total, cur),
            "withholding": decimal_str(bill.withholding_amount, cur),
            "amount_due": decimal_str(bill.amount_due, cur)}


@bills_app.command("list")
def list_(
    status: str | None = typer.Option(None, "--status", help="draft, approved, partially_paid, "
                                                             "paid, void or overdue"),
    search: str | None = typer.Option(None, "--search", help="Number, vendor's number, vendor"),
    start: str | None = typer.Option(None, "--from", help="Dated on or after YYYY-MM-DD"),
    end: str | None = typer.Option(None, "--to", help="Dated on or before YYYY-MM-DD"),
    page: int = typer.Option(1, "--page", min=1),
    fmt: Format = FormatOpt,
    book: str | None = BookOpt,
) -> None:
    """List vendor bills, newest first."""
    with cli_session() as session:
        target = resolve_book(session, book)
        rows_, total = list_bills(session, target, status=status, search=search,
                                  start=date_option(start, "--from"),
                                  end=date_option(end, "--to"), page=page, page_size=100)
        rows = [_row(session, b) for b in rows_]
        header = ["id", "number", "vendor_reference", "bill_date", "due_date", "vendor",
                  "status", "total", "withholding", "amount_due"]
        pages = page_count(total, 100)
        emit(fmt, {"book": target.slug, "page": page, "pages": pages, "total": total,
                   "bills": rows},
             (header, [[str(r[h] or "") for h in header] for r in rows]),
             f"Bills of {target.name} (page {page} of {pages})")


@bills_app.command("show")
def show(ref: str = typer.Argument(..., help="Bill number (BILL/2026/0001) or id"),
         fmt: Format = FormatOpt, book: str | None = BookOpt) -> None:
    """Show one bill with its lines and totals."""
    with cli_session() as session:
        target = resolve_book(session, book)
        bill = find_bill(session, target, ref)
        cur = bill.currency
        data = _row(session, bill)
        data["lines"] = [{"description": line.description, "quantity": format(line.quantity, "f"),
                          "unit_price": decimal_str(line.unit_price, cur),
                          "account": session.get_one(Account, line.account_id).code,
                          "net": decimal_str(line.net, cur), "tax": decimal_str(line.tax, cur)}
                         for line in bill.lines]
        for name in ("net_total", "tax_total", "rounding", "payable", "amount_paid"):
            data[name] = decimal_str(getattr(bill, name), cur)
        header = ["description", "quantity", "unit_price", "account", "net", "tax"]
        rows = [[str(x[h]) for h in header] for x in data["lines"]]
        rows += [["Net", "", "", "", data["net_total"], ""],
                 ["VAT", "", "", "", "", data["tax_total"]],
                 ["Total", "", "", "", data["total"], ""],
                 ["Withheld", "", "", "", data["withholding"], ""],
                 ["Due", "", "", "", data["amount_due"], ""]]
        emit(fmt, data, (header, rows),
             f"{bill.number or 'Draft'} ({bill.vendor_reference}) from {data['vendor']} "
             f"({data['status']})")


@bills_app.command("approve")
def approve(ref: str = typer.Argument(..., help="Id of the draft"),
            book: str | None = BookOpt) -> None:
    """Number a draft bill and post it to the ledger."""
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        bill = approve_bill(session, target, find_bill(session, target, ref))
        out.print(f"Approved {bill.number}: {decimal_str(bill.payable, bill.currency)} "
                  f"{bill.currency} payable, due {bill.due_date.isoformat()}.", markup=False)


@bills_app.command("aging")
def aging(as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD (default today)"),
          fmt: Format = FormatOpt, book: str | None = BookOpt) -> None:
    """Payables aging per vendor: current, 1-30, 31-60, 61-90, over 90 days."""
    with cli_session() as session:
        target = resolve_book(session, book)
        day = date_option(as_of, "--as-of") or today()
        report = reports.payables_aging(session, target, day)
        emit(fmt, reports.aging_dict(report), reports.aging_table(report),
             f"Payables aging of {target.name} at {day}")


def _expense_row(session: Session, expense: Expense) -> dict[str, Any]:
    cur = expense.currency
    return {"id": expense.id, "date": expense.date.isoformat(), "payee": expense.payee,
            "account": session.get_one(Account, expense.account_id).code,
            "description": expense.description,
            "claim_id": expense.claim_id, "amount": decimal_str(expense.amount, cur),
            "tax": decimal_str(expense.tax, cur), "posted": expense.entry_id is not None}


@expenses_app.command("list")
def list_expenses_(
    kind: str | None = typer.Option(None, "--kind", help="direct or claim"),
    start: str | None = typer.Option(None, "--from", help="On or after YYYY-MM-DD"),
    end: str | None = typer.Option(None, "--to", help="On or before YYYY-MM-DD"),
    page: int = typer.Option(1, "--page", min=1),
    fmt: Format = FormatOpt,
    book: str | None = BookOpt,
) -> None:
    """List expenses, newest first: paid directly, or items of expense claims."""
    if kind not in (None, "direct", "claim"):
        fail(f"--kind: {kind!r} is not direct or claim")
    with cli_session() as session:
        target = resolve_book(session, book)
        found, total = list_expenses(session, target, kind=kind,
                                     start=date_option(start, "--from"),
                                     end=date_option(end, "--to"), page=page, page_size=100)
        rows = [_expense_row(session, e) for e in found]
        header = ["id", "date", "payee", "account", "description", "claim_id", "amount", "tax",
                  "posted"]
        pages = page_count(total, 100)
        emit(fmt, {"book": target.slug, "page": page, "pages": pages, "total": total,
                   "expenses": rows},
             (header, [[str(r[h] if r[h] is not None else "") for h in header] for r in rows]),
             f"Expenses of {target.name} (page {page} of {pages})")


def _amount(value: str | None, option: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        fail(f"{option}: {value!r} is not a number")
    if not number.is_finite():
        fail(f"{option}: {value!r} is not a number")
    return number


def _credit_row(session: Session, credit: VendorCredit) -> dict[str, Any]:
    cur = credit.currency
    return {"id": credit.id, "date": credit.date.isoformat(),
            "vendor": session.get_one(Party, credit.vendor_id).name,
            "vendor_reference": credit.vendor_reference, "status": credit.status,
            "total": decimal_str(credit.total, cur),
            "applied": decimal_str(credit.amount_applied, cur),
            "refunded": decimal_str(credit.amount_refunded, cur),
            "remaining": decimal_str(credit.remaining, cur)}


CREDIT_HEADER = ["id", "date", "vendor", "vendor_reference", "status", "total", "applied",
                 "refunded", "remaining"]


@credits_app.command("list")
def list_credits(
    status: str | None = typer.Option(None, "--status", help="open, closed or void"),
    search: str | None = typer.Option(None, "--search", help="Credit note number or vendor"),
    page: int = typer.Option(1, "--page", min=1),
    fmt: Format = FormatOpt,
    book: str | None = BookOpt,
) -> None:
    """List vendor credit notes, newest first."""
    if status not in (None, "open", "closed", "void"):
        fail(f"--status: {status!r} is not open, closed or void")
    with cli_session() as session:
        target = resolve_book(session, book)
        found, total = list_vendor_credits(session, target, status=status, search=search,
                                           page=page, page_size=100)
        rows = [_credit_row(session, c) for c in found]
        pages = page_count(total, 100)
        emit(fmt, {"book": target.slug, "page": page, "pages": pages, "total": total,
                   "credits": rows},
             (CREDIT_HEADER, [[str(r[h]) for h in CREDIT_HEADER] for r in rows]),
             f"Vendor credits of {target.name} (page {page} of {pages})")


@credits_app.command("create")
def create_credit(
    vendor_id: int = typer.Option(..., "--vendor", help="The vendor's id", min=1),
    reference: str = typer.Option(..., "--reference", help="The vendor's credit note number"),
    amount: str = typer.Option(..., "--amount", help="Net amount, before VAT"),
    description: str = typer.Option(..., "--description"),
    account: str | None = typer.Option(None, "--account", help="Expense or asset account"),
    tax_code: str | None = typer.Option(None, "--tax-code", help="A VAT code, e.g. PPN-IN"),
    on: str | None = typer.Option(None, "--date", help="YYYY-MM-DD (default today)"),
    bill: int | None = typer.Option(None, "--bill", help="Id of the bill it corrects", min=1),
    book: str | None = BookOpt,
) -> None:
    """Record a vendor's credit note (one line) and post it."""
    net = _amount(amount, "--amount")
    assert net is not None
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        credit = create_vendor_credit(session, target, VendorCreditInput(
            vendor_id=vendor_id, vendor_reference=reference, date=date_option(on, "--date"),
            bill_id=bill, lines=[VendorCreditLineInput(description=description, amount=net,
                                                       account=account, tax_code=tax_code)]))
        out.print(f"Recorded credit {credit.id} ({credit.vendor_reference}): "
                  f"{decimal_str(credit.total, credit.currency)} {credit.currency}.",
                  markup=False)


@credits_app.command("apply")
def apply_credit(
    credit_id: int = typer.Argument(..., help="Id of the credit", min=1),
    bill_id: int = typer.Option(..., "--bill", help="Id of the vendor's open bill", min=1),
    amount: str | None = typer.Option(None, "--amount", help="Default: all it can settle"),
    on: str | None = typer.Option(None, "--date", help="YYYY-MM-DD (default today)"),
    book: str | None = BookOpt,
) -> None:
    """Apply what is left of a credit to one of the vendor's open bills."""
    value = _amount(amount, "--amount")
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        credit = get_vendor_credit(session, target, credit_id, for_update=True)
        made = apply_vendor_credit(session, target, credit, bill_id, value,
                                   on=date_option(on, "--date"))
        out.print(f"Applied {decimal_str(made.amount, credit.currency)} to bill {bill_id}; "
                  f"{decimal_str(credit.remaining, credit.currency)} left.", markup=False)


@credits_app.command("refund")
def refund_credit(
    credit_id: int = typer.Argument(..., help="Id of the credit", min=1),
    account: str = typer.Option(..., "--account", help="Bank or cash account it arrived in"),
    amount: str | None = typer.Option(None, "--amount", help="Default: all that is left"),
    on: str | None = typer.Option(None, "--date", help="YYYY-MM-DD (default today)"),
    reference: str | None = typer.Option(None, "--reference"),
    book: str | None = BookOpt,
) -> None:
    """Record the vendor refunding (part of) a credit."""
    value = _amount(amount, "--amount")
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        credit = get_vendor_credit(session, target, credit_id, for_update=True)
        made = refund_vendor_credit(session, target, credit,
                                    on=date_option(on, "--date") or today(),
                                    account=account, amount=value, reference=reference)
        out.print(f"Refund of {decimal_str(made.amount, credit.currency)} recorded.",
                  markup=False)


@credits_app.command("void")
def void_credit(credit_id: int = typer.Argument(..., help="Id of the credit", min=1),
                reason: str | None = typer.Option(None, "--reason"),
                book: str | None = BookOpt) -> None:
    """Void a credit that is neither applied nor refunded (reverses its entry)."""
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        credit = void_vendor_credit(session, target,
                                    get_vendor_credit(session, target, credit_id,
                                                      for_update=True), reason=reason)
        out.print(f"Credit {credit.id} ({credit.vendor_reference}) is void.", markup=False)
