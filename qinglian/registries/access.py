"""Checked fetches of the registries app.

Sources and snapshots are metadata (names, dates, counts): whoever holds `matching.view` or
`matching.manage` sees them all (the registries cover the whole jurisdiction); a task-force
agency account (`matching.submit`) sees only the sources its own agency provides. Registry ROWS
are never fetched here: the matching app shows the rows linked to a cadre or relative in the
viewer's scope, through `selectors.rows_for_persons` (audited).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from qinglian.accounts.scopes import has_capability
from qinglian.registries.models import BuyerUnitMapping, Snapshot, Source


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("对象不存在") from None


def sources_q(user) -> Q | None:
    """The sources a user may see, as a filter; None when none at all."""
    if has_capability(user, "matching.view") or has_capability(user, "matching.manage"):
        return Q()
    if has_capability(user, "matching.submit") and getattr(user, "unit_id", None):
        return Q(agency__unit_id=user.unit_id)
    return None


def access_source(user, source_id) -> Source:
    q = sources_q(user)
    source = (
        Source.objects.select_related("agency").filter(q, pk=_pk(source_id)).first()
        if q is not None
        else None
    )
    if source is None:
        raise Http404("数据源不存在")
    return source


def access_snapshot(user, snapshot_id) -> Snapshot:
    q = sources_q(user)
    snapshot = None
    if q is not None:
        snapshot = (
            Snapshot.objects.select_related("source", "source__agency", "imported_by", "superseded_by")
            .filter(pk=_pk(snapshot_id), source__in=Source.objects.filter(q))
            .first()
        )
    if snapshot is None:
        raise Http404("数据快照不存在")
    return snapshot


def access_buyer_mapping(user, mapping_id) -> BuyerUnitMapping:
    if not has_capability(user, "matching.manage"):
        raise Http404("对照不存在")
    mapping = BuyerUnitMapping.objects.select_related("unit").filter(pk=_pk(mapping_id)).first()
    if mapping is None:
        raise Http404("对照不存在")
    return mapping
