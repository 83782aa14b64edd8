"""Bank lines: find them, categorise them into posted entries, recognise transfers.

A categorised line posts one balanced entry: the money account against the chosen counter
account (and the tax account, when a tax code splits the VAT out of the amount). A line
whose counter account is another money account is a transfer: both statements' lines share
one entry, whichever is imported or categorised first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.guard import require
from folio.banking.models import BankLine, BankRule, LineStatus, MoneyAccount
from folio.banking.reconcile import ensure_unlocked
from folio.books.models import Book
from folio.errors import Conflict, NotFound, ValidationError
from folio.ledger.accounts import CODE_RE
from folio.ledger.models import Account, EntryKind, JournalEntry
from folio.ledger.service import EntryInput, LineInput, create_entry, get_entry, reverse_entry
from folio.money import from_minor
from folio.parties.models import Party
from folio.tax.calc import vat_for_line
from folio.tax.models import TaxCode

TRANSFER_WINDOW = timedelta(days=3)
MAX_BULK = 1000
STATUSES = tuple(s.value for s in LineStatus)


@dataclass(frozen=True)
class Target:
    """Where a line is booked: the counter account and the optional details."""

    account: Account
    party: Party | None = None
    tax_code: TaxCode | None = None
    memo: str | None = None


def resolve_target(session: Session, book: Book, account: str, party_id: int | None = None,
                   tax_code: str | None = None, memo: str | None = None) -> Target:
    """Look up and check a categorisation's account, party and tax code."""
    errors: list[dict[str, str]] = []
    found = session.scalar(select(Account).where(Account.book_id == book.id,
                                                 Account.code == account)) \
        if CODE_RE.match(account or "") else None
    if found is None:
        errors.append({"field": "account", "message": f"no account with the code {account!r}"})
    elif found.is_group or not found.is_active:
        errors.append({"field": "account",
                       "message": f"{found.code} is a group or inactive account"})
    party = None
    if party_id is not None:
        party = session.scalar(select(Party).where(Party.book_id == book.id,
                                                   Party.id == party_id)) \
            if 0 < party_id < 2**63 else None
        if party is None:
            errors.append({"field": "party_id", "message": f"no party {party_id} in this book"})
    code = None
    if tax_code is not None:
        code = session.scalar(select(TaxCode).where(TaxCode.book_id == book.id,
                                                    TaxCode.code == tax_code)) \
            if CODE_RE.match(tax_code) else None
        if code is None:
            errors.append({"field": "tax_code", "message": f"no tax code {tax_code!r}"})
        elif code.account_id is None or not code.is_active:
            errors.append({"field": "tax_code", "message":
                           f"{code.code} is inactive or has no account to post to"})
    if memo is not None and (len(memo) > 500 or "\x00" in memo):
        errors.append({"field": "memo", "message": "at most 500 characters"})
    if errors:
        raise ValidationError(errors[0]["message"] if len(errors) == 1
                              else "The categorisation has errors", errors=errors)
    assert found is not None
    return Target(account=found, party=party, tax_code=code, memo=(memo or "").strip() or None)


def rule_target(session: Session, rule: BankRule) -> Target:
    return Target(account=session.get_one(Account, rule.account_id),
                  party=session.get(Party, rule.party_id) if rule.party_id else None,
                  tax_code=session.get(TaxCode, rule.tax_code_id) if rule.tax_code_id else None,
                  memo=rule.memo)


def get_line(session: Session, book: Book, line_id: int) -> BankLine:
    require(session, book, "report.read")
    line = session.scalar(select(BankLine).where(BankLine.book_id == book.id,
                                                 BankLine.id == line_id)) \
        if 0 < line_id < 2**63 else None
    if line is None:
        raise NotFound(f"No bank line {line_id} in this book")
    return line


