"""Helpers of the deploy-file tests: where deploy/ is, and running a real tool on it.

Each tool comes from Debian (.ci/run installs them). Without one the test is skipped with
a message naming the package, except under CI=true where that fails (tests.conftest).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import _missing

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def tool(name: str, package: str) -> str:
    """The path of the executable ``name``, or skip (fail under CI) naming its package."""
    path = shutil.which(name) or next(
        (str(p) for p in (Path("/usr/sbin") / name, Path("/usr/lib/systemd") / name,
                          Path("/lib/systemd") / name) if p.is_file()), None)
    if path is None:
        _missing(f"{name} is not installed (apt-get install {package}; .ci/run does)")
    return str(path)


def run(*args: str, timeout: float = 60, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing its output as text; never raises on a non-zero exit."""
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False,
                          **kwargs)  # type: ignore[call-overload]


def output(result: subprocess.CompletedProcess[str]) -> str:
    """Both streams, for assertion messages."""
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
