"""Bank rules: conditions, priority, validation and their audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit.models import AuditEvent
from folio.banking.models import BankLine, BankRule
from folio.banking.rules import RuleInput, delete_rule, first_match, matches, update_rule
from folio.books.models import Book
from folio.errors import Conflict, ValidationError
from folio.parties.service import PartyInput, create_party
from tests.banking.factories import do_import, generic_csv, lines_of, money_account, rule


def line(amount: int, payee: str = "", description: str = "", money_account_id: int = 1
         ) -> BankLine:
    return BankLine(amount=amount, currency="USD", payee=payee, description=description,
                    money_account_id=money_account_id)


def test_text_conditions_ignore_case_and_spacing(session: Session, book: Book) -> None:
    contains = rule(session, book, "Coffee", "6400", payee="COFFEE  corner")
    equals = rule(session, book, "Exact", "6400", payee="coffee", match="equals")
    starts = rule(session, book, "Starts", "6400", description="card", match="starts_with")

    assert matches(contains, line(-450, payee="The Coffee Corner"))
    assert not matches(equals, line(-450, payee="Coffee Corner"))
    assert matches(equals, line(-450, payee=" Coffee "))
    assert matches(starts, line(-450, description="CARD 1234"))
    assert not matches(starts, line(-450, description="Visa card"))


def test_amount_and_direction_conditions(session: Session, book: Book) -> None:
    small_out = rule(session, book, "Small", "6400", direction="out",
                     amount_min=Decimal("1"), amount_max=Decimal("10"))

    assert matches(small_out, line(-450))
    assert matches(small_out, line(-1000))
    assert not matches(small_out, line(-1001))
    assert not matches(small_out, line(450))
    assert not matches(small_out, line(-50))


def test_a_rule_for_one_account_ignores_the_others(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    only = rule(session, book, "Fees", "6700", payee="bank", money_account_id=checking.id)

    assert matches(only, line(-100, payee="Bank", money_account_id=checking.id))
    assert not matches(only, line(-100, payee="Bank", money_account_id=checking.id + 1))


def test_the_lowest_priority_number_wins(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    rule(session, book, "Anything from the landlord", "6900", payee="landlord", priority=50)
    rule(session, book, "Rent", "6200", payee="landlord", priority=10)

    do_import(session, book, checking,
              generic_csv(("05/03/2024", "-1200.00", "Landlord LLC", "March rent")))

    booked = lines_of(session, checking)[0]
    winner = session.get_one(BankRule, booked.rule_id)
    assert winner.name == "Rent"
    assert winner.hit_count == 1


def test_first_match_skips_rules_that_do_not_hold(session: Session, book: Book) -> None:
    a = rule(session, book, "A", "6200", payee="nobody")
    b = rule(session, book, "B", "6300", payee="pln")

    assert first_match([a, b], line(-100, payee="PLN")) is b
    assert first_match([a], line(-100, payee="PLN")) is None


def test_a_rule_sets_party_and_memo_on_the_entry(session: Session, book: Book) -> None:
    from folio.ledger.models import JournalEntry

    checking = money_account(session, book)
    landlord, _ = create_party(session, book, PartyInput(name="Landlord LLC", is_vendor=True))
    rule(session, book, "Rent", "6200", payee="landlord", party_id=landlord.id,
         memo="Office rent")

    do_import(session, book, checking,
              generic_csv(("05/03/2024", "-1200.00", "Landlord LLC", "March rent")))

    booked = lines_of(session, checking)[0]
    entry = session.get_one(JournalEntry, booked.entry_id)
    assert (entry.party, entry.description) == ("Landlord LLC", "Office rent")
    assert booked.party_id == landlord.id


def test_a_rule_needs_a_condition_and_a_real_account(session: Session, book: Book) -> None:
    with pytest.raises(ValidationError) as caught:
        rule(session, book, "", "9999", match="regex", amount_min=Decimal("5"),
             amount_max=Decimal("1"))

    assert {e["field"] for e in caught.value.errors} == {"name", "match", "account",
                                                          "amount_max"}
    with pytest.raises(ValidationError, match="at least one condition"):
        rule(session, book, "Everything", "6200")
    with pytest.raises(ValidationError, match="group or inactive"):
        rule(session, book, "Group", "6000", payee="x")


def test_rule_names_are_unique(session: Session, book: Book) -> None:
    rule(session, book, "Rent", "6200", payee="landlord")

    with pytest.raises(Conflict):
        rule(session, book, "Rent", "6200", payee="other")


def test_changing_and_deleting_a_rule_is_audited(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    made = rule(session, book, "Rent", "6200", payee="landlord")
    do_import(session, book, checking,
              generic_csv(("05/03/2024", "-1200.00", "Landlord LLC", "March rent")))

    update_rule(session, book, made, RuleInput(name="Rent", account="6900", payee="landlord"))
    delete_rule(session, book, made)
    session.commit()

    actions = [e.action for e in session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "bank_rule").order_by(AuditEvent.id))]
    assert actions == ["create", "update", "delete"]
    booked = lines_of(session, checking)[0]
    assert (booked.status, booked.rule_id) == ("categorised", None)
