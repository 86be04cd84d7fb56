"""Benchmark: recomputing supervision-group membership for 500,000 cadres after a rule change.

    .venv/bin/python bench/groups_recompute.py            # 500,000 cadres, PostgreSQL
    .venv/bin/python bench/groups_recompute.py --small    # 20,000 cadres
    .venv/bin/python bench/groups_recompute.py --db sqlite

Bar (issue 6): under 60 seconds, set-based. Steps: a throwaway database (bench/_common.py) with the
demo jurisdiction (one county per 10,000 cadres) and seeded fictional cadres loaded by
`people.bulk.load`; then, timed:
1. the first computation of every default group (everyone joins: the biggest INSERT … SELECT);
2. the steady daily run (nothing changes);
3. a rule change through `group_save` (young cadres: age at most 35 → at most 40), audited and
   versioned as on screen: the stays of newly qualifying cadres open;
4. the change back (at most 35): their stays close.
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--small", action="store_true", help="20,000 cadres")
    _common.add_db_arguments(parser)
    args = parser.parse_args(argv)
    n = 20_000 if args.small else args.cadres
    print(f"groups_recompute: {n:,} cadres on {args.db} — {_common.machine()}")
    _common.setup(args.db, pg_url=args.pg_url, keep=args.keep)

    from django.db import connection

    from qinglian.groups.models import Membership, SupervisionGroup
    from qinglian.groups.services import group_save, memberships_recompute_all
    from qinglian.people import bulk

    with _common.timed("units"):
        units = _common.build_units(max(1, n // 10_000))
    with _common.timed("generate (not part of the figure)"):
        gen = _common.generate(units, n, relatives_per_cadre=0)
    with _common.timed("bulk.load"):
        bulk.load(cadres=gen.cadres, tokens=gen.tokens, posts=gen.posts, relatives=[])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    rows = []

    def run(label, fn):
        t = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - t
        rows.append([label, f"{elapsed:.2f}", f"{Membership.objects.filter(until__isnull=True).count():,}",
                     f"{Membership.objects.count():,}"])  # fmt: skip
        print(f"  {label}: {elapsed:.2f} s")
        return result

    run("first computation, all 11 groups", memberships_recompute_all)
    run("daily run, nothing changed", memberships_recompute_all)
    young = SupervisionGroup.objects.get(code="young")
    rule = {"combine": "and", "conditions": [{"field": "age", "op": "lte", "value": 40},
                                             {"field": "status", "op": "eq", "value": "serving"}]}  # fmt: skip
    run("rule change: young ≤ 35 → ≤ 40 (group_save)",
        lambda: group_save(actor=None, group=young, name=young.name, rule=rule, reason="基准测试"))  # fmt: skip
    rule["conditions"][0]["value"] = 35
    young.refresh_from_db()
    run("rule change back: ≤ 40 → ≤ 35 (group_save)",
        lambda: group_save(actor=None, group=young, name=young.name, rule=rule, reason="基准测试"))  # fmt: skip
    print()
    print(_common.table(rows, ["step", "seconds", "open stays", "all stays"]))
    worst = max(float(r[1]) for r in rows[2:])
    print(
        f"\nverdict: a rule change takes {worst:.2f} s (bar: under 60 s) — {'met' if worst < 60 else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
