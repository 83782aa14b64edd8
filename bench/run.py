"""Folio benchmark: import and report on 10k, 100k and 1M-transaction books, beside hledger
and ledger-cli on the same data, and write ``bench/RESULTS.md``.

For each size: generate the book (``bench/generate.py``, deterministic), import it through
the CLI into a fresh SQLite database (wall time and the child's peak RSS), run
``folio check``, time the reports in-process (median of warm runs, each in a fresh
session) and through the CLI (``--format json``, including interpreter start-up), run
hledger and ledger on the journal file, and compare Folio's trial balance with hledger's
balances account by account. Optionally the reports on PostgreSQL for one size.

Usage::

    python bench/run.py                       # 10k, 100k and 1m (make bench)
    python bench/run.py --sizes 10k,100k      # a subset
    python bench/run.py --sizes 1m --tool-timeout 600 --no-postgres

Results of each size are kept in ``bench/out/results.json``; RESULTS.md shows every size
found there (the date of each size's run is in its heading).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from generate import GENERATOR_VERSION, generate, parse_size, size_label  # noqa: E402

BIN = Path(sys.executable).parent
FOLIO = str(BIN / "folio") if (BIN / "folio").exists() else shutil.which("folio") or "folio"
HLEDGER = shutil.which("hledger")
LEDGER = shutil.which("ledger")
PG_ADMIN_URL = os.environ.get("FOLIO_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGETS = {"import_1m_s": 60.0, "report_ms": 50.0, "general_ledger_ms": 100.0}


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- running child processes with their own peak memory ------------------------------------

class Run:
    def __init__(self, seconds: float, max_rss_kib: int, code: int | None, stdout: str,
                 stderr: str, timed_out: bool = False):
        self.seconds = seconds
        self.max_rss_kib = max_rss_kib
        self.code = code
        self.stdout = stdout
        self.stderr = stderr
        self.timed_out = timed_out

    @property
    def ms(self) -> float:
        return self.seconds * 1000


def run(argv: list[str], env: dict[str, str] | None = None, timeout: float | None = None,
        first_lines: int | None = None) -> Run:
    """Run ``argv``; wall time, and ``ru_maxrss`` of that child alone (``wait4``).

    With ``first_lines`` the clock stops once that many lines of output have arrived
    (a report's first page) and the process is then stopped.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, errors="replace", start_new_session=True)
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, kill) if timeout else None
    if timer:
        timer.start()
    err_chunks: list[str] = []
    err_thread = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()))  # type: ignore[union-attr]
    err_thread.start()
    assert proc.stdout is not None
    if first_lines is not None:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if len(lines) >= first_lines:
                break
        elapsed = time.perf_counter() - start
        out = "".join(lines)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.stdout.close()
    else:
        out = proc.stdout.read()
        elapsed = None
    _, status, usage = os.wait4(proc.pid, 0)
    if elapsed is None:
        elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if timer:
        timer.cancel()
    err_thread.join()
    return Run(elapsed, usage.ru_maxrss, None if timed_out.is_set() else proc.returncode, out,
               "".join(err_chunks), timed_out.is_set())


def checked(result: Run, what: str) -> Run:
    if result.code != 0:
        raise RuntimeError(f"{what} failed ({result.code}): {result.stderr[-2000:]}")
    return result


# -- Folio -----------------------------------------------------------------------------------

def folio_env(url: str) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=url, FOLIO_ENV="development", COLUMNS="200")
    env.pop("FOLIO_BENCH_PG_URL", None)
    return env


def folio_operations(year: int, busy: str, last_page: int) -> list[tuple[str, str, list[str]]]:
    """(key, label, CLI arguments) of the timed reports."""
    end, start = f"{year}-12-31", f"{year}-01-01"
    return [
        ("trial_balance", f"Trial balance at {end}",
         ["report", "trial-balance", "--as-of", end]),
        ("trial_balance_mid", f"Trial balance at {year}-06-15 (partial month)",
         ["report", "trial-balance", "--as-of", f"{year}-06-15"]),
        ("balance_sheet", f"Balance sheet at {end}", ["report", "balance-sheet", "--as-of", end]),
        ("income_statement", f"Income statement {year}",
         ["report", "income-statement", "--from", start, "--to", end]),
        ("income_statement_mid", f"Income statement {year}-01-01 to {year}-06-15",
         ["report", "income-statement", "--from", start, "--to", f"{year}-06-15"]),
        ("general_ledger", f"General ledger {busy} {year}, first page (100 rows)",
         ["report", "general-ledger", "--account", busy, "--from", start, "--to", end]),
        ("general_ledger_last", f"General ledger {busy} {year}, last page (page {last_page})",
         ["report", "general-ledger", "--account", busy, "--from", start, "--to", end,
          "--page", str(last_page)]),
    ]


