"""Reads of supervision groups, limited to the cadres a viewer may see."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from qinglian.accounts.scopes import scope
from qinglian.groups.models import ManualMembership, Membership, SupervisionGroup
from qinglian.people.selectors import cadre_search_q


def group_list(*, viewer) -> QuerySet[SupervisionGroup]:
    """Every group with the number of its current members inside the viewer's scope (one query)."""
    in_scope = scope(viewer, "groups.view").units_q("memberships__cadre__unit__")
    return SupervisionGroup.objects.annotate(
        members=Count("memberships", filter=Q(memberships__until__isnull=True) & in_scope)
    ).order_by("sort_order", "code")


def member_list(
    *, viewer, group: SupervisionGroup, q: str = "", history: bool = False
) -> QuerySet[Membership]:
    rows = Membership.objects.filter(group=group).filter(
        scope(viewer, "groups.view").units_q("cadre__unit__")
    )
    if not history:
        rows = rows.filter(until__isnull=True)
    if q:
        rows = rows.filter(cadre__in=_matching_cadres(q))
    return rows.select_related("cadre", "cadre__unit").order_by("-since", "cadre__name", "pk")


def _matching_cadres(q: str):
    from qinglian.people.models import Cadre

    return Cadre.objects.filter(cadre_search_q(q)).values("pk")


def manual_list(*, viewer, group: SupervisionGroup) -> QuerySet[ManualMembership]:
    return (
        ManualMembership.objects.filter(group=group, ended_at__isnull=True)
        .filter(scope(viewer, "groups.view").units_q("cadre__unit__"))
        .select_related("cadre", "cadre__unit", "created_by")
        .order_by("-created_at")
    )


def cadre_groups(cadre_id: int) -> QuerySet[Membership]:
    """The current groups of one cadre (for the profile page)."""
    return Membership.objects.filter(cadre_id=cadre_id, until__isnull=True).select_related("group")


def coverage(*, viewer, group: SupervisionGroup, today) -> list[dict]:
    """Per measure of the group: tasks done, open and overdue inside the viewer's scope (one query)."""
    from qinglian.groups.models import MeasureTask

    rows = (
        MeasureTask.objects.filter(measure__group=group)
        .filter(scope(viewer, "groups.view").units_q("unit__"))
        .values("measure_id")
        .annotate(
            done=Count("pk", filter=Q(status="done")),
            open=Count("pk", filter=Q(status="open", due_date__gte=today)),
            overdue=Count("pk", filter=Q(status="open", due_date__lt=today)),
        )
    )
    return list(rows)


def overdue_tasks(*, viewer, group: SupervisionGroup, today):
    from qinglian.groups.models import MeasureTask

    return (
        MeasureTask.objects.filter(measure__group=group, status="open", due_date__lt=today)
        .filter(scope(viewer, "groups.view").units_q("unit__"))
        .select_related("measure", "cadre", "unit", "batch")
        .order_by("due_date", "pk")
    )
