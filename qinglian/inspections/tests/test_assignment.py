"""Recusal from structured data and the cross-inspection assignment (CP-SAT) on small cases with
known answers."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from qinglian.inspections import assignment, pools, services, solver
from qinglian.inspections.models import Recusal, Round, RoundTarget
from qinglian.people.models import Post, Relative
from qinglian.people.services import unit_create

pytestmark = pytest.mark.django_db


# --- the solver on plain data ------------------------------------------------------------------

T = solver.TeamIn
K = solver.TargetIn


def _three_counties():
    teams = [T(1, "甲组", 10, "甲县"), T(2, "乙组", 20, "乙县"), T(3, "丙组", 30, "丙县")]
    targets = [K(100 + i, f"甲{i}", 10, "甲县") for i in range(2)] + [
        K(200 + i, f"乙{i}", 20, "乙县") for i in range(2)
    ]
    targets += [K(300 + i, f"丙{i}", 30, "丙县") for i in range(2)]
    return teams, targets


def _county(teams, team_id):
    return next(t.county for t in teams if t.id == team_id)


def test_no_team_inspects_its_own_county_and_no_two_counties_each_other():
    teams, targets = _three_counties()
    r = solver.solve(solver.Problem(teams, targets))
    assert r.status == "optimal" and r.max_load == 2
    pairs = set()
    for k in targets:
        c = _county(teams, r.assignment[k.id])
        assert c != k.county
        pairs.add((c, k.county))
    assert not any((b, a) in pairs for a, b in pairs)  # a cycle 甲→乙→丙→甲 or its reverse
    assert all("已证明不能更少" in r.explanations[k.id] for k in targets)


def test_two_counties_alone_cannot_cross_inspect_and_the_report_says_why():
    teams, targets = _three_counties()
    r = solver.solve(solver.Problem(teams[:2], targets[:4]))
    assert r.status == "infeasible" and not r.assignment
    assert any(
        p["constraint"] == "两县（市、区）不得在同一轮互相巡察" and "甲县与乙县" in p["detail"]
        for p in r.problems
    )


def test_a_target_every_team_conflicts_with_is_reported_with_each_reason():
    teams, targets = _three_counties()
    conflicts = {(2, 100): ["曾在该单位任职"], (3, 100): ["亲属在该单位工作"]}
    r = solver.solve(solver.Problem(teams, targets, conflicts))
    assert r.status == "infeasible"
    (p,) = r.problems
    assert p["targets"] == [100] and "甲组来自甲县" in p["detail"] and "亲属在该单位工作" in p["detail"]


def test_conflict_moves_the_target_to_the_other_county():
    teams, targets = _three_counties()
    r = solver.solve(solver.Problem(teams, targets, {(2, 100): ["回避"]}))
    assert r.status == "optimal" and r.assignment[100] == 3 and r.assignment[101] == 3  # orientation 丙→甲


def test_the_largest_load_is_minimised():
    teams = [T(1, "甲一组", 10, "甲县"), T(2, "甲二组", 10, "甲县"), T(3, "乙组", 20, "乙县")]
    targets = [K(200 + i, f"乙{i}", 20, "乙县") for i in range(5)]
    r = solver.solve(solver.Problem(teams, targets))
    loads = sorted([list(r.assignment.values()).count(t) for t in (1, 2)])
    assert r.status == "optimal" and r.max_load == 3 and loads == [2, 3]


def test_ties_keep_the_previous_rounds_pattern():
    teams, targets = _three_counties()
    previous = {100: 30, 101: 30, 200: 10, 201: 10, 300: 20, 301: 20}  # 丙→甲, 甲→乙, 乙→丙
    r = solver.solve(solver.Problem(teams, targets, previous=previous))
    assert r.changes == 0 and all(_county(teams, r.assignment[k]) == c for k, c in previous.items())
    previous = {100: 20, 101: 20, 200: 30, 201: 30, 300: 10, 301: 10}  # the other cycle
    r = solver.solve(solver.Problem(teams, targets, previous=previous))
    assert r.changes == 0 and _county(teams, r.assignment[100]) == 20


def test_reciprocity_forces_changes_and_cp_sat_proves_the_fewest():
    teams, targets = _three_counties()
    # Last time 甲 and 乙 inspected each other: one direction must change (2 targets), no more.
    previous = {100: 20, 101: 20, 200: 10, 201: 10, 300: 10, 301: 10}
    r = solver.solve(solver.Problem(teams, targets, previous=previous))
    assert r.status == "optimal" and r.changes == 2


def test_size_of_the_bar_is_solved_in_time():
    import random

    rnd = random.Random(7)
    teams = [T(c * 10 + i, f"{c}县{i}组", c, f"{c}县") for c in range(1, 21) for i in range(3)]
    targets = [K(c * 100 + j, f"{c}县单位{j}", c, f"{c}县") for c in range(1, 21) for j in range(15)]
    conflicts = {(t.id, k.id): ["回避"] for t in teams for k in targets if rnd.random() < 0.2}
    r = solver.solve(solver.Problem(teams, targets, conflicts), time_limit=30)
    assert r.status == "optimal" and r.max_load == 5 and r.seconds < 30


# --- from the database --------------------------------------------------------------------------


@pytest.fixture
def city(tree):
    """A third county C (tree has A and B), each with one department; A has dept_a1..a3."""
    c = unit_create(actor=None, code="C", name="丙县", kind="jurisdiction", level="county", parent=tree.root)
    d = unit_create(
        actor=None, code="C-D1", name="丙县教育局", kind="government_dept", level="county", parent=c
    )
    return c, d


@pytest.fixture
def cross_round(office, tree, city):
    plan = services.plan_create(
        actor=office, kind="annual", title="市2026年计划", owner_unit=tree.root, start_year=2026
    )
    return services.round_create(actor=office, plan=plan, number=1, kind="cross", start_date=date(2026, 4, 1),
                                 end_date=date(2026, 6, 1), targets=[tree.dept_a1, tree.dept_b1, city[1]])  # fmt: skip


def _inspector(office, make_cadre, unit, name, pool="leader"):
    return pools.inspector_enter(actor=office, cadre=make_cadre(unit, name), pool=pool, reason="入库")


def test_conflicts_from_posts_relatives_own_unit_and_county(office, tree, make_cadre, cross_round, city):
    a = _inspector(office, make_cadre, tree.dept_a2, "甲县干部")
    b = _inspector(office, make_cadre, tree.dept_b1, "乙县干部")
    c = _inspector(office, make_cadre, city[1], "丙县干部")
    Post.objects.create(cadre=c.cadre, unit=tree.dept_a1, title="副局长", level="deputy_section",
                        start_date=date(2018, 1, 1), end_date=date(2021, 1, 1))  # fmt: skip
    Relative.objects.create(
        cadre=a.cadre, relation="spouse", name="配偶", employer_unit=tree.dept_b1, source="declared"
    )
    assignment.team_create(actor=office, round=cross_round, name="甲县组", members=[(a, "leader")])
    assignment.team_create(actor=office, round=cross_round, name="乙县组", members=[(b, "leader")])
    assignment.team_create(actor=office, round=cross_round, name="丙县组", members=[(c, "leader")])
    found = {(r.inspector.cadre.name, r.unit.name, r.reason) for r in assignment.conflicts_find(cross_round)}
    assert ("丙县干部", "甲县教育局", Recusal.Reason.POST) in found
    assert ("甲县干部", "乙县教育局", Recusal.Reason.RELATIVE) in found
    assert ("乙县干部", "乙县教育局", Recusal.Reason.OWN_UNIT) in found
    assert ("甲县干部", "甲县教育局", Recusal.Reason.OWN_COUNTY) in found
    assert ("丙县干部", "乙县教育局", Recusal.Reason.POST) not in found
    # 甲 cannot take 乙 (relative) nor 甲 (own); 丙 cannot take 甲 (post) nor 丙: 甲→丙, 丙→乙, 乙→甲.
    run = assignment.assignment_run(actor=office, round=cross_round)
    assert run.status == "optimal", run.problems
    got = {
        rt.unit.name: rt.team.name
        for rt in RoundTarget.objects.filter(round=cross_round).select_related("unit", "team")
    }
    assert got == {"丙县教育局": "甲县组", "乙县教育局": "丙县组", "甲县教育局": "乙县组"}
    assert "无回避情形" in RoundTarget.objects.get(round=cross_round, unit=tree.dept_a1).explanation
    cross_round.refresh_from_db()
    assert cross_round.status == Round.Status.ASSIGNED


def test_infeasible_round_is_recorded_with_reasons_not_a_crash(office, tree, make_cadre, cross_round, city):
    a = _inspector(office, make_cadre, tree.dept_a2, "甲县干部")
    b = _inspector(office, make_cadre, tree.dept_b1, "乙县干部")
    assignment.team_create(actor=office, round=cross_round, name="甲县组", members=[(a, "leader")])
    assignment.team_create(actor=office, round=cross_round, name="乙县组", members=[(b, "leader")])
    assignment.recusal_declare(
        actor=office, round=cross_round, inspector=a, unit=city[1], detail="本人申报：同学任局长"
    )
    assignment.recusal_declare(
        actor=office, round=cross_round, inspector=b, unit=city[1], detail="本人申报：曾借调"
    )
    run = assignment.assignment_run(actor=office, round=cross_round)
    assert run.status == "infeasible"
    (problem,) = run.problems
    assert "丙县教育局：没有可以派出的巡察组" in problem["detail"] and "同学任局长" in problem["detail"]
    assert not RoundTarget.objects.filter(round=cross_round, team__isnull=False).exists()


def test_manual_override_needs_a_reason_and_respects_the_rules(office, tree, make_cadre, cross_round, city):
    a = _inspector(office, make_cadre, tree.dept_a2, "甲县干部")
    b = _inspector(office, make_cadre, tree.dept_b1, "乙县干部")
    c = _inspector(office, make_cadre, city[1], "丙县干部")
    ta = assignment.team_create(actor=office, round=cross_round, name="甲县组", members=[(a, "leader")])
    assignment.team_create(actor=office, round=cross_round, name="乙县组", members=[(b, "leader")])
    assignment.team_create(actor=office, round=cross_round, name="丙县组", members=[(c, "leader")])
    assignment.assignment_run(actor=office, round=cross_round)
    own = RoundTarget.objects.get(round=cross_round, unit=tree.dept_a1)
    with pytest.raises(ValidationError) as exc:
        assignment.assignment_override(actor=office, target=own, team=ta, reason="就近")
    assert "不巡察本县单位" in str(exc.value)
    other = RoundTarget.objects.get(round=cross_round, unit=tree.dept_b1)
    with pytest.raises(ValidationError):
        assignment.assignment_override(actor=office, target=other, team=ta, reason="")


def test_grants_give_team_members_their_targets_for_the_rounds_dates(office, tree, make_cadre, make_user, cross_round,
                                                                     city):  # fmt: skip
    import time_machine

    from qinglian.accounts.scopes import forget, scope

    with time_machine.travel(date(2026, 3, 1)):  # the role is held from before the round
        user = make_user("inspection_team", None)
    a = pools.inspector_enter(actor=office, cadre=make_cadre(tree.dept_a2, "甲县干部"), pool="leader", reason="入库",
                              user=user)  # fmt: skip
    b = _inspector(office, make_cadre, tree.dept_b1, "乙县干部")
    c = _inspector(office, make_cadre, city[1], "丙县干部")
    assignment.team_create(actor=office, round=cross_round, name="甲县组", members=[(a, "leader")])
    assignment.team_create(actor=office, round=cross_round, name="乙县组", members=[(b, "leader")])
    assignment.team_create(actor=office, round=cross_round, name="丙县组", members=[(c, "leader")])
    assignment.assignment_run(actor=office, round=cross_round)
    mine = RoundTarget.objects.get(round=cross_round, team__name="甲县组").unit
    services.round_move(actor=office, round=cross_round, to=Round.Status.ONGOING)
    with time_machine.travel(date(2026, 5, 1)):
        forget(user)
        s = scope(user, "inspections.findings")
        assert s.contains(mine) and not s.contains(tree.dept_a1)
    with time_machine.travel(date(2026, 7, 1)):
        forget(user)
        assert not scope(user, "inspections.findings").contains(mine)
