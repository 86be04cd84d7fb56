"""The two pools: entry with a reason, rating after a round, removal with a reason, secondments,
commitment letters as documents, supervision records."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from qinglian.inspections import pools
from qinglian.inspections.assignment import team_create
from qinglian.inspections.models import Inspector, Round

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(office, tree, make_cadre):
    return pools.inspector_enter(actor=office, cadre=make_cadre(tree.dept_a2, "组长甲"), pool="leader",
                                 reason="参加过三轮巡察，表现优秀")  # fmt: skip


def test_entry_needs_a_reason_and_is_once_per_pool(office, tree, make_cadre, leader):
    with pytest.raises(ValidationError):
        pools.inspector_enter(actor=office, cadre=make_cadre(tree.dept_a2, "乙"), pool="talent", reason=" ")
    with pytest.raises(ValidationError) as exc:
        pools.inspector_enter(actor=office, cadre=leader.cadre, pool="leader", reason="再次入库")
    assert "已在组长库" in str(exc.value)
    talent = pools.inspector_enter(actor=office, cadre=leader.cadre, pool="talent", reason="同时入人才库")
    assert talent.status == Inspector.Status.ACTIVE


def test_rating_after_the_round_only_for_members(office, tree, make_cadre, leader, round_a):
    other = pools.inspector_enter(
        actor=office, cadre=make_cadre(tree.dept_a2, "丙"), pool="talent", reason="业务骨干"
    )
    team_create(actor=office, round=round_a, name="第一巡察组", members=[(leader, "leader")])
    with pytest.raises(ValidationError):  # not yet fed back
        pools.inspector_rate(actor=office, inspector=leader, round=round_a, grade="excellent", comment="好")
    Round.objects.filter(pk=round_a.pk).update(status=Round.Status.FEEDBACK)
    round_a.refresh_from_db()
    pools.inspector_rate(
        actor=office, inspector=leader, round=round_a, grade="excellent", comment="发现问题精准"
    )
    with pytest.raises(ValidationError):
        pools.inspector_rate(actor=office, inspector=leader, round=round_a, grade="good", comment="再评")
    with pytest.raises(ValidationError):
        pools.inspector_rate(actor=office, inspector=other, round=round_a, grade="good", comment="未参加")
    assert pools.rating_summary(leader) == {"excellent": 1}


def test_removal_with_reason_and_not_while_in_a_running_team(office, leader, round_a):
    team_create(actor=office, round=round_a, name="第一巡察组", members=[(leader, "leader")])
    Round.objects.filter(pk=round_a.pk).update(status=Round.Status.ONGOING)
    with pytest.raises(ValidationError):
        pools.inspector_remove(actor=office, inspector=leader, reason="表现不佳")
    Round.objects.filter(pk=round_a.pk).update(status=Round.Status.CLOSED)
    with pytest.raises(ValidationError):
        pools.inspector_remove(actor=office, inspector=leader, reason="")
    removed = pools.inspector_remove(actor=office, inspector=leader, reason="履职不力，清退出库")
    assert removed.status == Inspector.Status.REMOVED and removed.removal_reason == "履职不力，清退出库"


def test_removed_inspector_cannot_join_a_team(office, leader, round_a):
    pools.inspector_remove(actor=office, inspector=leader, reason="调离")
    leader.refresh_from_db()
    with pytest.raises(ValidationError):
        team_create(actor=office, round=round_a, name="一组", members=[(leader, "leader")])


def test_secondment_defaults_to_one_year_and_refuses_overlap(office, tree, leader):
    s = pools.secondment_record(
        actor=office, inspector=leader, from_unit=tree.dept_a2, start_date=date(2026, 3, 1)
    )
    assert s.end_date == date(2027, 3, 1)
    with pytest.raises(ValidationError):
        pools.secondment_record(
            actor=office, inspector=leader, from_unit=tree.dept_a2, start_date=date(2026, 9, 1)
        )


def test_commitment_letter_is_a_document(office, leader):
    letter = pools.commitment_sign(actor=office, inspector=leader, kind="confidentiality")
    assert letter.document.template == "inspections.commitment" and letter.document.size > 0


def test_supervision_record_of_an_inspector(office, leader, round_a):
    rec = pools.supervision_record(actor=office, inspector=leader, kind="reminder", text="进驻期间接受宴请苗头，已提醒",
                                   round=round_a)  # fmt: skip
    assert leader.supervision.get() == rec
