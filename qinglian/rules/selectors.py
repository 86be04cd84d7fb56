"""Reads the rule pages share."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet

from qinglian.rules import registry
from qinglian.rules.models import Rule, RuleParameter


def rule_list(*, q: str = "", as_of: date) -> QuerySet[Rule]:
    """Rules with the parameter rows in force by `as_of` prefetched (as `in_force_rows`)."""
    rules = Rule.objects.prefetch_related(
        Prefetch(
            "parameters",
            queryset=RuleParameter.objects.filter(effective_from__lte=as_of),
            to_attr="in_force_rows",
        )
    ).order_by("code")
    if q:
        from django.db.models import Q

        rules = rules.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(regulation__icontains=q))
    return rules


def current_params(rule: Rule) -> list[dict]:
    """The in-force value of each parameter of a rule fetched by `rule_list`, labelled for people."""
    out = []
    for key, pv in registry.current_values(_with_rule(rule, rule.in_force_rows)).items():
        spec = registry.param_spec(rule.code, key)
        out.append({"key": key, "label": spec.label if spec and spec.label else key, "value": pv})
    return out


def _with_rule(rule, rows):
    for row in rows:
        row.rule = rule  # avoid one query per row
    return rows


def parameter_history(rule: Rule, *, as_of: date) -> list[dict]:
    """Each parameter with all its rows (newest first) and which row is in force on `as_of`."""
    rows = list(
        rule.parameters.select_related("recorded_by").order_by(
            "key", "-effective_from", "-recorded_at", "-id"
        )
    )
    _with_rule(rule, rows)
    in_force = registry.pick_in_force([r for r in rows if r.effective_from <= as_of])
    out = []
    for key in sorted({r.key for r in rows}):
        spec = registry.param_spec(rule.code, key)
        current = in_force.get(key)
        history = [r for r in rows if r.key == key]
        for r in history:
            r.is_current = current is not None and r.pk == current.pk
        out.append(
            {
                "key": key,
                "label": spec.label if spec and spec.label else key,
                "current": current,
                "kind": history[0].kind,
                "history": history,
            }
        )
    return out
