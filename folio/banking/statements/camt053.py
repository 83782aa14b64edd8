"""ISO 20022 camt.053 bank-to-customer statements, namespace-agnostic."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal, InvalidOperation

from folio.banking.statements.model import Statement, StatementLine, fail

Element = ET.Element
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(node: Element, *path: str) -> Element | None:
    """Follow local names down the tree, ignoring namespaces."""
    current: Element | None = node
    for name in path:
        if current is None:
            return None
        current = next((c for c in current if _local(c.tag) == name), None)
    return current


def _text(node: Element, *path: str) -> str:
    found = _child(node, *path)
    return (found.text or "").strip() if found is not None else ""


def _where(path: str) -> str:
    return f"element {path}"


def _date(entry: Element, name: str, path: str) -> date | None:
    node = _child(entry, name)
    if node is None:
        return None
    text = _text(node, "Dt") or _text(node, "DtTm")[:10]
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise fail(_where(f"{path}/{name}"), name, f"{text!r} is not an ISO date") from exc


def _signed_amount(node: Element, path: str) -> tuple[Decimal, str | None]:
    amt = _child(node, "Amt")
    if amt is None:
        raise fail(_where(path), "Amt", "no <Amt>")
    try:
        value = Decimal((amt.text or "").strip())
    except InvalidOperation as exc:
        raise fail(_where(f"{path}/Amt"), "Amt", f"{amt.text!r} is not an amount") from exc
    if not value.is_finite() or value < 0:
        raise fail(_where(f"{path}/Amt"), "Amt", f"{amt.text!r} is not a positive amount")
    indicator = _text(node, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise fail(_where(f"{path}/CdtDbtInd"), "CdtDbtInd", f"{indicator!r} is not CRDT or DBIT")
    return (value if indicator == "CRDT" else -value), amt.get("Ccy")


def parse_camt053(data: bytes) -> Statement:
    """Parse the first Stmt; booked entries only, and the balances must reconcile."""
    if _DOCTYPE.search(data):
        raise fail(_where("DOCTYPE"), "file", "DOCTYPE/ENTITY declarations are not accepted")
    try:
        root = ET.fromstring(data)  # noqa: S314 - no DOCTYPE, so no entity expansion
    except ET.ParseError as exc:
        line = exc.position[0]
        raise fail(line, "file", f"malformed XML ({exc})") from exc
    except LookupError as exc:  # an encoding="..." Python does not know
        raise fail(1, "file", f"malformed XML ({exc})") from exc
    stmt = _child(root, "BkToCstmrStmt", "Stmt")
    if stmt is None:
        raise fail(_where("Document/BkToCstmrStmt/Stmt"), "Stmt", "no statement: not camt.053")
    account = _text(stmt, "Acct", "Id", "IBAN") or _text(stmt, "Acct", "Id", "Othr", "Id") or None
    currency = _text(stmt, "Acct", "Ccy") or None

    balances: dict[str, Decimal] = {}
    for index, bal in enumerate(c for c in stmt if _local(c.tag) == "Bal"):
        code = _text(bal, "Tp", "CdOrPrtry", "Cd")
        amount, ccy = _signed_amount(bal, f"Stmt/Bal[{index + 1}]")
        currency = currency or ccy
        if code in ("OPBD", "CLBD"):
            balances[code] = amount

    lines = []
    for index, entry in enumerate(c for c in stmt if _local(c.tag) == "Ntry"):
        path = f"Stmt/Ntry[{index + 1}]"
        status = _text(entry, "Sts", "Cd") or _text(entry, "Sts")
        if status != "BOOK":
            continue
        amount, ccy = _signed_amount(entry, path)
        if _text(entry, "RvslInd").lower() == "true":
            amount = -amount
        booked = _date(entry, "BookgDt", path) or _date(entry, "ValDt", path)
        if booked is None:
            raise fail(_where(path), "BookgDt", "entry has no booking or value date")
        tx = _child(entry, "NtryDtls", "TxDtls")
        remittance = " ".join(
            (u.text or "").strip() for u in (tx.iter() if tx is not None else [])
            if _local(u.tag) == "Ustrd"
        ) or _text(entry, "AddtlNtryInf")
        party = "Cdtr" if amount < 0 else "Dbtr"
        payee = ""
        if tx is not None:
            payee = (_text(tx, "RltdPties", party, "Nm")
                     or _text(tx, "RltdPties", party, "Pty", "Nm"))
        reference = _text(tx, "Refs", "EndToEndId") if tx is not None else ""
        lines.append(StatementLine(
            date=booked, amount=amount, currency=ccy or currency, description=remittance,
            payee=payee, reference="" if reference == "NOTPROVIDED" else reference,
            external_id=_text(entry, "AcctSvcrRef") or None, line=index + 1,  # entry ordinal
        ))

    opening, closing = balances.get("OPBD"), balances.get("CLBD")
    if opening is not None and closing is not None:
        total = opening + sum((line.amount for line in lines), Decimal(0))
        if total != closing:
            raise fail(_where("Stmt/Bal[CLBD]"), "Bal",
                       f"opening {opening} + booked entries = {total}, but closing is {closing}")
    return Statement(account=account, currency=currency, lines=lines,
                     opening_balance=opening, closing_balance=closing)
