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


def sign_in_redirect(request: Request) -> Response:
    """Send a visitor who is not signed in to the sign-in page, and back here afterwards."""
    from urllib.parse import quote

    from fastapi.responses import RedirectResponse

    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.headers.get("HX-Request"):  # HTMX: reload the whole page at the sign-in form
        return Response(status_code=401, headers={"HX-Redirect": "/login"})
    return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)
