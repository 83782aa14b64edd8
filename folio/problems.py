"""RFC 9457 problem documents for every error under /api/v1, the framework's own included."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from folio.errors import FolioError, TooManyRequests, Unauthorized

PROBLEM_TYPE_BASE = "https://folio.invalid/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

HTTP_TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
               405: "Method not allowed", 406: "Not acceptable", 409: "Conflict",
               413: "Content too large", 415: "Unsupported media type",
               422: "Invalid input", 429: "Too many requests", 500: "Internal server error"}


def problem(status: int, detail: str, *, slug: str | None = None, title: str | None = None,
            errors: list[dict[str, Any]] | None = None, instance: str | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + (slug or f"http-{status}"),
        "title": title or HTTP_TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    text = ""
    for part in parts:
        text += f"[{part}]" if part.isdigit() else (f".{part}" if text else part)
    return text or "body"


async def folio_error_handler(request: Request, exc: Exception) -> Any:
    assert isinstance(exc, FolioError)
    headers = _auth_headers(exc)
    if not _is_api(request):
        from folio.web.errors import page_error, sign_in_redirect

        if isinstance(exc, Unauthorized):
            return sign_in_redirect(request)
        return page_error(request, exc.status, exc.detail, headers=headers)
    return problem(exc.status, exc.detail, slug=exc.slug, title=exc.title, errors=exc.errors,
                   instance=request.url.path, headers=headers)


def _auth_headers(exc: FolioError) -> dict[str, str] | None:
    if isinstance(exc, Unauthorized):
        return {"WWW-Authenticate": 'Bearer realm="folio"'}
    if isinstance(exc, TooManyRequests):
        return {"Retry-After": str(exc.retry_after)}
    return None


async def validation_handler(request: Request, exc: Exception) -> Any:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": _location(e.get("loc", ())), "message": str(e.get("msg", "invalid"))}
              for e in exc.errors()]
    if not _is_api(request):
        from folio.web.errors import page_error

        return page_error(request, 422, "; ".join(f"{e['field']}: {e['message']}" for e in errors))
    return problem(422, "The request has invalid fields", slug="validation-error",
                   title="Invalid input", errors=errors, instance=request.url.path)


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    allowed = []
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


async def http_error_handler(request: Request, exc: Exception) -> Any:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers) if exc.headers else None
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": _allowed_methods(request)}
    if not _is_api(request):
        from folio.web.errors import page_error

        return page_error(request, exc.status_code, str(exc.detail), headers=headers)
    detail = exc.detail if isinstance(exc.detail, str) else HTTP_TITLES.get(exc.status_code, "")
    return problem(exc.status_code, detail, headers=headers, instance=request.url.path)


async def integrity_error_handler(request: Request, exc: Exception) -> Any:
    """A unique or foreign key violation that slipped past the services: a race, so 409."""
    detail = "The request conflicts with a change made at the same time; please retry."
    if not _is_api(request):
        from folio.web.errors import page_error

        return page_error(request, 409, detail)
    return problem(409, detail, slug="conflict", title="Conflict", instance=request.url.path)


async def unexpected_error_handler(request: Request, exc: Exception) -> Any:
    import logging

    logging.getLogger("folio").exception("unhandled error on %s", request.url.path)
    await _record_error_group(request, exc)
    if not _is_api(request):
        from folio.web.errors import page_error

        return page_error(request, 500, "Something went wrong on our side.")
    return problem(500, "An unexpected error occurred; it has been logged.",
                   instance=request.url.path)


async def _record_error_group(request: Request, exc: Exception) -> None:
    """Count the exception in the error table (folio.ops.errortrack); never raises."""
    engine = getattr(request.app.state, "engine", None)
    if engine is None:
        return
    from starlette.concurrency import run_in_threadpool

    from folio.ops.errortrack import record_exception
    from folio.ops.metrics import route_template

    try:
        route = route_template(request.scope)
    except Exception:  # the template is a nicety; the group still counts
        route = ""
    await run_in_threadpool(record_exception, engine, exc, route,
                            str(getattr(request.state, "request_id", "") or ""))


def install(app: FastAPI) -> None:
    app.add_exception_handler(FolioError, folio_error_handler)
    app.add_exception_handler(RequestValidationError, validation_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(IntegrityError, integrity_error_handler)
    app.add_exception_handler(Exception, unexpected_error_handler)
