"""Shared plumbing of the benchmarks: a throwaway database, Django set up against it, the demo
jurisdiction and the seeded cadre generator.

Every benchmark runs against its own database, created here and dropped at exit:
- SQLite: a file in a temporary directory (which is also QINGLIAN_DATA_DIR);
- PostgreSQL: a database with a random name, created and dropped through psycopg as the role given
  by --pg-url (default: the test role qinglian_test on 127.0.0.1).

Django must be set up after the environment is in place, so `setup()` imports nothing of the
project before it has run.
"""

from __future__ import annotations

import argparse
import atexit
import os
import platform
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_PG_URL = "postgres://qinglian_test:qinglian_test@127.0.0.1:5432/qinglian_test"


def add_db_arguments(parser: argparse.ArgumentParser, *, choices=("sqlite", "postgres")) -> None:
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
        help="URL of an existing PostgreSQL database whose role may CREATE DATABASE; the benchmark "
        "creates and drops its own database next to it (default: %(default)s, or $BENCH_PG_URL)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the throwaway database and data dir (prints where)"
    )


def _pg_admin(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def setup(db: str, *, pg_url: str = DEFAULT_PG_URL, keep: bool = False, reuse: str | None = None) -> dict:
    """Create the throwaway database, point Django at it, django.setup() and migrate.
    `reuse`: the name of a PostgreSQL database kept by an earlier --keep run (not dropped)."""
    data_dir = Path(tempfile.mkdtemp(prefix="qinglian-bench-"))
    info = {"db": db, "data_dir": str(data_dir)}
    if reuse:
        url = f"{pg_url.rsplit('/', 1)[0]}/{reuse}"
        info["pg_database"] = reuse
        atexit.register(shutil.rmtree, data_dir, True)
    elif db == "sqlite":
        url = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    elif db == "postgres":
        name = f"qinglian_bench_{secrets.token_hex(4)}"
        with _pg_admin(pg_url) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base = pg_url.rsplit("/", 1)[0]
        url = f"{base}/{name}"
        info["pg_database"] = name

        def drop():
            from django.db import connections

            connections.close_all()
            with _pg_admin(pg_url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        if not keep:
            atexit.register(drop)
    else:
        raise ValueError(db)
    if not keep:
        atexit.register(shutil.rmtree, data_dir, True)
    else:
        print(f"[keep] data dir {data_dir}, database {url}")
    os.environ.update(
        {
            "QINGLIAN_DATA_DIR": str(data_dir),
            "QINGLIAN_DATABASE_URL": url,
            "QINGLIAN_DEMO": "true",  # also makes REQUIRE_2FA default to false
            "DJANGO_SETTINGS_MODULE": "qinglian.settings",
        }
    )
    os.environ.pop("QINGLIAN_TESTING", None)
    import django

    django.setup()
    from django.core.management import call_command

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    info["migrate_s"] = time.perf_counter() - t
    return info


def build_units(counties: int):
    """The demo jurisdiction with `counties` counties; returns UnitInfo rows for the generator."""
    from qinglian.demo import jurisdiction
    from qinglian.demo.people_gen import UnitInfo
    from qinglian.people.models import Unit

    jurisdiction.build(counties=counties)
    return UnitInfo.of_units(
        Unit.objects.exclude(kind="jurisdiction").order_by("id").only("id", "kind", "level", "path")
    )


def generate(units, n: int, *, relatives_per_cadre: float, seed: int = 20261124):
    from qinglian.demo.people_gen import CadreGenerator
    from qinglian.people import bulk
    from qinglian.people.models import Cadre, CadreSearchToken, Post, Relative

    return CadreGenerator(units, seed=seed).generate(
        n,
        first_id=bulk.next_ids(Cadre, 1).start,
        first_token_id=bulk.next_ids(CadreSearchToken, 1).start,
        first_post_id=bulk.next_ids(Post, 1).start,
        first_relative_id=bulk.next_ids(Relative, 1).start,
        relatives_per_cadre=relatives_per_cadre,
    )


@contextmanager
def timed(label: str, out: dict | None = None):
    t = time.perf_counter()
    print(f"  {label} ...", end="", flush=True)
    yield
    elapsed = time.perf_counter() - t
    print(f" {elapsed:.2f} s", flush=True)
    if out is not None:
        out[label] = elapsed


def machine() -> dict:
    """What the figures were measured on."""

    def cmd(*args) -> str:
        try:
            return subprocess.run(args, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return ""

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in cmd("lscpu").splitlines()
            if line.startswith("Model name")
        ),
        platform.processor(),
    )
    info = {
        "cpu": f"{cpu} ({os.cpu_count()} CPUs)",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    try:
        import django

        info["django"] = django.get_version()
    except ImportError:
        pass
    return info


def pg_version(pg_url: str) -> str:
    with _pg_admin(pg_url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def rerun_per_database(script: str, dbs: list[str], argv: list[str]) -> int:
    """Run the script once per database in its own process (Django binds one database per process)."""
    status = 0
    for db in dbs:
        rc = subprocess.call([sys.executable, script, *argv, "--db", db])
        status = status or rc
    return status


def table(rows: list[list], headers: list[str]) -> str:
    """A Markdown table (pasted into docs/benchmarks.md as is)."""
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
    line = lambda r: "| " + " | ".join(str(x).ljust(w) for x, w in zip(r, widths, strict=False)) + " |"  # noqa: E731
    return "\n".join([line(headers), "| " + " | ".join("-" * w for w in widths) + " |", *map(line, rows)])


def percentile(values, q: float) -> float:
    """The q-th percentile by the nearest rank (no interpolation)."""
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def time_pages(scenarios, *, requests: int, warmup: int, bar_ms: float, explain: bool = False,
               explain_tables: str | None = None):  # fmt: skip
    """Time GET requests per scenario: `(name, client, [url, ...])`, the urls taken in turn.

    Each timed request runs inside CaptureQueriesContext; a scenario fails when its p95 reaches
    `bar_ms` or its number of queries differs between requests. With `explain`, the queries of the
    scenario's last request are printed with their times, and on PostgreSQL those touching
    `explain_tables` (a table-name prefix) with EXPLAIN (ANALYZE, BUFFERS).
    Returns (table rows, names of the failed scenarios); prints a line per scenario.
    """
    import statistics
    from collections import Counter

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows, failures = [], []
    for name, client, urls in scenarios:
        for i in range(warmup):
            client.get(urls[i % len(urls)])
        times, sql, nq = [], [], Counter()
        for i in range(requests):
            url = urls[i % len(urls)]
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            nq[len(ctx.captured_queries)] += 1
            sql.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        if explain:
            for q in ctx.captured_queries:
                print(f"    {float(q['time']) * 1000:6.1f} ms  {q['sql'][:300]}")
                if explain_tables and explain_tables in q["sql"] and connection.vendor == "postgresql":
                    with connection.cursor() as cur:
                        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                        print("\n".join("        " + r[0] for r in cur.fetchall()))
        p50, p95, worst = statistics.median(times), percentile(times, 95), max(times)
        fixed = len(nq) == 1
        rows.append([name, f"{p50:.0f}", f"{p95:.0f}", f"{worst:.0f}", f"{statistics.median(sql):.0f}",
                     ", ".join(map(str, sorted(nq))), "yes" if fixed else "NO"])  # fmt: skip
        print(f"  {name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {worst:.0f} ms, queries {dict(nq)}", flush=True)
        if p95 >= bar_ms or not fixed:
            failures.append(name)
    return rows, failures


def pages_verdict(rows, failures, bar_ms: float) -> int:
    """Print the table and the verdict of `time_pages`; the exit status (1 when a scenario failed)."""
    print()
    print(table(rows, ["scenario", "p50 ms", "p95 ms", "max ms", "SQL p50 ms", "queries/request", "fixed"]))
    print(f"\nverdict (p95 < {bar_ms} ms, fixed query count): " + ("met" if not failures else f"NOT met: {failures}"))
    return 1 if failures else 0
