"""Membership: set-based recompute, manual overrides with reasons, history, rule versions."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from qinglian.groups.models import Membership, RuleVersion, SupervisionGroup
from qinglian.groups.services import group_save, manual_end, manual_set, memberships_recompute

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def members(group) -> set[str]:
    return set(
        Membership.objects.filter(group=group, until__isnull=True).values_list("cadre__name", flat=True)
    )


def test_default_groups_exist_after_migrate():
    codes = set(SupervisionGroup.objects.values_list("code", flat=True))
    assert {"young", "middle", "leading", "top_leader", "retired", "law_enforcement", "judicial", "soe",
            "public_service", "contract", "key_post"} <= codes  # fmt: skip
    assert RuleVersion.objects.filter(group__code="young").count() == 1


def test_young_cadres_leave_the_group_on_their_36th_birthday_and_the_stay_is_kept(tree, make_cadre):
    young = SupervisionGroup.objects.get(code="young")
    make_cadre(tree.dept_a1, "小李", born=date(1990, 6, 15))
    make_cadre(tree.dept_a1, "老王", born=date(1970, 1, 1))
    memberships_recompute(young, now=datetime(2026, 6, 14, 12, tzinfo=TZ))
    assert members(young) == {"小李"}
    result = memberships_recompute(young, now=datetime(2026, 6, 15, 12, tzinfo=TZ))
    assert (result.added, result.removed) == (0, 1)
    assert members(young) == set()
    stay = Membership.objects.get(group=young, cadre__name="小李")
    assert stay.until == datetime(2026, 6, 15, 12, tzinfo=TZ)


def test_recompute_is_idempotent(tree, make_cadre):
    group = SupervisionGroup.objects.get(code="leading")
    make_cadre(tree.dept_a1, "局长", post_level="division", is_top_leader=True)
    memberships_recompute(group)
    again = memberships_recompute(group)
    assert (again.added, again.removed) == (0, 0)
    assert Membership.objects.filter(group=group).count() == 1


def test_rule_edit_is_versioned_and_applied_at_once(tree, make_cadre, make_user):
    admin = make_user("org_supervision", tree.root)
    make_cadre(tree.dept_a1, "小张", born=date(1995, 1, 1))
    make_cadre(tree.dept_a1, "中年", born=date(1986, 1, 1))
    young = SupervisionGroup.objects.get(code="young")
    group_save(actor=admin, group=young, name=young.name, rule={"combine": "and", "conditions": [
        {"field": "age", "op": "lte", "value": 45}]}, reason="本地规定调整为45周岁")  # fmt: skip
    assert members(young) == {"小张", "中年"}
    assert young.rule_versions.first().reason == "本地规定调整为45周岁"
    with pytest.raises(ValidationError):
        group_save(
            actor=admin, group=young, name=young.name, rule={"conditions": [{"field": "x"}]}, reason="试"
        )
    young.refresh_from_db()
    assert young.rule["conditions"][0]["value"] == 45  # the refused rule changed nothing


def test_manual_inclusion_and_exclusion_override_the_rule(tree, make_cadre, make_user):
    admin = make_user("org_supervision", tree.root)
    leading = SupervisionGroup.objects.get(code="leading")
    boss = make_cadre(tree.dept_a1, "局长", post_level="division")
    clerk = make_cadre(tree.dept_a1, "科员", post_level="staff")
    memberships_recompute(leading)
    manual_set(actor=admin, group=leading, cadre=clerk, action="include", reason="主持工作的负责人")
    removal = manual_set(actor=admin, group=leading, cadre=boss, action="exclude", reason="已长期病休")
    assert members(leading) == {"科员"}
    memberships_recompute(leading)  # the daily run keeps the overrides
    assert members(leading) == {"科员"}
    manual_end(actor=admin, manual=removal, reason="病愈返岗")
    assert members(leading) == {"科员", "局长"}
    # history: the boss has two stays, the first closed
    assert Membership.objects.filter(group=leading, cadre=boss).count() == 2
    with pytest.raises(ValidationError):
        manual_set(actor=admin, group=leading, cadre=clerk, action="include", reason="")


def test_registry_changes_move_cadres_between_groups_at_once(tree, make_cadre, make_user,
                                                              django_capture_on_commit_callbacks):  # fmt: skip
    from qinglian.people.cadre_services import cadre_update

    with django_capture_on_commit_callbacks(execute=True):
        cadre = make_cadre(tree.dept_a1, "新执法员", is_law_enforcement=True)
    law = SupervisionGroup.objects.get(code="law_enforcement")
    assert "新执法员" in members(law)
    data = {f: getattr(cadre, f) for f in ("name", "gender", "ethnicity", "birth_date", "party_member", "education",
                                           "post_title", "post_level", "rank", "is_leadership_member", "is_top_leader",
                                           "is_key_post", "is_judicial", "is_dual_role", "managing_body",
                                           "employment_type", "status", "status_date", "phone", "review_note",
                                           "party_join_date")}  # fmt: skip
    data |= {"unit": cadre.unit, "is_law_enforcement": False}
    with django_capture_on_commit_callbacks(execute=True):
        cadre_update(actor=None, cadre=cadre, data=data)
    assert "新执法员" not in members(law)


def test_middle_level_cadres_are_section_heads_outside_the_leadership(tree, make_cadre):
    make_cadre(tree.dept_a1, "股长甲", post_title="办公室股长")
    make_cadre(tree.dept_a1, "局长乙", post_title="局长", is_leadership_member=True)
    make_cadre(tree.dept_a1, "科员丙", post_title="科员")
    middle = SupervisionGroup.objects.get(code="middle")
    memberships_recompute(middle)
    assert members(middle) == {"股长甲"}
