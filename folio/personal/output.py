"""Personal-finance reports as JSON-ready dicts and flat tables (CSV, terminal)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from folio.money import decimal_str
from folio.personal.budget_report import BudgetReport
from folio.personal.detection import Suggestion
from folio.personal.forecast import Forecast
from folio.personal.goals import GoalProgress
from folio.personal.models import RecurringTransaction
from folio.personal.months import month_text
from folio.personal.networth import NetWorth

Table = tuple[list[str], list[list[str]]]


def _percent(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def budget_dict(report: BudgetReport) -> dict[str, Any]:
    cur = report.book.base_currency

    def money(units: int) -> str:
        return decimal_str(units, cur)

    return {
        "book": report.book.slug, "currency": cur, "month": month_text(report.month),
        "categories": [{
            "account": line.account.code, "name": line.account.name,
            "is_group": line.account.is_group, "budgeted": money(line.budgeted),
            "rolled_over": money(line.rolled_over), "available": money(line.available),
            "spent": money(line.spent), "remaining": money(line.remaining),
            "percent_used": _percent(line.percent_used), "over_budget": line.over_budget,
            "rollover": line.rollover} for line in report.lines],
        "totals": {"budgeted": money(report.budgeted), "rolled_over": money(report.rolled_over),
                   "available": money(report.available), "spent": money(report.spent),
                   "remaining": money(report.remaining),
                   "percent_used": _percent(report.percent_used),
                   "over_budget": report.over_budget},
        "unbudgeted_spending": money(report.unbudgeted),
    }


def budget_table(report: BudgetReport) -> Table:
    data = budget_dict(report)
    header = ["account", "name", "budgeted", "rolled_over", "spent", "remaining",
              "percent_used", "over_budget"]
    rows = [[c["account"], c["name"], c["budgeted"], c["rolled_over"], c["spent"],
             c["remaining"], c["percent_used"] or "", "yes" if c["over_budget"] else ""]
            for c in data["categories"]]
    t = data["totals"]
    rows.append(["", "Total", t["budgeted"], t["rolled_over"], t["spent"], t["remaining"],
                 t["percent_used"] or "", "yes" if t["over_budget"] else ""])
    rows.append(["", "Spending without a budget", "", "", data["unbudgeted_spending"], "", "",
                 ""])
    return header, rows


def forecast_dict(report: Forecast) -> dict[str, Any]:
    cur = report.book.base_currency
    return {
        "book": report.book.slug, "currency": cur, "today": report.today.isoformat(),
        "start_balance": decimal_str(report.start_balance, cur),
        "accounts": [{"account": a.code, "name": a.name, "balance": decimal_str(units, cur)}
                     for a, units in report.accounts],
        "months": [{
            "month": month_text(m.month), "income": decimal_str(m.income, cur),
            "expenses": decimal_str(m.expenses, cur), "net": decimal_str(m.net, cur),
            "balance": decimal_str(m.balance, cur),
            "occurrences": [{"date": o.day.isoformat(), "recurring_id": o.item.id,
                             "name": o.item.name, "kind": o.item.kind,
                             "amount": decimal_str(o.amount, cur)} for o in m.occurrences],
        } for m in report.months],
    }


def forecast_table(report: Forecast) -> Table:
    data = forecast_dict(report)
    rows = [[m["month"], m["income"], m["expenses"], m["net"], m["balance"]]
            for m in data["months"]]
    return ["month", "income", "expenses", "net", "balance"], rows


def net_worth_dict(report: NetWorth) -> dict[str, Any]:
    cur = report.book.base_currency
    return {
        "book": report.book.slug, "currency": cur,
        "current": decimal_str(report.current.net_worth, cur),
        "points": [{"date": p.day.isoformat(), "assets": decimal_str(p.assets, cur),
                    "liabilities": decimal_str(p.liabilities, cur),
                    "net_worth": decimal_str(p.net_worth, cur)} for p in report.points],
    }


def net_worth_table(report: NetWorth) -> Table:
    data = net_worth_dict(report)
    return (["date", "assets", "liabilities", "net_worth"],
            [[p["date"], p["assets"], p["liabilities"], p["net_worth"]] for p in data["points"]])


def goal_dict(row: GoalProgress, currency: str) -> dict[str, Any]:
    goal = row.goal
    needed = row.monthly_needed
    return {"id": goal.id, "name": goal.name,
            "target_amount": decimal_str(goal.target_amount, currency),
            "target_date": goal.target_date.isoformat() if goal.target_date else None,
            "account": row.account.code if row.account else None,
            "current": decimal_str(row.current, currency),
            "remaining": decimal_str(row.remaining, currency),
            "percent": format(row.percent, "f"), "months_left": row.months_left,
            "monthly_needed": decimal_str(needed, currency) if needed is not None else None,
            "reached": row.reached}


def goals_table(rows: list[GoalProgress], currency: str) -> Table:
    header = ["id", "name", "target_amount", "target_date", "current", "percent",
              "monthly_needed", "account"]
    body = []
    for row in rows:
        d = goal_dict(row, currency)
        body.append([str(d["id"]), d["name"], d["target_amount"], d["target_date"] or "",
                     d["current"], d["percent"], d["monthly_needed"] or "", d["account"] or ""])
    return header, body


def recurring_dict(item: RecurringTransaction, codes: dict[int, str],
                   currency: str) -> dict[str, Any]:
    return {"id": item.id, "name": item.name, "payee": item.payee, "kind": item.kind,
            "amount": decimal_str(item.amount, currency),
            "category": codes.get(item.category_account_id, ""),
            "money_account": codes.get(item.money_account_id, ""),
            "frequency": item.frequency, "interval": item.interval,
            "next_date": item.next_date.isoformat(),
            "end_date": item.end_date.isoformat() if item.end_date else None,
            "active": item.active, "last_entry_id": item.last_entry_id}


def recurring_table(items: list[RecurringTransaction], codes: dict[int, str],
                    currency: str) -> Table:
    header = ["id", "name", "kind", "amount", "category", "money_account", "frequency",
              "next_date", "active"]
    rows = []
    for item in items:
        d = recurring_dict(item, codes, currency)
        every = d["frequency"] if d["interval"] == 1 else f"{d['frequency']} x{d['interval']}"
        rows.append([str(d["id"]), d["name"], d["kind"], d["amount"], d["category"],
                     d["money_account"], every, d["next_date"], "yes" if d["active"] else "no"])
    return header, rows


def suggestion_dict(s: Suggestion, currency: str) -> dict[str, Any]:
    return {"name": s.name, "payee": s.payee, "amount": decimal_str(s.amount, currency),
            "category": s.category.code,
            "money_account": s.money_account.code if s.money_account else None,
            "frequency": "monthly", "occurrences": s.occurrences,
            "last_date": s.last_date.isoformat(), "next_date": s.next_date.isoformat()}
