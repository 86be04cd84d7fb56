"""Talks and 十必谈 triggers; warning-education attendance."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qinglian.archive.models import ArchiveEntry
from qinglian.archive.services import entry_record
from qinglian.cards.models import EducationAttendance, TalkDue, TalkTrigger
from qinglian.cards.talks import education_record, talk_record, triggers_scan
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db


def test_ten_default_triggers():
    assert TalkTrigger.objects.count() == 10


def test_audit_finding_makes_a_talk_due_once_with_a_neutral_todo(tree, make_user):
    entry_record(actor=None, kind="unit.audit_finding", unit=tree.dept_a1, occurred_on=date(2026, 11, 2),
                 summary="专项资金滞留", check_permission=False)  # fmt: skip
    entry_record(actor=None, kind="unit.clue", unit=tree.dept_a2, occurred_on=date(2026, 11, 3),
                 summary="涉及本单位的问题线索 线2026-000001（反映局长收受好处）", check_permission=False)  # fmt: skip
    assert triggers_scan(today=date(2026, 11, 24)) == 2
    assert triggers_scan(today=date(2026, 11, 25)) == 0
    due = TalkDue.objects.get(trigger__code="audit_finding")
    item = WorkItem.objects.get(pk=due.workitem_id)
    assert item.assignee_unit == tree.pz1 and "甲县教育局主要负责人" in item.title
    clue_item = WorkItem.objects.get(pk=TalkDue.objects.get(trigger__code="unit_clue").workitem_id)
    assert "好处" not in clue_item.title and "线2026" not in clue_item.title


def test_reminder_talk_needs_a_decision_and_marks_attendees_yellow(tree, make_user, make_cadre):
    officer = make_user("stationed_group", tree.pz1)
    boss = make_cadre(tree.dept_a1, "局长甲")
    with pytest.raises(ValidationError) as exc:
        talk_record(actor=officer, kind="reminder", held_on=date(2026, 11, 20), talker="李组长", summary="提醒",
                    unit=tree.dept_a1, participants=[boss])  # fmt: skip
    assert "决定" in str(exc.value)
    talk_record(actor=officer, kind="reminder", held_on=date(2026, 11, 20), talker="李组长", summary="就食堂账目提醒",
                unit=tree.dept_a1, participants=[boss], decided_by="派驻第一组组务会")  # fmt: skip
    entry = ArchiveEntry.objects.get(person=boss)
    assert (
        entry.kind.code == "handling.reminder_talk"
        and entry.colour == "yellow"
        and entry.source_app == "cards"
    )


def test_collective_talk_records_attendance_without_colour(tree, make_user, make_cadre):
    officer = make_user("stationed_group", tree.pz1)
    a, b = make_cadre(tree.dept_a1, "甲"), make_cadre(tree.dept_a2, "乙")
    talk = talk_record(actor=officer, kind="collective", held_on=date(2026, 11, 20), talker="李组长",
                       summary="新提拔干部集体廉政谈话", unit=tree.dept_a1, participants=[a, b], absent={b.pk})  # fmt: skip
    assert dict(talk.participants.values_list("cadre__name", "attended")) == {"甲": True, "乙": False}
    assert (
        not ArchiveEntry.objects.filter(person__in=[a, b])
        .exclude(colour="none")
        .exclude(colour="blue")
        .exists()
    )


def test_talk_answers_its_due(tree, make_user, make_cadre):
    officer = make_user("stationed_group", tree.pz1)
    boss = make_cadre(tree.dept_a1, "局长甲")
    entry_record(actor=None, kind="info.post_change", person=boss, occurred_on=date(2026, 11, 2), summary="任局长",
                 check_permission=False)  # fmt: skip
    triggers_scan(today=date(2026, 11, 24))
    due = TalkDue.objects.get(cadre=boss)
    talk_record(actor=officer, kind="pre_appointment", held_on=date(2026, 11, 20), talker="李组长", summary="任前谈话",
                unit=tree.dept_a1, participants=[boss], dues=[due])  # fmt: skip
    assert WorkItem.objects.get(pk=due.workitem_id).status == "done"


def test_outsider_cannot_record_and_education_attendance(tree, make_user, make_cadre):
    outsider = make_user("stationed_group", tree.pz1)
    far = make_cadre(tree.dept_b1, "乙县人")
    with pytest.raises(PermissionDenied):
        talk_record(actor=outsider, kind="integrity", held_on=date(2026, 11, 20), talker="x", summary="y",
                    unit=tree.dept_b1, participants=[far])  # fmt: skip
    officer = make_user("discipline_supervision", tree.county_a)
    people = [make_cadre(tree.dept_a1, f"人{i}") for i in range(3)]
    event = education_record(actor=officer, kind="trial", title="旁听职务犯罪案件庭审", held_on=date(2026, 11, 10),
                             unit=tree.jw_a, attendees=people, absent={people[0].pk: "出差"})  # fmt: skip
    assert EducationAttendance.objects.filter(event=event, attended=True).count() == 2
    assert EducationAttendance.objects.get(event=event, cadre=people[0]).absence_reason == "出差"


def test_talk_and_education_pages(tree, make_user, make_cadre, login):
    boss = make_cadre(tree.dept_a1, "局长甲", is_leadership_member=True)
    client = login(make_user("stationed_group", tree.pz1))
    assert client.get("/cards/talks/").status_code == 200
    found = client.get("/cards/talks/new/?find=局长").content.decode()
    assert "局长甲" in found
    bad = client.post("/cards/talks/new/", {"kind": "reminder", "held_on": "2026-11-20", "talker": "李组长",
                                            "summary": "提醒", "participants": [boss.pk]})  # fmt: skip
    assert bad.status_code == 400 and "决定" in bad.content.decode()
    ok = client.post("/cards/talks/new/", {"kind": "integrity", "held_on": "2026-11-20", "talker": "李组长",
                                           "summary": "廉政谈话", "participants": [boss.pk]})  # fmt: skip
    assert ok.status_code == 302
    assert "廉政谈话" in client.get("/cards/talks/").content.decode()
    ev = client.post("/cards/education/new/", {"kind": "film", "title": "警示片《蜕变》", "held_on": "2026-11-18",
                                               "unit": tree.dept_a1.pk, "who": "leaders"})  # fmt: skip
    assert ev.status_code == 302 and "蜕变" in client.get("/cards/education/").content.decode()
    outside = client.post("/cards/education/new/", {"kind": "film", "title": "x", "held_on": "2026-11-18",
                                                    "unit": tree.dept_b1.pk, "who": "all"})  # fmt: skip
    assert outside.status_code == 400


def test_two_reasons_for_the_same_talk_share_one_todo(tree):
    for day in (2, 3):
        entry_record(actor=None, kind="unit.audit_finding", unit=tree.dept_a1, occurred_on=date(2026, 11, day),
                     summary=f"问题{day}", check_permission=False)  # fmt: skip
    triggers_scan(today=date(2026, 11, 24))
    dues = TalkDue.objects.filter(trigger__code="audit_finding")
    assert dues.count() == 2 and len({d.workitem_id for d in dues}) == 1
