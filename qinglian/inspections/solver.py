"""Cross-inspection assignment as a CP-SAT model (OR-Tools), on plain data (no database).

Constraints (seed 004, 交叉巡察): every target gets exactly one team; in a cross round no team
inspects its own county, and no two counties inspect each other in the same round; no team with
a member who has a conflict (回避) with the target. Objective, lexicographic: (1) the largest
number of targets given to one team as small as possible; (2) with that fixed, the fewest
targets whose inspecting county differs from the previous round's pattern. Each phase is proved
optimal, or the result says it is not. When no assignment exists, the constraints that cannot
be met together are reported (an infeasible core found with assumption literals), not a crash.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model


@dataclass(frozen=True)
class TeamIn:
    id: int
    name: str
    county: int | None  # the county the team is drawn from
    county_name: str = ""


@dataclass(frozen=True)
class TargetIn:
    id: int
    name: str
    county: int | None
    county_name: str = ""


@dataclass
class Problem:
    teams: list[TeamIn]
    targets: list[TargetIn]
    conflicts: dict[tuple[int, int], list[str]] = field(default_factory=dict)  # (team, target) -> reasons
    previous: dict[int, int] = field(default_factory=dict)  # target -> county that inspected it last time
    cross: bool = True  # apply the own-county and reciprocity rules
    fixed: dict[int, int] = field(default_factory=dict)  # target -> team (manual overrides kept)


@dataclass
class Result:
    status: str  # optimal / feasible / infeasible / unknown
    assignment: dict[int, int] = field(default_factory=dict)  # target -> team
    max_load: int | None = None
    changes: int | None = None
    problems: list[dict] = field(default_factory=list)  # constraints that cannot be met
    explanations: dict[int, str] = field(default_factory=dict)  # target -> why this team
    seconds: float = 0.0
    summary: str = ""


def _blocked(problem: Problem) -> dict[tuple[int, int], str]:
    """(team, target) pairs that the hard rules forbid, with the reason."""
    out = {}
    for t in problem.teams:
        for k in problem.targets:
            if problem.cross and t.county is not None and t.county == k.county:
                out[(t.id, k.id)] = f"{t.name}来自{t.county_name or '本县'}，不巡察本县单位"
            elif (t.id, k.id) in problem.conflicts:
                out[(t.id, k.id)] = f"{t.name}组员有回避情形：" + "；".join(problem.conflicts[(t.id, k.id)])
    return out


def _build(problem: Problem, allowed: dict[tuple[int, int], bool], *, with_assumptions: bool):
    m = cp_model.CpModel()
    x = {pair: m.new_bool_var(f"x{pair[0]}_{pair[1]}") for pair in allowed}
    by_target, by_team = defaultdict(list), defaultdict(list)
    for (t, k), var in x.items():
        by_target[k].append(var)
        by_team[t].append(var)
    assumptions: dict[int, tuple[str, object]] = {}
    literals = []

    def lit(kind: str, key):
        b = m.new_bool_var(f"a_{kind}_{key}")
        assumptions[b.index] = (kind, key)
        literals.append(b)
        return b

    for k in problem.targets:
        c = m.add(sum(by_target[k.id]) == 1)
        if with_assumptions:
            c.only_enforce_if(lit("cover", k.id))
    for k_id, t_id in problem.fixed.items():
        if (t_id, k_id) in x:
            m.add(x[(t_id, k_id)] == 1)
    county_of_team = {t.id: t.county for t in problem.teams}
    county_of_target = {k.id: k.county for k in problem.targets}
    if problem.cross:
        # One orientation literal per pair of counties: z(a, b) true lets a inspect b, false lets b
        # inspect a; a team's assignment implies its orientation, so no two counties inspect each other.
        pair_vars: dict[tuple[int, int], list] = defaultdict(list)
        for (t, k), var in x.items():
            a, b = county_of_team[t], county_of_target[k]
            if a is not None and b is not None:
                pair_vars[(a, b)].append(var)
        for a, b in list(pair_vars):
            if a < b and (b, a) in pair_vars:
                z = m.new_bool_var(f"z{a}_{b}")
                enforce = [lit("reciprocity", (a, b))] if with_assumptions else []
                for v in pair_vars[(a, b)]:
                    m.add_bool_or([v.Not(), z]).only_enforce_if(enforce)
                for v in pair_vars[(b, a)]:
                    m.add_bool_or([v.Not(), z.Not()]).only_enforce_if(enforce)
    loads = {t.id: sum(by_team[t.id]) for t in problem.teams}
    if with_assumptions:
        m.add_assumptions(literals)
    return m, x, loads, assumptions


def _solver(seconds: float, workers: int) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = max(seconds, 0.1)
    s.parameters.num_workers = workers
    s.parameters.random_seed = 1
    return s


def solve(problem: Problem, *, time_limit: float = 30.0, workers: int | None = None) -> Result:
    workers = workers or min(8, os.cpu_count() or 1)
    started = time.perf_counter()
    teams = {t.id: t for t in problem.teams}
    blocked = _blocked(problem)
    allowed = {
        (t.id, k.id): True for t in problem.teams for k in problem.targets if (t.id, k.id) not in blocked
    }
    for k_id, t_id in problem.fixed.items():  # a manual choice stands: its target has that team only
        if (t_id, k_id) in allowed:
            for t in problem.teams:
                if t.id != t_id:
                    allowed.pop((t.id, k_id), None)
    result = Result(status="unknown")
    # Targets that no team may take: infeasible whatever else happens; say which and why.
    for k in problem.targets:
        if not any((t.id, k.id) in allowed for t in problem.teams):
            result.problems.append({
                "constraint": "每个巡察对象须有一个巡察组",
                "detail": f"{k.name}：没有可以派出的巡察组（" + "；".join(blocked[(t.id, k.id)] for t in problem.teams) + "）",
                "targets": [k.id],
            })  # fmt: skip
    if not problem.teams:
        result.problems.append({"constraint": "须有巡察组", "detail": "本轮尚未组建巡察组", "targets": []})
    if result.problems:
        result.status = "infeasible"
        result.summary = "无可行方案：" + "；".join(p["detail"] for p in result.problems[:5])
        result.seconds = time.perf_counter() - started
        return result

    def left() -> float:
        return time_limit - (time.perf_counter() - started)

    # The relaxation without the reciprocity rule is a min-cost flow, solved exactly in
    # milliseconds: its smallest feasible load and its fewest changes are lower bounds, and when its
    # solution already respects reciprocity it is optimal as it stands.
    n_teams, n_targets = len(problem.teams), len(problem.targets)
    lower = -(-n_targets // n_teams)
    relaxed = None
    while relaxed is None and lower <= n_targets:
        relaxed = _flow(problem, allowed, lower)
        if relaxed is None:
            lower += 1
    flow_assignment, flow_changes = relaxed
    if not problem.cross or not _reciprocal_pairs(problem, flow_assignment):
        return _finish(result, problem, flow_assignment, blocked, lower, flow_changes, True, started,
                       "最小费用流松弛解已满足全部约束")  # fmt: skip
    repaired = _repair(problem, allowed, lower, flow_assignment)
    if repaired is not None and repaired[1] == flow_changes:
        return _finish(result, problem, repaired[0], blocked, lower, flow_changes, True, started,
                       "最小费用流（逐对排除互查方向）达到松弛下界")  # fmt: skip
    upper = None
    if repaired is not None:
        flow_assignment, upper = repaired

    # Otherwise CP-SAT, one model with a lexicographic objective: the largest load first (weighted
    # above any number of changes), then the changes; warm-started from the relaxation's solution.
    m, x, loads, _ = _build(problem, allowed, with_assumptions=False)
    max_load = m.new_int_var(lower, n_targets, "max_load")
    for t in problem.teams:
        m.add(loads[t.id] <= max_load)
    changed_terms = []
    for k in problem.targets:
        prev = problem.previous.get(k.id)
        if prev is None:
            continue
        same = [x[(t.id, k.id)] for t in problem.teams if teams[t.id].county == prev and (t.id, k.id) in x]
        changed_terms.append(1 - sum(same) if same else 1)
    changes_expr = sum(changed_terms) if changed_terms else 0
    if changed_terms:
        at_lower = m.new_bool_var("at_lower")
        m.add(max_load <= lower).only_enforce_if(at_lower)
        m.add(max_load > lower).only_enforce_if(at_lower.Not())
        m.add(changes_expr >= flow_changes).only_enforce_if(at_lower)
    objective = (n_targets + 1) * max_load + changes_expr
    if upper is not None:  # the repaired flow is a feasible solution: nothing worse is of interest
        m.add(objective <= (n_targets + 1) * lower + upper)
    m.minimize(objective)
    for pair, var in x.items():
        m.add_hint(var, flow_assignment.get(pair[1]) == pair[0])
    s = _solver(left(), workers)
    st = s.solve(m)
    if st == cp_model.INFEASIBLE:
        result.status = "infeasible"
        result.problems = _core(problem, allowed, left(), workers)
        result.summary = "无可行方案：" + "；".join(p["detail"] for p in result.problems[:5])
        result.seconds = time.perf_counter() - started
        return result
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result.summary = "在时限内未找到方案"
        result.seconds = time.perf_counter() - started
        return result
    proved = st == cp_model.OPTIMAL
    final = {k: t for (t, k), v in x.items() if s.boolean_value(v)}
    best_load = int(s.value(max_load))
    changes = int(s.value(changes_expr)) if changed_terms else 0
    return _finish(result, problem, final, blocked, best_load, changes, proved, started, "CP-SAT")


def _finish(result, problem, final, blocked, best_load, changes, proved, started, how) -> Result:
    result.status = "optimal" if proved else "feasible"
    result.assignment = final
    result.max_load = best_load
    result.changes = changes if problem.previous else 0
    result.explanations = explain(problem, final, blocked, best_load, proved)
    result.seconds = time.perf_counter() - started
    result.summary = (
        f"{len(problem.targets)}个对象分配给{len(problem.teams)}个巡察组，单组最多{best_load}个对象"
        + ("（已证明最优）" if proved else "（时限内未能证明最优）")
        + (f"，较上一轮调整{changes}个" if problem.previous else "")
        + f"；求解方法：{how}"
    )
    return result


def _flow(problem: Problem, allowed, cap: int):
    """Min-cost flow without the reciprocity rule: targets -> teams (capacity `cap`), cost 1 when the
    team's county is not the one that inspected the target last time. None if infeasible."""
    from ortools.graph.python import min_cost_flow

    f = min_cost_flow.SimpleMinCostFlow()
    team_node = {t.id: i for i, t in enumerate(problem.teams)}
    n_t = len(problem.teams)
    target_node = {k.id: n_t + j for j, k in enumerate(problem.targets)}
    sink = n_t + len(problem.targets)
    county = {t.id: t.county for t in problem.teams}
    arcs = []
    for t, k in allowed:
        prev = problem.previous.get(k)
        cost = 0 if prev is None or county[t] == prev else 1
        arcs.append((target_node[k], team_node[t], cost, t, k))
        f.add_arc_with_capacity_and_unit_cost(target_node[k], team_node[t], 1, cost)
    for t in problem.teams:
        f.add_arc_with_capacity_and_unit_cost(team_node[t.id], sink, cap, 0)
    for k in problem.targets:
        f.set_node_supply(target_node[k.id], 1)
    f.set_node_supply(sink, -len(problem.targets))
    if f.solve() != f.OPTIMAL:
        return None
    assignment = {}
    for i, (_, _, _, t, k) in enumerate(arcs):
        if f.flow(i) > 0:
            assignment[k] = t
    return assignment, int(f.optimal_cost())