def _lines(session: Session, book: Book, line_ids: Sequence[int]) -> list[BankLine]:
    ids = list(dict.fromkeys(line_ids))
    if not ids:
        raise ValidationError("Choose at least one bank line", field="line_ids")
    if len(ids) > MAX_BULK:
        raise ValidationError(f"At most {MAX_BULK} lines at once", field="line_ids")
    valid = [i for i in ids if 0 < i < 2**63]
    found = {line.id: line for line in session.scalars(select(BankLine).where(
        BankLine.book_id == book.id, BankLine.id.in_(valid)).with_for_update())}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"No bank line {missing[0]} in this book", field="line_ids")
    return [found[i] for i in ids]


@dataclass(frozen=True)
class LinePage:
    lines: list[BankLine]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def list_lines(session: Session, book: Book, *, money_account_id: int | None = None,
               status: str | None = None, start: date | None = None, end: date | None = None,
               search: str | None = None, page: int = 1, page_size: int = 50) -> LinePage:
    """Bank lines newest first, filtered by account, status, dates and text."""
    require(session, book, "report.read")
    if status is not None and status not in STATUSES:
        raise ValidationError(f"status is one of {', '.join(STATUSES)}", field="status")
    query = select(BankLine).where(BankLine.book_id == book.id)
    if money_account_id is not None:
        query = query.where(BankLine.money_account_id == money_account_id)
    if status:
        query = query.where(BankLine.status == status)
    if start:
        query = query.where(BankLine.date >= start)
    if end:
        query = query.where(BankLine.date <= end)
    if search and search.strip():
        like = "%" + search.strip().lower().replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_").replace("\x00", "") + "%"
        query = query.where(or_(func.lower(BankLine.payee).like(like, escape="\\"),
                                func.lower(BankLine.description).like(like, escape="\\"),
                                func.lower(BankLine.reference).like(like, escape="\\")))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    lines = list(session.scalars(query.order_by(BankLine.date.desc(), BankLine.id.desc())
                                 .offset((page - 1) * page_size).limit(page_size)))
    return LinePage(lines=lines, total=total, page=page, page_size=page_size)


def _money(session: Session, line: BankLine) -> MoneyAccount:
    return session.get_one(MoneyAccount, line.money_account_id)


def _description(line: BankLine, target: Target) -> str:
    text = line.payee or line.description or f"Bank line of {line.date.isoformat()}"
    return (target.memo or text)[:500]


def _post(session: Session, book: Book, line: BankLine, money: MoneyAccount,
          target: Target) -> JournalEntry:
    """Post the entry for ``line``: the money account against the target (and tax)."""
    bank = session.get_one(Account, money.account_id)
    gross = from_minor(line.amount, line.currency)
    memo = (line.description or line.payee or None)
    memo = memo[:500] if memo else None
    postings = [LineInput(account=bank.code, amount=gross, memo=memo)]
    if target.tax_code is not None:
        split = vat_for_line(abs(gross), target.tax_code, line.currency, prices_include_tax=True)
        sign = Decimal(1) if gross > 0 else Decimal(-1)
        postings.append(LineInput(account=target.account.code, amount=-sign * split.net,
                                  memo=target.memo))
        if split.tax:
            tax_account = session.get_one(Account, target.tax_code.account_id)
            postings.append(LineInput(account=tax_account.code, amount=-sign * split.tax,
                                      memo=target.tax_code.name))
    else:
        postings.append(LineInput(account=target.account.code, amount=-gross, memo=target.memo))
    return create_entry(session, book, EntryInput(
        date=line.date, description=_description(line, target),
        party=target.party.name if target.party else None,
        reference=line.reference[:100] or None, kind=EntryKind.IMPORT.value,
        lines=postings), post=True)


