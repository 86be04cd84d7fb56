"""Checked fetches of conduct records: staff by the record's unit and their scope; the cadre his own
family-event reports through Cadre.user. Outside the scope: 404 (existence is not disclosed)."""

from __future__ import annotations

from django.http import Http404

from qinglian.accounts.scopes import scope
from qinglian.conduct.models import (
    CommunityRegistration,
    FamilyBriefing,
    FamilyEvent,
    Finding,
    Observer,
    Visit,
)
from qinglian.people.models import Cadre


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("记录不存在") from None


def _scoped(queryset, user, pk, capability: str, message: str):
    obj = queryset.filter(pk=_pk(pk)).first()
    if obj is None or not scope(user, capability).contains(obj.unit):
        raise Http404(message)
    return obj


def access_cadre(user, cadre_id, capability: str = "conduct.manage") -> Cadre:
    return _scoped(Cadre.objects.select_related("unit"), user, cadre_id, capability, "人员不存在")


def access_finding(user, finding_id, capability: str = "conduct.view") -> Finding:
    qs = Finding.objects.select_related(
        "cadre", "unit", "list_version", "recorded_by", "heard_by", "entry", "visit"
    )
    return _scoped(qs, user, finding_id, capability, "记录不存在")


def access_registration(user, registration_id, capability: str = "conduct.view") -> CommunityRegistration:
    qs = CommunityRegistration.objects.select_related("cadre", "unit", "recorded_by")
    return _scoped(qs, user, registration_id, capability, "记录不存在")


def access_briefing(user, briefing_id, capability: str = "conduct.view") -> FamilyBriefing:
    qs = FamilyBriefing.objects.select_related("cadre", "unit", "positive", "negative")
    return _scoped(qs, user, briefing_id, capability, "记录不存在")


def access_observer(user, observer_id, capability: str = "conduct.manage") -> Observer:
    return _scoped(Observer.objects.select_related("unit"), user, observer_id, capability, "观察员不存在")


def access_visit(user, visit_id, capability: str = "conduct.manage") -> Visit:
    return _scoped(Visit.objects.select_related("cadre", "unit"), user, visit_id, capability, "记录不存在")


def access_family_event(user, event_id) -> FamilyEvent:
    """Staff with conduct.view over the unit, or the cadre who filed it."""
    event = FamilyEvent.objects.select_related("cadre", "unit", "entry").filter(pk=_pk(event_id)).first()
    if event is None:
        raise Http404("报备不存在")
    own = user.is_authenticated and event.cadre.user_id == user.pk and scope(user, "conduct.own").self_only
    if not own and not scope(user, "conduct.view").contains(event.unit):
        raise Http404("报备不存在")
    return event