def last_page(url: str, year: int, busy: str) -> int:
    from folio.auth.actor import SYSTEM
    from folio.books.service import get_book
    from folio.db import create_folio_engine, make_session
    from folio.ledger.accounts import get_account
    from folio.ledger.general_ledger import general_ledger

    engine = create_folio_engine(url)
    try:
        with make_session(engine, actor=SYSTEM) as session:
            book = get_book(session, "bench")
            account = get_account(session, book, busy)
            return general_ledger(session, book, account, date(year, 1, 1),
                                  date(year, 12, 31)).pages
    finally:
        engine.dispose()


def folio_in_process(url: str, year: int, busy: str, repeat: int,
                     last: int) -> dict[str, dict[str, float]]:
    from folio.auth.actor import SYSTEM
    from folio.books.service import get_book
    from folio.db import create_folio_engine, make_session
    from folio.ledger.accounts import get_account
    from folio.ledger.general_ledger import general_ledger
    from folio.ledger.reports import balance_sheet, income_statement, trial_balance

    engine = create_folio_engine(url)
    start, end, mid = date(year, 1, 1), date(year, 12, 31), date(year, 6, 15)
    calls: dict[str, Callable[[Any, Any, Any], Any]] = {
        "trial_balance": lambda s, b, a: trial_balance(s, b, end),
        "trial_balance_mid": lambda s, b, a: trial_balance(s, b, mid),
        "balance_sheet": lambda s, b, a: balance_sheet(s, b, end),
        "income_statement": lambda s, b, a: income_statement(s, b, start, end),
        "income_statement_mid": lambda s, b, a: income_statement(s, b, start, mid),
        "general_ledger": lambda s, b, a: general_ledger(s, b, a, start, end),
        "general_ledger_last": lambda s, b, a: general_ledger(s, b, a, start, end, page=last),
    }
    results = {}
    try:
        for key, call in calls.items():
            timings: list[float] = []
            for _ in range(repeat + 1):  # the first run warms up and is not counted
                # A fresh session per run, as a request or command would have.
                with make_session(engine, actor=SYSTEM) as session:
                    book = get_book(session, "bench")
                    account = get_account(session, book, busy)
                    started = time.perf_counter()
                    call(session, book, account)
                    timings.append((time.perf_counter() - started) * 1000)
            timings = timings[1:]
            results[key] = {"ms": statistics.median(timings), "min_ms": min(timings)}
    finally:
        engine.dispose()
    return results


def folio_cli(url: str, year: int, busy: str, repeat: int,
              last: int) -> dict[str, dict[str, float]]:
    env = folio_env(url)
    results = {}
    startup = [checked(run([FOLIO, "books", "list"], env), "folio books list").ms
               for _ in range(repeat)]
    results["startup"] = {"ms": statistics.median(startup), "min_ms": min(startup)}
    for key, _label, args in folio_operations(year, busy, last):
        times = []
        rss = 0
        for _ in range(repeat):
            result = checked(run([FOLIO, *args, "--format", "json", "--book", "bench"], env),
                             f"folio {' '.join(args)}")
            json.loads(result.stdout)
            times.append(result.ms)
            rss = max(rss, result.max_rss_kib)
        results[key] = {"ms": statistics.median(times), "min_ms": min(times), "max_rss_kib": rss}
    return results


def folio_trial_balance(url: str, as_of: str) -> dict[str, Decimal]:
    result = checked(run([FOLIO, "report", "trial-balance", "--as-of", as_of, "--format", "json",
                          "--book", "bench"], folio_env(url)), "folio trial balance")
    data = json.loads(result.stdout)
    return {row["code"]: Decimal(row["balance"]) for row in data["accounts"]}


