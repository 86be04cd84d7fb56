"""Benchmark: comparing declarations with the agencies' returns and classifying every difference.

    .venv/bin/python bench/spotchecks_compare.py             # 10,000 declarations (PostgreSQL)
    .venv/bin/python bench/spotchecks_compare.py --small     # 1,000
    .venv/bin/python bench/spotchecks_compare.py --db sqlite

Bar (issue 7): comparing 10,000 declarations with their agency returns and classifying all
differences takes under 30 seconds.

Steps: a throwaway database (bench/_common.py), seeded fictional cadres, one submitted report each
(marriage, passport, permit, relatives' jobs, 1-3 properties, 0-2 securities, sometimes a business:
about 9 items) and one open check each; the four agencies' returns as stored after import, derived
from the declared items with seeded differences (area and amounts under-reported, an extra flat, a
parking space, an unreported passport or securities account, a relative's other employer; about
a third of the cadres have at least one). Timed: `services.compare_many` over all the checks (read
the latest reports and the returns in a fixed number of queries, match and classify, store every
compared line) — the bar; then `services.checks_compare` as the return import calls it (also one
audit event per check and a to-do with a working-day deadline for every cadre asked to explain).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402


def declared_rows(rng: random.Random, n: int):
    """Items of one report as the declarations app stores them (kind, data)."""
    rows = [("marriage", {"status": "married", "spouse_name": "配偶", "changed_on": ""}),
            ("passport", {"number": f"E{rng.randrange(10**8):08d}", "issued_on": "2018-01-01",
                          "expires_on": "2028-01-01", "custody": "组织部", "trips": str(rng.randrange(3))}),
            ("hkmt_permit", {"permit_type": "hk_macau", "number": f"C{rng.randrange(10**8):08d}",
                             "issued_on": "2019-01-01", "expires_on": "2029-01-01", "trips": str(rng.randrange(4))}),
            ("family_jobs", {"relation": "spouse", "name": "配偶", "employer": f"甲县第{rng.randrange(50)}中学",
                             "credit_code": "", "job": "教师"})]  # fmt: skip
    for k in range(rng.randint(1, 3)):
        rows.append(("real_estate", {"owner": "self", "address": f"甲县幸福路{n}号{k + 1}栋{rng.randrange(1, 30)}01室",
                                     "use": "residential", "area": f"{rng.uniform(50, 160):.2f}", "share": "100",
                                     "acquired_on": "2015-06-01"}))  # fmt: skip
    for k in range(rng.randint(0, 2)):
        rows.append(("securities", {"owner": "self", "security_type": "stock", "account": f"A{n:07d}{k}",
                                    "amount": f"{rng.uniform(1e4, 5e5):.2f}"}))  # fmt: skip
    if rng.random() < 0.2:
        rows.append(("family_business", {"relation": "child", "name": "子女", "business_name": "某商贸有限公司",
                                         "credit_code": f"91{n:016d}", "share": "30", "role": ""}))  # fmt: skip
    return rows


AGENCY_OF = {"real_estate": "real_estate", "family_business": "market", "family_jobs": "market",
             "passport": "exit_entry", "hkmt_permit": "exit_entry", "marriage": "exit_entry",
             "securities": "finance"}  # fmt: skip


def returned_rows(rng: random.Random, declared, n: int):
    """What the agencies report: the declared items, sometimes differently, plus undeclared ones."""
    out = []
    for kind, d in declared:
        if kind == "real_estate":
            area = float(d["area"]) + (15 if rng.random() < 0.06 else rng.uniform(-0.5, 0.5))
            out.append(
                (
                    kind,
                    {"address": d["address"].replace("栋", "号楼")},
                    {"area": f"{area:.2f}", "share": "100"},
                )
            )
        elif kind == "securities":
            amount = float(d["amount"]) * (1.5 if rng.random() < 0.05 else 1.01)
            out.append((kind, {"account": d["account"]}, {"amount": f"{amount:.2f}"}))
        elif kind in ("passport", "hkmt_permit"):
            trips = int(d["trips"]) + (2 if kind == "hkmt_permit" and rng.random() < 0.04 else 0)
            out.append((kind, {"number": d["number"]}, {"trips": str(trips)}))
        elif kind == "marriage":
            out.append((kind, {}, {"status": "已婚"}))
        elif kind == "family_jobs":
            employer = "某建设有限公司" if rng.random() < 0.02 else d["employer"]
            out.append((kind, {"relation": "配偶", "name": d["name"]}, {"employer": employer}))
        elif kind == "family_business":
            out.append((kind, {"credit_code": d["credit_code"]}, {"share": "30"}))
    if rng.random() < 0.05:
        out.append(("real_estate", {"address": f"乙县滨江花园{n}栋1801"}, {"area": "143.20", "use": "住宅"}))
    if rng.random() < 0.05:
        out.append(
            ("real_estate", {"address": f"甲县幸福小区地下车位B-{n}"}, {"area": "12.5", "use": "车位"})
        )
    if rng.random() < 0.03:
        out.append(("passport", {"number": f"G{n:08d}"}, {"trips": "1"}))
    if rng.random() < 0.03:
        out.append(("securities", {"account": f"B{n:08d}"}, {"amount": "80000.00"}))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--declarations", type=int, default=10_000)
    parser.add_argument("--small", action="store_true", help="1,000 declarations")
    parser.add_argument(
        "--skip-full", action="store_true", help="time compare_many only (no audit, no to-dos)"
    )
    _common.add_db_arguments(parser)
    args = parser.parse_args(argv)
    n = 1_000 if args.small else args.declarations
    print(f"spotchecks_compare: {n:,} declarations on {args.db} — {_common.machine()}")
    _common.setup(args.db, pg_url=args.pg_url, keep=args.keep)

    from django.db import connection
    from django.utils import timezone

    from qinglian.accounts.models import User
    from qinglian.accounts.services import role_assign
    from qinglian.declarations.models import Declaration, Item
    from qinglian.people import bulk
    from qinglian.people.models import Cadre, Unit
    from qinglian.spotchecks import services
    from qinglian.spotchecks.compare import propose
    from qinglian.spotchecks.models import (
        AgencyRequest,
        AgencyReturn,
        ComparedItem,
        RequestLine,
        ReturnedItem,
        SpotCheck,
    )

    with _common.timed("units"):
        units = _common.build_units(max(1, n // 10_000))
    with _common.timed("generate (not part of the figures)"):
        gen = _common.generate(units, n, relatives_per_cadre=0)
    with _common.timed("bulk.load"):
        bulk.load(cadres=gen.cadres, tokens=gen.tokens, posts=gen.posts, relatives=[])
    root = Unit.objects.filter(parent__isnull=True).first()
    actor = User.objects.create_user(username="bench-org", password="x" * 16, unit=root)
    role_assign(actor=None, user=actor, role="org_supervision", anchor=root, reason="基准测试")
    rng = random.Random(20261124)
    now = timezone.now()
    cadres = list(Cadre.objects.order_by("id").values_list("id", "unit_id"))
    with _common.timed("reports, checks and stored returns (not part of the figures)"):
        decls = Declaration.objects.bulk_create(
            [Declaration(cadre_id=cid, kind="annual", year=now.year - 1, status="submitted", version=1,
                         created_at=now, updated_at=now, submitted_at=now) for cid, _ in cadres], batch_size=5000)  # fmt: skip
        checks = SpotCheck.objects.bulk_create(
            [SpotCheck(cadre_id=cid, unit_id=uid, kind="random", reason="基准", created_at=now) for cid, uid in cadres],
            batch_size=5000)  # fmt: skip
        requests = {a: AgencyRequest.objects.create(agency=a, number=f"基准-{a}", reason="基准", issuing_unit=root,
                                                    created_by=actor, created_at=now, returned_at=now)
                    for a in ("real_estate", "market", "exit_entry", "finance")}  # fmt: skip
        returns = {a: AgencyReturn.objects.create(request=r, filename="x.xlsx", sha256="0" * 64, imported_by=actor,
                                                  imported_at=now) for a, r in requests.items()}  # fmt: skip
        items, lines, returned = [], [], []
        for i, (d, check) in enumerate(zip(decls, checks, strict=True)):
            rows = declared_rows(rng, i)
            items.extend(
                Item(declaration=d, kind=k, position=p, data=data) for p, (k, data) in enumerate(rows, 1)
            )
            for a, r in requests.items():
                lines.append(RequestLine(request=r, spot_check=check, code=f"{a[:2]}-{i:06d}"))
            for kind, key, values in returned_rows(rng, rows, i):
                returned.append(ReturnedItem(agency_return=returns[AGENCY_OF[kind]], spot_check=check, kind=kind,
                                             key=key, values=values))  # fmt: skip
        Item.objects.bulk_create(items, batch_size=5000)
        RequestLine.objects.bulk_create(lines, batch_size=5000)
        ReturnedItem.objects.bulk_create(returned, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"  {len(items):,} declared items, {len(returned):,} returned items")

    checks = list(SpotCheck.objects.select_related("cadre", "unit").order_by("id"))
    t = time.perf_counter()
    results = services.compare_many(checks)
    compare_s = time.perf_counter() - t
    proposals = Counter(propose(lines) for lines in results.values())
    outcomes = Counter(ln.outcome for lines in results.values() for ln in lines)
    stored = ComparedItem.objects.count()
    print(f"  proposals {dict(proposals)}; lines {dict(outcomes)}; stored {stored:,}")
    print(f"  compare_many: {compare_s:.2f} s (bar < 30 s)", flush=True)
    if args.skip_full:
        print(f"\nverdict: {'met' if compare_s < 30 else 'NOT met'}")
        return 0

    t = time.perf_counter()
    services.checks_compare(actor=actor, checks=checks)
    full_s = time.perf_counter() - t
    asked = SpotCheck.objects.filter(status="explaining").count()
    rows = [
        ["compare_many: read reports and returns, match, classify, store lines", f"{n:,}", f"{compare_s:.2f}",
         f"{stored:,} lines (bar < 30 s)"],
        ["checks_compare: the same + audit per check + explanation to-dos", f"{n:,}", f"{full_s:.2f}",
         f"{asked:,} cadres asked to explain"],
    ]  # fmt: skip
    print()
    print(_common.table(rows, ["step", "declarations", "seconds", "figure"]))
    ok = compare_s < 30
    print(f"\nverdict: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
