"""deploy/compose.yaml: Docker Compose accepts it, and it has the shape production needs."""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
from typing import Any

import pytest
import yaml

from tests.conftest import _missing
from tests.deploy.conftest import DEPLOY, ROOT, output, run

COMPOSE = DEPLOY / "compose.yaml"
MONITORING = {"prometheus", "grafana", "uptime-kuma"}
SECRET_WORDS = re.compile(r"(PASSWORD|SECRET|TOKEN|_KEY|DATABASE_URL)$")


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def default(value: str) -> str:
    """``${NAME:-default}`` -> default, as compose interpolates with NAME unset."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def compose_command() -> list[str]:
    """Docker's compose plugin, else Debian's docker-compose; both validate the file."""
    docker = shutil.which("docker")
    if docker and run(docker, "compose", "version").returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    if legacy:
        return [legacy]
    _missing("neither `docker compose` nor docker-compose is installed "
             "(apt-get install docker-compose; .ci/run does)")
    raise AssertionError  # unreachable: _missing raises


@pytest.mark.parametrize("profile", [None, "monitoring"])
def test_docker_compose_accepts_it(profile: str | None) -> None:
    args = [*compose_command(), "-f", str(COMPOSE)]
    if profile:
        args += ["--profile", profile]
    env = {**os.environ, "FOLIO_DOMAIN": "books.example.com"}
    env.pop("COMPOSE_PROFILES", None)
    result = run(*args, "config", "-q", env=env, cwd=DEPLOY)
    assert result.returncode == 0, output(result)
    services = run(*args, "config", "--services", env=env, cwd=DEPLOY)
    expected = {"migrate", "app", "db", "redis", "caddy"} | (MONITORING if profile else set())
    assert expected <= set(services.stdout.split()), output(services)


def test_the_journald_override_example_is_accepted() -> None:
    override = DEPLOY / "compose.override.example.yaml"
    env = {**os.environ, "FOLIO_DOMAIN": "books.example.com"}
    result = run(*compose_command(), "-f", str(COMPOSE), "-f", str(override), "config",
                 env=env, cwd=DEPLOY)
    assert result.returncode == 0, output(result)
    merged = yaml.safe_load(result.stdout)
    assert merged["services"]["app"]["logging"] == {"driver": "journald",
                                                    "options": {"tag": "folio"}}


def test_compose_refuses_to_run_without_a_domain() -> None:
    env = {k: v for k, v in os.environ.items() if k != "FOLIO_DOMAIN"}
    result = run(*compose_command(), "-f", str(COMPOSE), "config", "-q", env=env, cwd=DEPLOY)
    assert result.returncode != 0
    assert "FOLIO_DOMAIN" in result.stdout + result.stderr


def test_the_app_starts_only_after_a_successful_migration(spec: dict[str, Any]) -> None:
    app, migrate = spec["services"]["app"], spec["services"]["migrate"]
    assert app["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert app["depends_on"]["db"] == {"condition": "service_healthy"}
    assert app["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert migrate["command"] == ["db", "upgrade"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"] == {"condition": "service_healthy"}
    assert migrate["image"] == app["image"]
    assert app["environment"]["FOLIO_MIGRATE_ON_START"] == "false"


def test_the_app_runs_the_production_image(spec: dict[str, Any]) -> None:
    app = spec["services"]["app"]
    assert app["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert (DEPLOY / app["build"]["context"] / app["build"]["dockerfile"]).is_file()
    assert app["command"][:3] == ["serve", "--host", "0.0.0.0"]  # noqa: S104 (in a container)
    env = app["environment"]
    assert env["FOLIO_ENV"] == "production"
    assert env["DATA_DIR"] == "/data"
    assert "folio_data:/data" in app["volumes"]
    assert "/health" in " ".join(app["healthcheck"]["test"])


def test_deploy_metadata_reaches_the_app_under_the_names_health_reads(
        spec: dict[str, Any]) -> None:
    env = spec["services"]["app"]["environment"]
    health = (ROOT / "folio" / "ops" / "health.py").read_text(encoding="utf-8")
    for name in ("FOLIO_COMMIT", "FOLIO_DEPLOYED_AT"):
        assert env[name] == f"${{{name}:-}}"
        assert f'"{name}"' in health


def test_postgres_15_is_persistent_and_health_checked(spec: dict[str, Any]) -> None:
    db = spec["services"]["db"]
    assert db["image"].startswith("postgres:15")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert db["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"


def test_long_running_services_restart_and_have_healthchecks(spec: dict[str, Any]) -> None:
    for name, service in spec["services"].items():
        if name != "migrate":
            assert service["restart"] == "unless-stopped", name
    for name in ("app", "db", "redis"):
        assert "healthcheck" in spec["services"][name], name


def test_monitoring_is_a_profile(spec: dict[str, Any]) -> None:
    for name, service in spec["services"].items():
        assert service.get("profiles") == (["monitoring"] if name in MONITORING else None), name


def test_no_secret_is_written_in_the_file(spec: dict[str, Any]) -> None:
    for name, service in spec["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_WORDS.search(key):
                pytest.fail(f"{name}: {key} holds a secret in plain text; use {key}_FILE")
            assert "://" not in str(value) or "@" not in str(value), f"{name}: {key}"
    for key, secret in spec["secrets"].items():
        assert secret == {"file": f"./secrets/{key}"}


def test_every_secret_file_is_read_through_a_file_variable(spec: dict[str, Any]) -> None:
    for name, service in spec["services"].items():
        env = service.get("environment") or {}
        for secret in service.get("secrets", []):
            assert secret in spec["secrets"], f"{name} uses undefined secret {secret}"
            if name == "prometheus":
                continue  # read by prometheus.yml's credentials_file
            assert f"/run/secrets/{secret}" in env.values(), f"{name} ignores {secret}"


def test_deploy_sh_creates_exactly_the_secrets_compose_uses(spec: dict[str, Any]) -> None:
    script = (DEPLOY / "deploy.sh").read_text(encoding="utf-8")
    created = set(re.findall(r"^\s*new_secret (\w+) ", script, re.MULTILINE))
    assert created == set(spec["secrets"])


def test_secrets_and_server_state_stay_out_of_git_and_the_image() -> None:
    ignored = (DEPLOY / ".gitignore").read_text(encoding="utf-8").split()
    docker_ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for path in ("secrets/", ".env", "release.env", "compose.override.yaml"):
        assert path in ignored
        assert f"deploy/{path.rstrip('/')}" in docker_ignored


def test_only_caddy_listens_publicly(spec: dict[str, Any]) -> None:
    for name, service in spec["services"].items():
        for port in service.get("ports", []):
            if name == "caddy":
                assert port in ("80:80", "443:443", "443:443/udp")
            else:
                assert port.startswith("127.0.0.1:"), f"{name} publishes {port}"
    backend = spec["networks"]["backend"]
    assert backend["internal"] is True
    for name in ("db", "redis", "migrate"):
        assert spec["services"][name]["networks"] == ["backend"], name


def test_the_app_trusts_forwarded_headers_from_caddy_only(spec: dict[str, Any]) -> None:
    caddy_ip = default(spec["services"]["caddy"]["networks"]["edge"]["ipv4_address"])
    subnet = default(spec["networks"]["edge"]["ipam"]["config"][0]["subnet"])
    assert ipaddress.ip_address(caddy_ip) in ipaddress.ip_network(subnet)
    assert default(spec["services"]["app"]["environment"]["TRUSTED_PROXIES"]) == caddy_ip


def test_mounted_config_files_exist(spec: dict[str, Any]) -> None:
    for name, service in spec["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                assert (DEPLOY / source).exists(), f"{name} mounts missing {source}"


def test_env_example_sets_the_domain() -> None:
    example = (DEPLOY / "env.example").read_text(encoding="utf-8")
    assert re.search(r"^FOLIO_DOMAIN=\S+", example, re.MULTILINE)
    assert not re.search(r"^[A-Z_]*(PASSWORD|SECRET|TOKEN)[A-Z_]*=", example, re.MULTILINE)


def test_the_bind_mounted_paths_match_the_configs(spec: dict[str, Any]) -> None:
    grafana = spec["services"]["grafana"]
    provider = yaml.safe_load((DEPLOY / "grafana" / "provisioning" / "dashboards" / "folio.yml")
                              .read_text(encoding="utf-8"))
    path = provider["providers"][0]["options"]["path"]
    assert f"./grafana/dashboards:{path}:ro" in grafana["volumes"]
    prometheus = spec["services"]["prometheus"]
    assert "./prometheus:/etc/prometheus:ro" in prometheus["volumes"]
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus["command"]

