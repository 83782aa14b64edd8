"""The systemd units pass `systemd-analyze verify` and keep their hardening."""

from __future__ import annotations

import os
import stat
from collections import defaultdict
from pathlib import Path

import pytest

from tests.deploy.conftest import DEPLOY, output, run, tool

UNITS = DEPLOY / "systemd"
FOLIO = "/opt/folio/venv/bin/folio"


def directives(path: Path) -> dict[str, dict[str, list[str]]]:
    """section -> key -> values (a key may repeat), the way systemd reads a unit file."""
    sections: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    section = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        text = raw.strip()
        if not text or text.startswith(("#", ";")):
            continue
        if text.startswith("[") and text.endswith("]"):
            section = text[1:-1]
            continue
        key, sep, value = text.partition("=")
        assert sep, f"{path.name}: not a key=value line: {raw!r}"
        assert section, f"{path.name}: {key} outside a section"
        sections[section][key.strip()].append(value.strip())
    return sections


def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    """verify checks every directive and that ExecStart exists: give it a stand-in folio."""
    analyze = tool("systemd-analyze", "systemd")
    folio = tmp_path / "bin" / "folio"
    folio.parent.mkdir()
    folio.write_text("#!/bin/sh\n", encoding="utf-8")
    folio.chmod(folio.stat().st_mode | stat.S_IXUSR)
    copies = []
    for unit in sorted(UNITS.iterdir()):
        copy = tmp_path / unit.name
        copy.write_text(unit.read_text(encoding="utf-8").replace(FOLIO, str(folio)),
                        encoding="utf-8")
        copies.append(str(copy))
    assert len(copies) == 3
    result = run(analyze, "verify", *copies, cwd=tmp_path)
    assert result.returncode == 0, output(result)
    # Unknown keys and bad values are only warnings: there must be none.
    assert result.stderr.strip() == "", output(result)


def test_verify_notices_a_misspelt_directive(tmp_path: Path) -> None:
    analyze = tool("systemd-analyze", "systemd")
    unit = tmp_path / "folio-backup.timer"
    unit.write_text((UNITS / "folio-backup.timer").read_text(encoding="utf-8")
                    .replace("Persistent=true", "Persistant=true"), encoding="utf-8")
    (tmp_path / "folio-backup.service").write_text("[Service]\nExecStart=/bin/true\n",
                                                   encoding="utf-8")
    result = run(analyze, "verify", str(unit), cwd=tmp_path)
    assert "Unknown key" in result.stderr
    assert "Persistant" in result.stderr


@pytest.mark.parametrize("name", ["folio.service", "folio-backup.service"])
def test_the_services_are_hardened(name: str) -> None:
    service = directives(UNITS / name)["Service"]
    assert service["DynamicUser"] == ["yes"]
    assert service["User"] == ["folio"]
    assert service["StateDirectory"] == ["folio"]
    for key, value in {"ProtectSystem": "strict", "NoNewPrivileges": "yes",
                       "PrivateTmp": "yes", "ProtectHome": "yes",
                       "ReadWritePaths": "/var/lib/folio", "CapabilityBoundingSet": ""}.items():
        assert service[key] == [value], key
    assert "DATA_DIR=/var/lib/folio" in service["Environment"]
    assert "FOLIO_ENV=production" in service["Environment"]


@pytest.mark.parametrize("name", ["folio.service", "folio-backup.service"])
def test_secrets_arrive_as_credentials_not_environment(name: str) -> None:
    service = directives(UNITS / name)["Service"]
    assert "SECRET_KEY_FILE=%d/secret_key" in service["Environment"]
    assert "DATABASE_URL_FILE=%d/database_url" in service["Environment"]
    assert "secret_key:/etc/folio/credentials/secret_key" in service["LoadCredential"]
    assert "database_url:/etc/folio/credentials/database_url" in service["LoadCredential"]
    for value in service["Environment"]:
        key = value.split("=", 1)[0]
        assert key.endswith("_FILE") or key not in {"SECRET_KEY", "DATABASE_URL",
                                                    "METRICS_TOKEN"}, value


def test_the_app_serves_only_to_the_local_proxy() -> None:
    service = directives(UNITS / "folio.service")["Service"]
    assert service["ExecStart"] == [f"{FOLIO} serve --host 127.0.0.1 --port 8000"]
    assert service["ExecStartPre"] == [f"{FOLIO} db upgrade"]
    assert service["Restart"] == ["on-failure"]


def test_the_backup_runs_every_six_hours_and_verifies() -> None:
    service = directives(UNITS / "folio-backup.service")["Service"]
    assert service["Type"] == ["oneshot"]
    assert service["ExecStart"] == [f"{FOLIO} backup create --verify"]
    timer = directives(UNITS / "folio-backup.timer")
    assert timer["Timer"]["OnCalendar"] == ["*-*-* 00/6:00:00"]
    assert timer["Timer"]["Persistent"] == ["true"]
    assert timer["Install"]["WantedBy"] == ["timers.target"]


def test_the_calendar_means_four_runs_a_day() -> None:
    analyze = tool("systemd-analyze", "systemd")
    result = run(analyze, "calendar", "--iterations=5", "--base-time=2026-11-23 01:00:00 UTC",
                 "*-*-* 00/6:00:00 UTC", env={**os.environ, "TZ": "UTC"})
    assert result.returncode == 0, output(result)
    hours = [line.split()[-2] for line in result.stdout.splitlines()
             if "Next elapse" in line or "Iter." in line]
    assert hours == ["06:00:00", "12:00:00", "18:00:00", "00:00:00", "06:00:00"]
