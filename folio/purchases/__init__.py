"""Purchases: vendor bills and payments, expenses with receipts, expense claims."""