def _repair(problem: Problem, allowed, cap: int, assignment: dict[int, int], rounds: int = 200):
    """Remove reciprocity from a relaxed solution: for each pair of counties that inspect each
    other, forbid the direction used by fewer targets and solve the flow again. A heuristic: its
    result is feasible, and optimal when its cost meets the relaxation's bound."""
    county_t = {t.id: t.county for t in problem.teams}
    county_k = {k.id: k.county for k in problem.targets}
    allowed = dict(allowed)
    for _ in range(rounds):
        pairs = _reciprocal_pairs(problem, assignment)
        if not pairs:
            return assignment, _changes(problem, assignment)
        # Settle the pairs one at a time, each in the direction whose flow costs less.
        a, b = sorted(pairs)[0]
        options = []
        for drop in ((a, b), (b, a)):
            trial = {
                p: v
                for p, v in allowed.items()
                if not (county_t[p[0]] == drop[0] and county_k[p[1]] == drop[1])
            }
            relaxed = _flow(problem, trial, cap)
            if relaxed is not None:
                options.append((relaxed[1], len(_reciprocal_pairs(problem, relaxed[0])), trial, relaxed[0]))
        if not options:
            return None
        _, _, allowed, assignment = min(options, key=lambda o: (o[0], o[1]))
    return None