def _pending_partner(session: Session, book: Book, line: BankLine, own: MoneyAccount,
                     other_id: int | None) -> BankLine | None:
    """A transfer line in another account already booked against ``own``, still unpaired."""
    query = select(BankLine).where(
        BankLine.book_id == book.id, BankLine.status == LineStatus.TRANSFER.value,
        BankLine.transfer_line_id.is_(None), BankLine.account_id == own.account_id,
        BankLine.amount == -line.amount, BankLine.currency == line.currency,
        BankLine.money_account_id != own.id,
        BankLine.date.between(line.date - TRANSFER_WINDOW, line.date + TRANSFER_WINDOW))
    if other_id is not None:
        query = query.where(BankLine.money_account_id == other_id)
    candidates = list(session.scalars(query.order_by(BankLine.date, BankLine.id)))
    return min(candidates, key=lambda c: abs((c.date - line.date).days), default=None)


def link_pending_transfer(session: Session, book: Book, line: BankLine,
                          own: MoneyAccount) -> bool:
    """Join a newly imported line to the transfer its other side already booked."""
    partner = _pending_partner(session, book, line, own, None)
    if partner is None:
        return False
    other = session.get_one(MoneyAccount, partner.money_account_id)
    _link(line, partner, other)
    return True


def _link(line: BankLine, partner: BankLine, other: MoneyAccount) -> None:
    """``line`` is the second side of ``partner``'s transfer: it shares its entry."""
    line.status = LineStatus.TRANSFER.value
    line.entry_id = partner.entry_id
    line.account_id = other.account_id
    line.transfer_line_id = partner.id
    partner.transfer_line_id = line.id


def _book_transfer(session: Session, book: Book, line: BankLine, own: MoneyAccount,
                   other: MoneyAccount, target: Target) -> None:
    if other.currency != own.currency:
        raise ValidationError(f"A transfer from {own.currency} to {other.currency} needs an "
                              "exchange rate; post it as a journal entry", field="account")
    if target.tax_code is not None:
        raise ValidationError("A transfer between own accounts takes no tax code",
                              field="tax_code")
    partner = _pending_partner(session, book, line, own, other.id)
    if partner is not None:
        _link(line, partner, other)
        return
    entry = _post(session, book, line, own, target)
    line.status = LineStatus.TRANSFER.value
    line.entry_id = entry.id
    mirror = session.scalars(select(BankLine).where(
        BankLine.book_id == book.id, BankLine.money_account_id == other.id,
        BankLine.status == LineStatus.UNMATCHED.value, BankLine.amount == -line.amount,
        BankLine.currency == line.currency,
        BankLine.date.between(line.date - TRANSFER_WINDOW, line.date + TRANSFER_WINDOW))
        .order_by(BankLine.date, BankLine.id)).all()
    closest = min(mirror, key=lambda c: abs((c.date - line.date).days), default=None)
    if closest is not None:
        _link(closest, line, own)


def book_line(session: Session, book: Book, line: BankLine, target: Target,
              rule: BankRule | None = None) -> None:
    """Book one unmatched line to ``target``: an entry, or its share of a transfer."""
    money = _money(session, line)
    line.account_id = target.account.id
    line.party_id = target.party.id if target.party else None
    line.tax_code_id = target.tax_code.id if target.tax_code else None
    line.memo = target.memo
    line.rule_id = rule.id if rule else None
    other = session.scalar(select(MoneyAccount).where(
        MoneyAccount.book_id == book.id, MoneyAccount.account_id == target.account.id))
    if other is not None and other.id == money.id:
        raise ValidationError("A line cannot be booked to its own money account",
                              field="account")
    if other is not None:
        _book_transfer(session, book, line, money, other, target)
    else:
        line.entry_id = _post(session, book, line, money, target).id
        line.status = LineStatus.CATEGORISED.value
    session.flush()


def can_book(book: Book, line: BankLine, target: Target) -> bool:
    """Whether a rule may book ``line`` without asking: open period, usable accounts."""
    if line.amount == 0 or line.status != LineStatus.UNMATCHED.value:
        return False
    if book.lock_date is not None and line.date <= book.lock_date:
        return False
    if line.currency != book.base_currency:
        return False  # a foreign-currency line needs a rate: left for a person to book
    return target.account.is_active and not target.account.is_group


