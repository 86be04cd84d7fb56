"""Reads shared by the conduct pages and the API: always scoped, with what the lists show joined."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from qinglian.accounts.scopes import scope
from qinglian.conduct.models import (
    CommunityRegistration,
    FamilyBriefing,
    FamilyEvent,
    Finding,
    Observer,
    Visit,
)


def _in_scope(viewer, capability: str = "conduct.view") -> Q:
    return scope(viewer, capability).units_q("unit__")


def visit_list(*, viewer, kind: str = "", observer_id: int | None = None) -> QuerySet[Visit]:
    qs = Visit.objects.filter(_in_scope(viewer)).select_related("cadre", "unit", "observer")
    if kind in Visit.Kind.values:
        qs = qs.filter(kind=kind)
    if observer_id is not None:
        qs = qs.filter(observer_id=observer_id)
    return qs.order_by("-visited_on", "-id")


def observer_list(*, viewer) -> QuerySet[Observer]:
    return (
        Observer.objects.filter(_in_scope(viewer)).select_related("unit")
        .annotate(n_visits=Count("visits")).order_by("-active", "name", "id")
    )  # fmt: skip


def registration_list(*, viewer) -> QuerySet[CommunityRegistration]:
    return (
        CommunityRegistration.objects.filter(_in_scope(viewer)).select_related("cadre", "unit")
        .annotate(n_activities=Count("activities")).order_by("-registered_on", "-id")
    )  # fmt: skip


def briefing_list(*, viewer) -> QuerySet[FamilyBriefing]:
    return (
        FamilyBriefing.objects.filter(_in_scope(viewer))
        .select_related("cadre", "unit")
        .order_by("-handed_on", "-id")
    )


def finding_list(*, viewer, status: str = "") -> QuerySet[Finding]:
    qs = Finding.objects.filter(_in_scope(viewer)).select_related("cadre", "unit", "list_version")
    if status in Finding.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-recorded_at", "-id")


def family_event_list(*, viewer, flagged: bool = False, units_q: Q | None = None) -> QuerySet[FamilyEvent]:
    """Reports in the viewer's conduct.view scope (`units_q` replaces it, e.g. narrowed by an API token)."""
    qs = FamilyEvent.objects.filter(units_q if units_q is not None else _in_scope(viewer))
    if flagged:
        qs = qs.filter(flagged=True)
    return qs.select_related("cadre", "unit").order_by("-filed_at", "-id")


def own_family_events(*, user) -> QuerySet[FamilyEvent]:
    return (
        FamilyEvent.objects.filter(cadre__user=user)
        .select_related("cadre", "unit")
        .order_by("-filed_at", "-id")
    )
