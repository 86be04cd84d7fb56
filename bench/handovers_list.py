"""Benchmark: the departure database (离任信息数据库, issue 7 item 5) at province scale.

    python bench/handovers_list.py                 # 50,000 cases, PostgreSQL, 100 requests per scenario
    python bench/handovers_list.py --small         # 5,000 cases, 30 requests per scenario
    python bench/handovers_list.py --db sqlite

Issue 7 sets no bar for the handover pages; the bar used here is the cadre list's (issue 3):
p95 < 150 ms per page, with the same number of queries for every request of a scenario.

Steps, in one process: build the demo jurisdiction, generate and bulk-load cadres (the departing
leaders and successors), then bulk-insert handover cases with their six items, three parts, a
departure audit for most and findings for some (set-based `bulk_create`: this is data set-up, not
the workflow, which the tests drive through the services), VACUUM ANALYZE, create a user with
`org_supervision` at the root, and request /handovers/ and /api/v1/handovers/ for each scenario
(warm-up, then timed requests inside CaptureQueriesContext).
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402

BAR_MS = 150


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    p.add_argument("--cases", type=int, default=50_000, help="handover cases (default: %(default)s)")
    p.add_argument("--requests", type=int, default=100, help="timed requests per scenario (default: 100)")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    p.add_argument("--small", action="store_true", help="5,000 cases, 30 requests per scenario")
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument(
        "--explain", action="store_true", help="print each query's time of one request per scenario"
    )
    _common.add_db_arguments(p)
    args = p.parse_args(argv)
    if args.small:
        args.cases, args.requests = 5_000, 30
    return args


def load(args, t: dict) -> list[str]:
    from django.db import connection
    from django.utils import timezone

    from qinglian.handovers.defaults import DEFAULT_DUTIES
    from qinglian.handovers.models import (
        AuditFinding,
        DepartureAudit,
        HandoverCase,
        HandoverItem,
        HandoverPart,
    )
    from qinglian.handovers.services import checklist_current
    from qinglian.people import bulk
    from qinglian.people.models import Cadre

    rng = random.Random(args.seed)
    n_cadres = args.cases * 2
    with _common.timed("build jurisdiction", t):
        units = _common.build_units(max(1, n_cadres // 10_000))
    with _common.timed(f"generate and load {n_cadres:,} cadres", t):
        gen = _common.generate(units, n_cadres, relatives_per_cadre=0, seed=args.seed)
        bulk.load(cadres=gen.cadres, tokens=gen.tokens, posts=gen.posts, relatives=[])
    checklist = checklist_current()
    now = timezone.now()
    today = timezone.localdate()
    with _common.timed(f"bulk-insert {args.cases:,} cases with items, parts, audits, findings", t):
        rows = list(
            Cadre.objects.order_by("id").values_list("id", "name", "unit_id", "unit__name")[:n_cadres]
        )
        rng.shuffle(rows)
        cases = []
        for i in range(args.cases):
            cid, name, unit_id, unit_name = rows[2 * i]
            sid, sname, _, _ = rows[2 * i + 1]
            departed = today - timedelta(days=rng.randint(1, 3650))
            status = rng.choice(["closed"] * 7 + ["signed"] * 2 + ["open"])
            number = f"LR{departed.year}-{i + 1:06d}"
            cases.append(HandoverCase(
                number=number, departing_id=cid, departing_name=name, departing_post="局长", unit_id=unit_id,
                successor_id=sid, successor_name=sname, reason=rng.choice(["transfer", "promotion", "retirement"]),
                departed_on=departed, due_on=departed + timedelta(days=30), checklist=checklist, status=status,
                status_changed_at=now, created_at=now, search_text=f"{number} {name} 局长 {sname} {unit_name}".lower()[:500],
                signer_name=sname if status != "open" else "", signed_on=departed + timedelta(days=10)
                if status != "open" else None,
            ))  # fmt: skip
        HandoverCase.objects.bulk_create(cases, batch_size=2000)
        ids = list(HandoverCase.objects.order_by("id").values_list("id", "status", "unit_id"))
        items, parts, audits, findings = [], [], [], []
        for cid, status, unit_id in ids:
            for n, it in enumerate(checklist.items, 1):
                done = status != "open" or n < 4
                items.append(HandoverItem(case_id=cid, position=n, title=it["title"], status="done" if done else "open",
                                          handed_over="已移交" if done else ""))  # fmt: skip
            for body, duty in DEFAULT_DUTIES.items():
                parts.append(HandoverPart(case_id=cid, body=body, unit_id=unit_id, person="经办人", duty=duty,
                                          due_on=date(2026, 1, 1)))  # fmt: skip
            if rng.random() < 0.85:
                audits.append(DepartureAudit(case_id=cid, auditor_unit_id=unit_id, started_on=date(2025, 1, 1),
                                             recorded_at=now, status="reported", reported_on=date(2025, 3, 1),
                                             report_number="审〔2025〕1号", conclusion="规范"))  # fmt: skip
                for _ in range(rng.choice([0, 0, 0, 1, 2])):
                    findings.append(AuditFinding(case_id=cid, subject="unit", category="finance", description="问题",
                                                 status=rng.choice(["confirmed", "dismissed"]), recorded_at=now))  # fmt: skip
        for model, objs in ((HandoverItem, items), (HandoverPart, parts), (DepartureAudit, audits),
                            (AuditFinding, findings)):  # fmt: skip
            model.objects.bulk_create(objs, batch_size=5000)
    print(f"  {len(items):,} items, {len(parts):,} parts, {len(audits):,} audits, {len(findings):,} findings")
    with _common.timed("VACUUM ANALYZE", t), connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    sample = [rows[2 * i][1] for i in rng.sample(range(args.cases), 50)]
    return sample


def main(argv=None) -> int:
    args = parse_args(argv)
    print("machine:", _common.machine())
    _common.setup(args.db, pg_url=args.pg_url, keep=args.keep)
    from django.db import connection
    from django.test import Client

    from qinglian.accounts.services import role_assign, user_create
    from qinglian.people.models import Unit

    if connection.vendor == "postgresql":
        print("PostgreSQL", _common.pg_version(args.pg_url))
    print(f"\n== handovers_list on {args.db}: {args.cases:,} cases ==")
    t: dict = {}
    names = load(args, t)
    root = Unit.objects.get(parent__isnull=True)
    user = user_create(
        actor=None, username="bench_org", display_name="基准测试组织部", unit=root, password=None
    )
    role_assign(actor=None, user=user, role="org_supervision", anchor=root, reason="基准测试")
    client = Client()
    client.force_login(user)
    year = date.today().year - 3
    scenarios = [
        ("list, first page", "/handovers/", [{}]),
        ("list, page 100", "/handovers/", [{"page": 100}]),
        ("search by name", "/handovers/", [{"q": n} for n in names]),
        ("search name + unit word", "/handovers/", [{"q": f"{n} 局"} for n in names]),
        ("filter year + status", "/handovers/", [{"year": year, "status": "closed"}]),
        ("filter with findings", "/handovers/", [{"findings": "confirmed"}]),
        ("API list", "/api/v1/handovers/", [{}]),
        ("API search by name", "/api/v1/handovers/", [{"q": n} for n in names]),
    ]
    pages = [(name, client, [f"{path}?{urlencode(q)}" for q in queries]) for name, path, queries in scenarios]
    rows, failures = _common.time_pages(pages, requests=args.requests, warmup=args.warmup, bar_ms=BAR_MS,
                                        explain=args.explain, explain_tables="handovers_")  # fmt: skip
    return _common.pages_verdict(rows, failures, BAR_MS)


if __name__ == "__main__":
    sys.exit(main())
