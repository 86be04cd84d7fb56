from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from qinglian.rules import registry
from qinglian.rules.models import Rule, RuleParameter
from qinglian.rules.registry import Citation, Param, RuleSpec, param
from qinglian.rules.services import rule_param_set, rules_sync

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def manager(tree, make_user):
    return make_user("org_supervision", tree.county_a)


def test_shipped_defaults_are_in_place_after_migrate(db):
    p = param("sanction.gov.warning", "months", as_of=date(2026, 1, 1))
    assert p.value == 6
    assert p.citation == "《中华人民共和国公职人员政务处分法》（2020年）第八条"
    assert p.unsettled is False
    assert p.effective_from == registry.DEFAULT_EFFECTIVE_FROM


def test_unsettled_rule_says_so_when_cited(db):
    p = param("handling.admonishment", "months", as_of=date(2026, 1, 1))
    assert p.value == 6 and p.unsettled
    assert p.basis.endswith("（默认值，依据待核实）")


def test_decimal_parameter_keeps_its_precision(db):
    assert param("declarations.spot_check.ratio", "ratio", as_of=date(2026, 1, 1)).value == Decimal("0.10")


def test_lookup_before_and_after_a_change_gives_the_value_in_force_on_each_day(manager):
    rule = Rule.objects.get(code="sanction.party.warning")
    rule_param_set(
        actor=manager, rule=rule, key="months", value=9, effective_from=date(2026, 7, 1), reason="测试调整"
    )
    assert param("sanction.party.warning", "months", as_of=date(2026, 6, 30)).value == 12
    after = param("sanction.party.warning", "months", as_of=date(2026, 7, 1))
    assert after.value == 9 and after.effective_from == date(2026, 7, 1)


def test_same_effective_date_twice_the_later_record_wins(manager):
    rule = Rule.objects.get(code="sanction.gov.demerit")
    for v in (10, 11):
        rule_param_set(
            actor=manager, rule=rule, key="months", value=v, effective_from=date(2026, 3, 1), reason="更正"
        )
    assert param("sanction.gov.demerit", "months", as_of=date(2026, 3, 2)).value == 11


def test_backdated_change_does_not_alter_what_was_known_on_an_earlier_day(tree, make_user):
    rule = Rule.objects.get(code="deadline.report.forwarding")
    decided_at = datetime(2026, 3, 10, 9, 0, tzinfo=SH)
    with time_machine.travel(decided_at, tick=False):
        manager = make_user("org_supervision", tree.county_a)
    with time_machine.travel(datetime(2026, 5, 1, 10, 0, tzinfo=SH), tick=False):
        # A correction recorded in May, effective from January: the law as now understood.
        rule_param_set(
            actor=manager,
            rule=rule,
            key="working_days",
            value=7,
            effective_from=date(2026, 1, 1),
            reason="更正",
        )
    as_of = date(2026, 3, 10)
    assert param("deadline.report.forwarding", "working_days", as_of=as_of).value == 7
    # The decision of 10 March is re-explained with what the system knew that morning.
    assert param("deadline.report.forwarding", "working_days", as_of=as_of, known_on=decided_at).value == 5
    # Known on the day of the correction, the corrected value applies.
    known_may = datetime(2026, 5, 1, 10, 0, tzinfo=SH)
    assert param("deadline.report.forwarding", "working_days", as_of=as_of, known_on=known_may).value == 7


