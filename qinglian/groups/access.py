"""Checked fetches of the group pages."""

from __future__ import annotations

from django.http import Http404

from qinglian.accounts.scopes import scope
from qinglian.groups.models import ManualMembership, SupervisionGroup
from qinglian.people.models import Cadre


def access_group(user, code: str) -> SupervisionGroup:
    """Groups are reference data: any holder of groups.view sees the group (members are scoped)."""
    group = SupervisionGroup.objects.filter(code=str(code)[:32]).first()
    if group is None or scope(user, "groups.view").is_empty:
        raise Http404("分组不存在")
    return group


def access_cadre_for_manage(user, cadre_id) -> Cadre:
    try:
        pk = int(cadre_id)
    except (TypeError, ValueError):
        raise Http404("人员不存在") from None
    cadre = Cadre.objects.select_related("unit").filter(pk=pk).first()
    if cadre is None or not scope(user, "groups.manage").contains(cadre.unit):
        raise Http404("人员不存在")
    return cadre


def access_manual(user, group: SupervisionGroup, manual_id) -> ManualMembership:
    try:
        pk = int(manual_id)
    except (TypeError, ValueError):
        raise Http404("记录不存在") from None
    manual = (
        ManualMembership.objects.select_related("cadre__unit", "group").filter(pk=pk, group=group).first()
    )
    if manual is None or not scope(user, "groups.manage").contains(manual.cadre.unit):
        raise Http404("记录不存在")
    return manual


def access_batch(user, batch_id):
    """A measure batch of a unit inside the user's groups.record scope, or 404."""
    from qinglian.groups.models import MeasureBatch

    try:
        pk = int(batch_id)
    except (TypeError, ValueError):
        raise Http404("记录不存在") from None
    batch = MeasureBatch.objects.select_related("measure__group", "unit", "workitem").filter(pk=pk).first()
    if batch is None or not scope(user, "groups.record").contains(batch.unit):
        raise Http404("记录不存在")
    return batch
