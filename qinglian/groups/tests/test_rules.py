"""Group rules: validation with reasons, compilation to one query, ages on the calendar."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from qinglian.groups import rules
from qinglian.people.models import Cadre

YOUNG = {"combine": "and", "conditions": [{"field": "age", "op": "lte", "value": 35}]}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"conditions": []}, "至少要有一个条件"),
        ({"combine": "xor", "conditions": [{"field": "age", "op": "lte", "value": 3}]}, "并且"),
        ({"conditions": [{"field": "salary", "op": "eq", "value": 1}]}, "不认识的字段"),
        ({"conditions": [{"field": "age", "op": "contains", "value": 1}]}, "不能用"),
        ({"conditions": [{"field": "age", "op": "lte", "value": "35"}]}, "整数"),
        ({"conditions": [{"field": "status", "op": "eq", "value": "sleeping"}]}, "没有“sleeping”"),
        ({"conditions": [{"field": "status", "op": "lt", "value": "serving"}]}, "不能用"),
        ({"conditions": [{"field": "is_top_leader", "op": "eq", "value": "yes"}]}, "是"),
        ({"conditions": [{"field": "status", "op": "in", "value": []}]}, "至少一个值"),
        (
            {"conditions": [{"conditions": [{"conditions": [{"field": "age", "op": "lte", "value": 3}]}]}]},
            "嵌套",
        ),
        ("age<35", "格式不正确"),
    ],
)
def test_rules_that_cannot_be_evaluated_are_refused_with_the_reason(rule, message):
    with pytest.raises(ValidationError) as exc:
        rules.validate(rule)
    assert message in str(exc.value)


@pytest.mark.django_db
def test_age_follows_the_calendar(tree, make_cadre):
    born = date(1990, 6, 15)
    cadre = make_cadre(tree.dept_a1, "青年", born=born)
    in_group = lambda day: Cadre.objects.filter(rules.compile_rule(YOUNG, today=day), pk=cadre.pk).exists()  # noqa: E731
    assert in_group(date(2026, 6, 14))  # 35 until the day before the 36th birthday
    assert not in_group(date(2026, 6, 15))


@pytest.mark.django_db
def test_post_level_order_and_nested_or(tree, make_cadre):
    chief = make_cadre(tree.dept_a1, "处长", post_level="division")
    member = make_cadre(tree.dept_a1, "班子", post_level="section", is_leadership_member=True)
    staff = make_cadre(tree.dept_a1, "科员", post_level="staff")
    rule = {"combine": "or", "conditions": [
        {"field": "post_level", "op": "gte", "value": "deputy_division"},
        {"combine": "and", "conditions": [{"field": "is_leadership_member", "op": "eq", "value": True}]}]}  # fmt: skip
    found = set(
        Cadre.objects.filter(rules.compile_rule(rule, today=date(2026, 1, 1))).values_list("pk", flat=True)
    )
    assert found == {chief.pk, member.pk} and staff.pk not in found


def test_describe_reads_as_chinese():
    text = rules.describe({"combine": "and", "conditions": [
        {"field": "age", "op": "lte", "value": 35}, {"field": "status", "op": "in", "value": ["serving", "retired"]}]})  # fmt: skip
    assert text == "年龄（周岁）小于或等于35，并且状态属于其中之一在职、退休"
