"""Benchmark: the cross-inspection assignment (CP-SAT) at the size of issue 8's bar.

    .venv/bin/python bench/inspections_assign.py                 # 20 counties, 60 teams, 300 targets
    .venv/bin/python bench/inspections_assign.py --seeds 5       # several seeded instances

Bar (issue 8): for 20 counties, 60 teams and 300 targets with conflicts, find a feasible optimum
or prove infeasibility in under 30 seconds.

The instance is generated from a seed: each county supplies 3 teams and 15 targets; each team has
5 members; a member conflicts with a target (held a post there, a relative works there) with
probability --conflict-rate (5% by default), so a team conflicts with about a quarter of the targets;
the previous round's pattern (which county inspected each target) is random, and the solver keeps
as much of it as the optimal largest load allows. Four runs per seed: the feasible instance, the
same instance after the previous round's pattern is removed, an infeasible one (one target in
conflict with every team not from its county: found before the solver runs), and one infeasible
only through the reciprocity rule (counties in pairs that would have to inspect each other: CP-SAT
proves it and reports a core of the constraints that cannot hold together). The solver is the one the app uses
(`qinglian.inspections.solver.solve`), on plain data: building the problem from the database is a
handful of set-based queries and is not what the bar measures.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def instance(seed: int, counties: int, teams_per: int, targets_per: int, members: int, rate: float):
    from qinglian.inspections.solver import Problem, TargetIn, TeamIn

    rnd = random.Random(seed)
    teams = [TeamIn(c * 100 + i, f"第{c}县第{i + 1}组", c, f"第{c}县") for c in range(1, counties + 1)
             for i in range(teams_per)]  # fmt: skip
    targets = [TargetIn(c * 1000 + j, f"第{c}县单位{j + 1}", c, f"第{c}县") for c in range(1, counties + 1)
               for j in range(targets_per)]  # fmt: skip
    conflicts = {}
    for t in teams:
        for k in targets:
            reasons = [f"组员{m + 1}曾在该单位任职" for m in range(members) if rnd.random() < rate]
            if reasons:
                conflicts[(t.id, k.id)] = reasons
    # The previous round's pattern: a rotation (county c was inspected by county c + shift), as cross
    # rounds are usually planned; a few targets were inspected by another county.
    shift = rnd.randrange(1, counties)
    if counties % 2 == 0 and shift == counties // 2:
        shift += 1
    previous = {}
    for k in targets:
        prev = (k.county - 1 + shift) % counties + 1
        previous[k.id] = (
            prev if rnd.random() < 0.9 else rnd.choice([c for c in range(1, counties + 1) if c != k.county])
        )
    return Problem(teams, targets, conflicts, previous)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--counties", type=int, default=20)
    ap.add_argument("--teams-per-county", type=int, default=3)
    ap.add_argument("--targets-per-county", type=int, default=15)
    ap.add_argument("--members", type=int, default=5)
    ap.add_argument("--conflict-rate", type=float, default=0.05)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=8)
    args = ap.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.test_settings")
    from qinglian.inspections.solver import solve

    print(f"machine: {platform.node()} {platform.processor() or platform.machine()}, cpus={os.cpu_count()}, "
          f"load={os.getloadavg()}")  # fmt: skip
    worst = 0.0
    for seed in range(1, args.seeds + 1):
        p = instance(seed, args.counties, args.teams_per_county, args.targets_per_county, args.members,
                     args.conflict_rate)  # fmt: skip
        pairs = len(p.teams) * len(p.targets)
        print(f"seed {seed}: {len(p.teams)} teams, {len(p.targets)} targets, {len(p.conflicts)} conflicting "
              f"team-target pairs of {pairs} ({len(p.conflicts) / pairs:.0%})")  # fmt: skip
        runs = [("with previous pattern", p)]
        runs.append(("no previous pattern", type(p)(p.teams, p.targets, p.conflicts, {})))
        bad = dict(p.conflicts)
        k0 = p.targets[0]
        for t in p.teams:
            if t.county != k0.county:
                bad[(t.id, k0.id)] = ["组员亲属在该单位工作"]
        runs.append(
            (
                "infeasible (one target conflicts with every team)",
                type(p)(p.teams, p.targets, bad, p.previous),
            )
        )
        # Infeasible only through reciprocity: counties paired (1,2), (3,4)...; each county's targets
        # conflict with every team except its partner's, so partners would have to inspect each other.
        paired = dict(p.conflicts)
        for t in p.teams:
            for k in p.targets:
                partner = k.county + 1 if k.county % 2 else k.county - 1
                if t.county != partner:
                    paired.setdefault((t.id, k.id), ["组员曾在该单位任职"])
                else:
                    paired.pop((t.id, k.id), None)
        runs.append(
            ("infeasible by reciprocity (CP-SAT proof and core)", type(p)(p.teams, p.targets, paired, {}))
        )
        for label, prob in runs:
            t0 = time.perf_counter()
            r = solve(prob, time_limit=args.time_limit, workers=args.workers)
            dt = time.perf_counter() - t0
            worst = max(worst, dt)
            print(f"  {label}: {r.status}, max load {r.max_load}, changes {r.changes}, {dt:.2f} s"
                  + (f" — {r.problems[0]['detail'][:80]}…" if r.problems else ""))  # fmt: skip
    verdict = "MET" if worst < 30 else "NOT MET"
    print(f"worst run {worst:.2f} s; bar: under 30 s -> {verdict}")


if __name__ == "__main__":
    main()
