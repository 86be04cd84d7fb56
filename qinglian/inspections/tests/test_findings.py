"""Findings: recorded within the round's targets; a person's matter goes to intake as a clue; a
unit's becomes a rectification item and a yellow point once a named person confirms it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qinglian.archive.models import ArchiveEntry
from qinglian.inspections import services
from qinglian.inspections.models import Finding
from qinglian.intake.models import Clue, Report

pytestmark = pytest.mark.django_db


def test_finding_recorded_on_a_target_and_its_subunits(office, tree, round_a):
    f = services.finding_record(actor=office, round=round_a, unit=tree.village, text="村务公开不及时",
                                source="述职述廉报告雷同比对")  # fmt: skip
    assert f.status == Finding.Status.RECORDED and f.source == "述职述廉报告雷同比对"
    assert not ArchiveEntry.objects.filter(unit=tree.village).exists()  # nothing counts yet


def test_finding_on_a_unit_that_is_not_a_target_is_refused(office, tree, round_a):
    with pytest.raises(ValidationError) as exc:
        services.finding_record(actor=office, round=round_a, unit=tree.dept_a2, text="x")
    assert "不是本轮巡察对象" in str(exc.value)


def test_finding_needs_text(office, tree, round_a):
    with pytest.raises(ValidationError):
        services.finding_record(actor=office, round=round_a, unit=tree.dept_a1, text="  ")


def test_team_member_records_only_inside_the_grant(tree, make_user, round_a):
    from datetime import timedelta

    from django.utils import timezone

    from qinglian.accounts.services import scope_grant

    member = make_user("inspection_team", None)
    now = timezone.now()
    scope_grant(actor=None, user=member, role="inspection_team", unit=tree.dept_a1, valid_from=now - timedelta(1),
                valid_until=now + timedelta(10), reason="本轮巡察")  # fmt: skip
    services.finding_record(actor=member, round=round_a, unit=tree.dept_a1, text="三重一大制度执行不严")
    with pytest.raises(PermissionDenied):
        services.finding_record(actor=member, round=round_a, unit=tree.dept_a3, text="x")


def test_person_finding_becomes_a_clue_for_a_commission_user(tree, make_user, make_cadre, round_a):
    user = make_user("inspection_office", tree.county_a)
    from qinglian.accounts.services import role_assign

    role_assign(actor=None, user=user, role="discipline_supervision", anchor=tree.county_a, reason="测试")
    cadre = make_cadre(tree.dept_a1, "李四")
    f = services.finding_record(
        actor=user, round=round_a, unit=tree.dept_a1, cadre=cadre, text="违规收受礼金"
    )
    f = services.finding_handover(actor=user, finding=f, problem_type="integrity")
    clue = Clue.objects.get(pk=f.clue_id)
    assert clue.source == Clue.Source.INSPECTION and clue.subjects.get(cadre__isnull=False).cadre == cadre
    assert f.status == Finding.Status.HANDED_OVER
    with pytest.raises(ValidationError):
        services.finding_handover(actor=user, finding=f)


def test_person_finding_goes_to_intake_as_a_transfer_for_the_office(office, tree, make_cadre, round_a):
    cadre = make_cadre(tree.dept_a1, "王五")
    f = services.finding_record(actor=office, round=round_a, unit=tree.dept_a1, cadre=cadre, text="公车私用")
    f = services.finding_handover(actor=office, finding=f)
    report = Report.objects.get(pk=f.report_id)
    assert report.channel == "inspection" and report.receiving_unit == tree.pz1
    assert f.clue_id is None


def test_unit_finding_is_not_handed_over_as_a_clue(office, tree, round_a):
    f = services.finding_record(actor=office, round=round_a, unit=tree.dept_a1, text="制度不健全")
    with pytest.raises(ValidationError):
        services.finding_handover(actor=office, finding=f)


def test_confirm_needs_a_named_person_then_puts_a_yellow_point_and_opens_rectification(office, tree, round_a):
    f = services.finding_record(actor=office, round=round_a, unit=tree.dept_a1, text="专项资金管理不规范")
    with pytest.raises(ValidationError):
        services.finding_confirm(actor=office, finding=f, decided_by="", category="correct")
    rect = services.finding_confirm(actor=office, finding=f, decided_by="巡察办主任 赵六", category="build",
                                    plan="修订资金管理办法")  # fmt: skip
    entry = ArchiveEntry.objects.get(unit=tree.dept_a1, kind__code="unit.inspection_finding")
    assert entry.colour == "yellow" and entry.decided_by == "巡察办主任 赵六" and entry.person_id is None
    assert rect.owner_unit == tree.dept_a1 and rect.category == "build"
    with pytest.raises(ValidationError):
        services.finding_confirm(actor=office, finding=f, decided_by="赵六", category="build")
