"""Reading HTML form posts: the raw form, dates and amounts as people type them, field errors."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from babel.numbers import get_decimal_symbol, get_group_symbol
from fastapi import Depends, Request
from pydantic import BeforeValidator
from starlette.datastructures import FormData

from folio.errors import ValidationError
from folio.money import parse_amount

# Enough for an entry of 500 lines with every field, which request.form() caps at 1000.
MAX_FORM_FIELDS = 5000


async def _form(request: Request) -> FormData:
    return await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)


FormDep = Annotated[FormData, Depends(_form)]


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


# A query parameter that an empty filter field (``?from=``) leaves out instead of failing.
Blankable = BeforeValidator(_blank_to_none)


def text(form: FormData, name: str, limit: int = 500) -> str:
    """A text field, stripped and cut to ``limit``; files and absent fields read as ''."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def parse_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError("enter a date as YYYY-MM-DD", field=field) from None


def parse_local_amount(value: str, currency: str, locale: str, field: str) -> Decimal:
    """An amount typed the way the book's locale writes it, or as a plain decimal.

    ``1.500.000`` and ``1500000,50`` in id_ID, ``1,500.50`` in en_US and ``1,50,000`` in en_IN
    all read as people mean them; a plain ``1500.5`` always does too.
    """
    raw = re.sub(r"[\s\u00a0\u202f]", "", value)
    sign = ""
    if raw[:1] in "+-":
        sign, raw = raw[:1].replace("+", ""), raw[1:]
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    whole, has_fraction, fraction = raw.partition(decimal)
    parts = whole.split(group)
    grouped = (len(parts) > 1 and all(p.isdigit() for p in parts) and 1 <= len(parts[0]) <= 3
               and len(parts[-1]) == 3 and all(len(p) in (2, 3) for p in parts[1:]))
    if grouped or (decimal != "." and has_fraction and whole.isdigit() and fraction.isdigit()):
        raw = "".join(parts) + ("." + fraction if has_fraction else "")
    return parse_amount(sign + raw, currency, field=field)


def field_errors(errors: list[dict[str, str]]) -> dict[str, str]:
    """The first message for each field of a service's ValidationError."""
    result: dict[str, str] = {}
    for error in errors:
        result.setdefault(error.get("field") or "", error.get("message", ""))
    return result
