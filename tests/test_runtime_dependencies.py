"""`make run` installs Folio without the test extras: nothing at run time may need them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TEST_ONLY = ("pytest", "hypothesis", "schemathesis", "playwright", "aiosmtpd", "moto",
             "ruff", "mypy", "xdist")

# Run in a fresh interpreter where importing any test-only package fails, as on a machine
# where only `pip install .` ran (a missing runtime dependency was once only noticed when
# `make run` crashed on a fresh clone).
SCRIPT = r'''
import importlib.abc
import os
import pkgutil
import re
import sys
from importlib import metadata

BLOCKED, DATABASE = sys.argv[1].split(","), sys.argv[2]


class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is a test-only package")
        return None


sys.meta_path.insert(0, Block())
os.environ.update(DATABASE_URL=f"sqlite:///{DATABASE}", FOLIO_ENV="development")
import folio  # noqa: E402

for module in pkgutil.walk_packages(folio.__path__, "folio."):
    if ".migrations." not in module.name:
        __import__(module.name)
from folio.app import create_app  # noqa: E402
from folio.cli import main  # noqa: E402, F401

app = create_app()
paths = app.openapi()["paths"]


def name(text):
    return re.split(r"[ ;<>=!~\[(]", text.strip(), maxsplit=1)[0].lower().replace("_", "-")


# Every third-party package imported is a runtime dependency of Folio, directly or through
# one: being installed here for the tests is not enough.
needed, todo = set(), ["folio"]
while todo:
    for requirement in metadata.requires(todo.pop()) or []:
        dep = name(requirement)
        if "extra ==" in requirement or dep in needed:
            continue
        needed.add(dep)
        try:
            metadata.distribution(dep)
        except metadata.PackageNotFoundError:
            continue
        todo.append(dep)
owners = metadata.packages_distributions()
# Optional accelerators that libraries import when present (inside try/except).
OPTIONAL = {"brotli", "_brotli", "brotlicffi", "_distutils_hack"}
imported = ({m.split(".")[0] for m in list(sys.modules)} - set(sys.stdlib_module_names)
            - OPTIONAL)
stray = sorted(f"{top} ({', '.join(owners[top])})" for top in imported
               if top in owners and top != "folio"
               and not any(name(d) in needed for d in owners[top]))
print("routes", len(paths))
print("stray", stray)
'''


def test_the_app_and_the_cli_start_without_the_test_extras(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, ",".join(TEST_ONLY), str(tmp_path / "folio.db")],
        capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("routes"), result.stdout
    assert result.stdout.rstrip().endswith("stray []"), (
        "imported at run time but not in pyproject's dependencies: " + result.stdout)
