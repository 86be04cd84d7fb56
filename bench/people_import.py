"""Benchmark: importing a cadre Excel file into PostgreSQL, against openpyxl just reading the same
file in read-only mode (issue 3, "Performance", second bar).

    python bench/people_import.py           # 50,000 rows, PostgreSQL
    python bench/people_import.py --small   # 2,000 rows, a quick check
    python bench/people_import.py --db sqlite --rows 20000 --profile

Steps, in one process:
1. build the demo jurisdiction and generate `--rows` fictional cadres (IDs under the demo region);
   write them as an .xlsx with the import template's headers (qinglian.people.imports.CADRE_COLUMNS)
   — not timed;
2. baseline: `openpyxl.load_workbook(read_only=True)` and iterate every row's values;
3. import: `qinglian.people.imports.import_cadres(actor=None, ...)` into the empty cadre table;
4. re-import of the same file (every row unchanged).

The bar: import time <= 3 x baseline.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    p.add_argument("--rows", type=int, default=50_000, help="rows in the file (default: %(default)s)")
    p.add_argument("--db", choices=["sqlite", "postgres"], default="postgres", help="default: %(default)s")
    p.add_argument("--small", action="store_true", help="quick check: 2,000 rows")
    p.add_argument(
        "--repeat", type=int, default=3, help="openpyxl baseline runs; the best is kept (default: 3)"
    )
    p.add_argument("--profile", action="store_true", help="print a cProfile summary of the first import")
    p.add_argument("--save", metavar="PATH", help="also write the generated .xlsx there")
    _common.add_db_arguments(p)
    args = p.parse_args(argv)
    if args.small:
        args.rows = 2_000
    return args


def build_file(n: int) -> bytes:
    """A valid import file of n generated cadres, every column of the template filled as a person would."""
    from openpyxl import Workbook

    from qinglian.people import bulk
    from qinglian.people import models as m
    from qinglian.people.imports import CADRE_COLUMNS

    units = _common.build_units(max(3, n // 10_000))
    codes = dict(m.Unit.objects.values_list("id", "code"))
    gen = _common.generate(units, n, relatives_per_cadre=0)
    post_start = {}
    for _id, cadre_id, _unit, _title, _level, start, _end, _note in gen.posts:
        post_start[cadre_id] = start  # the cadre's current post is the last one generated
    labels = {
        f: {v: lbl for v, lbl in choices.choices}
        for f, choices in (
            ("post_level", m.PostLevel), ("rank", m.Rank), ("gender", m.Gender), ("education", m.Education),
            ("managing_body", m.ManagingBody), ("employment_type", m.EmploymentType), ("status", m.CadreStatus),
        )
    }  # fmt: skip
    yes_no = lambda b: "是" if b else "否"  # noqa: E731
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    # A normal (not write-only) workbook, like Excel or WPS save: with its <dimension> element,
    # which openpyxl's write-only mode leaves out (read_table would then scan the sheet twice).
    wb = Workbook()
    ws = wb.active
    ws.title = "干部"
    ws.append([f"{c.header}*" if c.required else c.header for c in CADRE_COLUMNS])
    for row, number in zip(gen.cadres, gen.id_numbers, strict=True):
        c = dict(zip(bulk.CADRE_LOAD_FIELDS, row, strict=True))
        values = {
            "name": c["name"], "id_number": number, "unit": codes[c["unit"]], "post_title": c["post_title"],
            "post_level": labels["post_level"][c["post_level"]], "rank": labels["rank"][c["rank"]],
            "gender": labels["gender"][c["gender"]], "birth_date": iso(c["birth_date"]),
            "ethnicity": c["ethnicity"], "party_member": yes_no(c["party_member"]),
            "party_join_date": iso(c["party_join_date"]), "education": labels["education"][c["education"]],
            **{f: yes_no(c[f]) for f in ("is_leadership_member", "is_top_leader", "is_key_post",
                                          "is_law_enforcement", "is_judicial", "is_dual_role")},
            "managing_body": labels["managing_body"][c["managing_body"]],
            "employment_type": labels["employment_type"][c["employment_type"]],
            "status": labels["status"][c["status"]], "status_date": iso(c["status_date"]),
            "post_start_date": iso(post_start[c["id"]]), "phone": c["phone"],
        }  # fmt: skip
        ws.append([values[col.field] or None for col in CADRE_COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def openpyxl_read(data: bytes) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    n = 0
    for row in wb.worksheets[0].iter_rows(values_only=True):
        n += 1 if row else 0
    wb.close()
    return n


def main(argv=None) -> int:
    args = parse_args(argv)
    print("machine:", _common.machine())
    _common.setup(args.db, pg_url=args.pg_url, keep=args.keep)
    from django.db import connection

    from qinglian.people.imports import import_cadres
    from qinglian.people.models import Cadre

    if connection.vendor == "postgresql":
        print("PostgreSQL", _common.pg_version(args.pg_url))
    print(f"\n== people_import on {args.db}: {args.rows:,} rows ==")
    t = {}
    with _common.timed("generate the .xlsx (not timed)", t):
        data = build_file(args.rows)
    if args.save:
        Path(args.save).write_bytes(data)
    print(f"  file: {len(data) / 1024 / 1024:.1f} MB")
    assert Cadre.objects.count() == 0
    runs = []
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        seen = openpyxl_read(data)
        runs.append(time.perf_counter() - start)
    read_s = min(runs)
    print(
        f"  openpyxl read-only, all rows' values: {read_s:.2f} s (best of {len(runs)}; {seen - 1:,} data rows)"
    )

    profiler = cProfile.Profile() if args.profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    first = import_cadres(actor=None, data=data, filename="bench.xlsx")
    if profiler:
        profiler.disable()
    import_s = time.perf_counter() - start
    assert first.ok, first.errors[:5]
    assert first.created == args.rows == Cadre.objects.count(), (first.created, args.rows)
    print(f"  import_cadres, empty table: {import_s:.2f} s ({first.created:,} created)")

    start = time.perf_counter()
    again = import_cadres(actor=None, data=data, filename="bench.xlsx")
    reimport_s = time.perf_counter() - start
    assert again.ok and again.unchanged == args.rows and again.created == again.updated == 0, again
    print(f"  re-import, all unchanged: {reimport_s:.2f} s")

    ratio, ratio2 = import_s / read_s, reimport_s / read_s
    print()
    print(
        _common.table(
            [
                ["openpyxl load_workbook(read_only=True) + iterate values", f"{read_s:.2f}", "1.00"],
                ["import_cadres into an empty table", f"{import_s:.2f}", f"{ratio:.2f}"],
                ["re-import of the same file (all unchanged)", f"{reimport_s:.2f}", f"{ratio2:.2f}"],
            ],
            [f"{args.db}, {args.rows:,} rows", "seconds", "x openpyxl read"],
        )
    )
    print(
        f"\n  verdict: import = {ratio:.2f} x openpyxl read (bar: <= 3.00) -> {'PASS' if ratio <= 3 else 'FAIL'}"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
