"""Benchmark: the nightly archive scan on PostgreSQL against the same rules in DuckDB over Parquet.

    .venv/bin/python bench/archive_scan.py --small          # 20,000 people / 400,000 entries
    .venv/bin/python bench/archive_scan.py                  # 500,000 people / 10,000,000 entries
    .venv/bin/python bench/archive_scan.py --generate-only --name bench_archive_full   # build once, keep
    .venv/bin/python bench/archive_scan.py --reuse bench_archive_full --clone   # first run + nightly, on a copy
    .venv/bin/python bench/archive_scan.py --reuse DBNAME   # scan a kept database again (no generation)
    .venv/bin/python bench/archive_scan.py --reuse DBNAME --compute-only   # backtest against DuckDB only

1. A throwaway PostgreSQL database (bench/_common.py) with the demo jurisdiction; people from the
   seeded `CadreGenerator`, loaded with `people.bulk.load` (COPY).
2. Entries generated set-based inside PostgreSQL (INSERT … SELECT over generate_series with a fixed
   random seed): appraisals, information, allegations, yellow handling, sanctions with their
   influence ends, open cases / verifications / inquiries, commendations, unit-level clues, over
   the last six years; a few per cent are superseded or closed. Then ANALYZE.
3. Platform: `archive_scan()` — grades for everyone, restrictions counted, every warning rule —
   first run timed (stores every new warning, its audit event and its to-do, set-based).
4. DuckDB: the entries, kinds and people are exported to Parquet (not timed). Then `--rounds`
   rounds side by side: the platform's nightly run (steady state: all warnings already raised),
   its backtest (compute only), and the same rules as DuckDB SQL, each materialised into a table,
   in the same process; the ratio of each round, and the medians.
5. The incremental path: one entry written for a person with 200 entries, `on_entry_recorded` timed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402

AS_OF = date(2026, 11, 24)


def entries_sql(n_entries: int) -> str:
    """All entries in one INSERT … SELECT (kinds by weight, people at random, dates over 6 years)."""
    return f"""
    WITH k AS (SELECT code, id, colour FROM archive_entrykind),
    g AS (
        SELECT i, random() AS r, random() AS r2, random() AS r3, random() AS r4 FROM generate_series(1, {n_entries}) AS i
    ),
    picked AS (
        SELECT g.i, g.r2, g.r3, g.r4,
          CASE
            WHEN g.r < 0.45 THEN 'appraisal.competent' WHEN g.r < 0.55 THEN 'appraisal.excellent'
            WHEN g.r < 0.70 THEN 'info.training' WHEN g.r < 0.80 THEN 'info.post_change'
            WHEN g.r < 0.86 THEN 'info.talk' WHEN g.r < 0.90 THEN 'allegation.registered'
            WHEN g.r < 0.92 THEN 'handling.reminder_talk' WHEN g.r < 0.93 THEN 'handling.criticism'
            WHEN g.r < 0.94 THEN 'handling.admonishment' WHEN g.r < 0.945 THEN 'gov.warning'
            WHEN g.r < 0.95 THEN 'gov.demerit' WHEN g.r < 0.953 THEN 'party.warning'
            WHEN g.r < 0.958 THEN 'handling.inquiry' WHEN g.r < 0.961 THEN 'verification.opened'
            WHEN g.r < 0.963 THEN 'case.opened' WHEN g.r < 0.985 THEN 'commendation'
            WHEN g.r < 0.99 THEN 'unit.clue'
            ELSE 'appraisal.basically_competent' END AS code
        FROM g
    )
    INSERT INTO archive_archiveentry (
        person_id, unit_id, kind_id, colour, occurred_on, effective_on, influence_end, permanent,
        period_months, period_year, summary, source_app, source_type, source_id, source_reference, decided_by,
        decision_document, attachment, sensitivity, review, review_note, revokes, recorded_at, ended_at, ended_on)
    SELECT
        CASE WHEN p.code = 'unit.clue' THEN NULL ELSE c.id END, c.unit_id, k.id, k.colour,
        d.on_, d.on_,
        CASE WHEN p.code IN ('gov.warning', 'handling.admonishment') THEN (d.on_ + interval '6 months' - interval '1 day')::date
             WHEN p.code IN ('gov.demerit', 'party.warning') THEN (d.on_ + interval '12 months' - interval '1 day')::date
             WHEN p.code = 'appraisal.basically_competent' THEN make_date(extract(year FROM d.on_)::int + 1, 12, 31)
             ELSE NULL END,
        false, NULL, extract(year FROM d.on_)::int, '基准测试记录', 'bench', '', '', '', '县纪委', '', '',
        CASE WHEN p.code IN ('handling.inquiry', 'verification.opened', 'case.opened', 'allegation.registered')
             THEN 'sealed' ELSE 'normal' END,
        'not_needed', '', false, d.on_ + interval '10 hours',
        CASE WHEN (p.r4 < 0.02 OR (p.code IN ('handling.inquiry', 'verification.opened', 'case.opened') AND p.r4 < 0.8))
                  AND d.on_ < DATE '{AS_OF}' - 40 THEN d.on_ + interval '40 days' ELSE NULL END,
        CASE WHEN (p.r4 < 0.02 OR (p.code IN ('handling.inquiry', 'verification.opened', 'case.opened') AND p.r4 < 0.8))
                  AND d.on_ < DATE '{AS_OF}' - 40 THEN d.on_ + 40 ELSE NULL END
    FROM picked p
    JOIN k ON k.code = p.code
    JOIN people_cadre c ON c.id = (SELECT min(id) FROM people_cadre) + floor(p.r2 * (SELECT count(*) FROM people_cadre))::int
    CROSS JOIN LATERAL (SELECT (DATE '{AS_OF}' - floor(p.r3 * 2190)::int) AS on_) d
    """


def load_entries(n_entries: int, t: dict | None = None) -> None:
    """`entries_sql` into an entry table stripped of its secondary indexes, foreign keys and checks,
    which are rebuilt afterwards (each one in a single pass over the table, with the foreign keys
    validated set-based) — instead of maintaining ~14 indexes and three foreign-key triggers per
    row. Same statement, same seed, so the same rows as the row-by-row load."""
    from django.db import connection

    table = "archive_archiveentry"
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'c') ORDER BY conname",
            [table],
        )
        constraints = cur.fetchall()
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass) "
            "ORDER BY indexname",
            [table, table],
        )
        indexes = cur.fetchall()
        for name, _ in constraints:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        with _common.timed("  insert", t):
            cur.execute("SELECT setseed(0.4242)")
            cur.execute(entries_sql(n_entries))
        cur.execute("SET maintenance_work_mem = '1GB'")
        with _common.timed(f"  {len(indexes)} indexes", t):
            for _, definition in indexes:
                cur.execute(definition)
        with _common.timed(f"  {len(constraints)} constraints (validated)", t):
            for name, definition in constraints:
                cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cur.execute("RESET maintenance_work_mem")
        with _common.timed("  vacuum analyze", t):
            cur.execute(f"VACUUM (ANALYZE) {table}")
            cur.execute("ANALYZE")


def clone_database(pg_url: str, name: str) -> str:
    """A throwaway copy of a kept database (CREATE DATABASE … TEMPLATE: a file copy), dropped at
    exit, so that a first run (storing every warning) can be measured again on the same data."""
    import atexit
    import secrets

    copy = f"{name}_run_{secrets.token_hex(3)}"
    t = time.perf_counter()
    with _common._pg_admin(pg_url) as conn:
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    print(f"  cloned {name} → {copy} in {time.perf_counter() - t:.1f} s (dropped at exit)", flush=True)

    def drop():
        from django.db import connections

        connections.close_all()
        with _common._pg_admin(pg_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')

    atexit.register(drop)
    return copy


def rename_database(pg_url: str, old: str, new: str) -> str:
    """Give the kept database a stable name (dropping an older one of that name)."""
    from django.db import connections

    connections.close_all()
    with _common._pg_admin(pg_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{new}" WITH (FORCE)')
        conn.execute(f'ALTER DATABASE "{old}" RENAME TO "{new}"')
    return new


DUCK_RULES = """
-- counting entries as of the day (everything recorded by then, not ended/voided, reviewed)
CREATE OR REPLACE TEMP VIEW counting AS
SELECT e.* FROM e
WHERE e.effective_on <= DATE '{as_of}' AND e.recorded_at < TIMESTAMP '{known}'
  AND (e.voided_at IS NULL OR e.voided_at >= TIMESTAMP '{known}')
  AND (e.ended_at IS NULL OR e.ended_at >= TIMESTAMP '{known}')
  AND e.review IN ('not_needed', 'accepted');