# -- hledger and ledger ------------------------------------------------------------------------

def tool_commands(journal: str, year: int, ledger_account: str) -> dict[str, dict[str, list[str]]]:
    start, after = f"{year}-01-01", f"{year + 1}-01-01"
    commands: dict[str, dict[str, list[str]]] = {"hledger": {}, "ledger": {}}
    if HLEDGER:
        h = [HLEDGER, "-f", journal]
        commands["hledger"] = {
            "trial_balance": [*h, "balance", "-e", after],
            "balance_sheet": [*h, "balancesheet", "-e", after],
            "income_statement": [*h, "incomestatement", "-b", start, "-e", after],
            "general_ledger": [*h, "register", ledger_account, "-b", start, "-e", after],
        }
    if LEDGER:
        g = [LEDGER, "-f", journal]
        commands["ledger"] = {
            "trial_balance": [*g, "balance", "--flat", "-e", after],
            "balance_sheet": [*g, "balance", "--flat", "-e", after, "^assets", "^liabilities",
                              "^equity"],
            "income_statement": [*g, "balance", "--flat", "-b", start, "-e", after, "^income",
                                 "^expenses"],
            "general_ledger": [*g, "register", f"^{ledger_account}$", "-b", start, "-e", after],
        }
    return commands


def run_tools(journal: str, year: int, ledger_account: str, repeat: int,
              timeout: float) -> dict[str, dict[str, dict[str, Any]]]:
    results: dict[str, dict[str, dict[str, Any]]] = {}
    env = dict(os.environ, COLUMNS="120")
    for tool, commands in tool_commands(journal, year, ledger_account).items():
        results[tool] = {}
        gave_up = False
        for key, argv in commands.items():
            if gave_up:
                results[tool][key] = {"status": "skipped (an earlier command timed out)"}
                continue
            times, rss = [], 0
            status = "ok"
            for _ in range(repeat):
                first = 100 if key == "general_ledger" else None
                result = run(argv, env, timeout=timeout, first_lines=first)
                if result.timed_out:
                    status = f"timeout (> {timeout:.0f} s)"
                    break
                if result.code not in (0, -signal.SIGKILL) and not (first and result.stdout):
                    status = f"failed ({result.code}): {result.stderr.strip()[:200]}"
                    break
                times.append(result.ms)
                rss = max(rss, result.max_rss_kib)
            entry: dict[str, Any] = {"status": status, "argv": " ".join(argv[1:])}
            if times:
                entry.update(ms=statistics.median(times), min_ms=min(times), max_rss_kib=rss)
            results[tool][key] = entry
            log(f"  {tool} {key}: {entry.get('ms', 0):.0f} ms {status}")
            if status.startswith("timeout"):
                gave_up = True
    return results


def hledger_balances(journal: str, as_of_after: str, timeout: float) -> dict[str, Decimal] | None:
    if not HLEDGER:
        return None
    result = run([HLEDGER, "-f", journal, "balance", "-e", as_of_after, "-O", "csv"],
                 timeout=timeout)
    if result.code != 0:
        return None
    balances = {}
    for line in result.stdout.splitlines()[1:]:
        account, amount = [cell.strip('"') for cell in line.split('","')]
        if account == "total":
            continue
        balances[account] = Decimal(amount.replace("$", "") or "0")
    return balances


def compare(folio: dict[str, Decimal], hledger: dict[str, Decimal] | None,
            names: dict[str, str]) -> dict[str, Any]:
    if hledger is None:
        return {"agree": None, "note": "hledger not available or timed out"}
    mismatches = []
    for code, name in names.items():
        if folio.get(code, Decimal(0)) != hledger.get(name, Decimal(0)):
            mismatches.append(f"{code} {name}: Folio {folio.get(code, 0)}, "
                              f"hledger {hledger.get(name, 0)}")
    return {"agree": not mismatches, "accounts": len(names), "mismatches": mismatches[:10],
            "sample": {code: str(folio.get(code, Decimal(0)))
                       for code in ("1100", "1200", "2000", "4000", "6400")}}


# -- PostgreSQL (optional) ------------------------------------------------------------------

