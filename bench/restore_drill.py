"""The restore drill: how long a backup, its verification and a restore take.

These are the figures behind the recovery point and recovery time that
docs/operations.md states. For each database (SQLite, and PostgreSQL when reachable) it
builds a book from the generated data (bench/generate.py), then times, as new processes,
the commands an operator runs:

1. ``folio backup create`` (dump, compress, manifest; verification included, as scheduled);
2. ``folio backup verify`` (restore into a scratch database and ``folio check``);
3. ``folio backup restore --force`` into a second, empty database, then ``folio check``;

and checks that the restored book's trial balance equals the original's.
It writes ``bench/RESTORE_DRILL.md``.

Usage: ``python bench/restore_drill.py [--size 100k] [--passphrase]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# bench/ is on sys.path when this runs as a script.
from generate import GENERATOR_VERSION, generate, parse_size, size_label
from run import BENCH, FOLIO, PG_ADMIN_URL, checked, folio_env, folio_trial_balance, run

RESULTS = BENCH / "RESTORE_DRILL.md"


def _prepare(data: Path, count: int, seed: int) -> dict[str, Any]:
    meta_path = data / "meta.json"
    if meta_path.exists():
        meta: dict[str, Any] = json.loads(meta_path.read_text())
        if (meta.get("transactions") == count and meta.get("seed") == seed
                and meta.get("generator_version") == GENERATOR_VERSION):
            return meta
    return generate(count, data, seed, 2025)


def _drill(url: str, restore_url: str, data: Path, work: Path, year: int,
           passphrase: str | None) -> dict[str, Any]:
    env = folio_env(url)
    env.update(DATA_DIR=str(work / "data"), BACKUP_DIR=str(work / "backups"))
    if passphrase:
        env["BACKUP_PASSPHRASE"] = passphrase
    checked(run([FOLIO, "db", "upgrade"], env), "db upgrade")
    checked(run([FOLIO, "books", "create", "bench", "--name", "Bench", "--currency", "USD",
                 "--chart", "none"], env), "books create")
    checked(run([FOLIO, "import", "journal", str(data / "POSTINGS.csv"), "--accounts",
                 str(data / "ACCOUNTS.csv"), "--book", "bench"], env), "import")
    created = checked(run([FOLIO, "backup", "create"], env), "backup create")
    archives = sorted(p.name for p in (work / "backups").iterdir()
                      if p.name.endswith((".tar.gz", ".tar.gz.enc")))
    archive = work / "backups" / archives[-1]
    verified = checked(run([FOLIO, "backup", "verify", archive.name], env), "backup verify")
    target = dict(env, DATABASE_URL=restore_url)
    restored = checked(run([FOLIO, "backup", "restore", "--force", str(archive)], target),
                       "backup restore")
    check = checked(run([FOLIO, "check", "--book", "bench"], target), "check after restore")
    same = (folio_trial_balance(url, f"{year}-12-31")
            == folio_trial_balance(restore_url, f"{year}-12-31"))
    return {"backup_create_s": created.seconds, "verify_s": verified.seconds,
            "restore_s": restored.seconds, "check_s": check.seconds,
            "archive_mib": archive.stat().st_size / 2**20, "same_trial_balance": same}


def _sqlite(data: Path, year: int, passphrase: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="folio-drill-") as tmp:
        work = Path(tmp)
        original = work / "data" / "folio.db"
        original.parent.mkdir(parents=True)
        result = _drill(f"sqlite:///{original}", f"sqlite:///{work / 'restored.db'}", data,
                        work, year, passphrase)
        result["database_mib"] = original.stat().st_size / 2**20
        return result


def _postgres(data: Path, year: int, passphrase: str | None) -> dict[str, Any]:
    try:
        import psycopg
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception as exc:  # not installed, or not reachable: say so in the results
        return {"status": f"skipped: {exc.__class__.__name__}"}
    names = [f"folio_drill_{os.getpid()}", f"folio_drill_{os.getpid()}_restored"]
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    with admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory(prefix="folio-drill-") as tmp:
            result = _drill(f"{base}/{names[0]}", f"{base}/{names[1]}", data, Path(tmp), year,
                            passphrase)
        with psycopg.connect(f"{base}/{names[0]}") as conn:
            size = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        result["database_mib"] = (size[0] if size else 0) / 2**20
        result["status"] = "ok"
        return result
    finally:
        from folio.db import dispose_engines
        dispose_engines()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _row(name: str, r: dict[str, Any]) -> str:
    if "backup_create_s" not in r:
        return f"| {name} | {r.get('status', 'skipped')} | | | | | | |"
    return (f"| {name} | {r['database_mib']:.0f} MiB | {r['archive_mib']:.1f} MiB "
            f"| {r['backup_create_s']:.1f} s | {r['verify_s']:.1f} s | {r['restore_s']:.1f} s "
            f"| {r['check_s']:.1f} s | {'yes' if r['same_trial_balance'] else 'NO'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--passphrase", action="store_true",
                        help="encrypt the backups (BACKUP_PASSPHRASE), as production should")
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    args = parser.parse_args()
    count = parse_size(args.size)
    data = args.out / size_label(count)
    meta = _prepare(data, count, args.seed)
    year = int(meta["end_year"])
    passphrase = "drill-passphrase-not-a-secret" if args.passphrase else None
    load_before = os.getloadavg()[0]
    results = {"SQLite": _sqlite(data, year, passphrase),
               "PostgreSQL": _postgres(data, year, passphrase)}
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    lines = [
        "# Restore drill", "",
        "Written by `bench/restore_drill.py`; do not edit by hand. The figures behind the "
        "recovery point and recovery time in docs/operations.md.", "",
        f"- Data: {meta['transactions']:,} transactions, {meta['postings']:,} postings "
        f"(bench/generate.py, seed {args.seed})",
        f"- Backups encrypted: {'yes' if passphrase else 'no'}",
        f"- Machine: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}",
        f"- Load average (1 min) before and after: {load_before:.1f}, "
        f"{os.getloadavg()[0]:.1f} (other work shared the machine when it was high)",
        f"- Written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
        "Each step is a new `folio` process, timed by wall clock. *Create* includes the "
        "verification that a scheduled backup runs; *verify* restores into a scratch "
        "database and runs `folio check`; *restore* replaces an empty database (with "
        "`--force`, after its own verification and a safety backup).", "",
        "| database | size | archive | create | verify | restore | check | same trial balance |",
        "|---|---|---|---|---|---|---|---|",
        *(_row(name, r) for name, r in results.items()), ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    shutil.rmtree(data / "drill", ignore_errors=True)


if __name__ == "__main__":
    main()
