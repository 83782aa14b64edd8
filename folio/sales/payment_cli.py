"""``folio payments``: void a customer payment, refund a customer's credit."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import typer

from folio.books.service import resolve_book
from folio.cli_support import cli_session, date_option, fail, out
from folio.clock import today
from folio.money import decimal_str
from folio.sales.payments import RefundInput, get_payment, refund_credit, void_payment

app = typer.Typer(help="Customer payments: void one, refund credit.", no_args_is_help=True)
BookOpt = typer.Option(None, "--book", help="Book slug (optional when there is one book)")


@app.command("void")
def void(payment_id: int = typer.Argument(..., min=1, max=2**63 - 1),
         day: str | None = typer.Option(None, "--date",
                                        help="Date of the reversal (default the payment's)"),
         reason: str | None = typer.Option(None, "--reason"),
         book: str | None = BookOpt) -> None:
    """Reverse a payment and reopen the invoices it settled."""
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        payment = void_payment(session, target, get_payment(session, target, payment_id),
                               on=date_option(day, "--date"), reason=reason)
        session.commit()
        reversal = payment.void_entry_id
    out.print(f"Payment {payment_id} void (reversal entry {reversal}).", highlight=False)


@app.command("refund")
def refund(customer_id: int = typer.Argument(..., min=1, max=2**63 - 1),
           amount: str = typer.Option(..., "--amount"),
           account: str = typer.Option(..., "--account", help="Bank or cash account code"),
           day: str | None = typer.Option(None, "--date", help="YYYY-MM-DD (default today)"),
           reference: str | None = typer.Option(None, "--reference"),
           book: str | None = BookOpt) -> None:
    """Pay a customer's credit (from overpayments) back from a bank or cash account."""
    try:
        value = Decimal(amount)
    except InvalidOperation:
        fail(f"--amount: {amount!r} is not a number like 250000")
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        made = refund_credit(session, target, RefundInput(
            customer_id=customer_id, date=date_option(day, "--date") or today(),
            account=account, amount=value, reference=reference))
        session.commit()
        text = decimal_str(-made.amount, made.currency)
    out.print(f"Refund {made.id}: {text} {made.currency} paid back.", highlight=False)
