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


def access_cadre(user, cadre_id, *, capability: str = "people.view", request=None, audit: bool = True):
    """A cadre within the user's scope (or the cadre's own record for `cadre_self`), or 404.
    Opening a person's file is a sensitive read: it is audited here, not in the view."""
    from qinglian.audit.services import audit_record
    from qinglian.people.models import Cadre

    try:
        cadre = Cadre.objects.select_related("unit", "unit__supervisor").get(pk=int(cadre_id))
    except (Cadre.DoesNotExist, TypeError, ValueError):
        raise Http404("人员不存在") from None
    s = scope(user, capability)
    if not s.contains(cadre.unit) and not (s.self_only and cadre.user_id == user.pk):
        raise Http404("人员不存在")
    if audit:
        audit_record(
            actor=user,
            action="cadre.view",
            obj=cadre,
            person_id=cadre.pk,
            unit_id=cadre.unit_id,
            request=request,
        )
    return cadre
