"""Checked fetches of inspections objects: capability + data scope, 404 outside it.

A round is reached through its organiser or any of its targets (a team member's grant covers only
the targets); a finding through its unit; a rectification item through its owner unit (the
inspected unit's contact sees only its own unit's items); an inspector through his unit.
"""

from __future__ import annotations

from django.http import Http404

from qinglian.accounts.scopes import scope
from qinglian.inspections.models import Finding, Inspector, Plan, Rectification, Round, RoundTarget


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("对象不存在") from None


def access_plan(user, plan_id, capability: str = "inspections.view") -> Plan:
    plan = Plan.objects.select_related("owner_unit", "parent").filter(pk=_pk(plan_id)).first()
    if plan is None or not scope(user, capability).contains(plan.owner_unit):
        raise Http404("规划不存在")
    return plan


def access_round(user, round_id, capability: str = "inspections.view") -> Round:
    rnd = Round.objects.select_related("organiser", "plan").filter(pk=_pk(round_id)).first()
    if rnd is None:
        raise Http404("轮次不存在")
    s = scope(user, capability)
    if not s.contains(rnd.organiser) and not rnd.targets.filter(s.units_q("unit__")).exists():
        raise Http404("轮次不存在")
    return rnd


def access_target(user, target_id, capability: str = "inspections.assign") -> RoundTarget:
    rt = (
        RoundTarget.objects.select_related("round__organiser", "unit", "team")
        .filter(pk=_pk(target_id))
        .first()
    )
    if rt is None or not scope(user, capability).contains(rt.round.organiser):
        raise Http404("巡察对象不存在")
    return rt


def access_finding(user, finding_id, capability: str = "inspections.view") -> Finding:
    f = (
        Finding.objects.select_related("round__organiser", "unit", "indicator", "cadre", "clue", "report")
        .filter(pk=_pk(finding_id))
        .first()
    )
    if f is None or not scope(user, capability).contains(f.unit):
        raise Http404("问题不存在")
    return f


def access_rectification(user, rect_id, capability: str = "inspections.rectify") -> Rectification:
    r = Rectification.objects.select_related("owner_unit", "round", "finding").filter(pk=_pk(rect_id)).first()
    if r is None or not scope(user, capability).contains(r.owner_unit):
        raise Http404("整改事项不存在")
    return r


def access_inspector(user, inspector_id, capability: str = "inspections.pool") -> Inspector:
    i = Inspector.objects.select_related("cadre__unit").filter(pk=_pk(inspector_id)).first()
    if i is None or not scope(user, capability).contains(i.cadre.unit):
        raise Http404("巡察干部不存在")
    return i