CREATE OR REPLACE TABLE grades AS
WITH pts AS (
  SELECT ce.person_id, ce.id, ce.colour,
         (CASE ce.colour WHEN 'red' THEN 3 WHEN 'blue' THEN -2 WHEN 'yellow' THEN -8 WHEN 'black' THEN -30 ELSE 0 END)
         * (CASE WHEN ce.effective_on > DATE '{recent}' THEN 100 ELSE 50 END) / 100.0 AS points,
         ce.effective_on, k.code, k.name
  FROM counting ce JOIN k ON k.id = ce.kind_id
  WHERE ce.person_id IS NOT NULL AND k.graded AND NOT k.for_units AND ce.effective_on > DATE '{window}'
), agg AS (
  SELECT person_id, sum(points) AS total, count(*) FILTER (WHERE colour = 'red') AS red,
         count(*) FILTER (WHERE colour = 'blue') AS blue, count(*) FILTER (WHERE colour = 'yellow') AS yellow,
         count(*) FILTER (WHERE colour = 'black') AS black,
         list(struct_pack(entry := id, kind := code, name := name, colour := colour, on_ := effective_on, points := points)) AS basis
  FROM pts GROUP BY person_id
)
SELECT c.id AS person_id, greatest(0, least(100, 100 + coalesce(a.total, 0))) AS score,
       CASE WHEN greatest(0, least(100, 100 + coalesce(a.total, 0))) >= 95 THEN '好'
            WHEN greatest(0, least(100, 100 + coalesce(a.total, 0))) >= 85 THEN '较好'
            WHEN greatest(0, least(100, 100 + coalesce(a.total, 0))) >= 60 THEN '一般' ELSE '较差' END AS grade,
       a.red, a.blue, a.yellow, a.black, a.basis
