"""Customers and vendors."""
