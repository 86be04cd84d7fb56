"""Benchmark: the yearly random sample of personal-matters reports (issue 7).

    .venv/bin/python bench/spotchecks_sample.py              # 500,000 reporting cadres (PostgreSQL)
    .venv/bin/python bench/spotchecks_sample.py --small      # 20,000
    .venv/bin/python bench/spotchecks_sample.py --db sqlite

Bar (issue 7): drawing a stratified sample of 10% from 500,000 cadres takes under 5 seconds.

Steps: a throwaway database (bench/_common.py) with the demo jurisdiction and seeded fictional
cadres (`people.bulk.load`), all made reporters (副处级, serving) so that the population is the
whole registry. Timed: `services.round_draw` as the page calls it — the seed recorded and audited,
the population read (`declarations.selectors.reporters`), the draw stratified by unit (numpy), one
spot-check row per sampled cadre inserted, the draw audited. Also shown: the population read and the
draw on their own, and a recomputation from the recorded seed (must give the same list).
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
    print(f"spotchecks_sample: {n:,} cadres on {args.db} — {_common.machine()}")
    _common.setup(args.db, pg_url=args.pg_url, keep=args.keep)

    from django.db import connection
    from django.utils import timezone

    from qinglian.accounts.models import User
    from qinglian.accounts.services import role_assign
    from qinglian.people import bulk
    from qinglian.people.models import Cadre, Unit
    from qinglian.spotchecks import sampling, services
    from qinglian.spotchecks.models import SpotCheck

    with _common.timed("units"):
        units = _common.build_units(max(1, n // 10_000))
    with _common.timed("generate (not part of the figures)"):
        gen = _common.generate(units, n, relatives_per_cadre=0)
    with _common.timed("bulk.load"):
        bulk.load(cadres=gen.cadres, tokens=gen.tokens, posts=gen.posts, relatives=[])
    Cadre.objects.update(post_level="deputy_division", status="serving")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    root = Unit.objects.filter(parent__isnull=True).first()
    actor = User.objects.create_user(username="bench-org", password="x" * 16, unit=root)
    role_assign(actor=None, user=actor, role="org_supervision", anchor=root, reason="基准测试")

    today = timezone.localdate()
    t = time.perf_counter()
    population = services._population(root, today)
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    trial = sampling.draw("warm-up-seed", population, services.param(
        "declarations.spot_check.ratio", "ratio", as_of=today).value)  # fmt: skip
    draw_s = time.perf_counter() - t

    t = time.perf_counter()
    rnd = services.round_draw(actor=actor, year=today.year, scope_unit=root)
    total_s = time.perf_counter() - t
    created = SpotCheck.objects.filter(round=rnd).count()
    again = services.round_recompute(rnd, population)
    same = again.cadre_ids == sorted(SpotCheck.objects.filter(round=rnd).values_list("cadre_id", flat=True))
    print(f"  population {rnd.population:,} in {rnd.strata:,} units; sampled {rnd.sample_size:,} "
          f"({created:,} checks); recomputed from the seed: {'same list' if same else 'DIFFERENT'}")  # fmt: skip
    rows = [
        ["population read (reporters in scope)", f"{len(population):,}", f"{read_s:.2f}", ""],
        ["draw only (keys, strata, quotas; numpy)", f"{len(trial.cadre_ids):,}", f"{draw_s:.2f}", ""],
        ["round_draw: seed + read + draw + insert checks + audit", f"{rnd.sample_size:,}", f"{total_s:.2f}",
         "bar < 5 s"],
    ]  # fmt: skip
    print()
    print(_common.table(rows, ["step", "rows", "seconds", "figure"]))
    ok = total_s < 5 and same and rnd.population >= n
    print(f"\nverdict: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
