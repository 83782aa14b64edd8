"""Bank rules: conditions on a bank line and the booking to make when they all hold.

Text conditions are plain case-insensitive comparisons (contains, equals, starts with), not
regular expressions, so a rule can never make an import hang.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.guard import require
from folio.banking.models import BankLine, BankRule, LineStatus, MoneyAccount
from folio.banking.service import book_line, can_book, link_pending_transfer, rule_target
from folio.books.models import Book
from folio.errors import Conflict, NotFound, ValidationError
from folio.ledger.accounts import CODE_RE
from folio.ledger.models import Account
from folio.money import MAX_ABS_AMOUNT, from_minor
from folio.parties.models import Party
from folio.tax.models import TaxCode

MATCH_MODES = ("contains", "equals", "starts_with")
DIRECTIONS = ("in", "out")
MAX_PRIORITY = 1_000_000
FIELDS = ("name", "priority", "match", "payee", "description", "amount_min", "amount_max",
          "direction", "money_account_id", "account_id", "party_id", "tax_code_id", "memo",
          "is_active")


@dataclass
class RuleInput:
    name: str
    account: str  # the ledger account's code to book matching lines to
    priority: int = 100
    match: str = "contains"
    payee: str | None = None
    description: str | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    direction: str | None = None
    money_account_id: int | None = None
    party_id: int | None = None
    tax_code: str | None = None
    memo: str | None = None
    is_active: bool = True


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def _text_matches(mode: str, wanted: str | None, text: str) -> bool:
    if not wanted:
        return True
    needle, haystack = normalise(wanted), normalise(text)
    if mode == "equals":
        return haystack == needle
    if mode == "starts_with":
        return haystack.startswith(needle)
    return needle in haystack


def matches(rule: BankRule, line: BankLine) -> bool:
    """Whether every condition of ``rule`` holds for ``line``."""
    if rule.money_account_id is not None and rule.money_account_id != line.money_account_id:
        return False
    if rule.direction == "in" and line.amount <= 0:
        return False
    if rule.direction == "out" and line.amount >= 0:
        return False
    size = abs(from_minor(line.amount, line.currency))
    if rule.amount_min is not None and size < rule.amount_min:
        return False
    if rule.amount_max is not None and size > rule.amount_max:
        return False
    return (_text_matches(rule.match, rule.payee, line.payee)
            and _text_matches(rule.match, rule.description, line.description))


def first_match(rules: Iterable[BankRule], line: BankLine) -> BankRule | None:
    """The first rule (in priority order) whose conditions hold."""
    return next((rule for rule in rules if matches(rule, line)), None)


def apply_rules(session: Session, book: Book, lines: Sequence[BankLine], *,
                link_transfers: bool = False,
                progress: Callable[[int], None] | None = None) -> int:
    """Book the unmatched ``lines`` that a rule catches; returns how many were booked.

    With ``link_transfers`` a line first joins a transfer its other side already booked.
    Lines a rule cannot book unasked (locked period, foreign currency) stay unmatched.
    """
    rules = active_rules(session, book)
    # One query instead of one per line when no transfer waits for its other side.
    link_transfers = link_transfers and session.scalar(select(BankLine.id).where(
        BankLine.book_id == book.id, BankLine.status == LineStatus.TRANSFER.value,
        BankLine.transfer_line_id.is_(None)).limit(1)) is not None
    booked = 0
    for line in lines:
        if line.status == LineStatus.UNMATCHED.value:
            money = session.get_one(MoneyAccount, line.money_account_id)
            if link_transfers and link_pending_transfer(session, book, line, money):
                booked += 1
            else:
                rule = first_match(rules, line)
                target = rule_target(session, rule) if rule is not None else None
                if rule is not None and target is not None and can_book(book, line, target):
                    book_line(session, book, line, target, rule)
                    rule.hit_count += 1
                    booked += 1
        if progress is not None:
            progress(1)
    session.flush()
    return booked


def apply_rules_to_open_lines(session: Session, book: Book) -> int:
    """Run the rules over every unmatched line of the book (after adding a rule)."""
    require(session, book, "bank.import")
    lines = list(session.scalars(select(BankLine).where(
        BankLine.book_id == book.id, BankLine.status == LineStatus.UNMATCHED.value)
        .order_by(BankLine.date, BankLine.id)))
    booked = apply_rules(session, book, lines)
    if booked:
        audit.record(session, "categorise", "bank_line", "rules", book=book,
                     after={"lines": [x.id for x in lines
                                      if x.status != LineStatus.UNMATCHED.value]},
                     summary=f"Rules booked {booked} open bank line(s)")
    return booked


def active_rules(session: Session, book: Book) -> list[BankRule]:
    """Active rules in the order they are tried: priority, then age."""
    return list(session.scalars(select(BankRule).where(
        BankRule.book_id == book.id, BankRule.is_active.is_(True))
        .order_by(BankRule.priority, BankRule.id)))


def list_rules(session: Session, book: Book) -> list[BankRule]:
    require(session, book, "report.read")
    return list(session.scalars(select(BankRule).where(BankRule.book_id == book.id)
                                .order_by(BankRule.priority, BankRule.id)))


def get_rule(session: Session, book: Book, rule_id: int) -> BankRule:
    require(session, book, "report.read")
    rule = session.scalar(select(BankRule).where(BankRule.book_id == book.id,
                                                 BankRule.id == rule_id)) \
        if 0 < rule_id < 2**63 else None
    if rule is None:
        raise NotFound(f"No bank rule {rule_id} in this book")
    return rule


def _resolved(session: Session, book: Book, data: RuleInput) -> dict[str, object]:
    """The rule's column values from ``data``, or a ValidationError listing every problem."""
    errors: list[dict[str, str]] = []

    def error(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    def text(field: str, value: str | None, limit: int) -> str | None:
        if value is None or not value.strip():
            return None
        if len(value) > limit or "\x00" in value:
            error(field, f"at most {limit} characters")
        return value.strip()

    name = (data.name or "").strip()
    if not name or len(name) > 200 or "\x00" in name:
        error("name", "a name of 1 to 200 characters")
    if not isinstance(data.priority, int) or not 0 <= data.priority <= MAX_PRIORITY:
        error("priority", f"a number from 0 (first) to {MAX_PRIORITY}")
    if data.match not in MATCH_MODES:
        error("match", f"one of {', '.join(MATCH_MODES)}")
    if data.direction is not None and data.direction not in DIRECTIONS:
        error("direction", "in (money received) or out (money paid)")
    payee, description = text("payee", data.payee, 200), text("description", data.description, 200)
    memo = text("memo", data.memo, 500)
    for field, amount in (("amount_min", data.amount_min), ("amount_max", data.amount_max)):
        if amount is not None and (not amount.is_finite() or not 0 <= amount < MAX_ABS_AMOUNT):
            error(field, "a positive amount (the size of the line, whichever direction)")
    if data.amount_min is not None and data.amount_max is not None \
            and data.amount_min.is_finite() and data.amount_max.is_finite() \
            and data.amount_min > data.amount_max:
        error("amount_max", "at least amount_min")
    if not any((payee, description, data.amount_min is not None, data.amount_max is not None,
                data.direction, data.money_account_id)):
        error("payee", "a rule needs at least one condition (payee, description, amount, "
                       "direction or money account)")
    account = session.scalar(select(Account).where(
        Account.book_id == book.id, Account.code == data.account)) \
        if CODE_RE.match(data.account or "") else None
    if account is None:
        error("account", f"no account with the code {data.account!r} in this book")
    elif account.is_group or not account.is_active:
        error("account", f"{account.code} is a group or inactive account")
    if data.money_account_id is not None and (not 0 < data.money_account_id < 2**63 or
                                              session.scalar(select(MoneyAccount.id).where(
                                                  MoneyAccount.book_id == book.id,
                                                  MoneyAccount.id == data.money_account_id))
                                              is None):
        error("money_account_id", f"no money account {data.money_account_id} in this book")
    if data.party_id is not None and (not 0 < data.party_id < 2**63 or session.scalar(
            select(Party.id).where(Party.book_id == book.id, Party.id == data.party_id)) is None):
        error("party_id", f"no party {data.party_id} in this book")
    tax_code = None
    if data.tax_code is not None:
        tax_code = session.scalar(select(TaxCode).where(
            TaxCode.book_id == book.id, TaxCode.code == data.tax_code)) \
            if CODE_RE.match(data.tax_code) else None
        if tax_code is None:
            error("tax_code", f"no tax code {data.tax_code!r} in this book")
        elif tax_code.account_id is None or not tax_code.is_active:
            error("tax_code", f"{tax_code.code} is inactive or has no account to post to")
    if errors:
        raise ValidationError(errors[0]["message"] if len(errors) == 1
                              else "The rule has errors", errors=errors)
    assert account is not None
    return {"name": name, "priority": data.priority, "match": data.match, "payee": payee,
            "description": description, "amount_min": data.amount_min,
            "amount_max": data.amount_max, "direction": data.direction,
            "money_account_id": data.money_account_id, "account_id": account.id,
            "party_id": data.party_id, "tax_code_id": tax_code.id if tax_code else None,
            "memo": memo, "is_active": data.is_active}


def _check_name_free(session: Session, book: Book, name: str, rule_id: int | None) -> None:
    query = select(BankRule.id).where(BankRule.book_id == book.id, BankRule.name == name)
    if rule_id is not None:
        query = query.where(BankRule.id != rule_id)
    if session.scalar(query) is not None:
        raise Conflict(f"A bank rule named {name!r} already exists", field="name")


def create_rule(session: Session, book: Book, data: RuleInput) -> BankRule:
    require(session, book, "bank.import")
    values = _resolved(session, book, data)
    _check_name_free(session, book, str(values["name"]), None)
    rule = BankRule(book_id=book.id, hit_count=0, **values)
    session.add(rule)
    session.flush()
    audit.record(session, "create", "bank_rule", rule.id, book=book,
                 after=snapshot(rule, FIELDS), summary=rule.name)
    return rule


def update_rule(session: Session, book: Book, rule: BankRule, data: RuleInput) -> BankRule:
    """Replace a rule's conditions and actions; lines it already booked stay as they are."""
    require(session, book, "bank.import")
    values = _resolved(session, book, data)
    _check_name_free(session, book, str(values["name"]), rule.id)
    before = snapshot(rule, FIELDS)
    for key, value in values.items():
        setattr(rule, key, value)
    session.flush()
    audit.record(session, "update", "bank_rule", rule.id, book=book, before=before,
                 after=snapshot(rule, FIELDS), summary=rule.name)
    return rule


def delete_rule(session: Session, book: Book, rule: BankRule) -> None:
    """Delete a rule; the lines it booked keep their entries (and lose the link)."""
    require(session, book, "bank.import")
    audit.record(session, "delete", "bank_rule", rule.id, book=book,
                 before=snapshot(rule, FIELDS), summary=rule.name)
    session.delete(rule)
    session.flush()
