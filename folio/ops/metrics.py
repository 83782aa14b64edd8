"""Prometheus metrics: HTTP traffic by route template, the DB pool, business counters.

Under several Gunicorn/Uvicorn workers set ``PROMETHEUS_MULTIPROC_DIR`` (an empty
directory, emptied at every start): each worker then writes its values there and a scrape
of any worker aggregates all of them.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from folio.ops import requestlog as request_log
from folio.ops.logging import request_id_var
from folio.settings import Settings, get_settings

UNMATCHED = "<unmatched>"
_PARAM = re.compile(r"{(\w+)}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter("folio_http_requests", "HTTP requests served",
                   ["method", "route", "status"])
LATENCY = Histogram("folio_http_request_duration_seconds", "Time to serve an HTTP request",
                    ["method", "route", "status"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
IN_PROGRESS = Gauge("folio_http_requests_in_progress", "HTTP requests being served",
                    ["method"], multiprocess_mode="livesum")
ERRORS = Counter("folio_http_errors", "HTTP requests answered with a 5xx status",
                 ["method", "route"])
POOL_SIZE = Gauge("folio_db_pool_size", "Connections the pool keeps",
                  multiprocess_mode="livesum")
POOL_CHECKED_OUT = Gauge("folio_db_pool_checked_out", "Connections in use",
                         multiprocess_mode="livesum")
POOL_OVERFLOW = Gauge("folio_db_pool_overflow", "Connections beyond the pool size",
                      multiprocess_mode="livesum")
ENTRIES_POSTED = Counter("folio_entries_posted", "Journal entries posted (sealed into the chain)")
INVOICES_ISSUED = Counter("folio_invoices_issued", "Invoices issued (numbered and posted)")
QUOTATIONS_APPROVED = Counter("folio_quotations_approved", "Quotations approved by the customer")
JOB_RUNS = Counter("folio_job_runs", "Job runs recorded, by job and status (ok, failed, skipped)",
                   ["job", "status"])

access_log = logging.getLogger("folio.access")
router = APIRouter()


def entry_posted(n: int = 1) -> None:
    """Count ``n`` posted entries; the ledger calls this where it seals entries."""
    ENTRIES_POSTED.inc(n)


def invoice_issued(n: int = 1) -> None:
    """Count ``n`` issued invoices; sales calls this where it issues one."""
    INVOICES_ISSUED.inc(n)


def quotation_approved(n: int = 1) -> None:
    """Count ``n`` approved quotations."""
    QUOTATIONS_APPROVED.inc(n)


def job_run(job: str, status: str) -> None:
    """Count one recorded job run (folio.ops.jobs calls this)."""
    JOB_RUNS.labels(job, status).inc()


class ScrapeTimeCollector:
    """Values read when Prometheus scrapes, not kept in the process: the age of the last
    verified backup (absent while there is none, so ``absent()`` can alert on it) and the
    free share of the disk holding DATA_DIR."""

    def __init__(self, engine: Engine | None, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings

    def collect(self) -> Iterator[Metric]:
        ratio = disk_free_ratio(self.settings.DATA_DIR)
        if ratio is not None:
            yield GaugeMetricFamily("folio_disk_free_ratio",
                                    "Free share (0-1) of the filesystem holding DATA_DIR",
                                    value=ratio)
        if self.engine is not None:
            from folio.ops.health import check_backup

            age = check_backup(self.engine, self.settings).age_seconds
            if age is not None:
                yield GaugeMetricFamily("folio_backup_age_seconds",
                                        "Seconds since the last verified backup was taken",
                                        value=age)


def disk_free_ratio(path: Path) -> float | None:
    """free / total of the filesystem holding ``path`` (its nearest existing parent)."""
    path = path.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        usage = shutil.disk_usage(path)
    except OSError:
        return None
    return usage.free / usage.total if usage.total else None


def observe_pool(engine: Engine | None) -> None:
    """Copy the engine's pool occupancy into the gauges (QueuePool only)."""
    pool = getattr(engine, "pool", None)
    if isinstance(pool, QueuePool):
        POOL_SIZE.set(pool.size())
        POOL_CHECKED_OUT.set(pool.checkedout())
        POOL_OVERFLOW.set(max(pool.overflow(), 0))