def _changes(problem: Problem, assignment: dict[int, int]) -> int:
    county_t = {t.id: t.county for t in problem.teams}
    return sum(
        1 for k, prev in problem.previous.items() if k in assignment and county_t[assignment[k]] != prev
    )


def _reciprocal_pairs(problem: Problem, assignment: dict[int, int]) -> set[tuple[int, int]]:
    teams = {t.id: t.county for t in problem.teams}
    targets = {k.id: k.county for k in problem.targets}
    used = {
        (teams[t], targets[k])
        for k, t in assignment.items()
        if teams[t] is not None and targets[k] is not None
    }
    return {(a, b) for a, b in used if a < b and (b, a) in used}


def _greedy(problem: Problem, allowed, cap: int) -> set[tuple[int, int]]:
    """A quick assignment to start from: each target to the least-loaded allowed team, preferring
    the county that inspected it last time and an orientation of county pairs already chosen."""
    load: dict[int, int] = defaultdict(int)
    orient: set[tuple[int, int]] = set()
    out = set()
    for k in sorted(problem.targets, key=lambda k: sum((t.id, k.id) in allowed for t in problem.teams)):
        options = [t for t in problem.teams if (t.id, k.id) in allowed
                   and (not problem.cross or (k.county, t.county) not in orient)]  # fmt: skip
        if not options:
            continue
        prev = problem.previous.get(k.id)
        best = min(options, key=lambda t: (load[t.id] >= cap, t.county != prev, load[t.id], t.id))
        load[best.id] += 1
        out.add((best.id, k.id))
        if problem.cross and best.county is not None and k.county is not None:
            orient.add((best.county, k.county))
    return out


