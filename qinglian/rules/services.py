"""Writes on the rule registry: syncing the code's declarations, and recording a new value."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability
from qinglian.audit.services import audit_record
from qinglian.rules import registry, values
from qinglian.rules.models import Rule, RuleParameter


@transaction.atomic
def rules_sync() -> dict[str, list[str]]:
    """Create the rules declared in code that the database lacks, and their default parameters.

    Rule descriptions (name, citation, text, unsettled flag, owner) follow the code, which is
    reviewed; a parameter that already has a value is never touched, whatever the code's default.
    Defaults are recorded by nobody (the release) and apply from DEFAULT_EFFECTIVE_FROM. Not
    audited: it runs inside `migrate`, like a migration, and changes only what the code declares.
    """
    created_rules, created_params, updated_rules = [], [], []
    now = timezone.now()
    existing = {r.code: r for r in Rule.objects.all()}
    have = set(RuleParameter.objects.values_list("rule__code", "key").distinct())
    for code, spec in sorted(registry.specs().items()):
        fields = {
            "name": spec.name,
            "regulation": spec.citation.regulation,
            "regulation_year": spec.citation.year,
            "article": spec.citation.article,
            "description": spec.description,
            "unsettled": spec.unsettled,
            "owner": spec.owner,
        }
        rule = existing.get(code)
        if rule is None:
            rule = Rule.objects.create(code=code, **fields)
            created_rules.append(code)
        elif any(getattr(rule, k) != v for k, v in fields.items()):
            Rule.objects.filter(pk=rule.pk).update(**fields)
            updated_rules.append(code)
        for key, p in spec.param_specs().items():
            if (code, key) in have:
                continue
            RuleParameter.objects.create(
                rule=rule,
                key=key,
                kind=p.kind,
                value=values.to_json(p.kind, p.default),
                effective_from=registry.DEFAULT_EFFECTIVE_FROM,
                recorded_at=now,
                recorded_by=None,
                reason=registry.DEFAULT_REASON,
                is_default=True,
            )
            created_params.append(f"{code}.{key}")
    return {"rules": created_rules, "params": created_params, "updated": updated_rules}


def _kind_and_bounds(rule: Rule, key: str):
    spec = registry.param_spec(rule.code, key)
    latest = RuleParameter.objects.filter(rule=rule, key=key).order_by("-recorded_at", "-id").first()
    if latest is None:
        raise ValidationError({"key": f"规则“{rule.name}”没有参数“{key}”"})
    if spec is not None and spec.kind == latest.kind:
        return latest.kind, spec.minimum, spec.maximum
    minimum = 0 if latest.kind in (values.INT, values.DECIMAL) else None
    return latest.kind, minimum, None


@transaction.atomic
def rule_param_set(
    *,
    actor,
    rule: Rule,
    key: str,
    value,
    effective_from: date,
    reason: str,
    request=None,
) -> RuleParameter:
    """Record a new value of `rule`.`key` from `effective_from` on. History is kept: earlier rows
    stay, and a decision made before this call can still be explained with what was known then."""
    if actor is None or not has_capability(actor, "rules.manage"):
        raise PermissionDenied("无权调整规则参数")
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    kind, minimum, maximum = _kind_and_bounds(rule, key)
    errors = {}
    try:
        typed = values.parse(kind, value, minimum=minimum, maximum=maximum)
    except ValidationError as exc:
        errors["value"] = exc.messages
    if isinstance(effective_from, datetime) or not isinstance(effective_from, date):
        errors["effective_from"] = ["请填写有效的生效日期"]
    elif effective_from < registry.DEFAULT_EFFECTIVE_FROM:
        errors["effective_from"] = [f"生效日期不能早于 {registry.DEFAULT_EFFECTIVE_FROM:%Y-%m-%d}"]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ["请填写调整事由（例如依据的文件或会议决定）"]
    elif len(reason) > 500:
        errors["reason"] = ["调整事由不能超过500个字符"]
    if errors:
        raise ValidationError(errors)
    row = RuleParameter.objects.create(
        rule=rule,
        key=key,
        kind=kind,
        value=values.to_json(kind, typed),
        effective_from=effective_from,
        recorded_at=timezone.now(),
        recorded_by=actor,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action="rule.param_set",
        obj=row,
        reason=reason,
        request=request,
        extra={
            "rule": rule.code,
            "key": key,
            "value": row.value,
            "effective_from": effective_from.isoformat(),
        },
    )
    return row
