"""Banking commands: ``folio import bank`` and ``folio bank accounts|rules|lines|categorise``."""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.banking.accounts import (
    KINDS,
    MoneyAccountInput,
    create_money_account,
    list_money_accounts,
    money_account_by_code,
)
from folio.banking.imports import import_statement
from folio.banking.matching import match_bill, match_invoice, suggest_matches
from folio.banking.models import MoneyAccount
from folio.banking.reconcile import (
    ReconciliationStatusReport,
    finish,
    reconciliation_status,
    start_reconciliation,
    toggle_cleared,
    undo,
)
from folio.banking.rules import RuleInput, create_rule, list_rules
from folio.banking.service import categorise, list_lines
from folio.banking.statements.csv_generic import PRESETS
from folio.banking.suggestions import suggest_many
from folio.books.models import Book
from folio.books.service import resolve_book
from folio.cli_support import Format, cli_session, date_option, emit, fail, out, progress_bar
from folio.errors import NotFound
from folio.ledger.models import Account, AccountBalance
from folio.money import decimal_str
from folio.parties.models import Party

app = typer.Typer(help="Bank, cash, card and e-wallet accounts; rules; bank lines.",
                  no_args_is_help=True)
accounts_app = typer.Typer(help="Money accounts.", no_args_is_help=True)
rules_app = typer.Typer(help="Rules that categorise imported lines.", no_args_is_help=True)
app.add_typer(accounts_app, name="accounts")
app.add_typer(rules_app, name="rules")
reconcile_app = typer.Typer(help="Reconcile a money account against a statement.",
                            no_args_is_help=True)
app.add_typer(reconcile_app, name="reconcile")

BookOpt = typer.Option(None, "--book", help="Book slug (optional when there is one book)")
FormatOpt = typer.Option(Format.table, "--format", help="table, csv or json")


class FileFormat(StrEnum):
    csv = "csv"
    ofx = "ofx"
    qif = "qif"
    camt = "camt"


class Preset(StrEnum):
    generic = "generic"
    bca = "bca"
    mandiri = "mandiri"



