"""Writes to the unit tree. Each service validates, writes, records history and audits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from qinglian.audit.services import audit_record
from qinglian.people.models import SUPERVISING_KINDS, Cadre, CadreSearchToken, Unit, UnitChange
from qinglian.people.signals import announce_cadres_changed

_TRACKED = ("name", "code", "kind", "level", "sector", "supervisor_id", "is_active", "sort_order")


def _snapshot(unit: Unit) -> dict:
    return {f: getattr(unit, f) for f in _TRACKED}


def _check_supervisor(supervisor: Unit | None) -> None:
    if supervisor is not None and supervisor.kind not in SUPERVISING_KINDS:
        raise ValidationError({"supervisor": "监督主体必须是派驻纪检监察组、乡镇纪委或纪委监委"})


@transaction.atomic
def unit_create(
    *,
    actor,
    name: str,
    code: str,
    kind: str,
    level: str,
    parent: Unit | None = None,
    supervisor: Unit | None = None,
    sector: str = "",
    sort_order: int = 0,
    request=None,
) -> Unit:
    if parent is None and Unit.objects.exists():
        raise ValidationError({"parent": "已有根单位，新单位必须指定上级单位"})
    if Unit.objects.filter(code=code).exists():
        raise ValidationError({"code": f"单位代码“{code}”已被使用"})
    _check_supervisor(supervisor)
    unit = Unit(
        name=name,
        code=code,
        kind=kind,
        level=level,
        parent=parent,
        supervisor=supervisor,
        sector=sector,
        sort_order=sort_order,
    )
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    UnitChange.objects.create(
        unit=unit, kind=UnitChange.Kind.CREATED, after=_snapshot(unit), changed_by=actor
    )
    audit_record(actor=actor, action="unit.create", obj=unit, unit_id=unit.pk, request=request)
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, reason: str = "", request=None, **changes) -> Unit:
    """Rename or change the attributes of a unit (not its place in the tree: see `unit_move`)."""
    unknown = set(changes) - {"name", "code", "kind", "level", "sector", "supervisor", "sort_order"}
    if unknown:
        raise TypeError(f"unit_update cannot change {sorted(unknown)}")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = _snapshot(unit)
    if "code" in changes and Unit.objects.filter(code=changes["code"]).exclude(pk=unit.pk).exists():
        raise ValidationError({"code": f"单位代码“{changes['code']}”已被使用"})
    if "supervisor" in changes:
        _check_supervisor(changes["supervisor"])
    for field, value in changes.items():
        setattr(unit, field, value)
    unit.full_clean(exclude=["path"])
    after = _snapshot(unit)
    if after == before:
        return unit
    unit.save()
    if before["name"] != after["name"]:
        kind = UnitChange.Kind.RENAMED
    elif before["supervisor_id"] != after["supervisor_id"]:
        kind = UnitChange.Kind.SUPERVISOR
    else:
        kind = UnitChange.Kind.UPDATED
    UnitChange.objects.create(
        unit=unit, kind=kind, before=before, after=after, reason=reason, changed_by=actor
    )
    if before.get("kind") != after.get("kind") or before.get("sector") != after.get("sector"):
        # Rules over the unit's kind or sector (supervision groups) may now read differently.
        announce_cadres_changed(Cadre.objects.filter(unit=unit).values_list("pk", flat=True))
    audit_record(
        actor=actor,
        action=f"unit.{kind}",
        obj=unit,
        unit_id=unit.pk,
        reason=reason,
        request=request,
        extra={"before": before, "after": after},
    )
    return unit


@transaction.atomic
def unit_move(*, actor, unit: Unit, new_parent: Unit, reason: str, request=None) -> Unit:
    """Move a unit and its whole subtree under a new parent: one UPDATE for the subtree."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if new_parent.path.startswith(unit.path):
        raise ValidationError({"parent": "不能把单位调整到它自己或它的下级单位之下"})
    if not reason.strip():
        raise ValidationError({"reason": "请填写调整隶属关系的事由"})
    old_path, old_parent_id = unit.path, unit.parent_id
    new_path = f"{new_parent.path}{unit.pk}/"
    depth_shift = new_parent.depth + 1 - unit.depth
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_shift,
    )
    # The search tokens of the subtree's cadres carry the unit path: the same rewrite, one UPDATE,
    # reached through the cadres' unit index rather than a scan of every token.
    CadreSearchToken.objects.filter(
        cadre__in=Cadre.objects.filter(unit__path__startswith=new_path).values("pk")
    ).update(unit_path=Concat(Value(new_path), Substr("unit_path", len(old_path) + 1)))
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    unit.refresh_from_db()
    UnitChange.objects.create(
        unit=unit,
        kind=UnitChange.Kind.MOVED,
        before={"parent_id": old_parent_id, "path": old_path},
        after={"parent_id": new_parent.pk, "path": new_path},
        reason=reason,
        changed_by=actor,
    )
    audit_record(
        actor=actor,
        action="unit.move",
        obj=unit,
        unit_id=unit.pk,
        reason=reason,
        request=request,
        extra={"from": old_parent_id, "to": new_parent.pk},
    )
    return unit


@transaction.atomic
def unit_deactivate(*, actor, unit: Unit, reason: str, request=None) -> Unit:
    if not reason.strip():
        raise ValidationError({"reason": "请填写撤销单位的事由"})
    if Unit.objects.filter(path__startswith=unit.path, is_active=True).exclude(pk=unit.pk).exists():
        raise ValidationError({"unit": "该单位仍有有效的下级单位，请先调整或撤销下级单位"})
    Unit.objects.filter(pk=unit.pk).update(is_active=False)
    unit.refresh_from_db()
    UnitChange.objects.create(
        unit=unit,
        kind=UnitChange.Kind.DEACTIVATED,
        reason=reason,
        changed_by=actor,
        before={"is_active": True},
        after={"is_active": False},
    )
    audit_record(
        actor=actor, action="unit.deactivate", obj=unit, unit_id=unit.pk, reason=reason, request=request
    )
    return unit


__all__ = ["unit_create", "unit_update", "unit_move", "unit_deactivate"]
