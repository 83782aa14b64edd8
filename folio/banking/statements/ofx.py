"""OFX 1.x (SGML, leaf tags unclosed) and 2.x (XML) bank statements, read offline."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from folio.banking.statements.model import Statement, StatementLine, decode, fail
from folio.banking.statements.numbers import parse_number

_TAG = re.compile(r"<(/?)([A-Za-z0-9.]+)\s*>([^<]*)")
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\d{2,6}(?:\.\d+)?)?(?:\[[^\]]*\])?")


@dataclass
class Node:
    name: str
    line: int
    text: str = ""
    children: list[Node] = field(default_factory=list)

    def find(self, name: str) -> Node | None:
        """First descendant called `name`, depth first."""
        for child in self.children:
            if child.name == name:
                return child
            found = child.find(name)
            if found is not None:
                return found
        return None

    def find_all(self, name: str) -> list[Node]:
        found = []
        for child in self.children:
            found += [child] if child.name == name else child.find_all(name)
        return found

    def value(self, name: str) -> str:
        child = next((c for c in self.children if c.name == name), None)
        return child.text if child is not None else ""


def parse_tree(text: str) -> Node:
    """Build a tree from OFX SGML or XML; leaf tags may be left unclosed."""
    start = text.upper().find("<OFX>")
    if start < 0:
        raise fail(1, "file", "no <OFX> element: not an OFX file")
    base_line = text.count("\n", 0, start) + 1
    body = text[start:]
    root = Node("#root", base_line)
    stack = [root]
    for match in _TAG.finditer(body):
        closing, name, tail = match.group(1), match.group(2).upper(), match.group(3)
        line = base_line + body.count("\n", 0, match.start())
        if closing:
            if name == stack[-1].name:
                stack.pop()
            elif any(node.name == name for node in stack):
                while stack[-1].name != name:  # SGML: close the leaves left open
                    stack.pop()
                stack.pop()
            elif not any(c.name == name for c in stack[-1].children):
                raise fail(line, name, f"</{name}> closes an element that was never opened")
            continue
        node = Node(name, line, html.unescape(tail.strip()))
        stack[-1].children.append(node)
        if not node.text:
            stack.append(node)
    if len(stack) > 1:
        open_node = stack[1]
        raise fail(open_node.line, open_node.name,
                   f"<{open_node.name}> is never closed: the file is truncated")
    ofx = root.find("OFX")
    assert ofx is not None
    return ofx


def parse_date(text: str, line: int, name: str) -> date:
    match = _DATE.fullmatch(text.strip())
    try:
        if not match:
            raise ValueError
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise fail(line, name, f"{text!r} is not an OFX date (YYYYMMDD[HHMMSS])") from exc


def _amount(node: Node, name: str) -> Decimal:
    child = next((c for c in node.children if c.name == name), None)
    if child is None:
        raise fail(node.line, name, f"<{node.name}> has no <{name}>")
    text = child.text
    sep = "," if "," in text and "." not in text else "."
    try:
        return parse_number(text, sep)
    except ValueError as exc:
        raise fail(child.line, name, str(exc)) from exc


def parse_ofx(data: bytes) -> Statement:
    """Parse an OFX bank or credit-card statement; LEDGERBAL is the closing balance."""
    ofx = parse_tree(decode(data))
    stmt = ofx.find("STMTRS") or ofx.find("CCSTMTRS")
    if stmt is None:
        raise fail(ofx.line, "OFX", "no <STMTRS> or <CCSTMTRS> statement in the file")
    account_node = stmt.find("BANKACCTFROM") or stmt.find("CCACCTFROM")
    account = account_node.value("ACCTID") or None if account_node else None
    currency = stmt.value("CURDEF") or None
    lines = []
    for trn in stmt.find_all("STMTTRN"):
        posted = next((c for c in trn.children if c.name == "DTPOSTED"), None)
        if posted is None:
            raise fail(trn.line, "DTPOSTED", "<STMTTRN> has no <DTPOSTED>")
        currency_node = trn.find("CURRENCY") or trn.find("ORIGCURRENCY")
        lines.append(StatementLine(
            date=parse_date(posted.text, posted.line, "DTPOSTED"),
            amount=_amount(trn, "TRNAMT"),
            currency=(currency_node.value("CURSYM") if currency_node else "") or currency,
            description=trn.value("MEMO"),
            payee=trn.value("NAME") or (trn.find("PAYEE") or Node("", 0)).value("NAME"),
            reference=trn.value("CHECKNUM") or trn.value("REFNUM"),
            external_id=trn.value("FITID") or None,
            line=trn.line,
        ))
    ledger = stmt.find("LEDGERBAL")
    closing = _amount(ledger, "BALAMT") if ledger is not None else None
    return Statement(account=account, currency=currency, lines=lines, closing_balance=closing)
