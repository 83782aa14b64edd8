"""Contact page fixtures: the IDR book, a customer and a vendor, invoice and bill factories."""

from __future__ import annotations

from tests.purchases.conftest import make_bill, vendor  # noqa: F401  (shared fixtures)
from tests.sales.conftest import client_co, make_invoice, studio  # noqa: F401
