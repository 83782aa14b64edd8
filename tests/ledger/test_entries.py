"""Journal entries: drafts, posting, validation, lock date, reversal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.books.models import GENESIS_HASH, Book
from folio.books.service import lock_book
from folio.errors import Conflict, NotFound, PeriodLocked, Unbalanced, ValidationError
from folio.ledger.check import check_book
from folio.ledger.models import AccountBalance, EntryKind, JournalEntry
from folio.ledger.reports import net_by_account, trial_balance
from folio.ledger.service import (
    MAX_LINES,
    create_entry,
    delete_draft,
    get_entry,
    post_entry,
    reverse_entry,
    update_draft,
)
from tests.conftest import post
from tests.ledger.factories import entry_input, row_counts

Draft = Callable[..., JournalEntry]
SALE: list[tuple[str, str | int]] = [("1010", "100.00"), ("4100", "-100.00")]


def _fields(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [e["field"] for e in exc.value.errors]


# Drafts and posting


def test_a_draft_has_no_number_hash_or_balances(session: Session, book: Book,
                                                draft: Draft) -> None:
    entry = draft("2025-01-05", SALE)
    assert (entry.status, entry.number, entry.hash) == ("draft", None, None)
    assert not any(line.posted for line in entry.lines)
    assert session.scalars(select(AccountBalance)).all() == []
    assert trial_balance(session, book, date(2025, 12, 31)).rows == []


def test_posting_a_draft_gives_it_a_number_and_a_chained_hash(session: Session, book: Book,
                                                              draft: Draft) -> None:
    first = post_entry(session, book, draft("2025-01-05", SALE))
    second = post_entry(session, book, draft("2025-01-06", SALE))
    session.commit()
    assert (first.number, second.number) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert len(second.hash or "") == 64
    assert first.posted_at is not None
    session.refresh(book)
    assert (book.chain_seq, book.chain_head) == (2, second.hash)
    assert check_book(session, book).ok


def test_posting_updates_the_monthly_balances(session: Session, book: Book) -> None:
    post(session, book, "2025-01-05", SALE)
    post(session, book, "2025-01-20", [("6200", "30.00"), ("1010", "-30.00")])
    rows = {(b.account_id, b.period): (b.debit, b.credit)
            for b in session.scalars(select(AccountBalance))}
    net = net_by_account(session, book, None, date(2025, 1, 31))
    assert sorted(rows.values()) == [(0, 10000), (3000, 0), (10000, 3000)]
    assert sorted(net.values()) == [-10000, 3000, 7000]


def test_a_posted_entry_cannot_be_posted_again(session: Session, book: Book) -> None:
    entry = post(session, book, "2025-01-05", SALE)
    with pytest.raises(Conflict):
        post_entry(session, book, entry)


def test_a_posted_entry_cannot_be_updated(session: Session, book: Book) -> None:
    entry = post(session, book, "2025-01-05", SALE)
    with pytest.raises(Conflict, match="reverse it"):
        update_draft(session, book, entry, entry_input("2025-01-05", SALE, "Changed"))


def test_a_posted_entry_cannot_be_deleted(session: Session, book: Book) -> None:
    entry = post(session, book, "2025-01-05", SALE)
    with pytest.raises(Conflict, match="never deleted"):
        delete_draft(session, entry)


def test_a_draft_can_be_updated(session: Session, book: Book, draft: Draft) -> None:
    entry = draft("2025-01-05", SALE)
    update_draft(session, book, entry, entry_input(
        "2025-02-01", [("1020", "5.00"), ("1010", "2.00"), ("4100", "-7.00")], "Changed",
        party="Bob", reference="INV-1"))
    session.commit()
    session.expire_all()
    fresh = get_entry(session, book, entry.id)
    assert (fresh.date, fresh.description, fresh.party, fresh.reference) == (
        date(2025, 2, 1), "Changed", "Bob", "INV-1")
    assert [(x.line_no, x.account.code, x.amount, x.date) for x in fresh.lines] == [
        (1, "1020", 500, date(2025, 2, 1)), (2, "1010", 200, date(2025, 2, 1)),
        (3, "4100", -700, date(2025, 2, 1))]


def test_a_draft_can_be_deleted(session: Session, book: Book, draft: Draft) -> None:
    entry = draft("2025-01-05", SALE)
    entry_id = entry.id
    delete_draft(session, entry)
    session.commit()
    with pytest.raises(NotFound):
        get_entry(session, book, entry_id)
    assert row_counts(session)["journal_lines"] == 0


def test_get_entry_does_not_find_another_books_entry(session: Session, book: Book,
                                                     idr_book: Book) -> None:
    entry = post(session, book, "2025-01-05", SALE)
    with pytest.raises(NotFound):
        get_entry(session, idr_book, entry.id)
    for missing in (0, -1, 10**6, 2**63, 10**30):
        with pytest.raises(NotFound):
            get_entry(session, book, missing)


# Validation


def test_it_refuses_an_unbalanced_entry_naming_the_difference(session: Session,
                                                              book: Book) -> None:
    with pytest.raises(Unbalanced) as exc:
        create_entry(session, book, entry_input("2025-01-05", [("1010", "100.00"),
                                                               ("4100", "-99.99")]))
    assert exc.value.detail == ("The entry does not balance: debits exceed credits by "
                                "0.01 USD")
    assert exc.value.status == 422
    assert _fields(exc) == ["lines"]
    with pytest.raises(Unbalanced, match=r"credits exceed debits by 1\.00 USD"):
        create_entry(session, book, entry_input("2025-01-05", [("1010", "1"), ("4100", "-2")]))
    assert row_counts(session)["journal_entries"] == 0


def test_it_refuses_an_entry_with_fewer_than_two_lines(session: Session, book: Book) -> None:
    with pytest.raises(ValidationError) as exc:
        create_entry(session, book, entry_input("2025-01-05", [("1010", "0.00")]))
    assert "lines" in _fields(exc)
    with pytest.raises(ValidationError, match="at least two lines"):
        create_entry(session, book, entry_input("2025-01-05", []))


def test_it_refuses_more_lines_than_the_maximum(session: Session, book: Book) -> None:
    lines = [("1010", "0.01")] * MAX_LINES + [("4100", f"-{MAX_LINES / 100:.2f}")]
    with pytest.raises(ValidationError, match=f"at most {MAX_LINES} lines"):
        create_entry(session, book, entry_input("2025-01-05", lines))


def test_it_refuses_a_zero_amount(session: Session, book: Book) -> None:
    with pytest.raises(ValidationError) as exc:
        create_entry(session, book, entry_input(
            "2025-01-05", [("1010", "10"), ("1020", "0"), ("4100", "-10")]))
    assert exc.value.errors == [{"field": "lines[1].amount",
                                 "message": "a line's amount cannot be zero"}]


@pytest.mark.parametrize("amount", ["10.001", "0.005", "-1.999"])
def test_it_refuses_more_decimals_than_usd_allows(session: Session, book: Book,
                                                  amount: str) -> None:
    with pytest.raises(ValidationError) as exc:
        create_entry(session, book, entry_input("2025-01-05", [("1010", amount),
                                                               ("4100", -Decimal(amount))]))
    assert _fields(exc) == ["lines[0].amount", "lines[1].amount"]
    assert "more decimals than USD allows (2)" in exc.value.errors[0]["message"]


def test_trailing_zeros_are_not_extra_decimals(session: Session, book: Book) -> None:
    entry = create_entry(session, book, entry_input("2025-01-05", [("1010", "10.500"),
                                                                   ("4100", "-10.5")]))
    assert [x.amount for x in entry.lines] == [1050, -1050]


@pytest.mark.parametrize("amount", ["1500000.5", "0.1", "1.01"])
def test_it_refuses_any_decimals_in_rupiah(session: Session, idr_book: Book,
                                           amount: str) -> None:
    with pytest.raises(ValidationError) as exc:
        create_entry(session, idr_book, entry_input("2025-01-05", [("1101", amount),
                                                                   ("4101", f"-{amount}")]))
    assert _fields(exc) == ["lines[0].amount", "lines[1].amount"]
    assert "more decimals than IDR allows (0)" in exc.value.errors[0]["message"]


def test_rupiah_amounts_are_whole_units(session: Session, idr_book: Book) -> None:
    entry = post(session, idr_book, "2025-01-05", [("1101", 1_500_000), ("4101", -1_500_000)])
    assert [x.amount for x in entry.lines] == [1_500_000, -1_500_000]


def test_it_refuses_a_group_account(session: Session, book: Book) -> None:
    with pytest.raises(ValidationError) as exc:
        create_entry(session, book, entry_input("2025-01-05", [("1000", "1"), ("4100", "-1")]))
    assert exc.value.errors == [{"field": "lines[0].account",
                                 "message": "1000 is a group account; post to one below it"}]


@pytest.mark.parametrize("code", ["9999", "bad\x00code", "x" * 50])
def test_it_refuses_an_unknown_account(session: Session, book: Book, code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        create_entry(session, book, entry_input("2025-01-05", [(code, "1"), ("4100", "-1")]))
    assert _fields(exc) == ["lines[0].account"]
    assert "no account with the code" in exc.value.errors[0]["message"]


def test_it_refuses_another_books_account(session: Session, book: Book,
                                          idr_book: Book) -> None:
    with pytest.raises(ValidationError, match="no account with the code '1101'"):
        create_entry(session, book, entry_input("2025-01-05", [("1101", "1"), ("4100", "-1")]))


@pytest.mark.parametrize(("change", "field"), [
    ({"description": "  "}, "description"),
    ({"description": "d" * 501}, "description"),
    ({"description": "nul\x00byte"}, "description"),
    ({"party": "p" * 201}, "party"),
    ({"party": "nul\x00"}, "party"),
    ({"reference": "r" * 101}, "reference"),
])
def test_it_refuses_bad_text(session: Session, book: Book, change: dict[str, str],
                             field: str) -> None:
    fields = {"description": "Fine", **change}
    with pytest.raises(ValidationError) as exc:
        create_entry(session, book, entry_input("2025-01-05", SALE, **fields))
    assert _fields(exc) == [field]


@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)])
def test_it_refuses_dates_outside_the_supported_range(session: Session, book: Book,
                                                      day: date) -> None:
    with pytest.raises(ValidationError) as exc:
        create_entry(session, book, entry_input(day, SALE))
    assert _fields(exc) == ["date"]


def test_it_reports_every_bad_line_at_once(session: Session, book: Book) -> None:
    with pytest.raises(ValidationError) as exc:
        create_entry(session, book, entry_input(
            "2025-01-05", [("1000", "1"), ("9999", "1"), ("1010", "0.001"), ("4100", "0")]))
    assert _fields(exc) == ["lines[0].account", "lines[1].account", "lines[2].amount",
                            "lines[3].amount"]
    assert exc.value.detail == "The entry has invalid fields"


def test_a_duplicate_external_id_is_a_conflict(session: Session, book: Book) -> None:
    post(session, book, "2025-01-05", SALE, external_id="txn-1")
    with pytest.raises(Conflict):
        create_entry(session, book, entry_input("2025-01-05", SALE, external_id="txn-1"))


def test_a_huge_amount_is_refused_not_overflowed(session: Session, book: Book) -> None:
    with pytest.raises(ValidationError) as exc:
        create_entry(session, book, entry_input("2025-01-05", [("1010", 10**18),
                                                               ("4100", -(10**18))]))
    assert [e["message"] for e in exc.value.errors] == ["amount is too large"] * 2


# Lock date


def test_posting_on_or_before_the_lock_date_is_refused(session: Session, book: Book,
                                                       draft: Draft) -> None:
    lock_book(session, book, date(2025, 3, 31))
    session.commit()
    for day in ("2025-03-31", "2024-12-01"):
        entry = draft(day, SALE)
        with pytest.raises(PeriodLocked) as exc:
            post_entry(session, book, entry)
        assert exc.value.status == 409
        assert exc.value.errors[0]["field"] == "date"
        session.rollback()
    assert post(session, book, "2025-04-01", SALE).number == 1


def test_a_draft_in_a_locked_period_stays_a_draft(session: Session, book: Book,
                                                  draft: Draft) -> None:
    entry = draft("2025-03-15", SALE)
    lock_book(session, book, date(2025, 3, 31))
    session.commit()
    with pytest.raises(PeriodLocked):
        post_entry(session, book, entry)
    session.rollback()
    session.expire_all()
    assert get_entry(session, book, entry.id).status == "draft"
    assert row_counts(session)["account_balances"] == 0


# Reversal


def test_a_reversal_mirrors_the_lines_and_links_the_original(session: Session,
                                                            book: Book) -> None:
    original = post(session, book, "2025-01-05",
                    [("1010", "70.00"), ("1020", "30.00"), ("4100", "-100.00")],
                    description="Sale", party="Alice")
    mirror = reverse_entry(session, book, original, on=date(2025, 2, 1))
    session.commit()
    assert (mirror.kind, mirror.reversal_of_id, mirror.number, mirror.status) == (
        EntryKind.REVERSAL.value, original.id, 2, "posted")
    assert mirror.description == "Reversal of entry 1: Sale"
    assert mirror.party == "Alice"
    assert [(x.account_id, x.amount, x.base_amount, x.date) for x in mirror.lines] == [
        (x.account_id, -x.amount, -x.base_amount, date(2025, 2, 1)) for x in original.lines]
    assert original.is_posted  # the original stays as it was
    assert check_book(session, book).ok


def test_a_reversal_nets_every_balance_to_zero(session: Session, book: Book) -> None:
    original = post(session, book, "2025-01-05", [("1010", "70.00"), ("4100", "-70.00")])
    before = trial_balance(session, book, date(2025, 1, 31))
    reverse_entry(session, book, original, on=date(2025, 3, 10))
    session.commit()
    assert trial_balance(session, book, date(2025, 3, 31)).rows == []
    assert trial_balance(session, book, date(2025, 1, 31)).rows == before.rows


def test_an_entry_cannot_be_reversed_twice(session: Session, book: Book) -> None:
    original = post(session, book, "2025-01-05", SALE)
    reverse_entry(session, book, original, on=date(2025, 1, 6))
    with pytest.raises(Conflict, match="already reversed by entry 2"):
        reverse_entry(session, book, original, on=date(2025, 1, 7))


def test_a_reversal_cannot_itself_be_reversed(session: Session, book: Book) -> None:
    mirror = reverse_entry(session, book, post(session, book, "2025-01-05", SALE),
                           on=date(2025, 1, 6))
    with pytest.raises(Conflict, match="itself a reversal"):
        reverse_entry(session, book, mirror, on=date(2025, 1, 7))


def test_a_draft_cannot_be_reversed(session: Session, book: Book, draft: Draft) -> None:
    with pytest.raises(Conflict, match="deleted"):
        reverse_entry(session, book, draft("2025-01-05", SALE), on=date(2025, 1, 6))


def test_a_reversal_cannot_be_dated_before_the_original(session: Session, book: Book) -> None:
    original = post(session, book, "2025-01-05", SALE)
    with pytest.raises(ValidationError) as exc:
        reverse_entry(session, book, original, on=date(2025, 1, 4))
    assert _fields(exc) == ["date"]
    assert reverse_entry(session, book, original, on=date(2025, 1, 5)).number == 2


def test_a_reversal_into_a_locked_period_is_refused(session: Session, book: Book) -> None:
    original = post(session, book, "2025-01-05", SALE)
    lock_book(session, book, date(2025, 1, 31))
    session.commit()
    with pytest.raises(PeriodLocked):
        reverse_entry(session, book, original, on=date(2025, 1, 20))


def test_a_reversal_takes_a_custom_description(session: Session, book: Book) -> None:
    original = post(session, book, "2025-01-05", SALE)
    mirror = reverse_entry(session, book, original, on=date(2025, 1, 6),
                           description="Customer cancelled")
    assert mirror.description == "Customer cancelled"


# Foreign currency


def test_a_foreign_line_needs_a_rate(session: Session, book: Book) -> None:
    with pytest.raises(ValidationError) as exc:
        create_entry(session, book, entry_input(
            "2025-01-05", [("1020", "100.00", "EUR"), ("4100", "-110.00")]))
    assert exc.value.errors == [{"field": "lines[0].rate", "message":
                                 "a EUR line needs a positive exchange rate to USD"}]


@pytest.mark.parametrize("rate", ["0", "-1.1"])
def test_a_foreign_line_needs_a_positive_rate(session: Session, book: Book, rate: str) -> None:
    with pytest.raises(ValidationError) as exc:
        create_entry(session, book, entry_input(
            "2025-01-05", [("1020", "100.00", "EUR", rate), ("4100", "-110.00")]))
    assert _fields(exc) == ["lines[0].rate"]


def test_a_foreign_line_is_valued_at_amount_times_rate_rounded_half_up(session: Session,
                                                                        book: Book) -> None:
    # 33.33 EUR x 1.0815 = 36.046395 -> 36.05; 10.01 x 1.0815 = 10.825815 -> 10.83
    entry = post_foreign(session, book, [("1020", "33.33", "EUR", "1.0815"),
                                         ("1100", "10.01", "EUR", "1.0815"),
                                         ("4100", "-46.88")])
    assert [(x.amount, x.currency, x.rate, x.base_amount) for x in entry.lines] == [
        (3333, "EUR", Decimal("1.0815"), 3605), (1001, "EUR", Decimal("1.0815"), 1083),
        (-4688, "USD", Decimal(1), -4688)]
    assert check_book(session, book).ok


def test_half_a_cent_rounds_up_and_away_from_zero(session: Session, book: Book) -> None:
    # 0.05 JPY-free example: 1.00 EUR x 1.005 = 1.005 -> 1.01; the negative side -> -1.01
    entry = post_foreign(session, book, [("1020", "1.00", "EUR", "1.005"),
                                         ("1100", "-1.00", "EUR", "1.005")])
    assert [x.base_amount for x in entry.lines] == [101, -101]


def test_a_foreign_entry_must_balance_in_the_base_currency(session: Session,
                                                           book: Book) -> None:
    with pytest.raises(Unbalanced, match=r"debits exceed credits by 10\.00 USD"):
        create_entry(session, book, entry_input(
            "2025-01-05", [("1020", "100.00", "EUR", "1.1"), ("4100", "-100.00")]))


def test_a_foreign_line_in_a_rupiah_book_rounds_to_whole_rupiah(session: Session,
                                                                idr_book: Book) -> None:
    # 1000.00 USD x 15700.5 = 15,700,500; 0.01 USD x 15700.5 = 157.005 -> 157
    entry = post_foreign(session, idr_book, [("1111", "1000.01", "USD", "15700.5"),
                                             ("4101", "-15700657")])
    assert entry.lines[0].base_amount == 15_700_657


def test_an_account_with_a_currency_refuses_other_currencies(session: Session,
                                                             book: Book) -> None:
    from folio.ledger.accounts import AccountInput, create_account

    create_account(session, book, AccountInput(code="1025", name="Euro bank", type="asset",
                                               currency="EUR"))
    entry = post_foreign(session, book, [("1025", "10.00", None, "1.1"), ("4100", "-11.00")])
    assert (entry.lines[0].currency, entry.lines[0].base_amount) == ("EUR", 1100)
    with pytest.raises(ValidationError) as exc:
        create_entry(session, book, entry_input(
            "2025-01-05", [("1025", "10.00", "USD"), ("4100", "-10.00")]))
    assert exc.value.errors == [{"field": "lines[0].currency", "message":
                                 "1025 is kept in EUR"}]


def test_an_unknown_currency_is_refused(session: Session, book: Book) -> None:
    with pytest.raises(ValidationError) as exc:
        create_entry(session, book, entry_input(
            "2025-01-05", [("1020", "10.00", "XXQ", "1"), ("4100", "-10.00")]))
    assert _fields(exc) == ["lines[0].currency"]


def test_a_huge_amount_times_rate_is_refused_not_crashed(session: Session, book: Book) -> None:
    with pytest.raises(ValidationError, match="too large"):
        create_entry(session, book, entry_input(
            "2025-01-05", [("1020", "99999999999999.99", "EUR", "1" + "0" * 20),
                           ("4100", "-1.00")]))


def post_foreign(session: Session, book: Book, lines: list[tuple[str | None, ...]]
                 ) -> JournalEntry:
    entry = create_entry(session, book, entry_input("2025-01-05", lines), post=True)
    session.commit()
    return entry
