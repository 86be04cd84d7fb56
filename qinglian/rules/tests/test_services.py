from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qinglian.audit.models import AuditEvent
from qinglian.rules.models import Rule, RuleParameter
from qinglian.rules.services import rule_param_set


@pytest.fixture
def manager(tree, make_user):
    return make_user("org_supervision", tree.county_a)


def _set(actor, code, key, value, **kw):
    kw.setdefault("effective_from", date(2026, 1, 1))
    kw.setdefault("reason", "测试")
    return rule_param_set(actor=actor, rule=Rule.objects.get(code=code), key=key, value=value, **kw)


def test_change_is_audited_with_rule_key_value_and_date(manager):
    row = _set(manager, "sanction.gov.warning", "months", "7", reason="依据县纪委常委会决定")
    event = AuditEvent.objects.get(action="rule.param_set")
    assert event.actor_id == manager.pk and event.reason == "依据县纪委常委会决定"
    assert event.extra == {
        "rule": "sanction.gov.warning",
        "key": "months",
        "value": 7,
        "effective_from": "2026-01-01",
    }
    assert row.value == 7 and row.recorded_by == manager


@pytest.mark.parametrize(
    ("code", "key", "value", "message"),
    [
        ("sanction.gov.warning", "months", "6.5", "请填写整数"),
        ("sanction.gov.warning", "months", "六个月", "请填写整数"),
        ("sanction.gov.warning", "months", "0", "取值不能小于 1"),
        ("sanction.gov.warning", "months", True, "请填写整数"),
        ("declarations.spot_check.ratio", "ratio", "1.5", "取值不能大于 1"),
        ("declarations.spot_check.ratio", "ratio", "百分之十", "请填写数字"),
        ("declarations.spot_check.ratio", "ratio", "NaN", "请填写有限的数字"),
    ],
)
def test_value_of_the_wrong_type_or_range_is_refused_in_chinese(manager, code, key, value, message):
    before = RuleParameter.objects.count()
    with pytest.raises(ValidationError) as exc:
        _set(manager, code, key, value)
    assert any(message in m for m in exc.value.message_dict["value"])
    assert RuleParameter.objects.count() == before


def test_decimal_value_is_stored_exactly(manager):
    row = _set(manager, "declarations.spot_check.ratio", "ratio", "0.15")
    assert row.value == "0.15"


def test_reason_and_a_sensible_date_are_required(manager):
    with pytest.raises(ValidationError) as exc:
        _set(manager, "sanction.gov.warning", "months", 6, reason="  ", effective_from=date(1990, 1, 1))
    assert exc.value.message_dict["reason"] == ["请填写调整事由（例如依据的文件或会议决定）"]
    assert "生效日期不能早于" in exc.value.message_dict["effective_from"][0]


def test_unknown_key_is_refused(manager):
    with pytest.raises(ValidationError) as exc:
        _set(manager, "sanction.gov.warning", "weeks", 6)
    assert "没有参数" in exc.value.message_dict["key"][0]


def test_user_without_rules_manage_cannot_change_a_parameter(tree, make_user):
    viewer = make_user("discipline_supervision", tree.county_a)
    before = RuleParameter.objects.count()
    with pytest.raises(PermissionDenied):
        _set(viewer, "sanction.gov.warning", "months", 8)
    assert RuleParameter.objects.count() == before
    assert not AuditEvent.objects.filter(action="rule.param_set").exists()