def postgres_run(data: Path, year: int, busy: str, repeat: int) -> dict[str, Any]:
    try:
        import psycopg
    except ImportError:
        return {"status": "skipped: psycopg not installed"}
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        return {"status": f"skipped: PostgreSQL not reachable ({exc.__class__.__name__})"}
    name = f"folio_bench_{os.getpid()}"
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        version = admin.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    try:
        env = folio_env(url)
        checked(run([FOLIO, "db", "upgrade"], env), "db upgrade")
        checked(run([FOLIO, "books", "create", "bench", "--name", "Bench", "--currency", "USD",
                     "--chart", "none"], env), "books create")
        imported = checked(run([FOLIO, "import", "journal", str(data / "POSTINGS.csv"),
                                "--accounts", str(data / "ACCOUNTS.csv"), "--book", "bench"],
                               env), "import")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")
        check = checked(run([FOLIO, "check", "--book", "bench"], env), "check")
        return {"status": "ok", "server_version": version, "import_s": imported.seconds,
                "import_max_rss_kib": imported.max_rss_kib, "check_s": check.seconds,
                "check_ok": "OK" in check.stdout,
                "in_process": folio_in_process(url, year, busy, repeat,
                                               last_page(url, year, busy))}
    finally:
        from folio.db import dispose_engines
        dispose_engines()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- one size --------------------------------------------------------------------------------

def bench_size(count: int, args: argparse.Namespace) -> dict[str, Any]:
    label = size_label(count)
    data = args.out / label
    meta_path = data / "meta.json"
    meta: dict[str, Any] | None = None
    if meta_path.exists() and not args.regenerate:
        meta = json.loads(meta_path.read_text())
        if (meta.get("transactions") != count or meta.get("seed") != args.seed
                or meta.get("end_year") != args.end_year
                or meta.get("generator_version") != GENERATOR_VERSION):
            meta = None
    started = time.perf_counter()
    if meta is None:
        log(f"{label}: generating")
        meta = generate(count, data, args.seed, args.end_year)
    generation_s = time.perf_counter() - started
    year = int(meta["end_year"])
    busy = str(meta["busy_account"])
    ledger_account = str(meta["busy_ledger_account"])
    journal = str(data / "journal.ledger")
    database = data / "folio.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    env = folio_env(url)
    result: dict[str, Any] = {
        "size": label, "transactions": meta["transactions"], "postings": meta["postings"],
        "postings_per_transaction": meta["postings_per_transaction"],
        "accounts": meta["accounts"], "first_date": meta["first_date"],
        "last_date": meta["last_date"], "busy_account": busy,
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_before": os.getloadavg()[0],
        "generation_s": generation_s,
    }
    checked(run([FOLIO, "db", "upgrade"], env), "db upgrade")
    checked(run([FOLIO, "books", "create", "bench", "--name", "Bench", "--currency", "USD",
                 "--chart", "none"], env), "books create")
    log(f"{label}: importing {meta['transactions']} transactions")
    imported = checked(run([FOLIO, "import", "journal", str(data / "POSTINGS.csv"),
                            "--accounts", str(data / "ACCOUNTS.csv"), "--book", "bench"], env),
                       "import")
    result["import"] = {"s": imported.seconds, "max_rss_kib": imported.max_rss_kib,
                        "output": imported.stdout.strip()}
    log(f"{label}: import {imported.seconds:.1f} s, {imported.max_rss_kib / 1024:.0f} MiB")
    result["database_mib"] = database.stat().st_size / 2**20
    again = checked(run([FOLIO, "import", "journal", str(data / "POSTINGS.csv"), "--book",
                         "bench"], env), "import again")
    result["reimport"] = {"s": again.seconds, "max_rss_kib": again.max_rss_kib,
                          "output": again.stdout.strip()}
    log(f"{label}: import again {again.seconds:.1f} s: {again.stdout.strip()}")
    log(f"{label}: folio check")
    check = run([FOLIO, "check", "--book", "bench"], env)
    result["check"] = {"s": check.seconds, "max_rss_kib": check.max_rss_kib,
                       "ok": check.code == 0 and "OK" in check.stdout,
                       "output": (check.stdout + check.stderr).strip()[-500:]}
    log(f"{label}: check {check.seconds:.1f} s ok={result['check']['ok']}")
    log(f"{label}: reports in-process")
    result["last_page"] = last = last_page(url, year, busy)
    result["in_process"] = folio_in_process(url, year, busy, args.repeat, last)
    log(f"{label}: reports through the CLI")
    result["cli"] = folio_cli(url, year, busy, args.cli_repeat, last)
    if not args.no_tools:
        log(f"{label}: hledger and ledger")
        repeat = args.tool_repeat if count <= 100_000 else 1
        result["tools"] = run_tools(journal, year, ledger_account, repeat, args.tool_timeout)
        hledger_tb = hledger_balances(journal, f"{year + 1}-01-01", args.tool_timeout)
    else:
        result["tools"] = {}
        hledger_tb = None
    folio_tb = folio_trial_balance(url, f"{year}-12-31")
    result["agreement"] = compare(folio_tb, hledger_tb, meta["ledger_names"])
    log(f"{label}: figures agree with hledger: {result['agreement'].get('agree')}")
    if label in args.postgres_sizes and not args.no_postgres:
        log(f"{label}: PostgreSQL")
        result["postgres"] = postgres_run(data, year, busy, args.repeat)
    result["load_after"] = os.getloadavg()[0]
    return result


