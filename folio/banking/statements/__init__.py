"""Bank statement parsers: bytes in, a Statement out, or a ValidationError naming the line."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from folio.banking.statements.camt053 import parse_camt053
from folio.banking.statements.csv_generic import PRESETS, ColumnMapping, parse_csv
from folio.banking.statements.model import (
    Statement,
    StatementLine,
    decode,
    fail,
    fingerprint,
    fingerprints,
)
from folio.banking.statements.ofx import parse_ofx
from folio.banking.statements.qif import parse_qif

FORMATS = ("ofx", "qif", "camt053", "csv", *(f"csv:{name}" for name in PRESETS))

__all__ = [
    "FORMATS", "ColumnMapping", "Statement", "StatementLine", "detect_format", "fingerprint",
    "fingerprints", "parse_statement",
]


def detect_format(data: bytes) -> str:
    """Guess the format from the first bytes of the file."""
    head = decode(data[:4096]).lstrip()
    upper = head.upper()
    if upper.startswith("OFXHEADER") or "<OFX>" in upper or "<?OFX" in upper:
        return "ofx"
    if head.startswith("!"):
        return "qif"
    if head.startswith("<") and "BkToCstmrStmt" in head:
        return "camt053"
    if head.startswith("<"):
        raise fail(1, "format", "XML that is neither OFX nor camt.053")
    if head.startswith("No. Rekening"):
        return "csv:bca"
    return "csv"


def parse_statement(data: bytes, fmt: str | None = None, **options: Any) -> Statement:
    """Parse a statement file; `fmt` is one of FORMATS or None to detect it."""
    fmt = fmt or detect_format(data)
    if fmt == "ofx":
        return _call(parse_ofx, fmt, data, options)
    if fmt == "qif":
        return _call(parse_qif, fmt, data, options)
    if fmt == "camt053":
        return _call(parse_camt053, fmt, data, options)
    if fmt == "csv" or fmt.startswith("csv:"):
        options = dict(options)
        mapping = options.pop("mapping", fmt.partition(":")[2] or "generic")
        return _call(parse_csv, fmt, data, {"mapping": mapping, **options})
    raise fail("options", "format", f"unknown statement format {fmt!r}")


def _call(parser: Callable[..., Statement], fmt: str, data: bytes,
          options: dict[str, Any]) -> Statement:
    accepted = inspect.signature(parser).parameters
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise fail("options", unknown[0], f"{fmt} files take no option {unknown[0]!r}")
    return parser(data, **options)
