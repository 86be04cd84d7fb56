"""Membership rules of supervision groups: conditions over registry fields, combined with and/or.

A rule is plain JSON an administrator edits on screen:

    {"combine": "and", "conditions": [
        {"field": "age", "op": "lte", "value": 35},
        {"field": "status", "op": "in", "value": ["serving"]}]}

`validate` refuses, with a Chinese reason, anything that cannot be evaluated (unknown field,
operator not allowed for the field, value of the wrong type or outside its choices). `compile_rule`
turns a valid rule into one Django `Q` over `Cadre`, so membership is computed by the database for
every cadre at once. Age is relative to a given day (groups change with the calendar): it becomes
a condition on the birth date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q

from qinglian.people.models import (
    POST_LEVEL_ORDER,
    CadreStatus,
    EmploymentType,
    ManagingBody,
    PostLevel,
    Rank,
    UnitKind,
)
from qinglian.people.selectors import years_ago


@dataclass(frozen=True)
class Field:
    label: str
    kind: str  # "int" (age), "choice", "bool", "text"
    lookup: str = ""
    choices: tuple[tuple[str, str], ...] = ()


FIELDS: dict[str, Field] = {
    "age": Field("年龄（周岁）", "int"),
    "post_level": Field("职务层级", "choice", "post_level", tuple(PostLevel.choices)),
    "rank": Field("职级", "choice", "rank", tuple(Rank.choices)),
    "status": Field("状态", "choice", "status", tuple(CadreStatus.choices)),
    "employment_type": Field("人员类别", "choice", "employment_type", tuple(EmploymentType.choices)),
    "managing_body": Field("管理权限", "choice", "managing_body", tuple(ManagingBody.choices)),
    "unit_kind": Field("单位类型", "choice", "unit__kind", tuple(UnitKind.choices)),
    "unit_sector": Field("单位行业", "text", "unit__sector"),
    "post_title": Field("职务名称", "text", "post_title"),
    "is_leadership_member": Field("班子成员", "bool", "is_leadership_member"),
    "is_top_leader": Field("一把手", "bool", "is_top_leader"),
    "is_key_post": Field("人财物关键岗位", "bool", "is_key_post"),
    "is_law_enforcement": Field("执法岗位", "bool", "is_law_enforcement"),
    "is_judicial": Field("司法岗位", "bool", "is_judicial"),
    "is_dual_role": Field("一肩挑", "bool", "is_dual_role"),
    "party_member": Field("中共党员", "bool", "party_member"),
}

OPERATORS = {
    "eq": "等于",
    "ne": "不等于",
    "in": "属于其中之一",
    "not_in": "不属于其中任何一个",
    "lt": "小于",
    "lte": "小于或等于",
    "gt": "大于",
    "gte": "大于或等于",
    "contains": "包含",
}

ALLOWED = {
    "int": {"eq", "ne", "lt", "lte", "gt", "gte"},
    "choice": {"eq", "ne", "in", "not_in", "lt", "lte", "gt", "gte"},  # ordering: post level only
    "bool": {"eq"},
    "text": {"eq", "ne", "contains", "in"},
}

MAX_CONDITIONS = 20


def _fail(message: str):
    raise ValidationError({"rule": message})


def _check_condition(i: int, cond) -> dict:
    where = f"第{i}个条件"
    if not isinstance(cond, dict):
        _fail(f"{where}格式不正确")
    if "conditions" in cond:  # a nested group
        return validate(cond, _nested=True)
    name, op, value = cond.get("field"), cond.get("op"), cond.get("value")
    field = FIELDS.get(name)
    if field is None:
        _fail(f"{where}：不认识的字段“{name}”")
    if op not in OPERATORS:
        _fail(f"{where}：不认识的比较方式“{op}”")
    if op not in ALLOWED[field.kind] or (field.kind == "choice" and op in {"lt", "lte", "gt", "gte"}
                                         and name != "post_level"):  # fmt: skip
        _fail(f"{where}：“{field.label}”不能用“{OPERATORS[op]}”比较")
    many = op in {"in", "not_in"}
    values = value if many else [value]
    if many and (not isinstance(value, list) or not value):
        _fail(f"{where}：“{OPERATORS[op]}”须给出至少一个值")
    for v in values:
        if field.kind == "int":
            if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 120:
                _fail(f"{where}：“{field.label}”须为0至120之间的整数")
        elif field.kind == "bool":
            if not isinstance(v, bool):
                _fail(f"{where}：“{field.label}”须为“是”或“否”")
        elif field.kind == "choice":
            if v not in {c for c, _ in field.choices}:
                _fail(f"{where}：“{field.label}”没有“{v}”这一选项")
        elif not isinstance(v, str) or not v.strip() or len(v) > 100:
            _fail(f"{where}：“{field.label}”须填写1至100个字")
    return {"field": name, "op": op, "value": value}


def validate(rule, *, _nested: bool = False) -> dict:
    """The rule in normal form, or ValidationError saying what cannot be evaluated."""
    if not isinstance(rule, dict):
        _fail("规则格式不正确")
    combine = rule.get("combine", "and")
    if combine not in ("and", "or"):
        _fail("条件之间只能用“并且（and）”或“或者（or）”组合")
    conditions = rule.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        _fail("规则至少要有一个条件")
    if len(conditions) > MAX_CONDITIONS:
        _fail(f"一条规则最多{MAX_CONDITIONS}个条件")
    if _nested and any(isinstance(c, dict) and "conditions" in c for c in conditions):
        _fail("条件组最多嵌套一层")
    return {"combine": combine, "conditions": [_check_condition(i, c) for i, c in enumerate(conditions, 1)]}


def _age_q(op: str, age: int, today: date) -> Q:
    # age >= n  <=>  born on or before today minus n years; age <= n  <=>  born after today minus n+1 years
    at_least = lambda n: Q(birth_date__lte=years_ago(today, n))  # noqa: E731
    at_most = lambda n: Q(birth_date__gt=years_ago(today, n + 1))  # noqa: E731
    return {
        "gte": lambda: at_least(age),
        "gt": lambda: at_least(age + 1),
        "lte": lambda: at_most(age),
        "lt": lambda: at_most(age - 1),
        "eq": lambda: at_least(age) & at_most(age),
        "ne": lambda: ~(at_least(age) & at_most(age)),
    }[op]()


def _condition_q(cond: dict, today: date) -> Q:
    name, op, value = cond["field"], cond["op"], cond["value"]
    if name == "age":
        return _age_q(op, value, today)
    lookup = FIELDS[name].lookup
    if name == "post_level" and op in {"lt", "lte", "gt", "gte"}:
        pivot = POST_LEVEL_ORDER[value]
        test = {"lt": pivot.__gt__, "lte": pivot.__ge__, "gt": pivot.__lt__, "gte": pivot.__le__}[op]
        return Q(post_level__in=[lv for lv, order in POST_LEVEL_ORDER.items() if test(order)])
    if op == "eq":
        return Q(**{lookup: value})
    if op == "ne":
        return ~Q(**{lookup: value})
    if op == "in":
        return Q(**{f"{lookup}__in": value})
    if op == "not_in":
        return ~Q(**{f"{lookup}__in": value})
    if op == "contains":
        return Q(**{f"{lookup}__contains": value})
    raise AssertionError(op)


def compile_rule(rule: dict, *, today: date) -> Q:
    """One Q over Cadre for a validated rule, with ages counted on `today`."""
    rule = validate(rule)
    parts = [
        compile_rule(c, today=today) if "conditions" in c else _condition_q(c, today)
        for c in rule["conditions"]
    ]
    q = parts[0]
    for part in parts[1:]:
        q = (q & part) if rule["combine"] == "and" else (q | part)
    return q


def _show(field: Field, value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if field.kind == "text":
        return f"“{value}”"
    return dict(field.choices).get(value, str(value))


def describe(rule: dict) -> str:
    """The rule in words, for lists and the history."""
    rule = validate(rule)
    joiner = "，并且" if rule["combine"] == "and" else "，或者"
    words = []
    for c in rule["conditions"]:
        if "conditions" in c:
            words.append(f"（{describe(c)}）")
            continue
        field = FIELDS[c["field"]]
        values = c["value"] if isinstance(c["value"], list) else [c["value"]]
        words.append(f"{field.label}{OPERATORS[c['op']]}{'、'.join(_show(field, v) for v in values)}")
    return joiner.join(words)
