"""A report table as a CSV download, for the API's ``format=csv``."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import Response

from folio.commerce.aging import Table

# The OpenAPI ``responses`` of a route that can answer with CSV.
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}


def csv_response(table: Table, name: str) -> Response:
    """``table`` (header, rows) as ``name``.csv, an attachment."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table[0])
    writer.writerows(table[1])
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
