"""The one checked fetch of a unit: role and scope, or 404."""

from __future__ import annotations

from django.http import Http404

from qinglian.accounts.scopes import scope
from qinglian.people.models import Unit


def access_unit(user, unit_id, *, capability: str = "units.view") -> Unit:
    try:
        unit = Unit.objects.select_related("parent", "supervisor").get(pk=int(unit_id))
    except (Unit.DoesNotExist, TypeError, ValueError):
        raise Http404("单位不存在") from None
    if not scope(user, capability).contains(unit):
        raise Http404("单位不存在")
    return unit
