"""Benchmark: reading personal-matters reports at province scale.

    .venv/bin/python bench/declarations_read.py            # 500,000 cadres, 10,000 reports (PostgreSQL)
    .venv/bin/python bench/declarations_read.py --small    # 20,000 cadres, 2,000 reports
    .venv/bin/python bench/declarations_read.py --db sqlite

What the spot checks need from this app before they compare (issue 7 bar: comparing 10,000
declarations with their returns and classifying every difference in under 30 seconds — the
comparison is the spotchecks app's; this measures the share of it spent here): `reporters(on)`
over the whole registry, `latest_submitted_many` + `declared_items` for 10,000 reporters, and the
reporters page's first page (status per reporter, with the count) for a province-wide viewer.

Steps: a throwaway database (bench/_common.py) with the demo jurisdiction and seeded fictional
cadres; 10,000 of the reporters get a submitted annual report of about 9 rows, a tenth of them a
change report on top (version 2), written in bulk (not timed).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--cadres", type=int, default=500_000)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--small", action="store_true", help="20,000 cadres, 2,000 reports")
    parser.add_argument(
        "--compare", action="store_true", help="interleave the NOT EXISTS query with max-version"
    )
    _common.add_db_arguments(parser)
    args = parser.parse_args(argv)
    n, reports = (20_000, 2_000) if args.small else (args.cadres, args.reports)
    print(f"declarations_read: {n:,} cadres, {reports:,} reports on {args.db} — {_common.machine()}")
    _common.setup(args.db, pg_url=args.pg_url, keep=args.keep)

    from django.db import connection
    from django.db.models import Q
    from django.utils import timezone

    from qinglian.declarations.models import Declaration, Item
    from qinglian.declarations.selectors import (
        declared_items,
        latest_submitted_many,
        reporter_status_list,
        reporters,
    )
    from qinglian.people import bulk

    with _common.timed("units"):
        units = _common.build_units(max(1, n // 20_000))
    with _common.timed("generate (not part of the figures)"):
        gen = _common.generate(units, n, relatives_per_cadre=0)
    with _common.timed("bulk.load"):
        bulk.load(cadres=gen.cadres, tokens=gen.tokens, posts=gen.posts, relatives=[])
    today = timezone.localdate()

    t = time.perf_counter()
    ids = list(reporters(today).values_list("pk", flat=True))
    reporters_s = time.perf_counter() - t
    print(f"  reporters(on): {len(ids):,} of {n:,} cadres in {reporters_s:.2f} s")
    rng = random.Random(20261126)
    chosen = sorted(rng.sample(ids, min(reports, len(ids))))
    now = timezone.now()
    with _common.timed("write reports (not part of the figures)"):
        decls = [Declaration(cadre_id=c, kind="annual", year=today.year - 1, status="submitted", version=1,
                             created_at=now, updated_at=now, submitted_at=now) for c in chosen]  # fmt: skip
        Declaration.objects.bulk_create(decls, batch_size=2000)
        changes = [Declaration(cadre_id=d.cadre_id, kind="change", year=today.year, status="submitted", version=2,
                               previous_id=d.pk, reason="基准", created_at=now, updated_at=now, submitted_at=now)
                   for d in decls[::10]]  # fmt: skip
        Declaration.objects.bulk_create(changes, batch_size=2000)
        items = []
        for d in decls + changes:
            rows = [
                ("marriage", {"status": "married", "spouse_name": "配偶", "changed_on": ""}),
                ("salary", {"source": "本单位", "amount": "180000.00"}),
                ("real_estate", {"owner": "self", "address": f"某市某区某路{d.cadre_id}号", "use": "residential",
                                 "area": "98.50", "share": "100", "acquired_on": "2015-06-01"}),
                ("real_estate", {"owner": "self", "address": f"某市某区某路{d.cadre_id}号车位", "use": "parking",
                                 "area": "12.00", "share": "100", "acquired_on": "2016-06-01"}),
                ("securities", {"owner": "self", "security_type": "fund", "account": f"F{d.cadre_id:010d}",
                                "amount": "50000.00"}),
                ("securities", {"owner": "spouse", "security_type": "stock", "account": f"A{d.cadre_id:010d}",
                                "amount": "120000.00"}),
                ("passport", {"number": f"E{d.cadre_id % 10**8:08d}", "issued_on": "2019-01-01",
                              "expires_on": "2029-01-01", "custody": "组织部", "trips": 0}),
                ("family_jobs", {"relation": "spouse", "name": "配偶", "employer": "某医院", "credit_code": "",
                                 "job": "医生"}),
                ("family_jobs", {"relation": "child", "name": "子女", "employer": "某公司", "credit_code": "",
                                 "job": "职员"}),
            ]  # fmt: skip
            items += [Item(declaration=d, kind=k, position=i, data=v) for i, (k, v) in enumerate(rows, 1)]
        Item.objects.bulk_create(items, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    if args.compare:
        _compare(chosen, latest_submitted_many)
    t = time.perf_counter()
    latest = latest_submitted_many(chosen)
    fetch_s = time.perf_counter() - t
    declared = [declared_items(v) for v in latest.values()]
    read_s = time.perf_counter() - t
    print(f"  (queries and loading {fetch_s:.2f} s, DeclaredItem building {read_s - fetch_s:.2f} s)")
    rows_read = sum(len(x) for x in declared)
    assert len(latest) == len(chosen)
    print(
        f"  latest_submitted_many + declared_items: {len(latest):,} reports, {rows_read:,} rows in {read_s:.2f} s"
    )

    t = time.perf_counter()
    qs = reporter_status_list(units_q=Q(unit__path__startswith=""), year=today.year - 1, on=today)
    first_page = list(qs[:25])
    count = qs.order_by().count()
    page_s = time.perf_counter() - t
    print(f"  reporters page, province-wide viewer: first 25 of {count:,} with statuses in {page_s:.2f} s")
    assert first_page

    print()
    print(_common.table([
        ["reporters(on) over the registry", f"{n:,} cadres", f"{reporters_s:.2f}", f"{len(ids):,} reporters"],
        ["latest version + items for the spot checks", f"{len(latest):,} reports", f"{read_s:.2f}",
         f"{read_s / max(len(latest), 1) * 10_000:.2f} s per 10,000 (share of the 30 s bar)"],
        ["reporters page (first page + count)", f"{count:,} reporters", f"{page_s:.2f}", "—"],
    ], ["step", "size", "seconds", "note"]))  # fmt: skip
    return 0


def _compare(chosen, latest_submitted_many, rounds: int = 3) -> None:
    """The latest versions by NOT EXISTS (what latest_submitted_many does) against max(version) per
    cadre then a filter in Python (the first way), interleaved so that load changes hit both."""
    from django.db.models import Max

    from qinglian.declarations.models import Declaration

    def by_max():
        submitted = Declaration.objects.filter(cadre_id__in=chosen, status="submitted")
        latest = dict(
            submitted.values_list("cadre_id").annotate(v=Max("version")).values_list("cadre_id", "v")
        )
        return {d.cadre_id: d for d in submitted.filter(version__in=set(latest.values())).prefetch_related("items")
                if latest.get(d.cadre_id) == d.version}  # fmt: skip

    totals = {"not_exists": 0.0, "max_version": 0.0}
    for _ in range(rounds):
        for name, fn in (("not_exists", lambda: latest_submitted_many(chosen)), ("max_version", by_max)):
            t = time.perf_counter()
            assert len(fn()) == len(chosen)
            totals[name] += time.perf_counter() - t
    print(f"  compare (sum of {rounds} rounds): " + ", ".join(f"{k} {v:.2f} s" for k, v in totals.items()))


if __name__ == "__main__":
    raise SystemExit(main())