def test_known_on_ignores_a_later_change_with_a_later_effective_date_too(tree, make_user):
    with time_machine.travel(datetime(2026, 2, 1, 9, 0, tzinfo=SH), tick=False):
        manager = make_user("org_supervision", tree.county_a)
        rule_param_set(
            actor=manager,
            rule=Rule.objects.get(code="sanction.gov.demotion"),
            key="months",
            value=30,
            effective_from=date(2026, 2, 1),
            reason="本地规定",
        )
    with time_machine.travel(datetime(2026, 4, 1, 9, 0, tzinfo=SH), tick=False):
        rule_param_set(
            actor=manager,
            rule=Rule.objects.get(code="sanction.gov.demotion"),
            key="months",
            value=20,
            effective_from=date(2026, 4, 1),
            reason="再次调整",
        )
    june = date(2026, 6, 1)
    assert param("sanction.gov.demotion", "months", as_of=june).value == 20
    march = datetime(2026, 3, 1, 9, 0, tzinfo=SH)
    assert param("sanction.gov.demotion", "months", as_of=june, known_on=march).value == 30


def test_naive_known_on_and_datetime_as_of_are_refused(db):
    with pytest.raises(TypeError):
        param("sanction.gov.warning", "months", as_of=date(2026, 1, 1), known_on=datetime(2026, 1, 1))
    with pytest.raises(TypeError):
        param("sanction.gov.warning", "months", as_of=datetime(2026, 1, 1, tzinfo=SH))


def test_unknown_rule_and_date_before_any_value_raise_lookup_errors(db):
    with pytest.raises(registry.UnknownRule):
        param("no.such.rule", "months", as_of=date(2026, 1, 1))
    with pytest.raises(registry.ParameterMissing):
        param("sanction.gov.warning", "months", as_of=date(1999, 12, 31))
    with pytest.raises(registry.ParameterMissing):
        param("sanction.gov.warning", "no_such_key", as_of=date(2026, 1, 1))


def test_sync_does_not_overwrite_a_value_set_by_an_administrator(manager):
    rule = Rule.objects.get(code="sanction.gov.warning")
    rule_param_set(
        actor=manager,
        rule=rule,
        key="months",
        value=8,
        effective_from=registry.DEFAULT_EFFECTIVE_FROM,
        reason="本地规定",
    )
    before = RuleParameter.objects.count()
    result = rules_sync()
    assert result["params"] == []
    assert RuleParameter.objects.count() == before
    assert param("sanction.gov.warning", "months", as_of=date(2026, 1, 1)).value == 8


def test_sync_creates_a_newly_declared_rule_and_a_new_key_of_an_existing_one(db, monkeypatch):
    monkeypatch.setattr(registry, "_SPECS", dict(registry._SPECS))
    old = registry.spec_for("deadline.inquiry.reply")
    monkeypatch.setitem(
        registry._SPECS,
        old.code,
        RuleSpec(
            old.code,
            old.name,
            old.citation,
            old.description,
            old.unsettled,
            {**old.params, "reminder_days": 3},
            old.owner,
        ),
    )
    registry.register(
        RuleSpec(
            code="test.flag",
            name="测试开关",
            citation=Citation("测试规定", 2026, "第一条"),
            params={"enabled": Param(True, "启用")},
            owner="tests",
        )
    )
    result = rules_sync()
    assert result["rules"] == ["test.flag"]
    assert sorted(result["params"]) == ["deadline.inquiry.reply.reminder_days", "test.flag.enabled"]
    assert param("test.flag", "enabled", as_of=date(2026, 1, 1)).value is True
    assert param("deadline.inquiry.reply", "working_days", as_of=date(2026, 1, 1)).value == 15
    assert rules_sync() == {"rules": [], "params": [], "updated": []}


def test_registering_the_same_code_with_different_content_fails(monkeypatch):
    monkeypatch.setattr(registry, "_SPECS", dict(registry._SPECS))
    spec = registry.spec_for("sanction.gov.warning")
    registry.register(spec)  # the same spec again is harmless
    with pytest.raises(ValueError):
        registry.register(
            RuleSpec(spec.code, "另一个名称", spec.citation, params=spec.params, owner=spec.owner)
        )


def test_history_rows_cannot_be_edited_or_deleted(db):
    row = RuleParameter.objects.first()
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        RuleParameter.objects.filter(pk=row.pk).update(value=1)
    with pytest.raises(PermissionError):
        RuleParameter.objects.all().delete()
