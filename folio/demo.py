"""The demo book: a Jakarta design agency's year, in whole rupiah, on the PSAK chart.

Deterministic (a fixed seed) and dated relative to today, so a new user's reports show
the last twelve months.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from sqlalchemy.orm import Session

from folio import clock
from folio.books.models import Book
from folio.books.service import BookInput, create_book
from folio.ledger.periods import add_months, month_end, month_start
from folio.ledger.service import EntryInput, LineInput, create_entry

DEMO_SLUG = "demo"
CLIENTS = ("PT Sinar Jaya Abadi", "CV Maju Bersama", "PT Nusantara Digital", "PT Kopi Senja",
           "Yayasan Pelita Harapan", "PT Batik Lestari", "PT Laut Biru Logistik")
SERVICES = ("Brand identity", "Website redesign", "Social media campaign", "Video production",
            "UX research", "Packaging design", "Annual report layout")
FREELANCERS = ("Andi (illustrator)", "Sari (motion designer)", "Budi (photographer)",
               "Dewi (copywriter)")


def _rupiah(value: float | int) -> Decimal:
    return Decimal(int(value) // 1000 * 1000)


def _ppn(price: Decimal) -> Decimal:
    """PPN 12% on DPP nilai lain (11/12 of the price), whole rupiah rounded down."""
    dpp = (price * 11 / 12).quantize(Decimal(1), rounding=ROUND_DOWN)
    return (dpp * Decimal("0.12")).quantize(Decimal(1), rounding=ROUND_DOWN)


class _Demo:
    def __init__(self, session: Session, book: Book, today: date) -> None:
        self.session, self.book, self.today = session, book, today
        self.rng = random.Random(2026)

    def post(self, day: date, description: str, lines: list[tuple[str, Decimal]],
             party: str | None = None, reference: str | None = None) -> None:
        if day > self.today:
            return
        create_entry(self.session, self.book, EntryInput(
            date=day, description=description, party=party, reference=reference,
            lines=[LineInput(account=code, amount=amount) for code, amount in lines]), post=True)

    def day_in(self, month: date, first: int = 1, last: int = 28) -> date:
        return month.replace(day=self.rng.randint(first, last))

    def run(self) -> None:
        start = month_start(add_months(self.today, -11))
        self.post(start, "Owners' capital contribution", [("1111", Decimal(400_000_000)),
                                                           ("3101", Decimal(-400_000_000))],
                  party="Founders")
        self.post(start, "Petty cash float", [("1101", Decimal(5_000_000)),
                                             ("1111", Decimal(-5_000_000))])
        laptop = Decimal(24_000_000)
        self.post(start + timedelta(days=3), "MacBook Pro for the design team",
                  [("1502", laptop), ("1401", _ppn(laptop)), ("1111", -(laptop + _ppn(laptop)))],
                  party="PT Erajaya Digital")
        invoice_no = 0
        output_vat_prev = input_vat_prev = Decimal(0)
        month = start
        while month <= self.today:
            output_vat = input_vat = Decimal(0)
            for _ in range(self.rng.randint(3, 6)):
                invoice_no += 1
                client, service = self.rng.choice(CLIENTS), self.rng.choice(SERVICES)
                price = _rupiah(self.rng.randint(60, 550) * 100_000)
                vat = _ppn(price)
                output_vat += vat
                day = self.day_in(month)
                ref = f"INV/{day.year}/{day.month:02d}/{invoice_no:04d}"
                self.post(day, f"{service} for {client}",
                          [("1201", price + vat), ("4101", -price), ("2301", -vat)],
                          party=client, reference=ref)
                paid = day + timedelta(days=self.rng.randint(14, 50))
                withheld = (price * Decimal("0.02")).quantize(Decimal(1), rounding=ROUND_DOWN)
                self.post(paid, f"Payment received {ref}",
                          [("1111", price + vat - withheld), ("1402", withheld),
                           ("1201", -(price + vat))], party=client, reference=ref)
            for _ in range(self.rng.randint(1, 3)):
                fee = _rupiah(self.rng.randint(3, 18) * 1_000_000)
                who = self.rng.choice(FREELANCERS)
                self.post(self.day_in(month), f"Freelance fee, {who}",
                          [("5101", fee), ("1111", -fee)], party=who)
            self.post(month.replace(day=1), "Office rent, Kemang",
                      [("6201", Decimal(15_000_000)), ("1111", Decimal(-15_000_000))],
                      party="PT Graha Kemang")
            payroll = Decimal(68_000_000 + self.rng.randint(0, 4) * 1_000_000)
            bpjs = (payroll * Decimal("0.0624")).quantize(Decimal(1), rounding=ROUND_DOWN)
            payday = month.replace(day=25)
            self.post(payday, "Salaries", [("6101", payroll), ("1111", -payroll)])
            self.post(payday, "BPJS contributions", [("6102", bpjs), ("1111", -bpjs)],
                      party="BPJS")
            electricity = _rupiah(self.rng.randint(2_100_000, 3_400_000))
            self.post(self.day_in(month, 5, 12), "Electricity (PLN)",
                      [("6202", electricity), ("1111", -electricity)], party="PLN")
            internet = Decimal(1_650_000)
            internet_vat = _ppn(internet)
            input_vat += internet_vat
            self.post(self.day_in(month, 3, 8), "Fibre internet",
                      [("6203", internet), ("1401", internet_vat),
                       ("1111", -(internet + internet_vat))], party="PT Telkom Indonesia")
            self.post(self.day_in(month, 1, 5), "Design software subscriptions",
                      [("6205", Decimal(4_350_000)), ("1111", Decimal(-4_350_000))],
                      party="Adobe, Figma")
            supplies = _rupiah(self.rng.randint(300_000, 950_000))
            self.post(month.replace(day=2), "Petty cash top-up",
                      [("1101", Decimal(1_000_000)), ("1111", Decimal(-1_000_000))])
            self.post(self.day_in(month, 3), "Office supplies and coffee",
                      [("6204", supplies), ("1101", -supplies)])
            self.post(month_end(month), "Bank administration fee",
                      [("6502", Decimal(25_000)), ("1111", Decimal(-25_000))], party="Bank BCA")
            if output_vat_prev:
                net = output_vat_prev - input_vat_prev
                self.post(month.replace(day=28), "PPN settlement for the previous month",
                          [("2301", output_vat_prev), ("1401", -input_vat_prev),
                           ("1111", -net)], party="Kas Negara")
            output_vat_prev, input_vat_prev = output_vat, input_vat + (
                _ppn(laptop) if month == start else Decimal(0))
            if month.month in (3, 6, 9, 12):
                self.post(self.day_in(month), "Team offsite and client visits",
                          [("6207", Decimal(7_500_000)), ("1111", Decimal(-7_500_000))])
            month = add_months(month, 1)


def create_demo_book(session: Session, today: date | None = None) -> Book:
    """Create the ``demo`` book with about a year of posted entries."""
    book = create_book(session, BookInput(slug=DEMO_SLUG, name="Studio Kemang (demo)",
                                          base_currency="IDR", locale="id_ID", country="ID",
                                          chart="id-psak"))
    _Demo(session, book, today or clock.today()).run()
    session.flush()
    return book
