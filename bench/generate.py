"""Generate a realistic five-year book of a small business, deterministically.

Writes, into one directory:

* ``ACCOUNTS.csv`` and ``POSTINGS.csv`` in the format of ``folio import journal``;
* ``journal.ledger``, the same transactions in the classic ledger journal syntax that
  both hledger and ledger-cli read (account names like ``assets:bank:operating``);
* ``meta.json``: sizes, years, the busiest account and the code -> name map.

The business is a shop-and-services company: till sales through a card processor,
invoices and customer payments, bills and bill payments, card expenses, payroll, tax
remittances, loans, depreciation. Most transactions have two postings, some three to
five, about 2.6 on average. Volume grows year on year, dips at weekends and peaks in
December. Amounts are USD with two decimals. The same seed gives the same bytes.

Usage: ``python bench/generate.py 100k bench/out/100k [--seed 2026] [--end-year 2025]``
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

YEARS = 5
# Bumped whenever the generated data changes, so bench/run.py regenerates stale files.
GENERATOR_VERSION = 2

# code, name, type, ledger account name
CHART: list[tuple[str, str, str, str]] = [
    ("1000", "Cash on hand", "asset", "assets:cash:on-hand"),
    ("1010", "Petty cash", "asset", "assets:cash:petty"),
    ("1100", "Operating checking", "asset", "assets:bank:operating"),
    ("1110", "Payroll checking", "asset", "assets:bank:payroll"),
    ("1120", "Savings account", "asset", "assets:bank:savings"),
    ("1130", "Card processor clearing", "asset", "assets:bank:card-clearing"),
    ("1200", "Accounts receivable", "asset", "assets:receivables:trade"),
    ("1210", "Allowance for doubtful accounts", "asset", "assets:receivables:allowance"),
    ("1220", "Employee advances", "asset", "assets:receivables:employee-advances"),
    ("1300", "Inventory - merchandise", "asset", "assets:inventory:merchandise"),
    ("1310", "Inventory - supplies", "asset", "assets:inventory:supplies"),
    ("1400", "Prepaid expenses", "asset", "assets:prepaid:expenses"),
    ("1410", "Prepaid insurance", "asset", "assets:prepaid:insurance"),
    ("1420", "Security deposits", "asset", "assets:prepaid:deposits"),
    ("1500", "Equipment", "asset", "assets:fixed:equipment"),
    ("1510", "Accumulated depreciation - equipment", "asset",
     "assets:fixed:equipment-depreciation"),
    ("1520", "Vehicles", "asset", "assets:fixed:vehicles"),
    ("1530", "Accumulated depreciation - vehicles", "asset",
     "assets:fixed:vehicles-depreciation"),
    ("1540", "Furniture and fixtures", "asset", "assets:fixed:furniture"),
    ("1550", "Accumulated depreciation - furniture", "asset",
     "assets:fixed:furniture-depreciation"),
    ("1560", "Computer equipment", "asset", "assets:fixed:computers"),
    ("1570", "Accumulated depreciation - computers", "asset",
     "assets:fixed:computers-depreciation"),
    ("1600", "Leasehold improvements", "asset", "assets:fixed:leasehold"),
    ("2000", "Accounts payable", "liability", "liabilities:payables:trade"),
    ("2100", "Business credit card", "liability", "liabilities:cards:business"),
    ("2110", "Fuel card", "liability", "liabilities:cards:fuel"),
    ("2200", "Sales tax payable", "liability", "liabilities:taxes:sales"),
    ("2210", "Payroll taxes payable", "liability", "liabilities:taxes:payroll"),
    ("2220", "Federal withholding payable", "liability", "liabilities:taxes:federal-withholding"),
    ("2230", "State withholding payable", "liability", "liabilities:taxes:state-withholding"),
    ("2240", "Retirement plan payable", "liability", "liabilities:payroll:retirement"),
    ("2250", "Health insurance payable", "liability", "liabilities:payroll:health"),
    ("2300", "Accrued expenses", "liability", "liabilities:accrued:expenses"),
    ("2310", "Accrued wages", "liability", "liabilities:accrued:wages"),
    ("2400", "Customer deposits", "liability", "liabilities:deferred:customer-deposits"),
    ("2410", "Gift cards outstanding", "liability", "liabilities:deferred:gift-cards"),
    ("2500", "Line of credit", "liability", "liabilities:loans:line-of-credit"),
    ("2600", "Equipment loan", "liability", "liabilities:loans:equipment"),
    ("2610", "Vehicle loan", "liability", "liabilities:loans:vehicle"),
    ("3000", "Owner's capital", "equity", "equity:owner:capital"),
    ("3100", "Owner's drawings", "equity", "equity:owner:drawings"),
    ("3200", "Retained earnings", "equity", "equity:retained-earnings"),
    ("3300", "Opening balance equity", "equity", "equity:opening-balances"),
    ("4000", "Product sales", "income", "income:sales:products"),
    ("4010", "Service revenue", "income", "income:sales:services"),
    ("4020", "Consulting revenue", "income", "income:sales:consulting"),
    ("4030", "Subscription revenue", "income", "income:sales:subscriptions"),
    ("4040", "Installation revenue", "income", "income:sales:installation"),
    ("4050", "Shipping income", "income", "income:sales:shipping"),
    ("4100", "Sales returns and allowances", "income", "income:sales:returns"),
    ("4110", "Sales discounts", "income", "income:sales:discounts"),
    ("4200", "Interest income", "income", "income:other:interest"),
    ("4300", "Other income", "income", "income:other:miscellaneous"),
    ("5000", "Cost of goods sold", "expense", "expenses:cost-of-sales:goods"),
    ("5010", "Freight in", "expense", "expenses:cost-of-sales:freight"),
    ("5020", "Inventory shrinkage", "expense", "expenses:cost-of-sales:shrinkage"),
    ("5100", "Subcontractors", "expense", "expenses:cost-of-sales:subcontractors"),
    ("5200", "Card processing fees", "expense", "expenses:cost-of-sales:card-fees"),
    ("6000", "Advertising", "expense", "expenses:marketing:advertising"),
    ("6010", "Online marketing", "expense", "expenses:marketing:online"),
    ("6020", "Printing", "expense", "expenses:marketing:printing"),
    ("6100", "Bank service charges", "expense", "expenses:finance:bank-charges"),
    ("6200", "Rent", "expense", "expenses:occupancy:rent"),
    ("6210", "Electricity", "expense", "expenses:occupancy:electricity"),
    ("6220", "Water and sewer", "expense", "expenses:occupancy:water"),
    ("6230", "Internet and phone", "expense", "expenses:occupancy:telecom"),
    ("6240", "Cleaning", "expense", "expenses:occupancy:cleaning"),
    ("6250", "Repairs and maintenance", "expense", "expenses:occupancy:repairs"),
    ("6300", "Office supplies", "expense", "expenses:office:supplies"),
    ("6310", "Software subscriptions", "expense", "expenses:office:software"),
    ("6320", "Postage and shipping", "expense", "expenses:office:postage"),
    ("6400", "Salaries and wages", "expense", "expenses:payroll:wages"),
    ("6410", "Payroll taxes", "expense", "expenses:payroll:taxes"),
    ("6420", "Employee benefits", "expense", "expenses:payroll:benefits"),
    ("6430", "Training", "expense", "expenses:payroll:training"),
    ("6500", "Insurance", "expense", "expenses:general:insurance"),
    ("6510", "Legal fees", "expense", "expenses:general:legal"),
    ("6520", "Accounting fees", "expense", "expenses:general:accounting"),
    ("6600", "Travel", "expense", "expenses:travel:transport"),
    ("6610", "Meals and entertainment", "expense", "expenses:travel:meals"),
    ("6620", "Vehicle fuel", "expense", "expenses:vehicles:fuel"),
    ("6630", "Vehicle maintenance", "expense", "expenses:vehicles:maintenance"),
    ("6700", "Depreciation", "expense", "expenses:general:depreciation"),
    ("6710", "Interest expense", "expense", "expenses:finance:interest"),
    ("6720", "Licenses and permits", "expense", "expenses:general:licenses"),
    ("6730", "Dues and memberships", "expense", "expenses:general:dues"),
    ("6740", "Bad debts", "expense", "expenses:general:bad-debts"),
    ("6750", "Donations", "expense", "expenses:general:donations"),
    ("6800", "Income taxes", "expense", "expenses:taxes:income"),
    ("6900", "Miscellaneous", "expense", "expenses:general:miscellaneous"),
]
LEDGER_NAME = {code: ledger for code, _name, _type, ledger in CHART}
BUSY_ACCOUNT = "1100"  # the operating bank account: the general-ledger page benchmark

FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
         "David", "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
         "Thomas", "Sarah", "Carlos", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony",
         "Betty", "Mark", "Sandra", "Steven", "Ashley", "Andrew", "Emily", "Kenji", "Priya",
         "Wei", "Fatima", "Olga", "Diego", "Amara", "Lucas"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
        "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
        "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
        "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
        "Nguyen", "Patel", "Kim", "Okafor", "Novak", "Schmidt", "Rossi", "Tanaka"]
COMPANY_A = ["Acme", "Blue Ridge", "Cedar", "Summit", "Harbor", "Pioneer", "Granite", "Maple",
             "Riverside", "Northwind", "Lakeside", "Redwood", "Silverline", "Oakmont", "Evergreen",
             "Brightwater", "Ironwood", "Golden Gate", "Prairie", "Coastal", "Highland", "Sterling",
             "Willow Creek", "Falcon", "Union Square", "Beacon", "Crescent", "Keystone"]
COMPANY_B = ["Dental", "Realty", "Architects", "Bakery", "Fitness", "Law Group", "Clinic",
             "Properties", "Motors", "Consulting", "Hospitality", "Logistics", "Media",
             "Engineering", "Veterinary", "Salon", "Cafe", "Hardware", "Studios", "Partners"]
COMPANY_C = ["LLC", "Inc.", "Co.", "Ltd", "Group", "& Sons", "Corp."]
VENDORS: dict[str, list[str]] = {
    "5000": ["Midwest Wholesale Supply", "Pacific Distributors", "Allied Goods Co.",
             "Central Trade Partners"],
    "5010": ["FastFreight Logistics", "Blue Line Trucking", "Harbor Freight Lines"],
    "5100": ["Rivera Electrical", "Precision Installers LLC", "Kowalski Contracting"],
    "6000": ["Metro Radio Ads", "Daily Courier Classifieds", "Town Billboard Co."],
    "6010": ["SearchAds", "SocialReach Ads", "Mailbird Campaigns"],
    "6020": ["QuickPrint Center", "Ink & Paper Co."],
    "6100": ["First Community Bank"],
    "6200": ["Oakmont Property Management"],
    "6210": ["City Power & Light"],
    "6220": ["Municipal Water Utility"],
    "6230": ["Comnet Business", "Skyline Mobile"],
    "6240": ["Sparkle Cleaning Services"],
    "6250": ["Handy Fix Repairs", "CoolAir HVAC Service", "Reliable Plumbing"],
    "6300": ["Office Depot Supply", "Paper Trail Stationers"],
    "6310": ["CloudSuite Software", "Ledgerly Apps", "DesignHub", "TeamChat"],
    "6320": ["US Postal Service", "ParcelGo"],
    "6430": ["SkillUp Academy"],
    "6500": ["Guardian Mutual Insurance"],
    "6510": ["Whitfield & Park LLP"],
    "6520": ["Brooks CPA Group"],
    "6600": ["Metro Airlines", "CityCab", "Grand Hotel"],
    "6610": ["Corner Bistro", "Sunrise Diner", "Luigi's Trattoria", "Green Leaf Cafe"],
    "6620": ["Shellway Fuel", "QuickStop Gas"],
    "6630": ["Precision Auto Care", "TireTown"],
    "6720": ["County Clerk", "State Licensing Board"],
    "6730": ["Chamber of Commerce", "Retail Merchants Association"],
    "6750": ["Community Food Bank", "Youth Sports League"],
}
SERVICES = ["Installation", "Maintenance visit", "Repair service", "Consultation",
            "Annual service plan", "Setup and configuration", "On-site support",
            "Design work", "Training session", "Inspection"]
PRODUCTS = ["Widgets", "Spare parts", "Accessories", "Replacement filters", "Cables",
            "Tool kit", "Display units", "Seasonal stock", "Gift set", "Starter pack"]
CARD_EXPENSE = ["6300", "6310", "6320", "6610", "6600", "6010", "6020", "6250", "6430", "6730"]
BANK_EXPENSE = ["6200", "6210", "6220", "6230", "6240", "6500", "6310", "6100", "6520", "6720"]
BILL_EXPENSE = ["5000", "5100", "6000", "6250", "6510", "6520", "6500", "6020", "6240", "5010"]
TAX_RATE = 0.0725


def parse_size(text: str) -> int:
    """``10k`` -> 10000, ``1m`` -> 1000000, ``2500`` -> 2500."""
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def size_label(count: int) -> str:
    if count % 1_000_000 == 0:
        return f"{count // 1_000_000}m"
    if count % 1_000 == 0:
        return f"{count // 1_000}k"
    return str(count)


# A posting: (account code, signed cents, memo)
Posting = tuple[str, int, str]
Txn = tuple[str, str, list[Posting]]  # description, party, postings


class Business:
    """Draws transactions; every ``draw_*`` returns (description, party, postings)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        people = [f"{f} {last}" for f in FIRST for last in LAST]
        rng.shuffle(people)
        companies = [f"{a} {b} {c}" for a in COMPANY_A for b in COMPANY_B for c in COMPANY_C]
        rng.shuffle(companies)
        self.customers = companies[:420] + people[:180]
        self.employees = people[180:214]
        self.invoice_no = 1000
        self.bill_no = 500
        self.sale_no = 1
        self.open_invoices: list[tuple[int, str, int]] = []
        self.open_bills: list[tuple[int, str, int]] = []
        self.card_balance = 0
        self.clearing = 0
        self.payroll_due = 0
        templates: list[tuple[float, Callable[[], Txn]]] = [
            (30, self.till_sale), (4, self.cash_sale), (8, self.service_invoice),
            (7, self.product_invoice), (14, self.customer_payment), (5, self.card_settlement),
            (11, self.card_expense), (6, self.vendor_bill), (6, self.bill_payment),
            (6, self.bank_expense), (3.5, self.cost_of_sales), (2.5, self.payroll),
            (1.5, self.stock_purchase), (1, self.card_payment), (1.2, self.transfer),
            (0.4, self.loan_payment), (1, self.refund), (0.5, self.depreciation),
            (0.5, self.tax_remittance), (0.3, self.owner), (0.8, self.fuel),
            (0.4, self.interest_income), (0.3, self.petty_cash),
        ]
        self.weights = [w for w, _ in templates]
        self.templates = [t for _, t in templates]
        self.cum = []
        total = 0.0
        for w in self.weights:
            total += w
            self.cum.append(total)

    def draw(self) -> Txn:
        pick = self.rng.random() * self.cum[-1]
        lo = 0
        while self.cum[lo] < pick:
            lo += 1
        return self.templates[lo]()

    def cents(self, median: float, spread: float = 0.8, low: int = 100) -> int:
        return max(low, round(self.rng.lognormvariate(math.log(median), spread) * 100))

    def vendor(self, code: str) -> str:
        return self.rng.choice(VENDORS.get(code, ["General Supplier Co."]))

    # -- sales --------------------------------------------------------------------------
    def till_sale(self) -> Txn:
        net = self.cents(52)
        tax = round(net * TAX_RATE)
        self.sale_no += 1
        self.clearing += net + tax
        item = self.rng.choice(PRODUCTS)
        return (f"Till sale #{self.sale_no}: {item}", "Walk-in customer",
                [("1130", net + tax, ""), ("4000", -net, item), ("2200", -tax, "")])

    def cash_sale(self) -> Txn:
        net = self.cents(25, 0.6)
        self.sale_no += 1
        service = self.rng.choice(SERVICES)
        return (f"Cash sale #{self.sale_no}: {service}", "Walk-in customer",
                [("1000", net, ""), ("4010", -net, service)])

    def service_invoice(self) -> Txn:
        customer = self.rng.choice(self.customers)
        self.invoice_no += 1
        amount = self.cents(900, 0.9)
        account = self.rng.choice(["4010", "4010", "4020", "4030", "4040"])
        self.open_invoices.append((self.invoice_no, customer, amount))
        service = self.rng.choice(SERVICES)
        return (f"Invoice INV-{self.invoice_no}: {service}", customer,
                [("1200", amount, ""), (account, -amount, service)])

    def product_invoice(self) -> Txn:
        customer = self.rng.choice(self.customers)
        self.invoice_no += 1
        lines: list[Posting] = []
        net = 0
        for _ in range(self.rng.choice([1, 1, 2])):
            part = self.cents(520, 0.9)
            item = self.rng.choice(PRODUCTS)
            lines.append(("4000", -part, item))
            net += part
        shipping = self.cents(18, 0.4) if self.rng.random() < 0.6 else 0
        if shipping:
            lines.append(("4050", -shipping, "Shipping"))
        tax = round(net * TAX_RATE)
        lines.append(("2200", -tax, "Sales tax"))
        total = net + shipping + tax
        self.open_invoices.append((self.invoice_no, customer, total))
        return (f"Invoice INV-{self.invoice_no}: goods", customer, [("1200", total, ""), *lines])

    def customer_payment(self) -> Txn:
        if self.open_invoices:
            number, customer, amount = self.open_invoices.pop(
                self.rng.randrange(len(self.open_invoices)))
        else:
            number, customer, amount = 0, self.rng.choice(self.customers), self.cents(400)
        ref = f"INV-{number}" if number else "account"
        return (f"Payment received for {ref}", customer,
                [("1100", amount, ""), ("1200", -amount, "")])

    def card_settlement(self) -> Txn:
        gross = max(self.clearing, 2000)
        self.clearing -= gross
        fee = round(gross * 0.029) + 30
        return ("Card processor settlement", "CardPay Processing",
                [("1100", gross - fee, ""), ("5200", fee, "Processing fees"),
                 ("1130", -gross, "")])

    def refund(self) -> Txn:
        net = self.cents(40)
        tax = round(net * TAX_RATE)
        customer = self.rng.choice(self.customers)
        return ("Customer refund", customer,
                [("4100", net, "Returned goods"), ("2200", tax, ""), ("1100", -(net + tax), "")])

    def interest_income(self) -> Txn:
        amount = self.cents(12, 0.5)
        return ("Interest on savings", "First Community Bank",
                [("1120", amount, ""), ("4200", -amount, "")])

    # -- spending -----------------------------------------------------------------------
    def card_expense(self) -> Txn:
        code = self.rng.choice(CARD_EXPENSE)
        amount = self.cents(60, 0.9)
        self.card_balance += amount
        vendor = self.vendor(code)
        return (f"Card purchase: {vendor}", vendor,
                [(code, amount, ""), ("2100", -amount, "")])

    def fuel(self) -> Txn:
        amount = self.cents(55, 0.3)
        vendor = self.vendor("6620")
        return (f"Fuel: {vendor}", vendor, [("6620", amount, ""), ("2110", -amount, "")])

    def bank_expense(self) -> Txn:
        code = self.rng.choice(BANK_EXPENSE)
        amount = self.cents(300, 0.8)
        vendor = self.vendor(code)
        return (f"Direct debit: {vendor}", vendor, [(code, amount, ""), ("1100", -amount, "")])

    def vendor_bill(self) -> Txn:
        self.bill_no += 1
        lines: list[Posting] = []
        total = 0
        first = self.rng.choice(BILL_EXPENSE)
        vendor = self.vendor(first)
        for index in range(self.rng.choice([1, 1, 2, 2, 3])):
            code = first if index == 0 else self.rng.choice(BILL_EXPENSE)
            part = self.cents(350, 0.9)
            lines.append((code, part, ""))
            total += part
        self.open_bills.append((self.bill_no, vendor, total))
        return (f"Bill {self.bill_no} from {vendor}", vendor, [*lines, ("2000", -total, "")])

    def stock_purchase(self) -> Txn:
        self.bill_no += 1
        goods = self.cents(2400, 0.6)
        freight = self.cents(90, 0.5)
        vendor = self.vendor("5000")
        self.open_bills.append((self.bill_no, vendor, goods + freight))
        return (f"Stock purchase, bill {self.bill_no}", vendor,
                [("1300", goods, "Merchandise"), ("5010", freight, "Freight"),
                 ("2000", -(goods + freight), "")])

    def bill_payment(self) -> Txn:
        if self.open_bills:
            number, vendor, amount = self.open_bills.pop(0)
        else:
            number, vendor, amount = 0, self.vendor("5000"), self.cents(300)
        return (f"Payment of bill {number}" if number else "Payment on account", vendor,
                [("2000", amount, ""), ("1100", -amount, "")])

    def cost_of_sales(self) -> Txn:
        amount = self.cents(700, 0.6)
        return ("Cost of goods sold", "", [("5000", amount, ""), ("1300", -amount, "")])

    def payroll(self) -> Txn:
        employee = self.rng.choice(self.employees)
        gross = self.cents(1900, 0.35)
        federal = round(gross * 0.12)
        state = round(gross * 0.045)
        employer_tax = round(gross * 0.0765)
        lines: list[Posting] = [("6400", gross, ""), ("6410", employer_tax, "")]
        if self.rng.random() < 0.4:
            retirement = round(gross * 0.04)
            lines += [("2240", -retirement, "401(k)")]
        else:
            retirement = 0
        net = gross - federal - state - retirement
        self.payroll_due += net
        lines += [("1110", -net, ""), ("2220", -federal, ""),
                  ("2210", -(state + employer_tax), "")]
        return (f"Payroll: {employee}", employee, lines)

    def tax_remittance(self) -> Txn:
        code, vendor = self.rng.choice([("2200", "State Department of Revenue"),
                                        ("2210", "State Department of Revenue"),
                                        ("2220", "Internal Revenue Service")])
        amount = self.cents(3500, 0.5)
        return (f"Tax payment to {vendor}", vendor, [(code, amount, ""), ("1100", -amount, "")])

    def card_payment(self) -> Txn:
        amount = max(self.card_balance, 100)
        self.card_balance = 0
        return ("Credit card payment", "First Community Bank",
                [("2100", amount, ""), ("1100", -amount, "")])

    def transfer(self) -> Txn:
        target = self.rng.choice(["1110", "1110", "1120"])
        if target == "1110":
            amount = max(self.payroll_due, 50_000)
            self.payroll_due = 0
        else:
            amount = self.cents(1500, 0.4)
        return ("Transfer between accounts", "",
                [(target, amount, ""), ("1100", -amount, "")])

    def loan_payment(self) -> Txn:
        loan = self.rng.choice(["2600", "2610", "2500"])
        principal = self.cents(150, 0.3)
        interest = self.cents(25, 0.3)
        return ("Loan repayment", "First Community Bank",
                [(loan, principal, "Principal"), ("6710", interest, "Interest"),
                 ("1100", -(principal + interest), "")])

    def depreciation(self) -> Txn:
        asset = self.rng.choice(["1510", "1530", "1550", "1570"])
        amount = self.cents(400, 0.3)
        return ("Monthly depreciation", "", [("6700", amount, ""), (asset, -amount, "")])

    def owner(self) -> Txn:
        amount = self.cents(2500, 0.5)
        if self.rng.random() < 0.7:
            return ("Owner's drawing", "Owner", [("3100", amount, ""), ("1100", -amount, "")])
        return ("Owner's capital contribution", "Owner",
                [("1100", amount, ""), ("3000", -amount, "")])

    def petty_cash(self) -> Txn:
        amount = self.cents(40, 0.5)
        code = self.rng.choice(["6300", "6610", "6900"])
        return ("Petty cash expense", "", [(code, amount, ""), ("1010", -amount, "")])