def route_template(scope: Scope) -> str:
    """The matched route's full path template, never the raw path, to bound label values."""
    template = getattr(scope.get("route"), "path_format", None)
    if isinstance(template, str):
        return _with_prefix(template, scope)
    app = scope.get("app")
    for candidate in getattr(getattr(app, "router", None), "routes", ()):
        if isinstance(candidate, Mount) and candidate.matches(scope)[0] is Match.FULL:
            return f"{candidate.path}/{{path}}"
    return UNMATCHED


def _with_prefix(template: str, scope: Scope) -> str:
    """Prepend the prefixes of the routers the route was included with.

    A route knows only its own router's path; the rest is the part of the request path
    before the route's own (with each path parameter's value put back as ``{name}``).
    """
    params = {k: str(v) for k, v in scope.get("path_params", {}).items()}
    own = _PARAM.sub(lambda m: params.get(m.group(1), m.group(0)), template)
    path = scope.get("path", "")
    if not path.endswith(own):
        return template
    own_names = set(_PARAM.findall(template))
    by_value = {v: k for k, v in params.items() if k not in own_names}
    prefix = "/".join(f"{{{by_value[p]}}}" if p in by_value else p
                      for p in path[:len(path) - len(own)].split("/"))
    return prefix + template


class MetricsMiddleware:
    """Count, time and log every HTTP request; runs inside the request-id middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"
        token = request_id_var.set(scope.get("state", {}).get("request_id"))
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        IN_PROGRESS.labels(method).inc()
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_status)
        except BaseException:
            status = 500
            raise
        finally:
            elapsed = time.perf_counter() - started
            IN_PROGRESS.labels(method).dec()
            route = route_template(scope)
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route, str(status)).observe(elapsed)
            if status >= 500:
                ERRORS.labels(method, route).inc()
            observe_pool(getattr(getattr(scope.get("app"), "state", None), "engine", None))
            client = scope.get("client")
            # Method, template, status and timing only: headers and bodies may hold secrets.
            access_log.info("request", extra={
                "method": method, "route": route, "status": status,
                "duration_ms": round(elapsed * 1000, 2),
                "client_ip": client[0] if client else None})
            request_log.record(scope, method, route, status, elapsed)
            request_id_var.reset(token)


def _client_allowed(host: str | None, allow: str) -> bool:
    if not host:
        return False
    for entry in (e.strip() for e in allow.split(",")):
        if not entry:
            continue
        try:
            if ipaddress.ip_address(host) in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:  # not an address (TestClient says "testclient"): compare as text
            if host == entry:
                return True
    return False


def _token_matches(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode())


def _registry() -> Any:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return registry
    return REGISTRY


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request, settings: Annotated[Settings, Depends(get_settings)]) -> Response:
    """Prometheus exposition, for allowed client addresses or the METRICS_TOKEN bearer."""
    host = request.client.host if request.client else None
    if not (_client_allowed(host, settings.METRICS_ALLOW)
            or _token_matches(request, settings.METRICS_TOKEN)):
        return PlainTextResponse("Forbidden\n", status_code=403)
    engine = getattr(request.app.state, "engine", None)
    observe_pool(engine)
    # Scrape-time values go in a registry of their own, appended: every process reports
    # the same disk and backup, so they are not aggregated across workers.
    scraped = CollectorRegistry(auto_describe=False)
    scraped.register(ScrapeTimeCollector(engine, settings))
    return Response(generate_latest(_registry()) + generate_latest(scraped),
                    media_type=CONTENT_TYPE_LATEST)
