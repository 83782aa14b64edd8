"""deploy/Caddyfile is valid for Caddy and keeps /metrics off the internet."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.conftest import DEPLOY, output, run, tool

CADDYFILE = DEPLOY / "Caddyfile"


def caddy(tmp_path: Path, *args: str, domain: str | None) -> tuple[str, int]:
    env = {k: v for k, v in os.environ.items() if k != "FOLIO_DOMAIN"}
    # Caddy keeps its storage under HOME/XDG dirs: never the real ones in a test.
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    if domain is not None:
        env["FOLIO_DOMAIN"] = domain
    result = run(tool("caddy", "caddy"), *args, env=env)
    return output(result), result.returncode


@pytest.mark.parametrize("domain", ["books.example.com", "203.0.113.10", "localhost"])
def test_caddy_validates_it(tmp_path: Path, domain: str) -> None:
    report, code = caddy(tmp_path, "validate", "--config", str(CADDYFILE),
                         "--adapter", "caddyfile", domain=domain)
    assert code == 0, report
    assert "Valid configuration" in report


def test_without_a_domain_caddy_refuses_it(tmp_path: Path) -> None:
    _, code = caddy(tmp_path, "validate", "--config", str(CADDYFILE), "--adapter", "caddyfile",
                    domain="")
    assert code != 0


def test_it_is_formatted_as_caddy_formats(tmp_path: Path) -> None:
    report, code = caddy(tmp_path, "fmt", str(CADDYFILE), domain="books.example.com")
    assert code == 0, report
    formatted = report.split("--- stdout\n", 1)[1].split("\n--- stderr", 1)[0]
    assert formatted == CADDYFILE.read_text(encoding="utf-8")


def _routes(node: Any) -> Iterator[dict[str, Any]]:
    """Every route in Caddy's JSON config, subroutes included."""
    if isinstance(node, dict):
        if "handle" in node:
            yield node
        for value in node.values():
            yield from _routes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _routes(value)


def _handlers(route: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [h for h in route["handle"] if h.get("handler") == name]


def test_the_adapted_config_proxies_to_the_app_and_hides_metrics(tmp_path: Path) -> None:
    report, code = caddy(tmp_path, "adapt", "--config", str(CADDYFILE),
                         "--adapter", "caddyfile", domain="books.example.com")
    assert code == 0, report
    config = json.loads(report.split("--- stdout\n", 1)[1].split("\n--- stderr", 1)[0])
    server = config["apps"]["http"]["servers"]["srv0"]
    assert server["routes"][0]["match"] == [{"host": ["books.example.com"]}]
    routes = list(_routes(server))

    proxies = [h for r in routes for h in _handlers(r, "reverse_proxy")]
    assert [u["dial"] for h in proxies for u in h["upstreams"]] == ["app:8000"]

    metrics = [r for r in routes
               if any("/metrics" in m.get("path", []) for m in r.get("match", []))]
    assert [h["status_code"] for r in metrics for h in _handlers(r, "static_response")] == [404]

    limits = [h["max_size"] for r in routes for h in _handlers(r, "request_body")]
    assert limits == [25_000_000]