def _core(problem: Problem, allowed, seconds: float, workers: int) -> list[dict]:
    """The assumptions (cover a target / two counties do not inspect each other) that cannot all hold."""
    m, _, _, assumptions = _build(problem, allowed, with_assumptions=True)
    s = _solver(max(seconds, 1.0), 1)  # a core needs a single worker to be reported
    st = s.solve(m)
    if st != cp_model.INFEASIBLE:
        return [
            {"constraint": "约束冲突", "detail": "约束相互冲突，但在时限内未能确定是哪几条", "targets": []}
        ]
    names = {k.id: k for k in problem.targets}
    county_names = {t.county: t.county_name for t in problem.teams} | {
        k.county: k.county_name for k in problem.targets
    }
    out = []
    for index in s.sufficient_assumptions_for_infeasibility():
        kind, key = assumptions[index]
        if kind == "cover":
            k = names[key]
            options = [t.name for t in problem.teams if (t.id, key) in allowed]
            out.append({"constraint": "每个巡察对象须有一个巡察组",
                        "detail": f"{k.name}只能由{'、'.join(options)}巡察", "targets": [key]})  # fmt: skip
        else:
            a, b = key
            out.append({"constraint": "两县（市、区）不得在同一轮互相巡察",
                        "detail": f"{county_names.get(a, a)}与{county_names.get(b, b)}不得互查", "targets": []})  # fmt: skip
    return out


def explain(
    problem: Problem, assignment: dict[int, int], blocked, max_load: int, proved: bool
) -> dict[int, str]:
    teams = {t.id: t for t in problem.teams}
    loads: dict[int, int] = defaultdict(int)
    for t in assignment.values():
        loads[t] += 1
    out = {}
    for k in problem.targets:
        t = teams[assignment[k.id]]
        excluded = [blocked[(o.id, k.id)] for o in problem.teams if (o.id, k.id) in blocked]
        parts = [f"由{t.name}（{t.county_name or '—'}）巡察"]
        if problem.cross:
            parts.append("非本县单位，且两县本轮不互查")
        parts.append("该组组员与本单位无回避情形")
        if excluded:
            parts.append(
                f"排除{len(excluded)}个组（"
                + "；".join(excluded[:3])
                + ("等" if len(excluded) > 3 else "")
                + "）"
            )
        parts.append(
            f"该组共{loads[t.id]}个对象，各组最多{max_load}个" + ("（已证明不能更少）" if proved else "")
        )
        if k.id in problem.fixed:
            parts.append("人工指定")
        prev = problem.previous.get(k.id)
        if prev is not None:
            parts.append("与上一轮同一县派组" if prev == t.county else "较上一轮调整了派组的县")
        out[k.id] = "；".join(parts)
    return out
