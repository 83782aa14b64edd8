"""deploy/deploy.sh's decisions, run for real by bash against a stand-in `docker`.

The script is copied into a scratch git checkout, so the secrets and release files it
writes land there; tests/deploy/fake_docker.sh records every docker call it makes.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.deploy.conftest import DEPLOY, output, run, tool

FAKE_DOCKER = Path(__file__).parent / "fake_docker.sh"
SECRETS = {"secret_key", "metrics_token", "grafana_admin_password", "postgres_password",
           "database_url"}


@dataclass
class Checkout:
    root: Path
    env: dict[str, str]

    @property
    def deploy(self) -> Path:
        return self.root / "deploy"

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return run("bash", str(self.deploy / "deploy.sh"), *args, env={**self.env, **env},
                   timeout=60)

    def calls(self) -> list[str]:
        log = self.env["FAKE_DIR"] + "/calls.log"
        return Path(log).read_text(encoding="utf-8").splitlines() if Path(log).exists() else []

    def compose_calls(self) -> list[str]:
        """`compose` sub-commands in order, without the --project-directory/-f prefix."""
        found = []
        for call in self.calls():
            args, _, _ = call.partition("|")
            if args.startswith("compose --project-directory"):
                found.append(" ".join(args.split()[5:]))
        return found

    def forget_calls(self) -> None:
        Path(self.env["FAKE_DIR"], "calls.log").unlink(missing_ok=True)

    def release(self) -> dict[str, str]:
        lines = (self.deploy / "release.env").read_text(encoding="utf-8").splitlines()
        return dict(line.split("=", 1) for line in lines if "=" in line and line[0] != "#")

    def commit(self, message: str) -> str:
        git = tool("git", "git")
        (self.root / "CHANGES").write_text(message, encoding="utf-8")
        for args in (["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.com",
                                     "commit", "-q", "-m", message]):
            assert run(git, "-C", str(self.root), *args).returncode == 0
        return run(git, "-C", str(self.root), "rev-parse", "--short=12",
                   "HEAD").stdout.strip()


@pytest.fixture
def checkout(tmp_path: Path) -> Checkout:
    root = tmp_path / "folio"
    (root / "deploy").mkdir(parents=True)
    for name in ("deploy.sh", "compose.yaml", "env.example", ".gitignore"):
        shutil.copy2(DEPLOY / name, root / "deploy" / name)
    (root / "deploy" / ".env").write_text("FOLIO_DOMAIN=books.example.com\n", encoding="utf-8")
    assert run(tool("git", "git"), "init", "-q", str(root)).returncode == 0
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shutil.copy2(FAKE_DOCKER, bin_dir / "docker")
    (bin_dir / "docker").chmod((bin_dir / "docker").stat().st_mode | stat.S_IXUSR)
    fake = tmp_path / "fake"
    fake.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FOLIO_", "COMPOSE_"))}
    env.update(PATH=f"{bin_dir}:{env['PATH']}", FAKE_DIR=str(fake),
               FOLIO_HEALTH_TIMEOUT="1", FOLIO_HEALTH_INTERVAL="0.1")
    made = Checkout(root, env)
    made.commit("first")
    return made


def test_the_first_run_makes_secrets_without_showing_them(checkout: Checkout) -> None:
    result = checkout.run()
    assert result.returncode == 0, output(result)
    secrets = checkout.deploy / "secrets"
    assert {p.name for p in secrets.iterdir()} == SECRETS
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o700
    values = {p.name: p.read_text(encoding="utf-8") for p in secrets.iterdir()}
    for name, value in values.items():
        assert stat.S_IMODE((secrets / name).stat().st_mode) == 0o644
        assert value not in result.stdout + result.stderr, f"{name} was printed"
        assert value not in "\n".join(checkout.calls()), f"{name} reached a command line"
    assert len(values["secret_key"]) == 64
    assert values["secret_key"].isalnum()
    password = values["postgres_password"]
    assert values["database_url"] == f"postgresql://folio:{password}@db:5432/folio"


def test_a_second_run_keeps_the_secrets(checkout: Checkout) -> None:
    assert checkout.run().returncode == 0
    before = {p.name: p.read_bytes() for p in (checkout.deploy / "secrets").iterdir()}
    assert checkout.run().returncode == 0
    after = {p.name: p.read_bytes() for p in (checkout.deploy / "secrets").iterdir()}
    assert after == before


def test_it_refuses_to_start_without_a_domain(checkout: Checkout) -> None:
    (checkout.deploy / ".env").unlink()
    result = checkout.run()
    assert result.returncode == 1
    assert "FOLIO_DOMAIN" in result.stderr
    assert not (checkout.deploy / "secrets").exists()


SWITCH = ["up -d --no-deps app", "up -d --no-deps caddy", "exec -T app python -c",
          "up -d --remove-orphans"]


def test_a_first_deploy_migrates_switches_and_records_the_commit(checkout: Checkout) -> None:
    commit = checkout.commit("second")
    result = checkout.run()
    assert result.returncode == 0, output(result)
    release = checkout.release()
    assert release["FOLIO_COMMIT"] == commit
    assert release["FOLIO_TAG"].startswith(f"{commit}-")
    assert release["FOLIO_DEPLOYED_AT"].endswith("Z")
    assert release["PREVIOUS_TAG"] == ""
    # Nothing was running, so there was nothing to back up.
    expected = ["build --pull app", "up -d --wait db redis", "ps --status running -q app",
                "run --rm --no-deps migrate", *SWITCH]
    calls = checkout.compose_calls()
    assert len(calls) == len(expected), calls
    for call, start in zip(calls, expected, strict=True):
        assert call.startswith(start), calls
    build = next(c for c in checkout.calls() if " build --pull app|" in c)
    assert f"FOLIO_TAG={release['FOLIO_TAG']}|" in build
    migrate = next(c for c in checkout.calls() if c.startswith("compose") and " run " in c)
    assert f"FOLIO_TAG={release['FOLIO_TAG']}|FOLIO_COMMIT={commit}" in migrate


def test_an_upgrade_backs_up_first_then_migrates(checkout: Checkout) -> None:
    assert checkout.run().returncode == 0
    first = checkout.release()
    checkout.commit("second")
    checkout.forget_calls()
    result = checkout.run()
    assert result.returncode == 0, output(result)
    compose = checkout.compose_calls()
    assert compose[2:5] == ["ps --status running -q app",
                            "exec -T app folio backup create --verify",
                            "run --rm --no-deps migrate"]
    assert checkout.release()["PREVIOUS_TAG"] == first["FOLIO_TAG"]


def test_a_failed_backup_changes_nothing(checkout: Checkout) -> None:
    assert checkout.run().returncode == 0
    first = checkout.release()
    checkout.commit("second")
    checkout.forget_calls()
    result = checkout.run(FAKE_BACKUP_RC="1")
    assert result.returncode == 1
    assert "backup failed" in result.stderr
    assert checkout.compose_calls()[-1] == "exec -T app folio backup create --verify"
    assert checkout.release() == first


def test_a_failed_migration_leaves_the_running_release(checkout: Checkout) -> None:
    assert checkout.run().returncode == 0
    first = checkout.release()
    checkout.commit("second")
    result = checkout.run(FAKE_MIGRATE_RC="1")
    assert result.returncode == 1
    assert "migration failed" in result.stderr
    assert (Path(checkout.env["FAKE_DIR"]) / "app_tag").read_text() == first["FOLIO_TAG"]
    assert checkout.release() == first


def test_an_unready_release_is_rolled_back(checkout: Checkout) -> None:
    assert checkout.run().returncode == 0
    first = checkout.release()
    second = checkout.commit("second")
    result = checkout.run(FAKE_BROKEN=f"{second}-*")
    assert result.returncode == 1, output(result)
    assert "did not become ready" in result.stderr
    assert f"rolled back: folio:{first['FOLIO_TAG']} is serving" in result.stderr
    assert (Path(checkout.env["FAKE_DIR"]) / "app_tag").read_text() == first["FOLIO_TAG"]
    assert checkout.release() == first
    # The rolled-back app gets its own commit and deploy time back, not the failed one's.
    app_starts = [c for c in checkout.calls() if " up -d --no-deps app|" in c]
    assert app_starts[-1].endswith(
        f"FOLIO_TAG={first['FOLIO_TAG']}|FOLIO_COMMIT={first['FOLIO_COMMIT']}")


def test_rollback_goes_back_one_release_on_request(checkout: Checkout) -> None:
    assert checkout.run().returncode == 0
    first = checkout.release()
    checkout.commit("second")
    assert checkout.run().returncode == 0
    second = checkout.release()
    result = checkout.run("--rollback")
    assert result.returncode == 0, output(result)
    now = checkout.release()
    assert now["FOLIO_TAG"] == first["FOLIO_TAG"]
    assert now["FOLIO_DEPLOYED_AT"] == first["FOLIO_DEPLOYED_AT"]
    assert now["PREVIOUS_TAG"] == second["FOLIO_TAG"]


def test_a_dirty_checkout_is_marked(checkout: Checkout) -> None:
    (checkout.root / "CHANGES").write_text("edited", encoding="utf-8")
    assert checkout.run().returncode == 0
    assert checkout.release()["FOLIO_COMMIT"].endswith("-dirty")


def test_the_servers_own_override_file_is_used(checkout: Checkout) -> None:
    shutil.copy(DEPLOY / "compose.override.example.yaml",
                checkout.deploy / "compose.override.yaml")
    assert checkout.run().returncode == 0
    override = f"-f {checkout.deploy / 'compose.override.yaml'} "
    compose = [c for c in checkout.calls() if c.startswith("compose --project-directory")]
    assert compose
    assert all(override in call for call in compose)
