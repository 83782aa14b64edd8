"""Every shell script in deploy/ passes shellcheck."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.deploy.conftest import DEPLOY, output, run, tool

SCRIPTS = sorted([*DEPLOY.rglob("*.sh"), *Path(__file__).parent.glob("*.sh")])


def test_the_deploy_scripts_are_found() -> None:
    names = {p.name for p in SCRIPTS}
    assert {"deploy.sh", "docker-entrypoint.sh", "fake_docker.sh"} <= names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_shellcheck_finds_nothing(script: Path) -> None:
    shellcheck = tool("shellcheck", "shellcheck")
    result = run(shellcheck, "--severity=style", "--external-sources", str(script))
    assert result.returncode == 0, output(result)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_it_is_executable_and_strict(script: Path) -> None:
    text = script.read_text(encoding="utf-8")
    assert script.stat().st_mode & 0o111, f"{script.name} is not executable"
    assert text.startswith("#!"), f"{script.name} has no shebang"
    assert "set -eu" in text, f"{script.name} does not stop at the first error"