FROM c LEFT JOIN agg a ON a.person_id = c.id;

CREATE OR REPLACE TABLE restricted AS
SELECT count(DISTINCT ce.person_id) AS n FROM counting ce JOIN k ON k.id = ce.kind_id JOIN c ON c.id = ce.person_id
WHERE c.status = 'serving' AND (k.effect = 'postpone'
   OR (k.effect = 'object' AND NOT k.for_units AND (ce.permanent OR ce.influence_end >= DATE '{as_of}')));

CREATE OR REPLACE TABLE w_pending AS
SELECT ce.id, ce.person_id FROM counting ce JOIN k ON k.id = ce.kind_id JOIN c ON c.id = ce.person_id
WHERE c.status = 'serving' AND k.code IN ('verification.opened', 'case.opened');

CREATE OR REPLACE TABLE w_yellow AS
SELECT * FROM (
  SELECT ce.id, ce.person_id, count(*) OVER (PARTITION BY ce.person_id) AS n
  FROM counting ce JOIN k ON k.id = ce.kind_id JOIN c ON c.id = ce.person_id
  WHERE c.status = 'serving' AND k.colour = 'yellow' AND NOT k.for_units AND ce.effective_on > DATE '{since12}'
) WHERE n >= 2;

CREATE OR REPLACE TABLE w_ending AS
SELECT ce.id, ce.person_id FROM counting ce JOIN k ON k.id = ce.kind_id JOIN c ON c.id = ce.person_id
WHERE c.status = 'serving' AND k.effect = 'object' AND NOT k.for_units AND NOT ce.permanent
  AND ce.influence_end BETWEEN DATE '{as_of}' AND DATE '{until}'
  AND NOT EXISTS (
    SELECT 1 FROM counting o JOIN k ko ON ko.id = o.kind_id
    WHERE o.person_id = ce.person_id AND o.id <> ce.id AND ko.effect IN ('object', 'postpone') AND NOT ko.for_units
      AND (o.permanent OR o.influence_end IS NULL OR o.influence_end > ce.influence_end)
      AND (o.influence_end IS NULL OR o.influence_end >= DATE '{as_of}'));

