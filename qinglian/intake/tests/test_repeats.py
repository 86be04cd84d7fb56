"""Repeat detection: candidates by name hash, LSH bands and matched subjects; staff decide."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from qinglian.intake.channels import report_enter
from qinglian.intake.models import RepeatDecision, Report
from qinglian.intake.repeats import repeat_candidates, repeat_decide
from qinglian.intake.routing import ACKNOWLEDGE_KIND
from qinglian.intake.services import report_subject_match
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db

FACTS = "甲县教育局王某某利用职务便利，为其妻弟承揽学校食堂改造工程，收受好处费二十万元，并多次接受宴请。"


def test_similar_text_about_the_same_person_is_proposed(make_report):
    first = make_report(facts=FACTS)
    unrelated = make_report(facts="乙村村委会主任违规发放低保，优亲厚友，群众意见很大。", subject_name="赵某")
    second = make_report(facts=FACTS.replace("二十万元", "20万元"))
    found = repeat_candidates(second)
    assert [c.report for c in found] == [first]
    assert found[0].similarity > 0.6 and found[0].same_subject
    assert unrelated not in [c.report for c in found]


def test_similar_text_about_another_name_is_still_proposed_by_band(make_report):
    first = make_report(facts=FACTS, subject_name="王某某")
    second = make_report(facts=FACTS, subject_name="")
    found = repeat_candidates(second)
    assert found and found[0].report == first and not found[0].same_subject and found[0].similarity > 0.9


def test_same_registry_person_is_proposed_even_with_other_words(make_report, staff, tree, make_cadre):
    cadre = make_cadre(tree.dept_a1, "王某某")
    first = make_report(facts="反映其工作作风粗暴，经常辱骂下属。", subject_name="老王")
    second = make_report(facts="收受红包礼金问题，逢年过节收受下属红包。", subject_name="王局长")
    for r in (first, second):
        report_subject_match(actor=staff.clerk, report=r, cadre=cadre)
    found = repeat_candidates(second)
    assert [c.report for c in found] == [first] and found[0].same_subject


def test_candidates_respect_the_viewers_scope(make_report, staff, tree):
    make_report(facts=FACTS, unit=tree.county_b, actor=False)
    second = make_report(facts=FACTS)
    assert repeat_candidates(second)  # without viewer: the system sees both
    assert repeat_candidates(second, viewer=staff.clerk) == []


def test_repeat_is_linked_and_real_name_reporter_still_acknowledged(make_report, staff, tree):
    first = make_report(facts=FACTS)
    second = report_enter(actor=staff.clerk, channel="visit", receiving_unit=tree.jw_a,
                          content={"facts": FACTS, "subject_name": "王某"},
                          identity={"name": "李举报", "phone": "13800000000"}, source_reference="接谈人：张")  # fmt: skip
    decision = repeat_decide(actor=staff.clerk, report=second, earlier=first, is_repeat=True, note="同一事项")
    second.refresh_from_db()
    assert decision.is_repeat and second.status == Report.Status.REPEAT and second.duplicate_of == first
    ack = WorkItem.objects.get(object_id=str(second.pk), kind=ACKNOWLEDGE_KIND)
    assert ack.status == WorkItem.Status.OPEN  # acknowledged either way
    with pytest.raises(ValidationError):
        repeat_decide(actor=staff.clerk, report=second, earlier=first, is_repeat=False)


def test_new_facts_leave_the_report_to_be_handled(make_report, staff):
    first = make_report(facts=FACTS)
    second = make_report(facts=FACTS + "另外还反映其违规配备公车。")
    repeat_decide(actor=staff.clerk, report=second, earlier=first, is_repeat=False, note="有新的问题")
    second.refresh_from_db()
    assert second.status == Report.Status.REGISTERED and second.duplicate_of is None
    assert RepeatDecision.objects.get(report=second).is_repeat is False


def test_outsider_cannot_decide(make_report, staff):
    from django.core.exceptions import PermissionDenied

    first, second = make_report(facts=FACTS), make_report(facts=FACTS)
    with pytest.raises(PermissionDenied):
        repeat_decide(actor=staff.outsider, report=second, earlier=first, is_repeat=True)
    assert not RepeatDecision.objects.exists()