def opening_entry(first_day: date) -> tuple[date, Txn]:
    """Opening balances on the first day, so balances look like a going concern."""
    lines: list[Posting] = [
        ("1100", 8_500_000, ""), ("1110", 1_200_000, ""), ("1120", 5_000_000, ""),
        ("1000", 50_000, ""), ("1010", 30_000, ""), ("1300", 4_200_000, ""),
        ("1500", 6_500_000, ""), ("1520", 4_800_000, ""), ("1540", 1_800_000, ""),
        ("1560", 1_200_000, ""), ("1600", 3_000_000, ""), ("1420", 600_000, ""),
        ("2600", -3_500_000, ""), ("2610", -2_800_000, ""), ("2500", -1_500_000, ""),
    ]
    lines.append(("3300", -sum(units for _, units, _ in lines), ""))
    return first_day, ("Opening balances", "", lines)


def day_counts(first: date, last: date, total: int) -> list[tuple[date, int]]:
    """Spread ``total`` transactions over the days: growth, weekdays, December peak."""
    days: list[date] = []
    weights: list[float] = []
    day = first
    span = (last - first).days or 1
    while day <= last:
        growth = 1.0 + 0.9 * (day - first).days / span
        weekday = (1.0, 1.0, 1.0, 1.05, 1.2, 0.7, 0.35)[day.weekday()]
        season = 1.35 if day.month == 12 else 0.9 if day.month in (1, 2) else 1.0
        days.append(day)
        weights.append(growth * weekday * season)
        day += timedelta(days=1)
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    short = total - sum(counts)
    by_fraction = sorted(range(len(days)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_fraction[:short]:
        counts[i] += 1
    return list(zip(days, counts, strict=True))


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def _ledger_text(text: str) -> str:
    # ';' starts a comment and '|' splits payee and note in hledger: keep them out.
    return text.replace(";", ",").replace("|", "/").strip()


def generate(count: int, out: Path, seed: int = 2026, end_year: int | None = None) -> dict:
    """Write the files for ``count`` transactions into ``out``; return the metadata."""
    end_year = end_year or date.today().year - 1
    first, last = date(end_year - YEARS + 1, 1, 1), date(end_year, 12, 31)
    rng = random.Random(f"{seed}-{count}")
    business = Business(rng)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "ACCOUNTS.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "type", "parent", "currency"])
        for code, name, kind, _ledger in CHART:
            writer.writerow([code, name, kind, "", "USD"])
    postings = 0
    transactions = 0
    by_count = [0] * 8
    number = 0
    plan = day_counts(first, last, count - 1)
    with (out / "POSTINGS.csv").open("w", newline="", encoding="utf-8") as csv_fh, \
            (out / "journal.ledger").open("w", encoding="utf-8") as journal:
        writer = csv.writer(csv_fh, lineterminator="\n")
        writer.writerow(["txn_id", "date", "description", "party", "account", "amount", "memo"])
        journal.write(f"; Folio benchmark book: {count} transactions, seed {seed}\n"
                      "commodity $1000.00\n\n")
        for code, _name, kind, ledger in CHART:
            journal.write(f"account {ledger}  ; {code} {kind}\n")
        journal.write("\n")

        def emit(day: date, txn: Txn) -> None:
            nonlocal number, postings, transactions
            number += 1
            txn_id = f"B{number:08d}"
            iso = day.isoformat()
            description, party, lines = txn
            writer.writerows([txn_id, iso, description, party, code, _money(units), memo]
                             for code, units, memo in lines)
            head = f"{_ledger_text(party)} | {_ledger_text(description)}" if party else \
                _ledger_text(description)
            body = "".join(f"    {LEDGER_NAME[code]}  ${_money(units)}\n"
                           for code, units, _memo in lines)
            journal.write(f"{iso} * ({txn_id}) {head}\n{body}\n")
            postings += len(lines)
            transactions += 1
            by_count[min(len(lines), 7)] += 1

        emit(*opening_entry(first))
        for day, n in plan:
            for _ in range(n):
                emit(day, business.draw())
    meta = {
        "transactions": transactions, "postings": postings, "seed": seed,
        "generator_version": GENERATOR_VERSION,
        "first_date": first.isoformat(), "last_date": last.isoformat(),
        "end_year": end_year, "busy_account": BUSY_ACCOUNT,
        "busy_ledger_account": LEDGER_NAME[BUSY_ACCOUNT],
        "accounts": len(CHART),
        "postings_per_transaction": round(postings / transactions, 3),
        "transactions_by_postings": {str(k): v for k, v in enumerate(by_count) if v},
        "ledger_names": LEDGER_NAME,
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", help="number of transactions: 10k, 100k, 1m or a number")
    parser.add_argument("out", type=Path, help="output directory")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--end-year", type=int, default=None,
                        help="last year of the book (default: the last complete year)")
    args = parser.parse_args()
    meta = generate(parse_size(args.size), args.out, args.seed, args.end_year)
    print(json.dumps({k: v for k, v in meta.items() if k != "ledger_names"}, indent=2))


if __name__ == "__main__":
    main()
