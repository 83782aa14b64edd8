"""The fail2ban filter bans on Folio's auth.failed lines, from a file and from the journal."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from folio.ops.logging import JsonFormatter
from tests.conftest import _missing
from tests.deploy.conftest import DEPLOY, output, run, tool

FILTER = DEPLOY / "fail2ban" / "filter.d" / "folio.conf"
JAIL = DEPLOY / "fail2ban" / "jail.d" / "folio.conf"


def line(**fields: object) -> str:
    """A log line exactly as folio.ops.logging writes it (json.dumps, default separators)."""
    return json.dumps(fields)


FAILED_V4 = line(ts="2026-11-23T10:00:00.123+00:00", level="WARNING", logger="folio.auth",
                 message="sign-in failed", request_id="abc123", event="auth.failed",
                 ip="203.0.113.7", reason="bad_password")
FAILED_V6 = line(ts="2026-11-23T10:00:01.456+00:00", level="WARNING", logger="folio.auth",
                 message="sign-in failed", request_id="abc124", event="auth.failed",
                 ip="2001:db8::7", reason="unknown_user")
# Keys in another order: the filter does not depend on the formatter's field order.
FAILED_REORDERED = line(ts="2026-11-23T10:00:02.789+00:00", level="WARNING",
                        logger="folio.auth", ip="198.51.100.23", message="sign-in failed",
                        request_id="abc125", reason="bad_password", event="auth.failed")
SIGNED_IN = line(ts="2026-11-23T10:00:03.000+00:00", level="INFO", logger="folio.auth",
                 message="signed in", request_id="abc126", event="auth.ok", ip="192.0.2.9")
ACCESS = line(ts="2026-11-23T10:00:04.000+00:00", level="INFO", logger="folio.access",
              message="request", request_id="abc127", method="POST", route="/login",
              status=401, duration_ms=12.5, client_ip="192.0.2.10")
# Someone types the failure's text into a field: JSON escapes its quotes, so no match.
FORGED = line(ts="2026-11-23T10:00:05.000+00:00", level="INFO", logger="folio.parties",
              message='created "event": "auth.failed", "ip": "192.0.2.11"', request_id="x")
NOT_JSON = "Nov 23 10:00:06 vps sshd[12]: Failed password for root from 192.0.2.12"
FAILED_IPS = ["203.0.113.7", "2001:db8::7", "198.51.100.23"]
LOG = [FAILED_V4, FAILED_V6, FAILED_REORDERED, SIGNED_IN, ACCESS, FORGED, NOT_JSON]


def fail2ban_regex(*args: str) -> tuple[str, int]:
    result = run(tool("fail2ban-regex", "fail2ban"), *args)
    return output(result), result.returncode


def test_it_matches_exactly_the_three_failed_sign_ins(tmp_path: Path) -> None:
    log = tmp_path / "folio.log"
    log.write_text("\n".join(LOG) + "\n", encoding="utf-8")
    report, code = fail2ban_regex(str(log), str(FILTER))
    assert code == 0, report
    assert "Lines: 7 lines, 0 ignored, 3 matched, 4 missed" in report
    missed = report.split("Missed line(s):", 1)[1]
    for other in (SIGNED_IN, ACCESS, FORGED, NOT_JSON):
        assert other in missed


def test_it_bans_the_address_in_the_line(tmp_path: Path) -> None:
    log = tmp_path / "folio.log"
    log.write_text("\n".join(LOG) + "\n", encoding="utf-8")
    result = run(tool("fail2ban-regex", "fail2ban"), "--out", "ip", str(log), str(FILTER))
    assert result.returncode == 0, output(result)
    assert result.stdout.split() == FAILED_IPS


def test_it_reads_the_time_from_the_line(tmp_path: Path) -> None:
    log = tmp_path / "folio.log"
    log.write_text(FAILED_V4 + "\n", encoding="utf-8")
    report, code = fail2ban_regex(str(log), str(FILTER))
    assert code == 0, report
    assert "[1] \"ts\"" in report  # one date-template hit: the "ts" field


def _journal(tmp_path: Path, units: list[str]) -> Path:
    """A real journal file holding LOG, entry i written by units[i] (journal-remote)."""
    remote = tool("systemd-journal-remote", "systemd-journal-remote")
    entries = []
    for i, (message, unit) in enumerate(zip(LOG, units, strict=True)):
        entries.append(
            f"__REALTIME_TIMESTAMP={1_795_000_000_000_000 + i}\n__MONOTONIC_TIMESTAMP={1000 + i}\n"
            f"_BOOT_ID=0123456789abcdef0123456789abcdef\n_HOSTNAME=vps\n"
            f"_SYSTEMD_UNIT={unit}\nSYSLOG_IDENTIFIER=folio\n_PID=4242\nMESSAGE={message}\n")
    export = tmp_path / "export.txt"
    export.write_text("\n".join(entries) + "\n", encoding="utf-8")
    journal = tmp_path / "folio.journal"
    result = run(remote, f"--output={journal}", str(export))
    assert result.returncode == 0, output(result)
    return journal


def journal_ips(journal: Path, match: str) -> list[str]:
    """The addresses fail2ban-regex bans reading ``journal`` through ``match``."""
    result = run(tool("fail2ban-regex", "fail2ban"), "--out", "ip", "--journalmatch", match,
                 f"systemd-journal[journalfiles={journal}]", str(FILTER))
    if "No module named 'systemd'" in result.stderr:
        _missing("fail2ban's journal backend needs python3-systemd (apt-get install "
                 "python3-systemd; .ci/run does)")
    assert result.returncode == 0, output(result)
    return result.stdout.split()


def test_it_matches_in_the_journal_of_folio_service_only(tmp_path: Path) -> None:
    """The jail's way: journal lines read "vps folio[4242]: {...}", matched by unit."""
    # The IPv6 failure comes from another unit: the journal match must leave it out.
    units = ["folio.service", "other.service"] + ["folio.service"] * (len(LOG) - 2)
    journal = _journal(tmp_path, units)
    ips = journal_ips(journal, "_SYSTEMD_UNIT=folio.service")
    assert ips == ["203.0.113.7", "198.51.100.23"]


