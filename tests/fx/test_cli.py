"""``folio fx`` and ``folio payments`` from the terminal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.fx.models import ExchangeRate
from folio.ledger.models import JournalEntry
from folio.sales.models import Invoice
from tests.conftest import Cli, said


def rate_count(session: Session) -> int:
    """Rates stored, read without keeping the test's session open (SQLite's write lock)."""
    session.expire_all()
    count = int(session.scalar(select(func.count()).select_from(ExchangeRate)) or 0)
    session.rollback()
    return count


def test_it_adds_and_lists_rates(cli: Cli, session: Session, studio: Book) -> None:
    added = cli("fx", "rates", "add", "EUR", "2026-11-01", "17.250,50")
    assert added.exit_code == 0, said(added)
    assert "EUR on 2026-11-01: 17250.5 IDR" in said(added)
    listed = cli("fx", "rates", "list", "--currency", "EUR", "--format", "json")
    assert json.loads(listed.stdout)["rates"] == [
        {"date": "2026-11-01", "currency": "EUR", "rate": "17250.5", "source": "manual"}]


def test_bad_rates_exit_non_zero(cli: Cli, session: Session, studio: Book) -> None:
    before = rate_count(session)
    for args, message in ((("XYZ", "2026-11-01", "1"), "'XYZ' is not an ISO 4217"),
                          (("EUR", "2026-11-01", "-5"), "not a rate"),
                          (("EUR", "2026-13-01", "5"), "not a date"),
                          (("EUR", "2026-11-01", "0"), "a rate above 0")):
        result = cli("fx", "rates", "add", "--", *args)
        assert result.exit_code != 0
        assert message in said(result), said(result)
    assert rate_count(session) == before


def test_it_imports_a_bom_semicolon_file(cli: Cli, session: Session, studio: Book,
                                         tmp_path: Path) -> None:
    path = tmp_path / "kurs.csv"
    path.write_bytes("\ufeffdate;currency;rate\n2026-11-06;USD;16.280,75\n"
                     "2026-11-06;EUR;17.400\n".encode())
    result = cli("fx", "rates", "import", str(path))
    assert result.exit_code == 0, said(result)
    assert "2 exchange rate(s) imported" in said(result)
    usd = cli("fx", "rates", "list", "--currency", "USD", "--from", "2026-11-06",
              "--to", "2026-11-06", "--format", "csv")
    assert "2026-11-06,USD,16280.75,csv" in usd.stdout


def test_a_bad_row_imports_nothing(cli: Cli, session: Session, studio: Book,
                                   tmp_path: Path) -> None:
    before = rate_count(session)
    path = tmp_path / "rates.csv"
    path.write_text("date,currency,rate\n2026-11-06,USD,16280\n2026-11-07,USD,-3\n")
    result = cli("fx", "rates", "import", str(path))
    assert result.exit_code == 1
    assert "line 3" in said(result)
    assert rate_count(session) == before


def test_revalue_dry_run_then_post_then_refuse(cli: Cli, session: Session, studio: Book,
                                               usd_invoice: Callable[..., Invoice]) -> None:
    usd_invoice()  # USD 1,000 at 16,000; 16,300 on 30 Nov: +300,000
    dry = cli("fx", "revalue", "--date", "2026-11-30", "--dry-run", "--format", "json")
    assert dry.exit_code == 0, said(dry)
    assert json.loads(dry.stdout)["net"] == "300000"
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(JournalEntry)) == 1
    session.rollback()
    posted = cli("fx", "revalue", "--date", "2026-11-30")
    assert posted.exit_code == 0, said(posted)
    assert "Net unrealised gain/loss posted: 300000 IDR" in said(posted)
    again = cli("fx", "revalue", "--date", "2026-11-30")
    assert again.exit_code == 1
    assert "already revalued on 2026-11-30" in said(again)


def test_payments_are_voided_and_credit_refunded(cli: Cli, session: Session, studio: Book,
                                                 customer: object) -> None:
    from datetime import date
    from decimal import Decimal

    from folio.sales.payments import PaymentInput, record_payment

    payment = record_payment(session, studio, PaymentInput(
        customer_id=customer.id, date=date(2026, 11, 20), account="1111",  # type: ignore[attr-defined]
        amount=Decimal(400_000)))
    session.commit()
    refund = cli("payments", "refund", str(customer.id), "--amount", "100000",  # type: ignore[attr-defined]
                 "--account", "1111", "--date", "2026-11-21")
    assert refund.exit_code == 0, said(refund)
    assert "100000 IDR paid back" in said(refund)
    too_much = cli("payments", "refund", str(customer.id), "--amount", "300001",  # type: ignore[attr-defined]
                   "--account", "1111", "--date", "2026-11-21")
    assert too_much.exit_code == 1
    assert "credit is 300000" in said(too_much)
    refused = cli("payments", "void", str(payment.id))
    assert refused.exit_code == 1
    assert "already refunded" in said(refused)
