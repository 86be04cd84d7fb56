"""Writes of supervision groups: rules, manual additions/removals, and the set-based recompute.

Membership is recomputed for a whole group (or a set of cadres) by the database: one UPDATE closes
the stays of cadres who no longer qualify, one INSERT … SELECT opens stays for those who newly do.
No Python loop over people, so 500,000 cadres take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from qinglian.audit.services import audit_record
from qinglian.groups import rules
from qinglian.groups.defaults import DEFAULT_GROUPS, DEFAULT_MEASURES
from qinglian.groups.models import ManualMembership, Measure, Membership, RuleVersion, SupervisionGroup
from qinglian.people.models import Cadre


@dataclass(frozen=True)
class Recompute:
    added: int
    removed: int


def _reason(value: str) -> str:
    value = (value or "").strip()
    if len(value) < 2:
        raise ValidationError({"reason": "请填写理由"})
    if len(value) > 255:
        raise ValidationError({"reason": "理由不超过255个字"})
    return value


def groups_sync_defaults() -> int:
    """Create the built-in groups that are missing (never overwrite an edited rule). Returns how many."""
    created = 0
    now = timezone.now()
    for order, (code, name, description, rule) in enumerate(DEFAULT_GROUPS, 1):
        group, made = SupervisionGroup.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "rule": rule,
                "builtin": True,
                "sort_order": order,
            },
        )
        if made:
            RuleVersion.objects.create(
                group=group,
                rule=rule,
                description=rules.describe(rule),
                reason="系统默认规则",
                changed_at=now,
            )
            created += 1
            for (
                g,
                name,
                description,
                stage,
                frequency,
                target,
                responsible,
                evidence,
                days,
            ) in DEFAULT_MEASURES:
                if g == code:
                    Measure.objects.create(
                        group=group, name=name, description=description, stage=stage, frequency=frequency,
                        target=target, responsible=responsible, evidence=evidence, due_days=days,
                    )  # fmt: skip
    return created


def _insert_select(group: SupervisionGroup, cadres, source: str, now: datetime) -> int:
    """INSERT … SELECT open stays for the cadres of `cadres` (a queryset) without one already."""
    sql, params = cadres.annotate(member_id=F("pk")).values("member_id").query.sql_with_params()
    table = Membership._meta.db_table
    since = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (group_id, cadre_id, source, since, until) "  # noqa: S608 (our own SQL)
            f"SELECT %s, d.member_id, %s, %s, NULL FROM ({sql}) d "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} m WHERE m.group_id = %s AND m.cadre_id = d.member_id "
            f"AND m.until IS NULL)",
            [group.pk, source, since, *params, group.pk],
        )
        return cursor.rowcount


@transaction.atomic
def memberships_recompute(
    group: SupervisionGroup, *, cadre_ids: list[int] | None = None, now: datetime | None = None
) -> Recompute:
    """Bring `group`'s open stays in line with its rule and manual entries, for everyone or for
    `cadre_ids` only. Ages are counted on the local date of `now`."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    manual = ManualMembership.objects.filter(group=group, ended_at__isnull=True)
    included = manual.filter(action=ManualMembership.Action.INCLUDE).values("cadre_id")
    excluded = manual.filter(action=ManualMembership.Action.EXCLUDE).values("cadre_id")
    by_rule = rules.compile_rule(group.rule, today=today) if group.active and group.rule else Q(pk__in=[])
    by_hand = Q(pk__in=included) if group.active else Q(pk__in=[])
    everyone = Cadre.objects.all() if cadre_ids is None else Cadre.objects.filter(pk__in=cadre_ids)
    desired = everyone.filter(by_rule | by_hand).exclude(pk__in=excluded)
    # NOT EXISTS (an anti-join), not NOT IN: a NOT IN over 500,000 ids that does not fit in work_mem
    # makes PostgreSQL re-scan the subquery for every row.
    stale = Membership.objects.filter(group=group, until__isnull=True).exclude(
        Exists(desired.filter(pk=OuterRef("cadre_id")))
    )
    if cadre_ids is not None:
        stale = stale.filter(cadre_id__in=cadre_ids)
    removed = stale.update(until=now)
    added = _insert_select(group, everyone.filter(by_hand).exclude(pk__in=excluded), "manual", now)
    added += _insert_select(group, desired, "rule", now)
    if cadre_ids is None:
        SupervisionGroup.objects.filter(pk=group.pk).update(recomputed_at=now)
    return Recompute(added, removed)