def categorise(session: Session, book: Book, line_ids: Sequence[int], account: str,
               party_id: int | None = None, tax_code: str | None = None,
               memo: str | None = None) -> list[BankLine]:
    """Book one or many unmatched lines to the same account; each posts its own entry."""
    require(session, book, "bank.import")
    target = resolve_target(session, book, account, party_id, tax_code, memo)
    lines = _lines(session, book, line_ids)
    ensure_unlocked(session, lines)
    for line in lines:
        if line.status != LineStatus.UNMATCHED.value:
            raise Conflict(f"Bank line {line.id} is already {line.status}; "
                           "uncategorise it first", field="line_ids")
        if line.amount == 0:
            raise ValidationError(f"Bank line {line.id} has no amount to book; ignore it",
                                  field="line_ids")
    for line in lines:
        if line.status == LineStatus.UNMATCHED.value:  # a transfer may have paired it already
            book_line(session, book, line, target)
    ids = [line.id for line in lines]
    audit.record(session, "categorise", "bank_line", ",".join(map(str, ids))[:64], book=book,
                 after={"lines": ids, "account": target.account.code,
                        "party": target.party.name if target.party else None,
                        "tax_code": target.tax_code.code if target.tax_code else None,
                        "memo": target.memo},
                 summary=f"{len(ids)} bank line(s) to {target.account.code} "
                         f"{target.account.name}")
    return lines


def uncategorise(session: Session, book: Book, line_ids: Sequence[int]) -> list[BankLine]:
    """Undo categorisations: reverse their entries and return the lines to unmatched.

    The reversal is dated like the entry, so the account's balance history stays true. Both
    sides of a transfer come back together.
    """
    require(session, book, "bank.import")
    lines = _lines(session, book, line_ids)
    ensure_unlocked(session, lines)
    touched: list[BankLine] = []
    reversed_entries: set[int] = set()
    for line in lines:
        if line.status == LineStatus.UNMATCHED.value:
            continue
        if line.status == LineStatus.MATCHED.value:
            raise Conflict(f"Bank line {line.id} is matched to a payment; void or reverse "
                           "the payment instead", field="line_ids")
        group = [line]
        if line.transfer_line_id is not None:
            group.append(session.get_one(BankLine, line.transfer_line_id))
            ensure_unlocked(session, group)
        if line.entry_id is not None and line.entry_id not in reversed_entries:
            entry = get_entry(session, book, line.entry_id)
            reverse_entry(session, book, entry, on=entry.date,
                          description=f"Bank line {line.id} uncategorised")
            reversed_entries.add(entry.id)
        for item in group:
            item.status = LineStatus.UNMATCHED.value
            item.entry_id = item.account_id = item.party_id = item.tax_code_id = None
            item.transfer_line_id = item.rule_id = None
            item.memo = None
            touched.append(item)
    session.flush()
    ids = [line.id for line in touched]
    if ids:
        audit.record(session, "categorise", "bank_line", ",".join(map(str, ids))[:64],
                     book=book, after={"lines": ids, "status": "unmatched"},
                     summary=f"{len(ids)} bank line(s) uncategorised")
    return lines


def ignore(session: Session, book: Book, line_ids: Sequence[int]) -> list[BankLine]:
    """Mark unmatched lines as ignored: they book nothing (already in the books elsewhere)."""
    require(session, book, "bank.import")
    lines = _lines(session, book, line_ids)
    ensure_unlocked(session, lines)
    for line in lines:
        if line.status not in (LineStatus.UNMATCHED.value, LineStatus.IGNORED.value):
            raise Conflict(f"Bank line {line.id} is {line.status}; uncategorise it first",
                           field="line_ids")
        line.status = LineStatus.IGNORED.value
    session.flush()
    ids = [line.id for line in lines]
    audit.record(session, "categorise", "bank_line", ",".join(map(str, ids))[:64], book=book,
                 after={"lines": ids, "status": "ignored"},
                 summary=f"{len(ids)} bank line(s) ignored")
    return lines
