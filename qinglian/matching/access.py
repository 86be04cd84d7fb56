"""Checked fetches of the matching app: 404 outside the user's scope.

A hit or a link is reached by whoever holds `matching.view` (or, for acting on it,
`matching.review`) over the cadre's unit. Hits of the declarations rule compare against
personal-matters reports (sealed): they also need `declarations.check`. A registry person is
visible only when the current run links them to a cadre or relative in the user's scope.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from qinglian.accounts.scopes import has_capability, scope
from qinglian.matching import rules as R
from qinglian.matching.models import Hit, MatchingState, PersonLink, UnitRegion


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("对象不存在") from None


def hits_q(user, capability: str = "matching.view") -> Q:
    q = scope(user, capability).units_q("unit__")
    if not has_capability(user, "declarations.check"):
        q &= ~Q(rule=R.UNDECLARED)
    return q


def access_hit(user, hit_id, capability: str = "matching.view") -> Hit:
    hit = (
        Hit.objects.filter(hits_q(user, capability), pk=_pk(hit_id))
        .select_related("cadre", "unit", "first_run", "last_run", "status_changed_by", "entry")
        .first()
    )
    if hit is None:
        raise Http404("比对线索不存在")
    return hit


def current_run_id() -> int | None:
    return MatchingState.objects.filter(pk=1).values_list("current_run_id", flat=True).first()


def access_link(user, link_id, capability: str = "matching.view") -> PersonLink:
    link = (
        PersonLink.objects.filter(scope(user, capability).units_q("unit__"), pk=_pk(link_id))
        .select_related("cadre", "relative", "unit", "run")
        .first()
    )
    if link is None:
        raise Http404("关联不存在")
    return link


def visible_persons(user, person_ids, run_id: int | None = None) -> set[int]:
    """Of `person_ids`, the registry persons linked in the current run to a cadre or relative in
    the user's `matching.view` scope (rejected links do not count)."""
    run_id = run_id or current_run_id()
    if run_id is None:
        return set()
    return set(
        PersonLink.objects.filter(scope(user, "matching.view").units_q("unit__"), run_id=run_id,
                                  registry_person_id__in=sorted(set(person_ids)))
        .exclude(status=PersonLink.Status.REJECTED).values_list("registry_person_id", flat=True)
    )  # fmt: skip


def regions_q(user) -> Q:
    return scope(user, "matching.manage").units_q("unit__")


def access_region(user, region_id) -> UnitRegion:
    """A unit's region row, for a manager whose scope holds the unit (404 otherwise)."""
    row = UnitRegion.objects.filter(regions_q(user), pk=_pk(region_id)).select_related("unit").first()
    if row is None:
        raise Http404("对照不存在")
    return row
