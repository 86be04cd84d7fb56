"""Teams, recusal and the cross-inspection assignment of a round (services: atomic, audited).

Conflicts (回避) are found from structured data, set-based: the member held a post in the target
(posts history), a relative works there (the relative's employer as a unit), the target is the
member's own unit (or above/below it) or lies in the member's own county. The assignment itself is
`solver.solve` (CP-SAT) on plain data built here; its result is written with an explanation for
every target, and can be overridden by hand with a reason, never against the hard rules.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.audit.services import audit_record
from qinglian.inspections import solver
from qinglian.inspections.models import (
    AssignmentRun,
    Inspector,
    Pool,
    Recusal,
    Round,
    RoundKind,
    RoundTarget,
    Team,
    TeamMember,
)
from qinglian.inspections.services import clean_text, require
from qinglian.people.models import Post, Relative, Unit, UnitKind, UnitLevel

# --- counties ------------------------------------------------------------------------------------


class Counties:
    """Which county (a county-level jurisdiction) each unit lies in, from materialised paths."""

    def __init__(self):
        self.by_path = {
            u.path: u
            for u in Unit.objects.filter(kind=UnitKind.JURISDICTION, level=UnitLevel.COUNTY).only(
                "pk", "path", "name"
            )
        }

    def of(self, unit: Unit) -> Unit | None:
        parts = unit.path.strip("/").split("/")
        for i in range(len(parts), 0, -1):
            hit = self.by_path.get("/" + "/".join(parts[:i]) + "/")
            if hit is not None:
                return hit
        return None


def _related(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


# --- teams ---------------------------------------------------------------------------------------


@transaction.atomic
def team_create(*, actor, round: Round, name: str, members: list[tuple[Inspector, str]], home_county: Unit | None = None,
                request=None) -> Team:  # fmt: skip
    """A team of the round: its leader from the leader pool (组长库), members from either pool."""
    require(actor, "inspections.assign", round.organiser)
    name = clean_text(name, "name", "组名", max_len=60)
    if round.status not in (Round.Status.PLANNED, Round.Status.ASSIGNED):
        raise ValidationError({"round": "进驻后不能再调整巡察组"})
    if round.teams.filter(name=name).exists():
        raise ValidationError({"name": f"本轮已有“{name}”"})
    errors = []
    leaders = [i for i, role in members if role == TeamMember.Role.LEADER]
    if len(leaders) != 1:
        errors.append("每个巡察组须有且只有一名组长")
    for ins, role in members:
        if role not in TeamMember.Role.values:
            errors.append(f"{ins.cadre.name}：职责无效")
        if ins.status != Inspector.Status.ACTIVE:
            errors.append(f"{ins.cadre.name} 已出库，不能编入巡察组")
        if role == TeamMember.Role.LEADER and ins.pool != Pool.LEADER:
            errors.append(f"{ins.cadre.name} 不在组长库，不能任组长")
    busy = set(
        TeamMember.objects.filter(team__round=round, inspector__in=[i for i, _ in members]).values_list(
            "inspector__cadre__name", flat=True
        )
    )
    errors += [f"{n} 已在本轮其他巡察组" for n in sorted(busy)]
    if errors:
        raise ValidationError({"members": errors})
    if home_county is None and leaders:
        home_county = Counties().of(leaders[0].cadre.unit)
    team = Team.objects.create(round=round, name=name, home_county=home_county)
    TeamMember.objects.bulk_create(TeamMember(team=team, inspector=i, role=r) for i, r in members)
    audit_record(actor=actor, action="inspections.team.create", obj=team, unit_id=round.organiser_id, request=request,
                 extra={"members": [i.pk for i, _ in members]})  # fmt: skip
    return team


# --- recusal -------------------------------------------------------------------------------------


def conflicts_find(round: Round) -> list[Recusal]:
    """The conflicts of every member of the round's teams with every target (unsaved rows).

    Four queries whatever the size: members, posts, relatives, targets.
    """
    members = list(
        TeamMember.objects.filter(team__round=round).select_related("inspector__cadre__unit").order_by("pk")
    )
    cadre_ids = {m.inspector.cadre_id for m in members}
    posts = defaultdict(list)
    for p in Post.objects.filter(cadre_id__in=cadre_ids).select_related("unit"):
        posts[p.cadre_id].append(p)
    relatives = defaultdict(list)
    for r in Relative.objects.filter(cadre_id__in=cadre_ids, employer_unit__isnull=False).select_related(
        "employer_unit"
    ):
        relatives[r.cadre_id].append(r)
    targets = [t.unit for t in round.targets.select_related("unit")]
    counties = Counties()
    out, seen = [], set()
    for m in members:
        ins, cadre = m.inspector, m.inspector.cadre
        if ins.pk in seen:
            continue
        seen.add(ins.pk)
        home = counties.of(cadre.unit)
        for unit in targets:
            found = []
            if _related(cadre.unit.path, unit.path):
                found.append((Recusal.Reason.OWN_UNIT, f"{cadre.name}现在{cadre.unit.name}工作"))
            elif round.kind == RoundKind.CROSS and home is not None and unit.path.startswith(home.path):
                found.append((Recusal.Reason.OWN_COUNTY, f"{cadre.name}所在单位属{home.name}"))
            for p in posts[cadre.pk]:
                if _related(p.unit.path, unit.path) and p.unit_id != cadre.unit_id:
                    end = p.end_date.isoformat() if p.end_date else "今"
                    found.append(
                        (
                            Recusal.Reason.POST,
                            f"{cadre.name}曾任{p.unit.name}{p.title}（{p.start_date}至{end}）",
                        )
                    )
                    break
            for r in relatives[cadre.pk]:
                if r.employer_unit.path.startswith(unit.path):
                    found.append((Recusal.Reason.RELATIVE,
                                  f"{cadre.name}的{r.get_relation_display()}{r.name}在{r.employer_unit.name}工作"))  # fmt: skip
                    break
            out += [Recusal(round=round, inspector=ins, unit=unit, reason=reason, detail=detail[:255])
                    for reason, detail in found]  # fmt: skip
    return out


@transaction.atomic
def conflicts_refresh(*, actor, round: Round, request=None) -> list[Recusal]:
    """Recompute the found conflicts (declared ones stay)."""
    require(actor, "inspections.assign", round.organiser)
    Recusal.objects.filter(round=round).exclude(reason=Recusal.Reason.DECLARED).delete()
    rows = Recusal.objects.bulk_create(conflicts_find(round))
    audit_record(actor=actor, action="inspections.recusal.refresh", obj=round, unit_id=round.organiser_id,
                 request=request, extra={"count": len(rows)})  # fmt: skip
    return rows


@transaction.atomic
def recusal_declare(
    *, actor, round: Round, inspector: Inspector, unit: Unit, detail: str, request=None
) -> Recusal:
    """A conflict the member declares or the office knows of that the data does not show."""
    require(actor, "inspections.assign", round.organiser)
    if not round.targets.filter(unit=unit).exists():
        raise ValidationError({"unit": f"{unit.name} 不是本轮巡察对象"})
    rec = Recusal.objects.create(round=round, inspector=inspector, unit=unit, reason=Recusal.Reason.DECLARED,
                                 detail=clean_text(detail, "detail", "回避事由", max_len=255))  # fmt: skip
    audit_record(actor=actor, action="inspections.recusal.declare", obj=rec, unit_id=unit.pk,
                 person_id=inspector.cadre_id, request=request)  # fmt: skip
    return rec


# --- assignment ----------------------------------------------------------------------------------


def problem_for(round: Round) -> solver.Problem:
    counties = Counties()
    teams = list(round.teams.select_related("home_county").order_by("pk"))
    targets = list(round.targets.select_related("unit", "team").order_by("unit__path"))
    team_in = [
        solver.TeamIn(t.pk, t.name, t.home_county_id, t.home_county.name if t.home_county else "")
        for t in teams
    ]
    target_in = []
    for rt in targets:
        c = counties.of(rt.unit)
        target_in.append(solver.TargetIn(rt.pk, rt.unit.name, c.pk if c else None, c.name if c else ""))
    member_team = defaultdict(set)
    names = {}
    for tm in TeamMember.objects.filter(team__round=round).select_related("inspector__cadre"):
        member_team[tm.inspector_id].add(tm.team_id)
        names[tm.inspector_id] = tm.inspector.cadre.name
    by_unit = {rt.unit_id: rt.pk for rt in targets}
    conflicts = defaultdict(list)
    for rec in Recusal.objects.filter(round=round):
        for team_id in member_team.get(rec.inspector_id, ()):
            conflicts[(team_id, by_unit[rec.unit_id])].append(f"{rec.get_reason_display()}：{rec.detail}")
    previous = {}
    if round.previous_id:
        prev = dict(
            RoundTarget.objects.filter(round_id=round.previous_id, team__isnull=False).values_list(
                "unit_id", "team__home_county_id"
            )
        )
        previous = {rt.pk: prev[rt.unit_id] for rt in targets if prev.get(rt.unit_id)}
    fixed = {rt.pk: rt.team_id for rt in targets if rt.source == RoundTarget.Source.MANUAL and rt.team_id}
    return solver.Problem(team_in, target_in, dict(conflicts), previous, round.kind == RoundKind.CROSS, fixed)


def assignment_run(*, actor, round: Round, time_limit: float = 30.0, request=None) -> AssignmentRun:
    """Find the conflicts, solve, write the assignment and its explanation (or the reasons it
    cannot be done). Solving runs outside the write transaction."""
    require(actor, "inspections.assign", round.organiser)
    if round.status not in (Round.Status.PLANNED, Round.Status.ASSIGNED):
        raise ValidationError({"round": "进驻后不能重新分配"})
    conflicts_refresh(actor=actor, round=round, request=request)
    result = solver.solve(problem_for(round), time_limit=time_limit)
    with transaction.atomic():
        run = AssignmentRun.objects.create(
            round=round, status=result.status, max_load=result.max_load, changes=result.changes,
            seconds=round_seconds(result.seconds), problems=result.problems, summary=result.summary,
            run_by=actor, run_at=timezone.now(),
        )  # fmt: skip
        if result.assignment:
            rows = list(RoundTarget.objects.filter(round=round))
            for rt in rows:
                rt.team_id = result.assignment[rt.pk]
                rt.explanation = result.explanations[rt.pk]
                if rt.source != RoundTarget.Source.MANUAL:
                    rt.source = RoundTarget.Source.SOLVER
            RoundTarget.objects.bulk_update(rows, ["team", "explanation", "source"])
            Round.objects.filter(pk=round.pk, status=Round.Status.PLANNED).update(
                status=Round.Status.ASSIGNED
            )
        audit_record(actor=actor, action="inspections.assignment.run", obj=round, unit_id=round.organiser_id,
                     request=request, extra={"status": result.status, "max_load": result.max_load,
                                             "changes": result.changes})  # fmt: skip
    return run


def round_seconds(s: float) -> float:
    return float(f"{s:.3f}")


@transaction.atomic
def assignment_override(*, actor, target: RoundTarget, team: Team, reason: str, request=None) -> RoundTarget:
    """A manual change with a reason; the hard rules still hold (own county, reciprocity, conflicts)."""
    rnd = target.round
    require(actor, "inspections.assign", rnd.organiser)
    reason = clean_text(reason, "reason", "调整理由", max_len=500)
    if team.round_id != rnd.pk:
        raise ValidationError({"team": "该巡察组不属于本轮"})
    if rnd.status not in (Round.Status.PLANNED, Round.Status.ASSIGNED):
        raise ValidationError({"round": "进驻后不能调整分组"})
    problem = problem_for(rnd)
    blocked = solver._blocked(problem)
    errors = []
    if (team.pk, target.pk) in blocked:
        errors.append(blocked[(team.pk, target.pk)])
    if problem.cross:
        county_of_target = {k.id: k.county for k in problem.targets}
        county_of_team = {t.id: t.county for t in problem.teams}
        a, b = county_of_team[team.pk], county_of_target[target.pk]
        if a is not None and b is not None:
            reverse = RoundTarget.objects.filter(round=rnd, team__home_county_id=b).exclude(pk=target.pk)
            if any(county_of_target[rt.pk] == a for rt in reverse):
                errors.append(
                    f"{team.home_county.name}已有单位由{target.unit.name}所在县的巡察组巡察，两县不得互查"
                )
    if errors:
        raise ValidationError({"team": errors})
    before = target.team_id
    target.team = team
    target.source = RoundTarget.Source.MANUAL
    target.override_reason = reason
    target.explanation = f"人工调整为{team.name}：{reason}"
    target.save(update_fields=["team", "source", "override_reason", "explanation"])
    audit_record(actor=actor, action="inspections.assignment.override", obj=target, unit_id=target.unit_id,
                 reason=reason, request=request, extra={"from": before, "to": team.pk})  # fmt: skip
    return target


def round_grants_issue(*, actor, round: Round, request=None) -> int:
    """Each team member with an account gets its team's targets (GRANT scope) for the round's dates."""
    from qinglian.accounts.services import scope_grant

    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(round.start_date, time.min), tz)
    end = timezone.make_aware(datetime.combine(round.end_date + timedelta(days=1), time.min), tz)
    n = 0
    members = TeamMember.objects.filter(team__round=round, inspector__user__isnull=False).select_related(
        "inspector__user", "team"
    )
    targets = defaultdict(list)
    for rt in round.targets.filter(team__isnull=False).select_related("unit"):
        targets[rt.team_id].append(rt.unit)
    for m in members:
        for unit in targets[m.team_id]:
            scope_grant(actor=actor, user=m.inspector.user, role="inspection_team", unit=unit, valid_from=start,
                        valid_until=end, reason=f"{round.title}（{m.team.name}）巡察授权", source=f"巡察轮次{round.pk}",
                        request=request)  # fmt: skip
            n += 1
    return n
