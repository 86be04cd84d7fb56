"""Shared reads of the unit tree, always within the viewer's scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from qinglian.accounts.scopes import scope
from qinglian.people.models import Unit


def unit_list(
    *,
    viewer,
    capability: str = "units.view",
    q: str = "",
    kind: str = "",
    level: str = "",
    under: Unit | None = None,
    include_inactive: bool = False,
) -> QuerySet[Unit]:
    units = Unit.objects.filter(scope(viewer, capability).units_q()).select_related("parent", "supervisor")
    if not include_inactive:
        units = units.filter(is_active=True)
    if q:
        units = units.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if kind:
        units = units.filter(kind=kind)
    if level:
        units = units.filter(level=level)
    if under is not None:
        units = units.filter(path__startswith=under.path)
    return units.order_by("path")
