"""Benchmark: the task-force pages (issue 9) with a year of monthly reports over the generated network.

    python bench/taskforce_pages.py            # 10 counties x 20 townships x 20 villages, PostgreSQL
    python bench/taskforce_pages.py --small    # 2 counties, fewer rows
    python bench/taskforce_pages.py --db sqlite

Bar (issue 9): the task-force pages under 150 ms at the 95th percentile on PostgreSQL with a year of
data for a generated network of 10 counties x 20 townships x 20 villages (4,000 stations); the same
number of queries for every request of a scenario.

Set-up: the network of bench/grassroots_pages.py (units, 4,000 stations, a year of integrity
information and task lists), fictional cadres loaded in bulk over its units, the seeded task force
with a unit and a linked account per agency, and a year of monthly reports: every agency but the
lead files one report a month for the last twelve months through `services.report_submit` (the
path the upload page and the API take), some months missed, some late, some supplemented by a
second report; then the missing-report scan. Timed: the lead (organisation department), a
discipline reviewer (reads sealed item content) and an agency account (reads through the sharing
rules) request the pages (warm-up, then timed requests inside CaptureQueriesContext).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common, grassroots_pages  # noqa: E402

BAR_MS = 150
SUMMARIES = ["审计发现违规发放津贴补贴", "酒后驾驶机动车被查处", "作为被告参与民事诉讼", "信访事项已登记",
             "违反中央八项规定精神问题", "所在单位组织处理信息"]  # fmt: skip
TYPES = [
    "audit_finding",
    "court_judgment",
    "traffic_offence",
    "org_handling",
    "civil_case",
    "petition",
    "other",
]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--counties", type=int, default=10)
    p.add_argument("--townships", type=int, default=20)
    p.add_argument("--villages", type=int, default=20)
    p.add_argument("--cadres", type=int, default=40_000)
    p.add_argument("--rows", type=int, default=400, help="rows of one agency's monthly report")
    p.add_argument("--requests", type=int, default=60)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    p.add_argument("--small", action="store_true")
    p.add_argument("--seed", type=int, default=20261127)
    p.add_argument(
        "--explain", action="store_true", help="print each scenario's queries (EXPLAIN on PostgreSQL)"
    )
    _common.add_db_arguments(p)
    args = p.parse_args(argv)
    if args.small:
        args.counties, args.cadres, args.rows, args.requests = 2, 8_000, 100, 30
    return args


def load_taskforce(args, root, t: dict):
    """Cadres, agencies with accounts, a year of reports. Returns (lead agency users, agencies)."""
    from django.db import connection
    from django.utils import timezone

    from qinglian.accounts.services import role_assign, user_create
    from qinglian.demo.people_gen import UnitInfo
    from qinglian.people import bulk
    from qinglian.people.models import Unit
    from qinglian.people.services import unit_create
    from qinglian.taskforce import selectors, services
    from qinglian.taskforce.models import Agency, MonthlyReport

    rng = random.Random(args.seed)
    units = UnitInfo.of_units(
        Unit.objects.exclude(kind="jurisdiction").order_by("id").only("id", "kind", "level", "path")
    )
    with _common.timed(f"{args.cadres:,} cadres (generate + bulk load)", t):
        gen = _common.generate(units, args.cadres, relatives_per_cadre=0)
        bulk.load(cadres=gen.cadres, tokens=gen.tokens, posts=gen.posts, relatives=[])
    services.seed_defaults()
    lead = user_create(
        actor=None, username="bench_lead", display_name="组织部干部监督科", unit=root, password=None
    )
    role_assign(actor=None, user=lead, role="org_supervision", anchor=root, reason="基准测试")
    agencies = list(Agency.objects.order_by("order", "id"))
    members = {}
    for i, agency in enumerate(agencies):
        unit = unit_create(actor=None, code=f"B-AG{i}", name=agency.name, kind="government_dept", level="city",
                           parent=root)  # fmt: skip
        services.agency_save(actor=lead, agency=agency, code=agency.code, name=agency.name, tier=agency.tier,
                             unit=unit, order=agency.order)  # fmt: skip
        if agency.is_lead:
            continue
        user = user_create(actor=None, username=f"bench_{agency.code}", display_name=f"{agency.name}信息员",
                           unit=unit, password=None)  # fmt: skip
        role_assign(actor=None, user=user, role="taskforce_agency", anchor=None, reason="基准测试")
        services.agency_member_link(actor=lead, agency=agency, user=user)
        members[agency.code] = user
    shenji = next(a for a in agencies if a.code == "shenji")
    services.agency_sharing_set(actor=lead, agency=shenji, row_types=["court_judgment", "traffic_offence"],
                                aggregates=["monthly_counts", "report_status"])  # fmt: skip
    today = timezone.localdate()
    months = selectors.months_back(today, 13)[:-1]  # the last twelve complete months
    filed = 0
    with _common.timed(
        f"a year of monthly reports ({len(members)} agencies x 12 months, ~{args.rows} rows)", t
    ):
        for month in months:
            for agency in agencies:
                if agency.is_lead or rng.random() < 0.08:  # some months missed
                    continue
                picked = rng.sample(range(len(gen.id_numbers)), args.rows)
                rows = [(n + 2, {"id_number": gen.id_numbers[k], "row_type": rng.choice(TYPES),
                                 "occurred_on": (month + timedelta(days=rng.randint(0, 27))).isoformat(),
                                 "summary": f"{rng.choice(SUMMARIES)}（{month:%Y年%m月}第{n}条）",
                                 "source_reference": f"{agency.code}〔{month:%Y%m}〕{n}号"})
                        for n, k in enumerate(picked)]  # fmt: skip
                for part in (rows, rows[: args.rows // 10]) if rng.random() < 0.15 else (rows,):
                    result = services.report_submit(actor=members[agency.code], agency=agency, month=month,
                                                    rows=part, channel=rng.choice(["excel", "api"]))  # fmt: skip
                    assert result.ok, result.errors[:3]
                    # Received around the deadline: some late.
                    deadline = result.report.deadline
                    at = timezone.make_aware(datetime(deadline.year, deadline.month, deadline.day, 10))
                    at += timedelta(days=rng.randint(-8, 2))
                    MonthlyReport.objects.filter(pk=result.report.pk).update(
                        submitted_at=at, late=timezone.localdate(at) > deadline
                    )
                    filed += result.report.created
        services.missing_reports_scan()
    print(f"  {MonthlyReport.objects.count():,} reports, {filed:,} items filed")
    with _common.timed("VACUUM ANALYZE", t), connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return lead, members, shenji


def main(argv=None) -> int:
    args = parse_args(argv)
    print("machine:", _common.machine())
    _common.setup(args.db, pg_url=args.pg_url, keep=args.keep)
    from django.db import connection
    from django.test import Client

    from qinglian.accounts.services import role_assign, user_create
    from qinglian.taskforce.models import MonthlyReport

    if connection.vendor == "postgresql":
        print("PostgreSQL", _common.pg_version(args.pg_url))
    n = args.counties * args.townships * args.villages
    print(f"\n== taskforce_pages on {args.db}: {n:,} stations ==")
    t: dict = {}
    start = time.perf_counter()
    root, counties, townships, villages = grassroots_pages.load(args, t)
    lead, members, shenji = load_taskforce(args, root, t)
    print(f"  set-up {time.perf_counter() - start:.0f} s; load {Path('/proc/loadavg').read_text().strip()}")

    def client(user):
        c = Client()
        c.force_login(user)
        return c

    reviewer = user_create(actor=None, username="bench_reviewer", display_name="纪委监督检查室", unit=root,
                           password=None)  # fmt: skip
    role_assign(actor=None, user=reviewer, role="discipline_supervision", anchor=root, reason="基准测试")
    lead_c, rev_c, agency_c = client(lead), client(reviewer), client(members["shenji"])
    biggest = MonthlyReport.objects.order_by("-created", "id").values_list("pk", flat=True)[:5]
    own = MonthlyReport.objects.filter(agency=shenji).order_by("-month").values_list("pk", flat=True)[:5]
    details = [f"/task-force/reports/{pk}/" for pk in biggest]
    scenarios = [
        ("lead: agencies", lead_c, ["/task-force/agencies/"]),
        ("lead: who reported (6 months)", lead_c, ["/task-force/reports/"]),
        ("lead: who reported (12 months)", lead_c, ["/task-force/reports/?months=12"]),
        ("lead: who reported, list page 5", lead_c, ["/task-force/reports/?page=5"]),
        ("lead: a report (figures)", lead_c, details),
        ("lead: sharing rules (agency page)", lead_c, [f"/task-force/agencies/{shenji.pk}/"]),
        ("lead: row types", lead_c, ["/task-force/row-types/"]),
        ("lead: aggregates (12 months)", lead_c, ["/task-force/aggregates/?months=12"]),
        ("discipline: a report with items", rev_c, details),
        ("discipline: a report, items page 3", rev_c, [f"{d}?page=3" for d in details]),
        ("agency: own reports", agency_c, ["/task-force/reports/"]),
        ("agency: own report with items", agency_c, [f"/task-force/reports/{pk}/" for pk in own]),
        ("agency: shared information", agency_c, ["/task-force/shared/"]),
        ("agency: shared information, page 50", agency_c, ["/task-force/shared/?page=50"]),
        ("agency: shared, one type", agency_c, ["/task-force/shared/?type=court_judgment"]),
        ("agency: aggregates", agency_c, ["/task-force/aggregates/"]),
        ("agency: API reports", agency_c, ["/api/v1/monthly-reports/"]),
        ("agency: API shared items", agency_c, ["/api/v1/task-force-shared-items/"]),
    ]
    rows, failures = _common.time_pages(
        scenarios, requests=args.requests, warmup=args.warmup, bar_ms=BAR_MS, explain=args.explain,
        explain_tables="taskforce_",
    )  # fmt: skip
    print(f"\nload average after: {Path('/proc/loadavg').read_text().strip()}")
    return _common.pages_verdict(rows, failures, BAR_MS)


if __name__ == "__main__":
    sys.exit(main())
