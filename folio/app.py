"""The ASGI application: middleware, routers, static files."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine

from folio import __version__, problems
from folio.auth.limits import make_throttle
from folio.db import get_engine
from folio.ops.logging import configure_logging
from folio.ops.metrics import MetricsMiddleware
from folio.settings import get_settings

API_PREFIX = "/api/v1"
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'")
DOCS_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Folio API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
<link rel="icon" href="/static/favicon.svg"></head>
<body><div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script></body></html>
"""


def create_app(engine: Engine | None = None) -> FastAPI:
    """Build the app; ``engine`` defaults to the configured DATABASE_URL."""
    from folio.auth.setup import setup_lifespan

    app = FastAPI(title="Folio", version=__version__, docs_url=None, redoc_url=None,
                  lifespan=setup_lifespan,  # prints the setup link, runs the scheduler
                  openapi_url=f"{API_PREFIX}/openapi.json",
                  description="Bookkeeping, invoicing and business finance. Errors are "
                              "RFC 9457 problem documents (application/problem+json).")
    settings = get_settings()
    app.state.engine = engine or get_engine()
    app.state.throttle = make_throttle(settings)
    # At start, print a one-time setup link while no user exists (tests make their own).
    app.state.announce_setup = settings.FOLIO_ENV != "test"
    configure_logging(settings)
    hsts = settings.FOLIO_ENV == "production"
    problems.install(app)
    # Added first, so it runs inside headers() and sees request.state.request_id.
    app.add_middleware(MetricsMiddleware)

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]
                      ) -> Response:
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        request.state.request_id = request_id
        response = await call_next(request)
        response.headers["X-Request-ID"] = request_id
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if hsts:  # production runs behind TLS (deploy/); browsers then refuse plain HTTP
            response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if request.url.path.startswith(("/api/", "/login", "/account", "/setup", "/password")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    static = resources.files("folio.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        # Swagger UI from our own static files, initialised by a file (no inline script).
        return HTMLResponse(DOCS_HTML)

    from folio.auth.api import router as auth_api
    from folio.banking.api import router as banking_api
    from folio.books.api import router as books_api
    from folio.ledger.api import router as ledger_api
    from folio.ops.cron import router as cron_api
    from folio.ops.health import liveness_router
    from folio.ops.health import router as health_api
    from folio.ops.metrics import router as metrics_router
    from folio.personal.api import router as personal_api
    from folio.purchases.api import router as purchases_api
    from folio.sales.api import router as sales_api
    from folio.sales.quotation_api import router as quotation_api

    app.include_router(auth_api, prefix=API_PREFIX)
    app.include_router(books_api, prefix=API_PREFIX)
    app.include_router(ledger_api, prefix=API_PREFIX)
    app.include_router(banking_api, prefix=API_PREFIX)
    app.include_router(sales_api, prefix=API_PREFIX)
    app.include_router(purchases_api, prefix=API_PREFIX)
    app.include_router(personal_api, prefix=API_PREFIX)
    app.include_router(quotation_api, prefix=API_PREFIX)
    app.include_router(health_api, prefix=API_PREFIX)
    app.include_router(cron_api, prefix=API_PREFIX)
    from folio.books.profile_api import router as profile_api
    from folio.sales.mail_api import router as mail_api
    from folio.sales.recurring_api import router as recurring_api

    app.include_router(profile_api, prefix=API_PREFIX)
    app.include_router(mail_api, prefix=API_PREFIX)
    app.include_router(recurring_api, prefix=API_PREFIX)
    from folio.sales.analysis_api import router as sales_reports_api
    from folio.sales.lead_api import router as leads_api

    app.include_router(sales_reports_api, prefix=API_PREFIX)
    app.include_router(leads_api, prefix=API_PREFIX)
    from folio.fx.api import router as fx_api

    app.include_router(fx_api, prefix=API_PREFIX)
    from folio.parties.api import router as parties_api

    app.include_router(parties_api, prefix=API_PREFIX)
    app.include_router(liveness_router)
    app.include_router(metrics_router)
    _include_pages(app)
    _declare_bearer_auth(app)
    return app


PUBLIC_API_PATHS = ("/auth/token", "/auth/refresh", "/auth/logout", "/health", "/cron/")


def _declare_bearer_auth(app: FastAPI) -> None:
    """Tell the OpenAPI document (and the Authorize button in /docs) that the API takes
    ``Authorization: Bearer``; the sign-in, health and cron routes do not."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        schema.setdefault("components", {})["securitySchemes"] = {"bearer": {
            "type": "http", "scheme": "bearer",
            "description": "A JWT access token from POST /auth/token, or a personal API "
                           "token (folio_pat_...)"}}
        for path, operations in schema.get("paths", {}).items():
            public = any(path.startswith(API_PREFIX + p) for p in PUBLIC_API_PATHS)
            for operation in operations.values():
                if isinstance(operation, dict):
                    operation["security"] = [] if public else [{"bearer": []}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _include_pages(app: FastAPI) -> None:
    from folio.web.views import router as web_pages

    app.include_router(web_pages)
