"""Benchmark: the appointment records (选拔任用全程纪实, issue 7 item 3) at province scale.

    python bench/appointments_list.py                 # 50,000 cases, PostgreSQL, 100 requests per scenario
    python bench/appointments_list.py --small         # 5,000 cases, 30 requests per scenario
    python bench/appointments_list.py --db sqlite

Issue 7 sets no bar for the appointment pages; the bar used here is the cadre list's (issue 3):
p95 < 150 ms per page, with the same number of queries for every request of a scenario. It also
times the daily reverse-accountability scan (`reverse_scan`) over every appointed candidate, with
1% of them sanctioned afterwards for conduct before the promotion (no bar; reported).

Steps, in one process: build the demo jurisdiction, generate and bulk-load cadres, bulk-insert cases
with their seven stages and two candidates (set-based `bulk_create`: data set-up, not the workflow,
which the tests drive through the services), VACUUM ANALYZE, create a user with `org_supervision`
at the root, request /appointments/ and /api/v1/appointments/ for each scenario, then run the scan.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402

BAR_MS = 150


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    p.add_argument("--cases", type=int, default=50_000, help="appointment cases (default: %(default)s)")
    p.add_argument("--requests", type=int, default=100, help="timed requests per scenario (default: 100)")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    p.add_argument("--small", action="store_true", help="5,000 cases, 30 requests per scenario")
    p.add_argument("--seed", type=int, default=20261127)
    p.add_argument(
        "--explain", action="store_true", help="print each query's time of one request per scenario"
    )
    _common.add_db_arguments(p)
    args = p.parse_args(argv)
    if args.small:
        args.cases, args.requests = 5_000, 30
    return args


def load(args, t: dict, user, units) -> int:
    from django.db import connection
    from django.utils import timezone

    from qinglian.appointments.models import STAGE_ORDER, AppointmentCase, Candidate, Stage
    from qinglian.archive.models import ArchiveEntry, EntryKind
    from qinglian.archive.services import kinds_sync
    from qinglian.people import bulk
    from qinglian.people.models import Cadre

    rng = random.Random(args.seed)
    n_cadres = args.cases * 2
    with _common.timed(f"generate and load {n_cadres:,} cadres", t):
        gen = _common.generate(units, n_cadres, relatives_per_cadre=0, seed=args.seed)
        bulk.load(cadres=gen.cadres, tokens=gen.tokens, posts=gen.posts, relatives=[])
    now = timezone.now()
    today = timezone.localdate()
    with _common.timed(f"bulk-insert {args.cases:,} cases, {args.cases * 7:,} stages, candidates", t):
        rows = list(Cadre.objects.order_by("id").values_list("id", "unit_id")[:n_cadres])
        rng.shuffle(rows)
        cases = [
            AppointmentCase(
                unit_id=rows[2 * i][1],
                post_title="副局长",
                post_level="deputy_section",
                reason="职位空缺",
                status=rng.choice(["done"] * 6 + ["open"] * 3 + ["cancelled"]),
                created_by=user,
                created_at=now - timedelta(minutes=i),
            )  # fmt: skip
            for i in range(args.cases)
        ]
        AppointmentCase.objects.bulk_create(cases, batch_size=5000)
        ids = list(AppointmentCase.objects.order_by("id").values_list("id", "status"))
        stages, candidates, decided = [], [], {}
        for n, (cid, status) in enumerate(ids):
            start = today - timedelta(days=rng.randint(30, 1500))
            closed_upto = 7 if status == "done" else rng.randint(0, 6)
            for pos, kind in enumerate(STAGE_ORDER, 1):
                closed = pos <= closed_upto
                stages.append(Stage(case_id=cid, kind=kind, position=pos, status="closed" if closed else "open",
                                    held_on=start + timedelta(days=pos * 5) if closed else None,
                                    decided_by="县委常委会" if closed else "", closed_at=now if closed else None))  # fmt: skip
            appointed = closed_upto >= 4
            candidates.append(Candidate(case_id=cid, cadre_id=rows[2 * n][0], added_by=user, added_at=now,
                                        status="appointed" if appointed else "active"))  # fmt: skip
            candidates.append(Candidate(case_id=cid, cadre_id=rows[2 * n + 1][0], added_by=user, added_at=now,
                                        status="not_selected" if appointed else "active"))  # fmt: skip
            if appointed:
                decided[rows[2 * n][0]] = start + timedelta(days=20)
        Stage.objects.bulk_create(stages, batch_size=10000)
        Candidate.objects.bulk_create(candidates, batch_size=10000)
    kinds_sync()
    demerit = EntryKind.objects.get(code="gov.demerit")
    unit_of = dict(rows)
    sanctioned = rng.sample(sorted(decided), max(1, len(decided) // 100))
    with _common.timed(f"bulk-insert {len(sanctioned):,} sanctions for conduct before the promotion", t):
        ArchiveEntry.objects.bulk_create([
            ArchiveEntry(person_id=p, unit_id=unit_of[p], kind=demerit, colour="black", occurred_on=decided[p] - timedelta(days=90),
                         effective_on=today - timedelta(days=3), influence_end=today + timedelta(days=360),
                         summary="任前违规收受礼金", decided_by="县监委", decision_document="监处〔2026〕1号",
                         recorded_at=now)
            for p in sanctioned
        ], batch_size=5000)  # fmt: skip
    with _common.timed("VACUUM ANALYZE", t), connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return len(sanctioned)


def main(argv=None) -> int:
    args = parse_args(argv)
    print("machine:", _common.machine())
    _common.setup(args.db, pg_url=args.pg_url, keep=args.keep)
    from django.db import connection
    from django.test import Client

    from qinglian.accounts.services import role_assign, user_create
    from qinglian.appointments.models import ReverseCheck
    from qinglian.appointments.reverse import reverse_scan
    from qinglian.people.models import Unit

    if connection.vendor == "postgresql":
        print("PostgreSQL", _common.pg_version(args.pg_url))
    print(f"\n== appointments_list on {args.db}: {args.cases:,} cases ==")
    t: dict = {}
    n_cadres = args.cases * 2
    with _common.timed("build jurisdiction", t):
        units = _common.build_units(max(1, n_cadres // 10_000))
    root = Unit.objects.get(parent__isnull=True)
    user = user_create(
        actor=None, username="bench_org", display_name="基准测试组织部", unit=root, password=None
    )
    role_assign(actor=None, user=user, role="org_supervision", anchor=root, reason="基准测试")
    sanctioned = load(args, t, user, units)
    client = Client()
    client.force_login(user)
    scenarios = [
        ("list, first page", "/appointments/", [{}]),
        ("list, page 100", "/appointments/", [{"page": 100}]),
        ("filter open", "/appointments/", [{"status": "open"}]),
        ("API list", "/api/v1/appointments/", [{}]),
    ]
    pages = [(name, client, [f"{path}?{urlencode(q)}" for q in queries]) for name, path, queries in scenarios]
    rows, failures = _common.time_pages(pages, requests=args.requests, warmup=args.warmup, bar_ms=BAR_MS,
                                        explain=args.explain)  # fmt: skip
    start = time.perf_counter()
    flagged = reverse_scan()
    scan_s = time.perf_counter() - start
    print(
        f"  reverse_scan: {flagged:,} flags for {sanctioned:,} sanctioned appointees in {scan_s:.1f} s",
        flush=True,
    )
    assert ReverseCheck.objects.count() == flagged == sanctioned, "every sanctioned appointee is flagged once"
    print(f"\nreverse_scan: {flagged:,} flags in {scan_s:.1f} s (no bar)")
    return _common.pages_verdict(rows, failures, BAR_MS)


if __name__ == "__main__":
    sys.exit(main())
