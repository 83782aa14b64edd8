"""Prometheus scrape config and alert rules pass promtool; the alerts fire when they should."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.conftest import DEPLOY, output, run, tool

HERE = Path(__file__).parent
PROMETHEUS = DEPLOY / "prometheus"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "folio.json"
TOKEN_FILE = "/run/secrets/metrics_token"
# Named by the alerts and the dashboard, exported by Folio once backups and disk report
# through /metrics; until then FolioBackupAgeMissing says so.


def promtool() -> str:
    return tool("promtool", "prometheus")


def dashboard_exprs() -> list[str]:
    board = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [t["expr"] for p in board["panels"] for t in p["targets"]]


def alert_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text(encoding="utf-8"))["groups"]
    return [rule for group in groups for rule in group["rules"]]


def test_promtool_checks_the_config_syntax() -> None:
    result = run(promtool(), "check", "config", "--syntax-only",
                 str(PROMETHEUS / "prometheus.yml"))
    assert result.returncode == 0, output(result)


def test_promtool_checks_the_config_with_its_token_and_rules(tmp_path: Path) -> None:
    """The full check also opens the token file and the rule files, so give it both."""
    token = tmp_path / "metrics_token"
    token.write_text("t" * 48, encoding="utf-8")
    config = (PROMETHEUS / "prometheus.yml").read_text(encoding="utf-8")
    assert config.count(TOKEN_FILE) == 1
    (tmp_path / "prometheus.yml").write_text(config.replace(TOKEN_FILE, str(token)),
                                             encoding="utf-8")
    (tmp_path / "alerts.yml").write_bytes((PROMETHEUS / "alerts.yml").read_bytes())
    result = run(promtool(), "check", "config", str(tmp_path / "prometheus.yml"))
    assert result.returncode == 0, output(result)
    assert "SUCCESS: 7 rules found" in result.stdout


def test_it_scrapes_the_app_with_the_bearer_token() -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text(encoding="utf-8"))
    (folio,) = [job for job in config["scrape_configs"] if job["job_name"] == "folio"]
    assert folio["metrics_path"] == "/metrics"
    assert folio["authorization"] == {"type": "Bearer", "credentials_file": TOKEN_FILE}
    assert folio["static_configs"] == [{"targets": ["app:8000"]}]
    assert config["rule_files"] == ["alerts.yml"]


def test_promtool_checks_the_rules() -> None:
    result = run(promtool(), "check", "rules", str(PROMETHEUS / "alerts.yml"))
    assert result.returncode == 0, output(result)


def test_the_alerts_fire_on_the_conditions_they_name() -> None:
    """promtool's own rule unit tests (tests/deploy/alerts_test.yml) on synthetic series."""
    result = run(promtool(), "test", "rules", "alerts_test.yml", cwd=HERE)
    assert result.returncode == 0, output(result)
    assert "SUCCESS" in result.stdout


def test_the_alerts_cover_what_an_operator_must_hear_about() -> None:
    names = {rule["alert"] for rule in alert_rules()}
    assert {"FolioDown", "FolioHighErrorRate", "FolioSlowResponses", "FolioBackupTooOld",
            "FolioDiskLow"} <= names
    (backup,) = [r for r in alert_rules() if r["alert"] == "FolioBackupTooOld"]
    assert "> 26 * 3600" in backup["expr"]
    for rule in alert_rules():
        assert rule["labels"]["severity"] in ("warning", "critical"), rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]


def test_the_dashboard_queries_are_valid_promql(tmp_path: Path) -> None:
    """Each panel query, as a recording rule, through promtool's PromQL parser."""
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:query_{i}", "expr": expr}
        for i, expr in enumerate(dashboard_exprs())]}]}
    path = tmp_path / "dashboard_rules.yml"
    path.write_text(yaml.safe_dump(rules), encoding="utf-8")
    result = run(promtool(), "check", "rules", str(path))
    assert result.returncode == 0, output(result)


def _metric_names(expr: str) -> set[str]:
    return set(re.findall(r"\b(folio_[a-z_]+)", expr))


def _exported() -> set[str]:
    """Every metric name Folio's registry can expose, the scrape-time ones included
    (folio_backup_age_seconds appears once a verified backup exists)."""
    from prometheus_client import REGISTRY

    # Read at scrape time by folio.ops.metrics.ScrapeTimeCollector, which has no describe().
    names = {"folio_backup_age_seconds", "folio_disk_free_ratio"}
    for collector in list(REGISTRY._collector_to_names):
        for family in getattr(collector, "describe", lambda: [])():
            for suffix in ("", "_total", "_bucket", "_count", "_sum", "_created"):
                names.add(family.name + suffix)
    return {n for n in names if n.startswith("folio_")}


@pytest.mark.parametrize("source", ["alerts", "dashboard"])
def test_every_metric_named_is_one_folio_exports(source: str) -> None:
    exprs = [r["expr"] for r in alert_rules()] if source == "alerts" else dashboard_exprs()
    named = set().union(*(_metric_names(e) for e in exprs))
    assert named - _exported() == set()