def test_it_matches_docker_journald_lines_by_tag(tmp_path: Path) -> None:
    """compose.override.example.yaml: dockerd writes the lines, tagged "folio"."""
    journal = _journal(tmp_path, ["docker.service"] * len(LOG))
    assert journal_ips(journal, "SYSLOG_IDENTIFIER=folio") == FAILED_IPS
    assert "SYSLOG_IDENTIFIER=folio" in JAIL.read_text(encoding="utf-8")


def test_fail2ban_accepts_the_jail(tmp_path: Path) -> None:
    """`fail2ban-client -t` on a copy of /etc/fail2ban with only Folio's jail enabled."""
    client = tool("fail2ban-client", "fail2ban")
    config = tmp_path / "fail2ban"
    shutil.copytree("/etc/fail2ban", config)
    for enabled in (config / "jail.d").glob("*"):
        enabled.unlink()  # Debian's defaults enable sshd, whose log a CI machine lacks
    shutil.copy(FILTER, config / "filter.d" / "folio.conf")
    shutil.copy(JAIL, config / "jail.d" / "folio.conf")
    result = run(client, "-c", str(config), "-t")
    assert result.returncode == 0, output(result)
    dump = run(client, "-c", str(config), "-d")
    assert "['add', 'folio', 'systemd']" in dump.stdout
    assert "['set', 'folio', 'addjournalmatch', '_SYSTEMD_UNIT=folio.service']" in dump.stdout


def test_a_line_from_folios_own_formatter_matches(tmp_path: Path) -> None:
    """The filter against what folio.ops.logging really writes for a failed sign-in."""
    logger = logging.getLogger("folio.auth")
    failed = logger.makeRecord("folio.auth", logging.WARNING, __file__, 1, "sign-in failed",
                               None, None, extra={"event": "auth.failed",
                                                  "ip": "2001:db8::99", "reason": "bad_password"})
    ok = logger.makeRecord("folio.auth", logging.INFO, __file__, 1, "signed in", None, None,
                           extra={"event": "auth.ok", "ip": "192.0.2.1"})
    log = tmp_path / "folio.log"
    log.write_text(f"{JsonFormatter().format(failed)}\n{JsonFormatter().format(ok)}\n",
                   encoding="utf-8")
    result = run(tool("fail2ban-regex", "fail2ban"), "--out", "ip", str(log), str(FILTER))
    assert result.returncode == 0, output(result)
    assert result.stdout.split() == ["2001:db8::99"]
