"""Folio: self-hosted bookkeeping, invoicing and business finance."""

__version__ = "0.1.0"