def _decimal(value: str | None, option: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        fail(f"{option}: {value!r} is not a number like 1250.00")


def import_bank(
    file: Path = typer.Argument(..., help="The statement: CSV, OFX/QFX, QIF or camt.053 XML"),
    account: str = typer.Option(..., "--account", help="Ledger code of the money account"),
    fmt: FileFormat | None = typer.Option(None, "--format", help="Default: detected"),
    preset: Preset | None = typer.Option(None, "--preset",
                                         help=f"CSV layout: {'|'.join(PRESETS)}"),
    year: int | None = typer.Option(None, "--year", help="Year of CSV dates that have none"),
    date_order: str | None = typer.Option(None, "--date-order",
                                          help="QIF dates: mdy (default) or dmy"),
    book: str | None = BookOpt,
) -> None:
    """Import a bank statement; all lines or none, lines already imported are skipped."""
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        fail(f"{file}: no such file")
    except OSError as exc:
        fail(f"{file}: {exc.strerror}")
    options: dict[str, Any] = {}
    if year is not None:
        options["year"] = year
    if date_order is not None:
        options["date_order"] = date_order
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        money = money_account_by_code(session, target, account)
        with progress_bar(f"Importing {file.name}", None) as advance:
            result = import_statement(
                session, target, money, file.name, data, fmt.value if fmt else None,
                preset=preset.value if preset else None, options=options, progress=advance)
    transfers = f" ({result.transfers} transfers)" if result.transfers else ""
    out.print(f"Imported {result.imported} lines into {escape(money.name)}: "
              f"{result.categorised} categorised by rules{transfers}, {result.unmatched} to "
              f"categorise; skipped {result.skipped} already imported.", highlight=False)


def _balances(session: Session, accounts: list[MoneyAccount]) -> dict[int, int]:
    ids = [money.account_id for money in accounts]
    return dict(session.execute(
        select(AccountBalance.account_id, func.sum(AccountBalance.amount))
        .where(AccountBalance.account_id.in_(ids)).group_by(AccountBalance.account_id)).all())


def money_account_rows(session: Session, accounts: list[MoneyAccount]
                       ) -> list[dict[str, Any]]:
    codes = dict(session.execute(select(Account.id, Account.code).where(
        Account.id.in_([money.account_id for money in accounts]))).all())
    balances = _balances(session, accounts)
    return [{"id": money.id, "account": codes[money.account_id], "name": money.name,
             "kind": money.kind, "currency": money.currency,
             "institution": money.institution or "", "number": money.masked_number or "",
             "balance": decimal_str(int(balances.get(money.account_id, 0)), money.currency),
             "active": money.is_active} for money in accounts]


def _emit_rows(fmt: Format, key: str, rows: list[dict[str, Any]], title: str) -> None:
    header = list(rows[0]) if rows else []
    emit(fmt, {key: rows}, (header, [[str(v) for v in row.values()] for row in rows]), title)


@accounts_app.command("list")
def accounts_list(fmt: Format = FormatOpt, book: str | None = BookOpt,
                  all_: bool = typer.Option(False, "--all", help="Include inactive accounts")
                  ) -> None:
    """List the money accounts with their ledger balances."""
    with cli_session() as session:
        target = resolve_book(session, book)
        rows = money_account_rows(session, list_money_accounts(session, target,
                                                               include_inactive=all_))
        if not rows and fmt is Format.table:
            out.print("No money accounts yet: add one with 'folio bank accounts create'.")
            return
        _emit_rows(fmt, "accounts", rows, f"Money accounts of {target.name}")


@accounts_app.command("create")
def accounts_create(
    name: str = typer.Argument(..., help="What the account is called, e.g. 'BCA Giro'"),
    kind: str = typer.Option("bank", "--kind", help="|".join(KINDS)),
    link: str | None = typer.Option(None, "--link", help="Use this existing ledger account"),
    code: str | None = typer.Option(None, "--code", help="Code of the new ledger account"),
    currency: str | None = typer.Option(None, "--currency", help="Default: the book's"),
    institution: str | None = typer.Option(None, "--institution", help="Bank or provider"),
    number: str | None = typer.Option(None, "--number", help="Account number"),
    opening: str = typer.Option("0", "--opening", help="Opening balance"),
    opening_date: str | None = typer.Option(None, "--opening-date", help="YYYY-MM-DD"),
    book: str | None = BookOpt,
) -> None:
    """Create a money account on a new ledger account, or --link an existing one."""
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        money = create_money_account(session, target, MoneyAccountInput(
            name=name, kind=kind, currency=currency.upper() if currency else None,
            institution=institution, account_number=number,
            opening_balance=_decimal(opening, "--opening") or Decimal(0),
            opening_date=date_option(opening_date, "--opening-date"), account=link, code=code))
        session.flush()
        ledger = session.get_one(Account, money.account_id)
        out.print(f"Created {money.kind} account {escape(money.name)} on ledger account "
                  f"{ledger.code}.", highlight=False)


def _rule_rows(session: Session, book: Book) -> list[dict[str, Any]]:
    codes = dict(session.execute(select(Account.id, Account.code)
                                 .where(Account.book_id == book.id)).all())
    rows = []
    for rule in list_rules(session, book):
        conditions = [f"payee {rule.match} {rule.payee!r}" if rule.payee else "",
                      f"description {rule.match} {rule.description!r}"
                      if rule.description else "",
                      f"amount >= {rule.amount_min}" if rule.amount_min is not None else "",
                      f"amount <= {rule.amount_max}" if rule.amount_max is not None else "",
                      f"direction {rule.direction}" if rule.direction else "",
                      f"money account {rule.money_account_id}" if rule.money_account_id
                      else ""]
        rows.append({"id": rule.id, "priority": rule.priority, "name": rule.name,
                     "conditions": "; ".join(c for c in conditions if c),
                     "account": codes.get(rule.account_id, ""), "memo": rule.memo or "",
                     "hits": rule.hit_count, "active": rule.is_active})
    return rows


@rules_app.command("list")
def rules_list(fmt: Format = FormatOpt, book: str | None = BookOpt) -> None:
    """List the rules in the order they are tried."""
    with cli_session() as session:
        target = resolve_book(session, book)
        rows = _rule_rows(session, target)
        if not rows and fmt is Format.table:
            out.print("No rules yet: add one with 'folio bank rules add'.")
            return
        _emit_rows(fmt, "rules", rows, f"Bank rules of {target.name}")


def _party_id(session: Session, book: Book, name: str | None) -> int | None:
    if name is None:
        return None
    party = session.scalar(select(Party.id).where(Party.book_id == book.id, Party.name == name))
    if party is None:
        raise NotFound(f"No party named {name!r} in this book", field="party")
    return party


@rules_app.command("add")
def rules_add(
    name: str = typer.Argument(..., help="A name for the rule"),
    account: str = typer.Option(..., "--account", help="Book matching lines to this account"),
    payee: str | None = typer.Option(None, "--payee", help="Condition on the payee"),
    description: str | None = typer.Option(None, "--description",
                                           help="Condition on the description"),
    match: str = typer.Option("contains", "--match", help="contains|equals|starts_with"),
    amount_min: str | None = typer.Option(None, "--min", help="Smallest amount (size)"),
    amount_max: str | None = typer.Option(None, "--max", help="Largest amount (size)"),
    direction: str | None = typer.Option(None, "--direction", help="in|out"),
    bank_account: str | None = typer.Option(None, "--bank-account",
                                            help="Only lines of this money account (code)"),
    party: str | None = typer.Option(None, "--party", help="Party name for the entry"),
    tax_code: str | None = typer.Option(None, "--tax-code", help="Split VAT with this code"),
    memo: str | None = typer.Option(None, "--memo", help="Memo (and entry description)"),
    priority: int = typer.Option(100, "--priority", help="Lower numbers are tried first"),
    book: str | None = BookOpt,
) -> None:
    """Add a rule; new imports apply it to lines no earlier rule caught."""
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        money_id = money_account_by_code(session, target, bank_account).id \
            if bank_account else None
        rule = create_rule(session, target, RuleInput(
            name=name, account=account, priority=priority, match=match, payee=payee,
            description=description, amount_min=_decimal(amount_min, "--min"),
            amount_max=_decimal(amount_max, "--max"), direction=direction,
            money_account_id=money_id, party_id=_party_id(session, target, party),
            tax_code=tax_code, memo=memo))
        out.print(f"Added rule {rule.id}: {escape(rule.name)}.", highlight=False)


@app.command("lines")
def lines(
    account: str | None = typer.Option(None, "--account", help="Money account (ledger code)"),
    status: str | None = typer.Option(None, "--status",
                                      help="unmatched|categorised|transfer|ignored"),
    start: str | None = typer.Option(None, "--from", help="YYYY-MM-DD"),
    end: str | None = typer.Option(None, "--to", help="YYYY-MM-DD"),
    search: str | None = typer.Option(None, "--search", help="Text in payee or description"),
    page: int = typer.Option(1, "--page", min=1),
    fmt: Format = FormatOpt,
    book: str | None = BookOpt,
) -> None:
    """List imported bank lines, newest first, with a suggested account for open ones."""
    with cli_session() as session:
        target = resolve_book(session, book)
        money_id = money_account_by_code(session, target, account).id if account else None
        result = list_lines(session, target, money_account_id=money_id, status=status,
                            start=date_option(start, "--from"), end=date_option(end, "--to"),
                            search=search, page=page, page_size=100)
        hints = suggest_many(session, target, result.lines)
        codes = dict(session.execute(select(Account.id, Account.code)
                                     .where(Account.book_id == target.id)).all())
        rows = [{"id": line.id, "date": line.date.isoformat(),
                 "amount": decimal_str(line.amount, line.currency),
                 "payee": line.payee, "description": line.description[:60],
                 "status": line.status, "account": codes.get(line.account_id or 0, ""),
                 "suggested": hints[line.id].account.code if line.id in hints else ""}
                for line in result.lines]
        _emit_rows(fmt, "lines", rows,
                   f"Bank lines (page {result.page} of {result.pages}, {result.total} lines)")


@app.command("categorise")
def categorise_cmd(
    line_ids: list[int] = typer.Argument(..., help="Ids of the lines (see 'folio bank lines')"),
    account: str = typer.Option(..., "--account", help="Counter account code"),
    party: str | None = typer.Option(None, "--party", help="Party name"),
    tax_code: str | None = typer.Option(None, "--tax-code", help="Split VAT with this code"),
    memo: str | None = typer.Option(None, "--memo", help="Memo (and entry description)"),
    book: str | None = BookOpt,
) -> None:
    """Book one or many lines to an account; each line posts its own entry."""
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        booked = categorise(session, target, line_ids, account,
                            _party_id(session, target, party), tax_code, memo)
    out.print(f"Categorised {len(booked)} line(s) to {escape(account)}.", highlight=False)



# -- Reconciliation -------------------------------------------------------------------------

AccountOpt = typer.Option(..., "--account", help="Ledger code of the money account")


def _report(fmt: Format, report: ReconciliationStatusReport) -> None:
    if fmt is Format.csv:
        sys.stdout.write(report.as_csv())
        return
    data = report.as_dict()
    summary = ["statement_date", "statement_balance", "opening", "cleared_deposits",
               "cleared_withdrawals", "cleared_balance", "difference", "status"]
    emit(fmt, data, (["item", "value"], [[key, str(data[key])] for key in summary]
                     + [[f"uncleared {x['id']} {x['date']} {x['payee']}", x["amount"]]
                        for x in data["uncleared"]]),
         f"Reconciliation {data['id']} of {data['money_account']}")


@reconcile_app.command("start")
def reconcile_start(
    account: str = AccountOpt,
    statement_date: str = typer.Option(..., "--date", help="Statement end date, YYYY-MM-DD"),
    balance: str = typer.Option(..., "--balance", help="Statement closing balance"),
    fmt: Format = FormatOpt, book: str | None = BookOpt,
) -> None:
    """Start reconciling against a statement's end date and closing balance."""
    on = date_option(statement_date, "--date")
    amount = _decimal(balance, "--balance")
    assert on is not None
    assert amount is not None
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        money = money_account_by_code(session, target, account)
        rec = start_reconciliation(session, target, money.id, on, amount)
        session.flush()
        report = reconciliation_status(session, target, money.id, rec.id)
        _report(fmt, report)


@reconcile_app.command("status")
def reconcile_status_cmd(
    reconciliation_id: int = typer.Argument(..., help="The reconciliation's id"),
    account: str = AccountOpt, fmt: Format = FormatOpt, book: str | None = BookOpt,
) -> None:
    """Statement balance, cleared balance, difference and the lines still uncleared."""
    with cli_session() as session:
        target = resolve_book(session, book)
        money = money_account_by_code(session, target, account)
        _report(fmt, reconciliation_status(session, target, money.id, reconciliation_id))


@reconcile_app.command("report")
def reconcile_report(
    reconciliation_id: int = typer.Argument(..., help="The reconciliation's id"),
    account: str = AccountOpt,
    fmt: Format = typer.Option(Format.json, "--format", help="json, csv or table"),
    book: str | None = BookOpt,
) -> None:
    """The reconciliation report: JSON (every line) or CSV."""
    with cli_session() as session:
        target = resolve_book(session, book)
        money = money_account_by_code(session, target, account)
        _report(fmt, reconciliation_status(session, target, money.id, reconciliation_id))


@reconcile_app.command("clear")
def reconcile_clear(
    reconciliation_id: int = typer.Argument(..., help="The reconciliation's id"),
    line_ids: list[int] = typer.Argument(..., help="Bank line ids to toggle cleared"),
    account: str = AccountOpt, fmt: Format = FormatOpt, book: str | None = BookOpt,
) -> None:
    """Toggle the cleared mark of bank lines."""
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        money = money_account_by_code(session, target, account)
        toggle_cleared(session, target, money.id, reconciliation_id, line_ids)
        _report(fmt, reconciliation_status(session, target, money.id, reconciliation_id))


@reconcile_app.command("finish")
def reconcile_finish(
    reconciliation_id: int = typer.Argument(..., help="The reconciliation's id"),
    account: str = AccountOpt, book: str | None = BookOpt,
) -> None:
    """Finish a balanced reconciliation and lock its cleared lines."""
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        money = money_account_by_code(session, target, account)
        report = finish(session, target, money.id, reconciliation_id)
    out.print(f"Reconciliation {reconciliation_id} finished: {len(report.cleared)} line(s) "
              "locked.", highlight=False)


@reconcile_app.command("undo")
def reconcile_undo(account: str = AccountOpt, book: str | None = BookOpt) -> None:
    """Reopen the last finished reconciliation of the account (owners and admins)."""
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        money = money_account_by_code(session, target, account)
        rec = undo(session, target, money.id)
        rec_id = rec.id
    out.print(f"Reconciliation {rec_id} reopened.", highlight=False)


# -- Matching to invoices and bills ---------------------------------------------------------

@app.command("matches")
def matches_cmd(line_id: int = typer.Argument(..., help="The bank line's id"),
                fmt: Format = FormatOpt, book: str | None = BookOpt) -> None:
    """Open invoices (money received) or bills (money paid out) a line probably settles."""
    with cli_session() as session:
        target = resolve_book(session, book)
        rows = [{"kind": s.kind, "document_id": s.document.id, "number": s.number,
                 "party": s.party.name,
                 "amount_due": decimal_str(s.amount_due, s.currency),
                 "score": s.score, "reasons": ",".join(s.reasons),
                 **({"invoice_id": s.document.id} if s.kind == "invoice"
                    else {"bill_id": s.document.id})}
                for s in suggest_matches(session, target, line_id)]
        _emit_rows(fmt, "matches", rows, f"Invoices or bills that bank line {line_id} may settle")


@app.command("match")
def match_cmd(line_id: int = typer.Argument(..., help="The bank line's id"),
              invoice: int | None = typer.Option(None, "--invoice", help="The invoice's id"),
              bill: int | None = typer.Option(None, "--bill", help="The bill's id"),
              bank_fee: str | None = typer.Option(
                  None, "--bank-fee", help="Bills: the part of the line that is the bank's fee"),
              book: str | None = BookOpt) -> None:
    """Record a bank line as a payment of an invoice or a bill; the line becomes matched."""
    if (invoice is None) == (bill is None):
        fail("Give either --invoice or --bill")
    if invoice is not None and bank_fee is not None:
        fail("--bank-fee applies to bills only")
    fee = _decimal(bank_fee, "--bank-fee")
    with cli_session(write=True) as session:
        target = resolve_book(session, book)
        if bill is not None:
            payment_id = match_bill(session, target, line_id, bill, fee).id
            what = "bill payment"
        else:
            assert invoice is not None
            payment_id = match_invoice(session, target, line_id, invoice).id
            what = "payment"
    out.print(f"Bank line {line_id} matched: {what} {payment_id} recorded.", highlight=False)
