"""Meetings, their decisions becoming to-dos, schedules, joint review and circulars."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qinglian.archive.opinions import opinion_approve, opinion_review
from qinglian.archive.services import entry_record
from qinglian.audit.models import AuditEvent
from qinglian.documents.models import Document
from qinglian.jointwork import selectors, services
from qinglian.jointwork.models import Assignment, Circular, Meeting, Occurrence, ReviewCandidate
from qinglian.workitems.models import WorkItem
from qinglian.workitems.selectors import workitem_list
from qinglian.workitems.services import workitem_complete, workitems_scan

pytestmark = pytest.mark.django_db


def make_meeting(jw, *, held_on=date(2026, 4, 10), kind="quarterly", **kw):
    data = dict(kind=kind, title="2026年第一季度大监督工作分析会", unit=jw.tree.county_a, held_on=held_on,
                place="县委组织部三楼会议室", convener_name="赵部长", agencies=[jw.audit, jw.court],
                attendees=[("钱局长", "审计局局长", jw.audit), ("孙院长", "法院副院长", jw.court), ("赵部长", "组织部部长")]) | kw  # fmt: skip
    return services.meeting_create(actor=jw.org, **data)


def test_decision_becomes_to_dos_that_go_overdue_on_a_travelled_clock(jw, clock):
    with clock(2026, 4, 10):
        meeting = make_meeting(jw)
        decision = services.decision_record(actor=jw.org, meeting=meeting, text="对教育系统招生领域开展专项监督",
                                            assignments=[
                                                {"title": "报送招生领域审计发现问题清单", "due_date": date(2026, 5, 15),
                                                 "owner_unit": jw.audit_unit},
                                                {"title": "梳理涉教育系统干部的诉讼案件", "due_date": date(2026, 6, 30),
                                                 "owner_user": jw.judge},
                                            ])  # fmt: skip
    a1, a2 = decision.assignments.order_by("id")
    assert a1.workitem.assignee_unit == jw.audit_unit and a1.workitem.due_date == date(2026, 5, 15)
    assert a1.workitem.escalate_to == jw.tree.county_a and a1.workitem.kind == services.ASSIGNMENT_KIND
    assert a2.workitem.assignee_user == jw.judge
    # the agency's user sees the to-do on the agency's list
    with clock(2026, 4, 11):
        assert list(workitem_list(viewer=jw.auditor)) == [a1.workitem]
    with clock(2026, 5, 20):
        workitems_scan()
        detail = selectors.meeting_detail(meeting, viewer=jw.org)
        statuses = [s for _, s, _ in detail.decisions[0].rows]
        assert statuses == ["overdue", "open"]
        a1.workitem.refresh_from_db()
        assert a1.workitem.escalated_at is not None
        workitem_complete(actor=jw.auditor, item=a1.workitem, note="已报送")
    with clock(2026, 5, 21):
        detail = selectors.meeting_detail(meeting, viewer=jw.org)
        assert [s for _, s, _ in detail.decisions[0].rows] == ["done_late", "open"]
        m = selectors.with_assignment_counts([meeting], date(2026, 5, 21))[0]
        assert (m.n_decisions, m.n_assignments, m.n_done, m.n_overdue) == (1, 2, 1, 0)
    assert AuditEvent.objects.filter(action="jointwork.decision.record").count() == 1


def test_bad_decision_is_refused_whole(jw, tree):
    meeting = make_meeting(jw)
    with pytest.raises(ValidationError) as exc:
        services.decision_record(actor=jw.org, meeting=meeting, text="议定", assignments=[
            {"title": "好任务", "due_date": date(2026, 5, 1), "owner_unit": jw.audit_unit},
            {"title": "早于会议", "due_date": date(2026, 3, 1), "owner_unit": jw.audit_unit},
            {"title": "乙县", "due_date": date(2026, 5, 1), "owner_unit": tree.dept_b1},
            {"title": "无人", "due_date": date(2026, 5, 1)},
        ])  # fmt: skip
    text = str(exc.value)
    assert "第2项" in text and "第3项" in text and "第4项" in text
    assert (
        not Assignment.objects.exists() and not meeting.decisions.exists() and not WorkItem.objects.exists()
    )
    with pytest.raises(PermissionDenied):
        services.decision_record(actor=jw.outsider, meeting=meeting, text="越权")
    with pytest.raises(PermissionDenied):  # the agency attended but does not run the meeting
        services.decision_record(actor=jw.auditor, meeting=meeting, text="越权")


def test_meeting_validation_and_scope(jw, tree):
    with pytest.raises(ValidationError) as exc:
        make_meeting(jw, title="", place="", kind="weekly")
    assert {"title", "place", "kind"} <= set(exc.value.message_dict)
    with pytest.raises(PermissionDenied):
        make_meeting(jw, unit=tree.county_b)
    assert not Meeting.objects.exists()


def test_schedule_opens_the_hold_the_meeting_to_do_and_the_meeting_closes_it(jw, clock):
    schedule = services.schedule_save(actor=jw.org, kind="quarterly", unit=jw.tree.county_a, months=[1, 4, 7, 10],
                                      day=20, lead_days=10)  # fmt: skip
    with pytest.raises(ValidationError):
        services.schedule_save(
            actor=jw.org, kind="quarterly", unit=jw.tree.county_a, months=[13], day=20, lead_days=10
        )
    assert services.meetings_schedule(date(2026, 4, 1)) == 0  # 19 days ahead: not yet
    assert services.meetings_schedule(date(2026, 4, 12)) == 1
    assert services.meetings_schedule(date(2026, 4, 13)) == 0  # idempotent
    occ = Occurrence.objects.get()
    assert occ.due_date == date(2026, 4, 20) and occ.workitem.assignee_unit == jw.tree.county_a
    assert "2026年第2季度季度分析会" in occ.workitem.title
    with clock(2026, 4, 18):
        meeting = make_meeting(jw, held_on=date(2026, 4, 18))
    occ.refresh_from_db()
    occ.workitem.refresh_from_db()
    assert occ.meeting == meeting and occ.workitem.status == WorkItem.Status.DONE
    assert schedule.months == [1, 4, 7, 10]
    assert AuditEvent.objects.filter(action="jointwork.schedule.save").count() == 1


def test_sealed_case_shows_content_only_to_the_sealed_capability(jw, tree, make_cadre):
    from qinglian.intake.services import clue_register

    meeting = make_meeting(jw)
    clue = clue_register(actor=jw.commission, summary="反映其违规收受礼金", problem_type="integrity",
                         cadres=[jw.cadre1], source="supervision", source_reference="日常监督")  # fmt: skip
    with pytest.raises(ValidationError):  # the organisation department may not see the clue
        services.case_add(actor=jw.org, meeting=meeting, summary="研究某干部问题", clue=clue)
    other = make_cadre(tree.dept_b1, "乙县人")
    with pytest.raises(ValidationError):
        services.case_add(actor=jw.org, meeting=meeting, summary="越权", cadre=other)
    services.case_add(actor=jw.commission, meeting=meeting, summary="研究王一有关问题线索的处置", cadre=jw.cadre1,
                      clue=clue)  # fmt: skip
    seen = selectors.meeting_detail(meeting, viewer=jw.commission).cases[0]
    assert seen.clue_content == "反映其违规收受礼金" and seen.clue_number == clue.number
    org = selectors.meeting_detail(meeting, viewer=jw.org).cases[0]
    assert org.clue_content is None and org.clue_number != clue.number and org.cadre_name == "王一"
    agency = selectors.meeting_detail(meeting, viewer=jw.auditor).cases[0]
    assert agency.clue_content is None and agency.cadre_id is None and "王一" not in agency.cadre_name
    minutes = selectors.meeting_detail(meeting, viewer=None).cases[0]
    assert minutes.clue_content is None


def test_minutes_are_generated_as_docx_and_pdf(jw):
    meeting = make_meeting(jw)
    services.decision_record(actor=jw.org, meeting=meeting, text="议定事项一", assignments=[
        {"title": "报送问题清单", "due_date": date(2026, 5, 15), "owner_unit": jw.audit_unit}])  # fmt: skip
    docs = services.minutes_generate(actor=jw.org, meeting=meeting)
    assert sorted(d.format for d in docs) == ["docx", "pdf"]
    meeting.refresh_from_db()
    assert meeting.minutes_batch == docs[0].batch and docs[0].title.endswith("纪要")
    assert docs[0].template == "jointwork.minutes"


def _issue(jw, review):
    req = review.opinion_request
    opinion_review(actor=jw.commission, request=req, changes={}, dissents={})
    opinion_approve(actor=jw.case, request=req, approver_name="钱书记")


def test_joint_review_postpones_a_person_with_a_pending_verification(jw):
    entry_record(actor=None, person=jw.cadre2, kind="verification.opened", occurred_on=date(2026, 3, 1),
                 summary="初步核实", check_permission=False)  # fmt: skip
    meeting = make_meeting(jw)
    review = services.review_create(actor=jw.org, title="2026年第二季度科级干部提拔联审", purpose="promotion",
                                    unit=jw.tree.county_a, cadres=[jw.cadre1.pk, jw.cadre2.pk], meeting=meeting)  # fmt: skip
    c1, c2 = review.candidates.order_by("position")
    with pytest.raises(ValidationError, match="尚未签发"):
        services.review_decide(
            actor=jw.org, candidate=c1, decision="agree", reason="", decided_by_name="赵部长"
        )
    rows = selectors.review_rows(review)
    assert [r.opinion_label for r in rows] == ["待纪委回复", "待纪委回复"]
    _issue(jw, review)
    review.refresh_from_db()
    rows = selectors.review_rows(review)
    assert rows[0].opinion.verdict == "clear" and rows[1].opinion.verdict == "postpone"
    assert rows[1].opinion_text == "有待核实事项"  # nothing of the verification itself
    with pytest.raises(ValidationError) as exc:
        services.review_decide(actor=jw.org, candidate=c2, decision="postpone", reason="", decided_by_name="")
    assert {"reason", "decided_by_name"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError, match="同意须写明理由"):
        services.review_decide(
            actor=jw.org, candidate=c2, decision="agree", reason="", decided_by_name="赵部长"
        )
    services.review_decide(actor=jw.org, candidate=c1, decision="agree", reason="", decided_by_name="赵部长")
    services.review_decide(actor=jw.org, candidate=c2, decision="postpone", reason="有待核实事项，核实后再研究",
                           decided_by_name="赵部长")  # fmt: skip
    c1.refresh_from_db()
    c2.refresh_from_db()
    assert c2.decision == "postpone" and c2.decided_by_name == "赵部长" and c2.recorded_by == jw.org
    with pytest.raises(ValidationError, match="不能更改"):
        services.review_decide(
            actor=jw.org, candidate=c1, decision="disagree", reason="x", decided_by_name="赵部长"
        )
    with pytest.raises(PermissionDenied):
        services.review_decide(
            actor=jw.leader, candidate=c2, decision="agree", reason="x", decided_by_name="某"
        )
    event = AuditEvent.objects.filter(action="jointwork.review.decide", person_id=jw.cadre2.pk).get()
    assert event.extra["decision"] == "postpone" and event.extra["decided_by"] == "赵部长"
    listed = selectors.review_list(viewer=jw.org).get()
    assert (listed.n, listed.n_postponed, listed.n_undecided) == (2, 1, 0)
    # a postponed person is decided again later
    services.review_decide(
        actor=jw.org, candidate=c2, decision="agree", reason="核实已了结，同意", decided_by_name="赵部长"
    )
    assert ReviewCandidate.objects.get(pk=c2.pk).decision == "agree"


def test_joint_review_refuses_people_outside_scope(jw, make_cadre, tree):
    stranger = make_cadre(tree.dept_b1, "乙县干部")
    with pytest.raises(ValidationError):
        services.review_create(actor=jw.org, title="评优联审", purpose="awards", unit=jw.tree.county_a,
                               cadres=[jw.cadre1.pk, stranger.pk])  # fmt: skip
    from qinglian.archive.models import OpinionRequest

    assert not OpinionRequest.objects.exists()


def test_circular_counts_decisions_and_their_completion(jw, clock):
    with clock(2026, 4, 10):
        meeting = make_meeting(jw)
        d = services.decision_record(actor=jw.org, meeting=meeting, text="专项监督", assignments=[
            {"title": "任务一", "due_date": date(2026, 5, 1), "owner_unit": jw.audit_unit},
            {"title": "任务二", "due_date": date(2026, 5, 1), "owner_unit": jw.court_unit},
            {"title": "任务三", "due_date": date(2026, 12, 1), "owner_unit": jw.court_unit},
        ])  # fmt: skip
        make_meeting(jw, kind="half_yearly", title="2026年上半年联席会议", held_on=date(2026, 6, 28))
    a1 = d.assignments.order_by("id")[0]
    with clock(2026, 4, 20):
        workitem_complete(actor=jw.auditor, item=a1.workitem)
    with clock(2026, 7, 5):
        circular = services.circular_generate(actor=jw.org, audience="congress", unit=jw.tree.county_a,
                                              period_start=date(2026, 1, 1), period_end=date(2026, 6, 30))  # fmt: skip
    f = circular.figures
    assert f["meetings"] == {"quarterly": 1, "half_yearly": 1, "ad_hoc": 0} and f["decisions"] == 1
    assert f["assignments"] == {"total": 3, "done": 1, "done_late": 0, "overdue": 1, "open": 1}
    assert [x["title"] for x in f["overdue"]] == ["任务二"]
    docs = Document.objects.filter(batch=circular.document_batch)
    assert sorted(docs.values_list("format", flat=True)) == ["docx", "pdf"]
    with pytest.raises(ValidationError):
        services.circular_generate(actor=jw.org, audience="committee", unit=jw.tree.county_a,
                                   period_start=date(2026, 7, 1), period_end=date(2026, 1, 1))  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.circular_generate(actor=jw.leader, audience="committee", unit=jw.tree.county_a,
                                   period_start=date(2026, 1, 1), period_end=date(2026, 6, 30))  # fmt: skip
    assert Circular.objects.count() == 1