def memberships_recompute_all(*, now: datetime | None = None, cadre_ids: list[int] | None = None) -> dict:
    """Every group (the daily job, and after registry changes). Audited once with the counts."""
    result = {}
    for group in SupervisionGroup.objects.all():
        r = memberships_recompute(group, now=now, cadre_ids=cadre_ids)
        result[group.code] = {"added": r.added, "removed": r.removed}
    audit_record(
        actor=None, action="groups.recompute", extra={"groups": result, "cadres": len(cadre_ids or [])}
    )
    return result


@transaction.atomic
def group_save(
    *, actor, group: SupervisionGroup | None = None, code: str = "", name: str, description: str = "",
    rule: dict | None, active: bool = True, reason: str, request=None,
) -> SupervisionGroup:  # fmt: skip
    """Create a group or change its name, rule or state. A rule that cannot be evaluated is refused
    with the reason; each saved rule becomes a version in the history; membership follows at once."""
    reason = _reason(reason)
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise ValidationError({"name": "请填写分组名称（不超过64个字）"})
    normal = rules.validate(rule) if rule else {}
    if group is None:
        code = (code or "").strip()
        if not code or len(code) > 32 or not code.replace("_", "").isalnum() or not code.isascii():
            raise ValidationError({"code": "代码由英文字母、数字和下划线组成，不超过32位"})
        if SupervisionGroup.objects.filter(code=code).exists():
            raise ValidationError({"code": "该代码已被使用"})
        group = SupervisionGroup(code=code)
    rule_changed = group.pk is None or normal != group.rule
    group.name, group.description, group.rule, group.active = (
        name,
        (description or "").strip()[:255],
        normal,
        active,
    )
    group.save()
    if rule_changed:
        RuleVersion.objects.create(
            group=group, rule=normal, description=rules.describe(normal) if normal else "（无规则，仅手工加入）",
            reason=reason, changed_by=actor, changed_at=timezone.now(),
        )  # fmt: skip
    counts = memberships_recompute(group)
    audit_record(
        actor=actor, action="groups.save", obj=group, reason=reason, request=request,
        extra={"rule": normal, "active": active, "added": counts.added, "removed": counts.removed},
    )  # fmt: skip
    return group


@transaction.atomic
def manual_set(*, actor, group: SupervisionGroup, cadre: Cadre, action: str, reason: str, request=None):
    """Add a cadre to a group by hand, or take one out, whatever the rule says."""
    reason = _reason(reason)
    if action not in ManualMembership.Action.values:
        raise ValidationError({"action": "操作无效"})
    now = timezone.now()
    open_ = ManualMembership.objects.filter(group=group, cadre=cadre, ended_at__isnull=True)
    if open_.filter(action=action).exists():
        raise ValidationError({"action": "已有相同的手工调整"})
    open_.update(ended_at=now, ended_by=actor)
    manual = ManualMembership.objects.create(
        group=group, cadre=cadre, action=action, reason=reason, created_by=actor, created_at=now
    )
    counts = memberships_recompute(group, cadre_ids=[cadre.pk], now=now)
    audit_record(
        actor=actor, action=f"groups.manual_{action}", obj=group, person_id=cadre.pk, unit_id=cadre.unit_id,
        reason=reason, request=request, extra={"added": counts.added, "removed": counts.removed},
    )  # fmt: skip
    return manual


@transaction.atomic
def manual_end(*, actor, manual: ManualMembership, reason: str, request=None) -> ManualMembership:
    """Withdraw a manual adjustment: the rule decides again."""
    reason = _reason(reason)
    if manual.ended_at is not None:
        raise ValidationError({"reason": "该手工调整已撤销"})
    now = timezone.now()
    ManualMembership.objects.filter(pk=manual.pk).update(ended_at=now, ended_by=actor)
    manual.ended_at = now
    memberships_recompute(manual.group, cadre_ids=[manual.cadre_id], now=now)
    audit_record(actor=actor, action="groups.manual_end", obj=manual.group, person_id=manual.cadre_id,
                 reason=reason, request=request)  # fmt: skip
    return manual