# -- RESULTS.md ------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kib = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_kib = int(line.split()[1])
    except OSError:
        pass

    def version(argv: list[str]) -> str:
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=20,
                                  check=False).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "not installed"

    import sqlalchemy

    pg = "not reachable"
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3) as conn:
            pg = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    except Exception as exc:
        pg = f"not reachable ({exc.__class__.__name__})"
    return {
        "cpu": cpu, "cores": os.cpu_count(), "ram_gib": round(mem_kib / 2**20, 1),
        "os": platform.platform(), "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version, "sqlalchemy": sqlalchemy.__version__,
        "postgresql": pg, "hledger": version([HLEDGER or "hledger", "--version"]),
        "ledger": version([LEDGER or "ledger", "--version"]),
    }


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _ratio(tool: float | None, folio: float | None) -> str:
    if not tool or not folio:
        return "–"
    return f"{tool / folio:,.1f}×"


def _tool_cell(tools: dict[str, Any], tool: str, key: str) -> tuple[str, float | None]:
    entry = tools.get(tool, {}).get(key)
    if not entry:
        return "–", None
    if entry.get("status") != "ok":
        return entry["status"].split(":")[0], None
    return _ms(entry["ms"]), entry["ms"]


def render(results: dict[str, Any], info: dict[str, Any]) -> str:
    sizes = sorted(results.values(), key=lambda r: r["transactions"])
    lines = [
        "# Folio benchmark results",
        "",
        "Written by `bench/run.py` (`make bench`); do not edit by hand. The data is a generated "
        "five-year book of a small business (`bench/generate.py`, seed 2026): till sales, "
        "invoices and payments, bills, card expenses, payroll, taxes, loans and depreciation "
        "over 90 accounts, about 2.6 postings per transaction, USD.",
        "",
        "## Machine",
        "",
        f"- CPU: {info['cpu']}, {info['cores']} cores; RAM {info['ram_gib']} GiB",
        f"- OS: {info['os']}",
        f"- Python {info['python']}, SQLAlchemy {info['sqlalchemy']}, SQLite {info['sqlite']} "
        f"(WAL, synchronous=NORMAL), PostgreSQL {info['postgresql']}",
        f"- {info['hledger']}; {info['ledger']}",
        f"- Written {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        "",
        "Times are wall-clock milliseconds. *Folio in-process*: the report function on a "
        "fresh session of a warm process, median of several runs. *Folio CLI*: `folio report "
        "... --format json` as a new process (Python start-up and imports included; the "
        "start-up alone is the `folio books list` row), median of several runs. hledger and "
        "ledger read the same transactions from a journal file on every run (that parse is "
        "most of their time); the general-ledger row is the time to the first 100 lines of "
        "`register`. Ratios are the tool's time over Folio CLI's. The machine was shared "
        "with other work; the load average is given per size.",
        "",
        "The commands, for the last full year Y of the book (J is the journal file):",
        "",
        "- Folio: `folio report trial-balance --as-of Y-12-31`, `balance-sheet --as-of "
        "Y-12-31`, `income-statement --from Y-01-01 --to Y-12-31`, `general-ledger --account "
        "1100 --from Y-01-01 --to Y-12-31 [--page N]`, each with `--format json`; in-process the "
        "same functions of `folio.ledger.reports` and `folio.ledger.general_ledger`.",
        "- hledger: `hledger -f J balance -e Y+1-01-01`, `balancesheet -e Y+1-01-01`, "
        "`incomestatement -b Y-01-01 -e Y+1-01-01`, `register assets:bank:operating -b Y-01-01 "
        "-e Y+1-01-01`.",
        "- ledger: `ledger -f J balance --flat -e Y+1-01-01`, the same with `^assets "
        "^liabilities ^equity` (balance sheet) and with `-b Y-01-01 ^income ^expenses` "
        "(income statement), `register ^assets:bank:operating$ -b Y-01-01 -e Y+1-01-01`.",
        "",
    ]
    for r in sizes:
        tools = r.get("tools", {})
        lines += [
            f"## {r['size']}: {r['transactions']:,} transactions, {r['postings']:,} postings",
            "",
            f"Run {r['run_at']}; load average {r['load_before']:.2f} before, "
            f"{r['load_after']:.2f} after. Dates {r['first_date']} to {r['last_date']}; "
            f"{r['postings_per_transaction']} postings per transaction; database "
            f"{r['database_mib']:,.0f} MiB.",
            "",
            "| Operation | Folio in-process ms | Folio CLI ms | hledger ms | ledger ms "
            "| hledger / Folio CLI | ledger / Folio CLI |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        year = int(r["last_date"][:4])
        for key, label, _args in folio_operations(year, r["busy_account"], r["last_page"]):
            inproc = r["in_process"].get(key, {}).get("ms")
            cli = r["cli"].get(key, {}).get("ms")
            h_text, h_ms = _tool_cell(tools, "hledger", key)
            l_text, l_ms = _tool_cell(tools, "ledger", key)
            lines.append(f"| {label} | {_ms(inproc)} | {_ms(cli)} | {h_text} | {l_text} "
                         f"| {_ratio(h_ms, cli)} | {_ratio(l_ms, cli)} |")
        lines.append(f"| CLI start-up (`folio books list`) | – | {_ms(r['cli']['startup']['ms'])} "
                     "| – | – | – | – |")
        imp, chk = r["import"], r["check"]
        agreement = r.get("agreement", {})
        agree = {True: "yes", False: "**no**", None: "not compared"}[agreement.get("agree")]
        lines += [
            "",
            f"- Import (`folio import journal`, one database transaction): "
            f"**{imp['s']:.1f} s**, peak RSS {imp['max_rss_kib'] / 1024:,.0f} MiB "
            f"({r['transactions'] / imp['s']:,.0f} transactions/s).",
        ]
        again = r.get("reimport")
        if again:
            lines.append(f"- The same import again (idempotent): {again['s']:.1f} s, "
                         f"\"{again['output']}\"")
        lines += [
            f"- `folio check`: {chk['s']:.1f} s, peak RSS {chk['max_rss_kib'] / 1024:,.0f} MiB, "
            f"{'OK' if chk['ok'] else '**FAILED**: ' + chk['output']}.",
        ]
        peaks = []
        for tool in ("hledger", "ledger"):
            entry = tools.get(tool, {}).get("trial_balance")
            if entry and entry.get("max_rss_kib"):
                peaks.append(f"{tool} {entry['max_rss_kib'] / 1024:,.0f} MiB")
        if peaks:
            lines.append(f"- Peak RSS of a balance report: {', '.join(peaks)}; Folio CLI "
                         f"{r['cli']['trial_balance']['max_rss_kib'] / 1024:,.0f} MiB.")
        compared = (f"all {agreement['accounts']} accounts" if agreement.get("accounts")
                    else agreement.get("note", "not compared"))
        lines.append(f"- Figures agree (Folio's trial balance at {year}-12-31 against hledger's "
                     f"balance, {compared}): **{agree}**"
                     + (f" — {'; '.join(agreement['mismatches'])}"
                        if agreement.get("mismatches") else "") + ".")
        pg = r.get("postgres")
        if pg and pg.get("status") == "ok":
            ip = pg["in_process"]
            lines += [
                f"- PostgreSQL {pg['server_version']}: import {pg['import_s']:.1f} s, check "
                f"{pg['check_s']:.1f} s ({'OK' if pg['check_ok'] else 'FAILED'}); in-process "
                + ", ".join(f"{k.replace('_', ' ')} {_ms(v['ms'])} ms" for k, v in ip.items())
                + ".",
            ]
        elif pg:
            lines.append(f"- PostgreSQL: {pg.get('status')}.")
        lines.append("")
    lines += targets_section(results)
    notes = BENCH / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().strip(), ""]
    return "\n".join(lines).rstrip() + "\n"


