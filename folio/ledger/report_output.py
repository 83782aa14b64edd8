"""Reports as JSON-ready dicts and as flat tables (CSV, terminal); one shape for every interface."""

from __future__ import annotations

from typing import Any

from folio.ledger.general_ledger import GeneralLedger
from folio.ledger.reports import BalanceSheet, IncomeStatement, Row, Section, TrialBalance
from folio.money import decimal_str

Table = tuple[list[str], list[list[str]]]


def _account(row: Row) -> dict[str, Any]:
    account = row.account
    return {"code": account.code if account else None, "name": row.label,
            "type": account.type if account else "equity"}


def trial_balance_dict(report: TrialBalance) -> dict[str, Any]:
    cur = report.book.base_currency
    return {
        "book": report.book.slug, "currency": cur, "as_of": report.as_of.isoformat(),
        "accounts": [{**_account(r), "debit": decimal_str(r.debit, cur),
                      "credit": decimal_str(r.credit, cur), "balance": decimal_str(r.amount, cur)}
                     for r in report.rows],
        "total_debit": decimal_str(report.total_debit, cur),
        "total_credit": decimal_str(report.total_credit, cur),
    }


def trial_balance_table(report: TrialBalance) -> Table:
    data = trial_balance_dict(report)
    rows = [[a["code"], a["name"], a["type"], a["debit"], a["credit"], a["balance"]]
            for a in data["accounts"]]
    rows.append(["", "Total", "", data["total_debit"], data["total_credit"], ""])
    return ["code", "name", "type", "debit", "credit", "balance"], rows


def _section(section: Section, cur: str, compare: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"title": section.title, "accounts": [], "total":
                           decimal_str(section.total, cur)}
    for row in section.rows:
        item = {**_account(row), "amount": decimal_str(row.amount, cur)}
        if compare:
            item["previous"] = decimal_str(row.compare or 0, cur)
        else:
            item["balance"] = item.pop("amount")
        out["accounts"].append(item)
    if compare:
        out["previous_total"] = decimal_str(section.compare_total, cur)
    return out


def balance_sheet_dict(report: BalanceSheet) -> dict[str, Any]:
    cur = report.book.base_currency
    return {
        "book": report.book.slug, "currency": cur, "as_of": report.as_of.isoformat(),
        "assets": _section(report.assets, cur), "liabilities": _section(report.liabilities, cur),
        "equity": _section(report.equity, cur),
        "total_assets": decimal_str(report.assets.total, cur),
        "total_liabilities": decimal_str(report.liabilities.total, cur),
        "total_equity": decimal_str(report.equity.total, cur),
        "total_liabilities_and_equity": decimal_str(
            report.liabilities.total + report.equity.total, cur),
        "balanced": report.balanced,
    }


def balance_sheet_table(report: BalanceSheet) -> Table:
    cur = report.book.base_currency
    rows: list[list[str]] = []
    for section in (report.assets, report.liabilities, report.equity):
        rows += [[section.key, r.account.code if r.account else "", r.label,
                  decimal_str(r.amount, cur)] for r in section.rows]
        rows.append([section.key, "", f"Total {section.title.lower()}",
                     decimal_str(section.total, cur)])
    return ["section", "code", "name", "balance"], rows


def income_statement_dict(report: IncomeStatement) -> dict[str, Any]:
    cur = report.book.base_currency
    return {
        "book": report.book.slug, "currency": cur, "from": report.start.isoformat(),
        "to": report.end.isoformat(), "previous_from": report.compare_start.isoformat(),
        "previous_to": report.compare_end.isoformat(),
        "income": _section(report.income, cur, compare=True),
        "expenses": _section(report.expenses, cur, compare=True),
        "total_income": decimal_str(report.income.total, cur),
        "total_expenses": decimal_str(report.expenses.total, cur),
        "net_income": decimal_str(report.net_income, cur),
        "previous_net_income": decimal_str(report.compare_net_income, cur),
    }


def income_statement_table(report: IncomeStatement) -> Table:
    cur = report.book.base_currency
    rows: list[list[str]] = []
    for section in (report.income, report.expenses):
        rows += [[section.key, r.account.code if r.account else "", r.label,
                  decimal_str(r.amount, cur), decimal_str(r.compare or 0, cur)]
                 for r in section.rows]
        rows.append([section.key, "", f"Total {section.title.lower()}",
                     decimal_str(section.total, cur), decimal_str(section.compare_total, cur)])
    rows.append(["", "", "Net income", decimal_str(report.net_income, cur),
                 decimal_str(report.compare_net_income, cur)])
    return ["section", "code", "name", "amount", "previous"], rows


def general_ledger_dict(report: GeneralLedger) -> dict[str, Any]:
    cur = report.book.base_currency
    return {
        "book": report.book.slug, "currency": cur,
        "account": {"code": report.account.code, "name": report.account.name,
                    "type": report.account.type},
        "from": report.start.isoformat(), "to": report.end.isoformat(),
        "opening_balance": decimal_str(report.opening, cur),
        "closing_balance": decimal_str(report.closing, cur),
        "page": report.page, "pages": report.pages, "page_size": report.page_size,
        "total_rows": report.total_rows,
        "rows": [{"entry_id": r.entry_id, "number": r.number, "date": r.date.isoformat(),
                  "description": r.description, "memo": r.memo,
                  "debit": decimal_str(max(r.base_amount, 0), cur),
                  "credit": decimal_str(max(-r.base_amount, 0), cur),
                  "balance": decimal_str(r.balance, cur),
                  "amount": decimal_str(r.amount, r.currency), "currency": r.currency}
                 for r in report.rows],
    }


def general_ledger_table(report: GeneralLedger) -> Table:
    data = general_ledger_dict(report)
    rows = [[data["from"], "", "Opening balance", "", "", "", data["opening_balance"]]]
    rows += [[r["date"], str(r["number"]), r["description"], r["memo"] or "", r["debit"],
              r["credit"], r["balance"]] for r in data["rows"]]
    if report.page == report.pages:
        rows.append([data["to"], "", "Closing balance", "", "", "", data["closing_balance"]])
    return ["date", "entry", "description", "memo", "debit", "credit", "balance"], rows
