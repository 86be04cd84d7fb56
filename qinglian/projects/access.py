"""Checked fetches of the projects app: 404 outside the user's scope.

Two ways in:
- `projects.view` over the organising unit (the list's or project's owner: the task force's lead,
  the discipline commission, leadership) reaches the whole list or project;
- `projects.report` over a unit (a township commission, a stationed group, a task-force member
  agency) reaches only that unit's own tasks and dispatched items, never another unit's.

A task-force agency's role has the "sharing" scope kind, which gives it no unit subtree: for this
app its own unit is the assignment's anchor, or, without one, the unit of the user's account.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from qinglian.accounts import scopes
from qinglian.accounts.roles import ROLES, ScopeKind
from qinglian.accounts.scopes import scope
from qinglian.projects.models import DispatchItem, Evidence, Project, ResponsibilityList, ResponsibilityTask


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("对象不存在") from None


def _sharing_units(user) -> set[int]:
    if not user or not user.is_authenticated or not user.is_active:
        return set()
    out = set()
    for a in scopes._load(user).assignments:  # cached for the request: no query
        role = ROLES[a.role]
        if role.scope == ScopeKind.SHARING and "projects.report" in role.capabilities:
            unit_id = a.anchor_id or user.unit_id
            if unit_id:
                out.add(unit_id)
    return out


def own_units_q(user, prefix: str = "unit__") -> Q:
    """The units whose tasks and items `user` reports on (projects.report)."""
    q = scope(user, "projects.report").units_q(prefix)
    ids = _sharing_units(user)
    if ids:
        q |= Q(**{f"{prefix}pk__in": sorted(ids)})
    return q


def owns(user, unit) -> bool:
    return scope(user, "projects.report").contains(unit) or unit.pk in _sharing_units(user)


def oversees(user, unit) -> bool:
    """`projects.view` over the organising unit: the whole list or project."""
    return scope(user, "projects.view").contains(unit)


def access_list(user, list_id) -> ResponsibilityList:
    rl = ResponsibilityList.objects.select_related("owner_unit").filter(pk=_pk(list_id)).first()
    if rl is None or not oversees(user, rl.owner_unit):
        raise Http404("清单不存在")
    return rl


def access_task(user, task_id) -> ResponsibilityTask:
    task = (
        ResponsibilityTask.objects.select_related(
            "responsibility_list", "responsibility_list__owner_unit", "lead_unit"
        )
        .filter(pk=_pk(task_id))
        .first()
    )
    if task is None:
        raise Http404("清单任务不存在")
    if oversees(user, task.responsibility_list.owner_unit) or owns(user, task.lead_unit):
        return task
    if task.partner_units.filter(own_units_q(user, "")).exists():  # a partner unit reads, never reports
        return task
    raise Http404("清单任务不存在")


def access_project(user, project_id) -> Project:
    project = Project.objects.select_related("owner_unit").filter(pk=_pk(project_id)).first()
    if project is None:
        raise Http404("项目不存在")
    if oversees(user, project.owner_unit):
        return project
    if project.items.filter(own_units_q(user)).exists():
        return project
    raise Http404("项目不存在")


def access_item(user, item_id) -> DispatchItem:
    item = (
        DispatchItem.objects.select_related(
            "project", "project__owner_unit", "unit", "reported_by", "verified_by"
        )
        .filter(pk=_pk(item_id))
        .first()
    )
    if item is None or not (oversees(user, item.project.owner_unit) or owns(user, item.unit)):
        raise Http404("派单事项不存在")
    return item


def access_evidence(user, evidence_id) -> Evidence:
    ev = Evidence.objects.filter(pk=_pk(evidence_id)).first()
    if ev is None:
        raise Http404("材料不存在")
    if ev.item_id:
        access_item(user, ev.item_id)
    else:
        access_task(user, ev.report.task_id)
    return ev


def access_evaluation(user, evaluation_id):
    from qinglian.projects.models import UnitEvaluation

    ev = (
        UnitEvaluation.objects.select_related(
            "responsibility_list", "responsibility_list__owner_unit", "unit"
        )
        .filter(pk=_pk(evaluation_id))
        .first()
    )
    if ev is None or not oversees(user, ev.responsibility_list.owner_unit):
        raise Http404("评价结果不存在")
    return ev


def access_proposal(user, proposal_id):
    from qinglian.projects.models import AccountabilityProposal

    p = (
        AccountabilityProposal.objects.select_related(
            "evaluation", "evaluation__unit", "evaluation__responsibility_list__owner_unit", "cadre"
        )
        .filter(pk=_pk(proposal_id))
        .first()
    )
    if p is None or not oversees(user, p.evaluation.responsibility_list.owner_unit):
        raise Http404("问责建议不存在")
    return p