def targets_section(results: dict[str, Any]) -> list[str]:
    lines = ["## Targets (SQLite, this machine)", "",
             "| Target | Measured | Met |", "|---|---|---|"]
    big = results.get("1m")
    small = results.get("10k")

    def row(target: str, value: float | None, limit: float, unit: str) -> None:
        if value is None:
            lines.append(f"| {target} | not run | – |")
        else:
            met = "yes" if value <= limit else "**no**"
            lines.append(f"| {target} | {value:,.1f} {unit} | {met} |")

    row("Import of 1M transactions ≤ 60 s", big["import"]["s"] if big else None,
        TARGETS["import_1m_s"], "s")
    for key, label in (("trial_balance", "Trial balance"), ("balance_sheet", "Balance sheet"),
                       ("income_statement", "Income statement")):
        row(f"{label} at 1M ≤ 50 ms (in-process)",
            big["in_process"][key]["ms"] if big else None, TARGETS["report_ms"], "ms")
    row("General-ledger page at 1M ≤ 100 ms (in-process)",
        big["in_process"]["general_ledger"]["ms"] if big else None,
        TARGETS["general_ledger_ms"], "ms")
    if big and small:
        for key, label in (("trial_balance", "Trial balance"), ("balance_sheet", "Balance sheet"),
                           ("income_statement", "Income statement")):
            a, b = small["in_process"][key]["ms"], big["in_process"][key]["ms"]
            grows = b / a
            lines.append(f"| {label}: cost does not grow with postings (1M ÷ 10k, 100× the "
                         f"postings) | {a:.1f} → {b:.1f} ms ({grows:.2f}×) "
                         f"| {'yes' if grows < 2 else '**no**'} |")
    return lines