CREATE OR REPLACE TABLE w_reports AS
SELECT * FROM (
  SELECT ce.id, ce.person_id, count(*) OVER (PARTITION BY ce.person_id) AS n
  FROM counting ce JOIN k ON k.id = ce.kind_id JOIN c ON c.id = ce.person_id
  WHERE c.status = 'serving' AND k.code = 'allegation.registered' AND ce.effective_on > DATE '{since12}'
) WHERE n >= 3;

CREATE OR REPLACE TABLE w_inquiry AS
SELECT ce.id, ce.person_id FROM counting ce JOIN k ON k.id = ce.kind_id JOIN c ON c.id = ce.person_id
WHERE c.status = 'serving' AND k.code = 'handling.inquiry' AND ce.effective_on <= DATE '{inquiry_cutoff}';

CREATE OR REPLACE TABLE w_units AS
SELECT * FROM (
  SELECT ce.id, ce.unit_id, count(*) OVER (PARTITION BY ce.unit_id) AS n
  FROM counting ce JOIN k ON k.id = ce.kind_id
  WHERE k.colour IN ('yellow', 'black') AND ce.effective_on >= DATE '{quarter}'
) WHERE n >= 5;
"""


# Columns that may be empty in the first rows, so that CSV sniffing cannot guess them.
TYPES = {
    "e": {"person_id": "BIGINT", "voided_at": "TIMESTAMP", "ended_at": "TIMESTAMP", "recorded_at": "TIMESTAMP",
          "influence_end": "DATE", "effective_on": "DATE"},
}  # fmt: skip


def export_parquet(out: Path) -> None:
    """PostgreSQL → CSV (COPY) → Parquet (DuckDB). Not timed: only the rules are."""
    import duckdb
    from django.db import connection

    tables = {
        "e": "SELECT id, person_id, unit_id, kind_id, colour, effective_on, influence_end, permanent, review, "
        "voided_at AT TIME ZONE 'UTC' AS voided_at, ended_at AT TIME ZONE 'UTC' AS ended_at, "
        "recorded_at AT TIME ZONE 'UTC' AS recorded_at FROM archive_archiveentry",
        "k": "SELECT id, code, name, colour, graded, effect, for_units FROM archive_entrykind",
        "c": "SELECT id, unit_id, status FROM people_cadre",
    }
    with connection.cursor() as cur:
        raw = cur.cursor
        for name, sql in tables.items():
            csv = out / f"{name}.csv"
            with (
                csv.open("wb") as f,
                raw.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy,
            ):
                for chunk in copy:
                    f.write(chunk)
            types = TYPES.get(name, {})
            duckdb.sql(
                f"COPY (SELECT * FROM read_csv('{csv}', header = true, types = {types})) "
                f"TO '{out / name}.parquet' (FORMAT parquet)"
            )
            csv.unlink()


def duckdb_scan(out: Path, params: dict) -> tuple[float, dict]:
    import duckdb

    con = duckdb.connect()
    t = time.perf_counter()
    for name in ("e", "k", "c"):
        con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{out / name}.parquet')")
    for stmt in DUCK_RULES.format(**params).split(";\n"):
        if stmt.strip():
            con.execute(stmt)
    elapsed = time.perf_counter() - t
    counts = {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("grades", "w_pending", "w_yellow", "w_ending", "w_reports", "w_inquiry", "w_units")
    }
    counts["restricted"] = con.execute("SELECT n FROM restricted").fetchone()[0]
    return elapsed, counts


def incremental(n_runs: int = 9) -> list[float]:
    """One person with 200 entries: write one more entry, time the incremental grade + warnings."""
    from django.db import connection

    from qinglian.archive.models import ArchiveEntry
    from qinglian.archive.warnings import on_entry_recorded

    with connection.cursor() as cur:
        cur.execute(
            "SELECT person_id FROM archive_archiveentry WHERE person_id IS NOT NULL "
            "GROUP BY person_id ORDER BY count(*) DESC LIMIT 1"
        )
        pid = cur.fetchone()[0]
    template = ArchiveEntry.objects.filter(person_id=pid).first()
    timings = []
    from qinglian.archive.services import entry_record
    from qinglian.people.models import Cadre

    person = Cadre.objects.get(pk=pid)
    have = ArchiveEntry.objects.filter(person_id=pid).count()
    extra = [
        ArchiveEntry(person_id=pid, unit_id=template.unit_id, kind_id=template.kind_id, colour=template.colour,
                     occurred_on=template.effective_on, effective_on=template.effective_on, summary="补足",
                     recorded_at=template.recorded_at, period_year=template.period_year)
        for _ in range(max(0, 200 - have))
    ]  # fmt: skip
    ArchiveEntry.objects.bulk_create(extra)
    for i in range(n_runs):
        entry_record(actor=None, person=person, kind="allegation.registered", summary="基准测试",
                     occurred_on=AS_OF - timedelta(days=i), check_permission=False)  # fmt: skip
        t = time.perf_counter()
        on_entry_recorded(None, person_id=pid, unit_id=person.unit_id)
        timings.append(time.perf_counter() - t)
    return timings


def _phases(result) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in result.phases.items())


def run(args) -> dict:
    import time_machine

    if args.reuse and args.clone:
        args.reuse = clone_database(args.pg_url, args.reuse)
    info = _common.setup(
        "postgres", pg_url=args.pg_url, keep=args.keep or args.generate_only, reuse=args.reuse
    )
    from django.db import connection

    from qinglian.archive.grading import known_end, scheme
    from qinglian.archive.periods import add_months
    from qinglian.archive.scan import archive_scan
    from qinglian.archive.warnings import _inquiry_cutoff, quarter_start
    from qinglian.people import bulk

    t: dict[str, float] = {}
    print("load before:", " ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    with time_machine.travel("2026-11-24 01:30 +0800", tick=True):
        if args.reuse:
            from qinglian.archive.models import ArchiveEntry, Warning
            from qinglian.people.models import Cadre

            args.people, args.entries = Cadre.objects.count(), ArchiveEntry.objects.count()
            print(f"  reusing {args.reuse}: {args.people:,} people, {args.entries:,} entries, "
                  f"{Warning.objects.count():,} warnings already stored", flush=True)  # fmt: skip
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
        else:
            units = _common.build_units(max(3, args.people // 10_000))
            with _common.timed("generate + load people", t):
                gen = _common.generate(units, args.people, relatives_per_cadre=0)
                bulk.load(cadres=gen.cadres, tokens=gen.tokens, posts=gen.posts, relatives=[])
            with _common.timed(f"generate {args.entries:,} entries in SQL", t):
                load_entries(args.entries, t)
            if args.generate_only:
                name = info["pg_database"]
                if args.name:
                    name = rename_database(args.pg_url, name, args.name)
                print(f"generated; scan it with --reuse {name}", flush=True)
                return {"pg_database": name, "timings": t}
        if args.compute_only:
            from qinglian.archive.grading import grades_refresh_all

            with _common.timed("grades, first write (not counted)", t):
                grades_refresh_all(AS_OF)
            first = None
        else:
            with _common.timed("platform scan, first run (stores warnings + to-dos)", t):
                first = archive_scan()
            print(f"    phases {_phases(first)}; {first.new_warnings:,} new warnings", flush=True)
        out = Path(tempfile.mkdtemp(prefix="qinglian-duck-"))
        with _common.timed("export to Parquet (not counted)", t):
            export_parquet(out)
        s = scheme(AS_OF)
        params = {
            "as_of": AS_OF, "recent": s.recent_start(AS_OF), "window": s.window_start(AS_OF),
            "since12": add_months(AS_OF, -12), "until": AS_OF + timedelta(days=30),
            "inquiry_cutoff": _inquiry_cutoff(AS_OF, 15), "quarter": quarter_start(AS_OF),
            "known": known_end(AS_OF).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        }  # fmt: skip
        # Side by side, alternating, so that both sides see the same load: nightly, backtest, DuckDB.
        rounds = []
        for i in range(args.rounds):
            r = {"load": os.getloadavg()[0]}
            if not args.compute_only:
                with _common.timed(f"[{i + 1}] platform nightly scan (steady state)", t):
                    steady = archive_scan()
                r["nightly"], r["nightly_phases"] = steady.seconds, steady.phases
                print(f"    phases {_phases(steady)}", flush=True)
            with _common.timed(f"[{i + 1}] platform backtest (compute only)", t):
                bt = archive_scan(backtest=True)
            r["backtest"], r["backtest_phases"] = bt.seconds, bt.phases
            print(f"    phases {_phases(bt)}", flush=True)
            duck_s, duck_counts = duckdb_scan(out, params)
            r["duckdb"] = duck_s
            print(f"  [{i + 1}] duckdb rules over Parquet ... {duck_s:.2f} s", flush=True)
            if "nightly" in r:
                r["ratio_nightly"] = r["nightly"] / duck_s
            r["ratio_backtest"] = r["backtest"] / duck_s
            print(f"  [{i + 1}] ratios: " + ", ".join(f"{k} {v:.2f}" for k, v in r.items() if k.startswith("ratio")),
                  flush=True)  # fmt: skip
            rounds.append(r)
            steady = steady if not args.compute_only else bt
        timings = incremental()
    print("load after:", " ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    med = lambda key: statistics.median(r[key] for r in rounds) if key in rounds[0] else None  # noqa: E731
    result = {
        "people": args.people,
        "entries": args.entries,
        "platform_first_s": t.get("platform scan, first run (stores warnings + to-dos)"),
        "platform_first_phases": first.phases if first else None,
        "platform_nightly_s": med("nightly"),
        "platform_backtest_s": med("backtest"),
        "duckdb_s": med("duckdb"),
        "ratio_nightly_median": med("ratio_nightly"),
        "ratio_backtest_median": med("ratio_backtest"),
        "rounds": rounds,
        "platform_raised": len(steady.warnings),
        "platform_by_rule": steady.by_rule,
        "platform_new_first_run": first.new_warnings if first else None,
        "platform_restricted": steady.restricted_people,
        "duckdb_counts": duck_counts,
        "incremental_ms_median": statistics.median(timings) * 1000,
        "incremental_ms_max": max(timings) * 1000,
        "timings": t,
        "machine": _common.machine(),
        "pg": _common.pg_version(args.pg_url),
        "info": info,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return result


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--people", type=int, default=500_000)
    p.add_argument("--entries", type=int, default=10_000_000)
    p.add_argument("--small", action="store_true", help="20,000 people / 400,000 entries")
    p.add_argument("--generate-only", action="store_true", help="build the data, keep the database, stop")
    p.add_argument("--name", metavar="DBNAME", help="with --generate-only: rename the kept database to this")
    p.add_argument("--reuse", metavar="DBNAME", help="scan a database kept by --generate-only (not dropped)")
    p.add_argument("--clone", action="store_true",
                   help="with --reuse: run on a throwaway copy (the kept database stays as generated, so the "
                        "first run stores every warning again)")  # fmt: skip
    p.add_argument("--rounds", type=int, default=3, help="side-by-side rounds (nightly, backtest, DuckDB)")
    p.add_argument("--compute-only", action="store_true",
                   help="no first run storing warnings and no nightly run: the backtest (compute only) against "
                        "DuckDB")  # fmt: skip
    _common.add_db_arguments(p)
    args = p.parse_args(argv)
    if args.small:
        args.people, args.entries = 20_000, 400_000
    os.environ.setdefault("QINGLIAN_LOG_LEVEL", "WARNING")
    run(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
