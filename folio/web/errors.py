"""Errors on pages: a friendly message in the layout, never a stack trace."""

from __future__ import annotations

from html import escape

from fastapi import Request
from fastapi.responses import HTMLResponse, Response


def page_error(request: Request, status: int, message: str,
               headers: dict[str, str] | None = None) -> Response:
    from folio.web.templating import render

    try:
        return render(request, "error.html", {"status": status, "message": message},
                      status_code=status, headers=headers)
    except Exception:  # the error page must never fail itself
        return HTMLResponse(f"<h1>{status}</h1><p>{escape(message)}</p>", status_code=status,
                            headers=headers)