# -- main ------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k,1m", help="comma-separated (10k,100k,1m)")
    parser.add_argument("--out", type=Path, default=BENCH / "out", help="generated data")
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--end-year", type=int, default=date.today().year - 1)
    parser.add_argument("--repeat", type=int, default=9, help="in-process runs per report")
    parser.add_argument("--cli-repeat", type=int, default=5, help="CLI runs per report")
    parser.add_argument("--tool-repeat", type=int, default=3,
                        help="hledger/ledger runs per command up to 100k (1 above)")
    parser.add_argument("--tool-timeout", type=float, default=300, help="seconds per command")
    parser.add_argument("--no-tools", action="store_true", help="skip hledger and ledger")
    parser.add_argument("--postgres-sizes", default="100k",
                        help="sizes also run on PostgreSQL (FOLIO_BENCH_PG_URL)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--regenerate", action="store_true", help="regenerate the data")
    parser.add_argument("--fresh", action="store_true",
                        help="forget the results of sizes not run this time")
    args = parser.parse_args()
    args.postgres_sizes = {size_label(parse_size(s)) for s in args.postgres_sizes.split(",") if s}
    args.out.mkdir(parents=True, exist_ok=True)
    store = args.out / "results.json"
    results: dict[str, Any] = {}
    if store.exists() and not args.fresh:
        results = json.loads(store.read_text())
    info = machine()
    log(f"machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}, "
        f"SQLite {info['sqlite']}")
    for text in args.sizes.split(","):
        count = parse_size(text)
        results[size_label(count)] = bench_size(count, args)
        store.write_text(json.dumps(results, indent=2, default=str) + "\n")
        args.results.write_text(render(results, info), encoding="utf-8")
    args.results.write_text(render(results, info), encoding="utf-8")
    log(f"wrote {args.results}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    log(f"runner peak RSS {peak / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
