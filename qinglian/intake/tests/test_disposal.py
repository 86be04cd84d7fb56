"""Disposal of clues: the collective decision and its approval, the four methods and their archive
effects, clearing names, false-accusation referrals; and the users who must not act."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qinglian.archive.bars import person_bars
from qinglian.archive.models import ArchiveEntry
from qinglian.archive.opinions import draft_for
from qinglian.audit.models import AuditEvent
from qinglian.documents.models import Document
from qinglian.intake import disposal as d
from qinglian.intake import sealing
from qinglian.intake.models import (
    AccusationReferral,
    Clarification,
    Clue,
    Disposal,
    Inquiry,
    Recusal,
    Report,
    Verification,
)
from qinglian.intake.services import recusal_record
from qinglian.intake.tests.disposal_helpers import assigned_clue, dispose, later, propose
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def clue(staff, tree, make_cadre, make_report):
    return assigned_clue(staff, tree, make_cadre, make_report)


def kinds(cadre):
    return list(
        ArchiveEntry.objects.filter(person=cadre)
        .order_by("id")
        .values_list("kind__code", "colour", "ended_at")
    )


def verdict(cadre, purpose="promotion"):
    return draft_for(person_bars(cadre, as_of=timezone.localdate()), purpose).verdict


def items(subject, kind):
    from qinglian.workitems.selectors import open_items_for

    return list(open_items_for(subject, kind))


# --- collective decision and approval ------------------------------------------------------------


def test_proposer_cannot_approve_and_a_second_leader_moves_the_clue(staff, clue):
    clue, cadre = clue
    disposal = propose(staff, clue, "inquiry")
    assert disposal.status == Disposal.Status.PROPOSED and not disposal.needs_higher_approval
    for user in (staff.supervisor, staff.clerk, staff.admin, staff.outsider, staff.stationed, staff.leader):
        with pytest.raises(PermissionDenied):
            d.disposal_decide(actor=user, disposal=disposal, approve=True)
    clue.refresh_from_db()
    assert clue.status == Clue.Status.ASSIGNED
    d.disposal_decide(actor=staff.case, disposal=disposal, approve=True)
    clue.refresh_from_db()
    disposal.refresh_from_db()
    assert clue.status == Clue.Status.INQUIRY and disposal.approved_by == staff.case
    assert clue.events.last().action == "dispose_inquiry"
    assert AuditEvent.objects.filter(action="intake.disposal.approve").count() == 1


def test_rejection_needs_a_reason_and_leaves_the_clue(staff, clue):
    clue, _ = clue
    disposal = propose(staff, clue, "close", close_reason="反映问题笼统，无可查性")
    with pytest.raises(ValidationError):
        d.disposal_decide(actor=staff.case, disposal=disposal, approve=False, note="")
    d.disposal_decide(actor=staff.case, disposal=disposal, approve=False, note="需进一步了解")
    clue.refresh_from_db()
    assert clue.status == Clue.Status.ASSIGNED
    assert Disposal.objects.get(pk=disposal.pk).status == Disposal.Status.REJECTED
    propose(staff, clue, "verification")  # a new proposal is possible after a rejection


def test_bad_proposals_are_refused_in_chinese_and_nothing_is_kept(staff, clue):
    clue, _ = clue
    cases = [
        ("inquiry", {"meeting": ""}, "集体研究会议"),
        ("inquiry", {"meeting_on": later(3)}, "会议日期"),
        ("inquiry", {"meeting_on": "2026-01-01"}, "会议日期"),
        ("hold", {}, "复查日期"),
        ("hold", {"hold_review_on": timezone.localdate()}, "复查日期"),
        ("close", {}, "了结理由"),
        ("other", {}, "处置方式"),
    ]
    for method, kw, word in cases:
        with pytest.raises(ValidationError) as exc:
            propose(staff, clue, method, **kw)
        assert word in str(exc.value), (method, kw)
    assert not Disposal.objects.exists()
    propose(staff, clue, "inquiry")
    with pytest.raises(ValidationError, match="待审批"):
        propose(staff, clue, "close", close_reason="x")


def test_outsider_admin_and_recused_staff_cannot_propose(staff, clue):
    clue, _ = clue
    for user in (staff.outsider, staff.admin, staff.clerk, staff.leader):
        with pytest.raises(PermissionDenied):
            propose(staff, clue, "inquiry", actor=user)
    recusal_record(actor=staff.supervisor, clue=clue, user=staff.case, kind="declared", reason="系其同学")
    disposal = propose(staff, clue, "inquiry")
    with pytest.raises(PermissionDenied, match="回避"):
        d.disposal_decide(actor=staff.case, disposal=disposal, approve=True)
    assert Recusal.objects.filter(user=staff.case).exists()


def test_approval_level_is_the_territory_above_the_owning_body(tree):
    assert d.territory_of(tree.jw_a) == tree.county_a
    assert d.approval_level(tree.jw_a) == tree.root
    assert d.approval_level(tree.pz1) == tree.root
    assert d.territory_of(tree.t1_committee) == tree.township
    assert d.approval_level(tree.t1_committee) == tree.county_a
    assert d.approval_level(tree.root) is None


def test_head_of_lower_committee_needs_approval_one_level_up(staff, tree, make_cadre, make_report):
    clue, _ = assigned_clue(staff, tree, make_cadre, make_report, heads=True)
    disposal = propose(staff, clue, "verification")
    assert disposal.needs_higher_approval
    # County leaders approve ordinary clues of county A, but not this one.
    with pytest.raises(PermissionDenied, match="测试市"):
        d.disposal_decide(actor=staff.case, disposal=disposal, approve=True)
    assert not d.may_approve(staff.case, disposal) and d.may_approve(staff.approver, disposal)
    d.disposal_decide(actor=staff.approver, disposal=disposal, approve=True)
    clue.refresh_from_db()
    assert clue.status == Clue.Status.VERIFICATION


def test_township_clue_about_a_village_secretary_is_approved_by_the_county(staff, tree, make_cadre, make_report,
                                                                          make_user):  # fmt: skip
    clue, _ = assigned_clue(staff, tree, make_cadre, make_report, unit=tree.village, heads=True)
    assert clue.owner_unit == tree.t1_committee
    township_leader = make_user("discipline_supervision", tree.township, unit=tree.t1_committee)
    disposal = propose(staff, clue, "inquiry")
    with pytest.raises(PermissionDenied):
        d.disposal_decide(actor=township_leader, disposal=disposal, approve=True)
    d.disposal_decide(actor=staff.case, disposal=disposal, approve=True)  # the county: one level up
    clue.refresh_from_db()
    assert clue.status == Clue.Status.INQUIRY


# --- 谈话函询 --------------------------------------------------------------------------------------


def _letter_until_sent(staff, clue, *, sent_on=None):
    subject = clue.subjects.get(cadre__isnull=False)
    inquiry = d.inquiry_start(actor=staff.supervisor2, clue=clue, subject=subject, form="letter")
    d.inquiry_summary_write(
        actor=staff.supervisor2, inquiry=inquiry, summary="反映你在工程项目中为亲属提供便利。"
    )
    d.inquiry_summary_review(actor=staff.supervisor, inquiry=inquiry)
    docs = d.inquiry_letter_generate(actor=staff.supervisor2, inquiry=inquiry, number_prefix="甲纪函")
    d.inquiry_send(actor=staff.supervisor2, inquiry=inquiry, sent_on=sent_on or timezone.localdate())
    inquiry.refresh_from_db()
    return inquiry, docs


def test_letter_summary_naming_the_reporter_is_refused_without_revealing_him(staff, clue):
    clue, _ = clue
    dispose(staff, clue, "inquiry")
    inquiry = d.inquiry_start(actor=staff.supervisor2, clue=clue, subject=clue.subjects.get(), form="letter")
    for text in ("据李举报反映，你收受好处费。", "举报人电话138-0000-0000，反映你收受好处费。",
                 "据 李 举报 同志反映，你收受好处费。"):  # fmt: skip
        with pytest.raises(ValidationError) as exc:
            d.inquiry_summary_write(actor=staff.supervisor2, inquiry=inquiry, summary=text)
        assert "李举报" not in str(exc.value) and "13800000000" not in str(exc.value)
    inquiry.refresh_from_db()
    assert inquiry.summary == ""
    assert AuditEvent.objects.filter(action="intake.inquiry.summary_refused").count() == 3
    assert "李举报" not in str(list(AuditEvent.objects.values_list("extra", flat=True)))


def test_summary_needs_a_second_reviewer_before_the_letter(staff, clue):
    clue, _ = clue
    dispose(staff, clue, "inquiry")
    inquiry = d.inquiry_start(actor=staff.supervisor2, clue=clue, subject=clue.subjects.get(), form="letter")
    d.inquiry_summary_write(
        actor=staff.supervisor2, inquiry=inquiry, summary="反映你为亲属承揽工程提供便利。"
    )
    with pytest.raises(ValidationError, match="第二人审核"):
        d.inquiry_letter_generate(actor=staff.supervisor2, inquiry=inquiry, number_prefix="甲纪函")
    with pytest.raises(PermissionDenied, match="撰写人以外"):
        d.inquiry_summary_review(actor=staff.supervisor2, inquiry=inquiry)
    for user in (staff.admin, staff.outsider, staff.clerk):
        with pytest.raises(PermissionDenied):
            d.inquiry_summary_review(actor=user, inquiry=inquiry)
    d.inquiry_summary_review(actor=staff.case, inquiry=inquiry)
    # Rewriting the summary resets the review.
    d.inquiry_summary_write(actor=staff.supervisor2, inquiry=inquiry, summary="反映你违规收受礼金。")
    inquiry.refresh_from_db()
    assert inquiry.summary_reviewed_by is None
    assert sealing.open_text(inquiry.summary) == "反映你违规收受礼金。"
    assert "礼金" not in inquiry.summary  # sealed


def test_letter_inquiry_minor_outcome_admonishment(staff, clue):
    clue, cadre = clue
    dispose(staff, clue, "inquiry")
    inquiry, docs = _letter_until_sent(staff, clue)
    # The letter: numbered from the register, issued by the owning body, no trace of the reporter.
    assert {doc.format for doc in docs} == {"docx", "pdf"}
    year = timezone.localdate().year
    assert docs[0].number == f"甲纪函〔{year}〕1号" and docs[0].issuing_unit == clue.owner_unit
    assert inquiry.document == docs[0] and docs[0].template == "intake.inquiry_letter"
    # Sending: a sealed, colourless pending entry; opinions answer postpone; a to-do for the party
    # organisation due in 15 working days.
    assert kinds(cadre)[-1][:2] == ("handling.inquiry", "none")
    assert inquiry.pending_entry.sensitivity == ArchiveEntry.Sensitivity.SEALED
    assert verdict(cadre) == "postpone"
    (item,) = items(inquiry, d.WORKITEM_INQUIRY_REPLY)
    assert item.assignee_unit == cadre.unit and item.due_date == inquiry.reply_due
    assert item.due_mode == WorkItem.DueMode.WORKING_DAYS and item.due_days == 15
    assert item.escalate_to == cadre.unit.supervisor
    # The reply must be countersigned; it closes the pending entry and the to-do.
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="签字"):
        d.inquiry_reply_record(actor=staff.supervisor2, inquiry=inquiry, replied_on=today, reply="说明",
                               countersigned_by="")  # fmt: skip
    d.inquiry_reply_record(actor=staff.supervisor2, inquiry=inquiry, replied_on=today,
                           reply="本人如实说明如下……", countersigned_by="刘书记")  # fmt: skip
    inquiry.pending_entry.refresh_from_db()
    assert inquiry.pending_entry.ended_at is not None
    answered = ArchiveEntry.objects.get(person=cadre, kind__code="handling.inquiry_answered")
    assert answered.closes == inquiry.pending_entry
    assert verdict(cadre) == "clear"
    assert not items(inquiry, d.WORKITEM_INQUIRY_REPLY)
    # Minor: an admonishment decided by the approver, with the clue as source; the clue closes.
    with pytest.raises(ValidationError, match="处理方式"):
        d.inquiry_conclude(
            actor=staff.supervisor2, inquiry=inquiry, outcome="minor", handling_kind="party.warning"
        )
    d.inquiry_conclude(
        actor=staff.supervisor2, inquiry=inquiry, outcome="minor", handling_kind="handling.admonishment"
    )
    entry = ArchiveEntry.objects.get(person=cadre, kind__code="handling.admonishment")
    assert entry.colour == "yellow" and entry.decided_by == str(staff.case)
    assert (entry.source_app, entry.source_type, entry.source_id) == ("intake", "clue", str(clue.pk))
    assert verdict(cadre) == "object"
    clue.refresh_from_db()
    assert clue.status == Clue.Status.CLOSED and clue.outcome == "inquiry_handled"
    report = Report.objects.get(pk=clue.report_id)
    assert report.status == Report.Status.CLOSED
    assert len(items(report, d.WORKITEM_RESULT_NOTICE)) == 1


def test_talk_unfounded_closes_with_feedback_and_optional_clearance(staff, clue):
    clue, cadre = clue
    dispose(staff, clue, "inquiry")
    inquiry = d.inquiry_start(actor=staff.supervisor2, clue=clue, subject=clue.subjects.get(), form="talk")
    with pytest.raises(ValidationError):
        d.inquiry_conclude(actor=staff.supervisor2, inquiry=inquiry, outcome="unfounded", feedback="x")
    d.inquiry_talk_record(actor=staff.supervisor2, inquiry=inquiry, held_on=timezone.localdate(),
                          record="谈话记录：本人说明工程系公开招标。")  # fmt: skip
    with pytest.raises(ValidationError, match="书面反馈"):
        d.inquiry_conclude(actor=staff.supervisor2, inquiry=inquiry, outcome="unfounded")
    d.inquiry_conclude(actor=staff.supervisor2, inquiry=inquiry, outcome="unfounded",
                       feedback="经谈话了解，反映问题不属实，已书面反馈本人。")  # fmt: skip
    clue.refresh_from_db()
    assert clue.status == Clue.Status.CLOSED and clue.outcome == "inquiry_unfounded"
    assert "书面反馈" in clue.events.last().note
    assert [k for k, _, _ in kinds(cadre)] == ["allegation.registered"]  # a talk leaves no pending entry
    # Clearing the name afterwards: a blue entry on the file.
    assert d.clearable_subjects(clue) == [clue.subjects.get()]
    for user in (staff.admin, staff.outsider, staff.clerk):
        with pytest.raises(PermissionDenied):
            d.clarification_record(actor=user, clue=clue, subject=clue.subjects.get(), method="会议通报",
                                   audience="本单位中层以上干部", held_on=timezone.localdate())  # fmt: skip
    c = d.clarification_record(actor=staff.supervisor2, clue=clue, subject=clue.subjects.get(), method="会议通报",
                               audience="本单位中层以上干部", held_on=timezone.localdate())  # fmt: skip
    assert (
        c.entry.kind.code == "clearance"
        and c.entry.colour == "blue"
        and c.entry.decided_by == str(staff.case)
    )
    assert verdict(cadre) == "clear"
    with pytest.raises(ValidationError):
        d.clarification_record(actor=staff.supervisor2, clue=clue, subject=clue.subjects.get(), method="再次",
                               audience="x", held_on=timezone.localdate())  # fmt: skip


def test_denial_asks_again_then_moves_to_verification(staff, clue):
    clue, cadre = clue
    dispose(staff, clue, "inquiry")
    subject = clue.subjects.get()
    first = d.inquiry_start(actor=staff.supervisor2, clue=clue, subject=subject, form="talk")
    with pytest.raises(ValidationError, match="尚未办结"):
        d.inquiry_start(actor=staff.supervisor2, clue=clue, subject=subject, form="talk")
    assert d.proposable_methods(clue) == []
    d.inquiry_talk_record(actor=staff.supervisor2, inquiry=first, held_on=timezone.localdate(), record="否认")
    d.inquiry_conclude(actor=staff.supervisor2, inquiry=first, outcome="denied")
    clue.refresh_from_db()
    assert clue.status == Clue.Status.INQUIRY
    second, _ = _letter_until_sent(staff, clue)
    assert second.round == 2
    d.inquiry_reply_record(actor=staff.supervisor2, inquiry=second, replied_on=timezone.localdate(),
                           reply="仍否认", countersigned_by="刘书记")  # fmt: skip
    d.inquiry_conclude(actor=staff.supervisor2, inquiry=second, outcome="denied")
    assert d.proposable_methods(clue) == ["verification"]
    with pytest.raises(ValidationError):
        propose(staff, clue, "close", close_reason="x")
    dispose(staff, clue, "verification")
    assert clue.status == Clue.Status.VERIFICATION
    assert verdict(cadre) == "postpone"


# --- 初步核实 --------------------------------------------------------------------------------------


def _verification(staff, clue):
    dispose(staff, clue, "verification")
    v = Verification.objects.get(clue=clue)
    d.verification_update(actor=staff.supervisor2, verification=v, plan="调取招投标资料", findings="资金往来正常",
                          report="初核报告：……")  # fmt: skip
    return v


def test_verification_opens_a_postponing_entry_and_seals_its_texts(staff, clue):
    clue, cadre = clue
    v = _verification(staff, clue)
    assert kinds(cadre)[-1][:2] == ("verification.opened", "none")
    assert verdict(cadre) == "postpone" and verdict(cadre, "awards") == "postpone"
    raw = Verification.objects.filter(pk=v.pk).values_list("plan", "findings", "report").get()
    assert "招投标" not in raw[0] and "资金" not in raw[1]
    assert sealing.open_text(raw[2]) == "初核报告：……"
    for user in (staff.admin, staff.outsider, staff.leader):
        with pytest.raises(PermissionDenied):
            d.verification_conclude(actor=user, verification=v, outcome="closed")


def test_verification_without_report_cannot_conclude(staff, clue):
    clue, _ = clue
    dispose(staff, clue, "verification")
    v = Verification.objects.get(clue=clue)
    with pytest.raises(ValidationError, match="初核报告"):
        d.verification_conclude(actor=staff.supervisor2, verification=v, outcome="closed")


def test_verification_opens_a_case(staff, clue):
    clue, cadre = clue
    v = _verification(staff, clue)
    d.verification_conclude(actor=staff.supervisor2, verification=v, outcome="case_opened")
    clue.refresh_from_db()
    assert clue.status == Clue.Status.CASE_OPENED and clue.closed_at is not None
    codes = [k for k, _, _ in kinds(cadre)]
    assert codes == ["allegation.registered", "verification.opened", "verification.closed", "case.opened"]
    opened = ArchiveEntry.objects.get(person=cadre, kind__code="verification.opened")
    assert opened.ended_at is not None
    assert verdict(cadre) == "postpone"  # the open case


def test_verification_organisational_handling(staff, clue):
    clue, cadre = clue
    v = _verification(staff, clue)
    d.verification_conclude(actor=staff.supervisor2, verification=v, outcome="handling",
                            handling_kind="org.reassignment", period_months=12, note="调整其工作岗位")  # fmt: skip
    entry = ArchiveEntry.objects.get(person=cadre, kind__code="org.reassignment")
    assert (
        entry.colour == "yellow" and entry.decided_by == str(staff.case) and entry.source_id == str(clue.pk)
    )
    assert entry.influence_end is not None
    clue.refresh_from_db()
    assert clue.status == Clue.Status.CLOSED and clue.outcome == "handling"
    assert verdict(cadre) == "object"


def test_verification_closed(staff, clue):
    clue, cadre = clue
    v = _verification(staff, clue)
    d.verification_conclude(actor=staff.supervisor2, verification=v, outcome="closed", note="问题已整改")
    assert [k for k, _, _ in kinds(cadre)][-1] == "verification.closed"
    assert verdict(cadre) == "clear"
    clue.refresh_from_db()
    assert clue.outcome == "verification_closed" and d.clearable_subjects(clue) == []


def test_verification_unfounded_with_clearance_closes_the_pending_entry(staff, clue):
    clue, cadre = clue
    v = _verification(staff, clue)
    today = timezone.localdate()
    d.verification_conclude(actor=staff.supervisor2, verification=v, outcome="unfounded",
                            clearance={"method": "书面澄清", "audience": "所在单位党组", "held_on": today})  # fmt: skip
    clearance = ArchiveEntry.objects.get(person=cadre, kind__code="clearance")
    opened = ArchiveEntry.objects.get(person=cadre, kind__code="verification.opened")
    assert clearance.colour == "blue" and clearance.closes == opened and opened.ended_at is not None
    assert not ArchiveEntry.objects.filter(person=cadre, kind__code="verification.closed").exists()
    assert Clarification.objects.get(clue=clue).audience == "所在单位党组"
    assert verdict(cadre) == "clear"
    clue.refresh_from_db()
    assert clue.outcome == "unfounded" and d.clearable_subjects(clue) == []


def test_clearance_bad_input_keeps_the_verification_open(staff, clue):
    clue, cadre = clue
    v = _verification(staff, clue)
    with pytest.raises(ValidationError, match="澄清范围"):
        d.verification_conclude(actor=staff.supervisor2, verification=v, outcome="unfounded",
                                clearance={"method": "书面澄清", "audience": "", "held_on": timezone.localdate()})  # fmt: skip
    v.refresh_from_db()
    assert v.outcome == "" and verdict(cadre) == "postpone"


# --- 暂存待查 and 予以了结 ---------------------------------------------------------------------------


def test_hold_gets_a_review_to_do_and_can_be_reopened_or_closed(staff, clue):
    clue, _ = clue
    review_on = later(60)
    dispose(staff, clue, "hold", hold_review_on=review_on)
    assert clue.status == Clue.Status.HELD and clue.hold_review_on == review_on
    (item,) = items(clue, d.WORKITEM_HOLD_REVIEW)
    assert item.due_date == review_on and item.assignee_unit == clue.owner_unit
    assert d.proposable_methods(clue) == ["close"]
    with pytest.raises(PermissionDenied):
        d.hold_reopen(actor=staff.outsider, clue=clue, note="出现新情况")
    d.hold_reopen(actor=staff.supervisor2, clue=clue, note="出现新情况")
    clue.refresh_from_db()
    assert clue.status == Clue.Status.ASSIGNED and not items(clue, d.WORKITEM_HOLD_REVIEW)
    dispose(staff, clue, "hold", hold_review_on=review_on)
    dispose(staff, clue, "close", close_reason="复查后仍无可查性")
    assert clue.status == Clue.Status.CLOSED and not items(clue, d.WORKITEM_HOLD_REVIEW)


def test_close_with_reason_owes_the_real_name_reporter_the_result(staff, clue):
    clue, cadre = clue
    dispose(staff, clue, "close", close_reason="反映问题已在其他线索中查结")
    assert clue.status == Clue.Status.CLOSED and clue.outcome == "closed"
    assert "其他线索" in clue.events.last().note
    report = Report.objects.get(pk=clue.report_id)
    (item,) = items(report, d.WORKITEM_RESULT_NOTICE)
    assert item.assignee_unit == report.receiving_unit and item.due_days == 15
    assert [k for k, _, _ in kinds(cadre)] == ["allegation.registered"]
    for user in (staff.outsider, staff.admin, staff.leader):
        with pytest.raises(PermissionDenied):
            d.report_result_notify(actor=user, report=report, how="电话告知")
    with pytest.raises(ValidationError):
        d.report_result_notify(actor=staff.clerk, report=report, how="飞鸽传书")
    d.report_result_notify(actor=staff.clerk, report=report, how="电话告知", note="已告知")
    report.refresh_from_db()
    assert report.result_notified_at is not None and not items(report, d.WORKITEM_RESULT_NOTICE)
    with pytest.raises(ValidationError, match="已反馈"):
        d.report_result_notify(actor=staff.clerk, report=report, how="电话告知")


def test_anonymous_report_owes_no_result_notice(staff, tree, make_cadre, make_report):
    clue, _ = assigned_clue(staff, tree, make_cadre, make_report, identity=None)
    dispose(staff, clue, "close", close_reason="无可查性")
    assert not WorkItem.objects.filter(kind=d.WORKITEM_RESULT_NOTICE).exists()


# --- false accusation ----------------------------------------------------------------------------


def _unfounded(staff, clue):
    dispose(staff, clue, "inquiry")
    inquiry = d.inquiry_start(actor=staff.supervisor2, clue=clue, subject=clue.subjects.get(), form="talk")
    d.inquiry_talk_record(
        actor=staff.supervisor2, inquiry=inquiry, held_on=timezone.localdate(), record="说明"
    )
    d.inquiry_conclude(actor=staff.supervisor2, inquiry=inquiry, outcome="unfounded", feedback="不属实")
    clue.refresh_from_db()


def test_false_accusation_unsealing_needs_a_named_second_approver(staff, clue):
    clue, _ = clue
    with pytest.raises(ValidationError):
        d.accusation_refer(actor=staff.supervisor2, clue=clue, reason="捏造事实")
    _unfounded(staff, clue)
    referral = d.accusation_refer(actor=staff.supervisor2, clue=clue, reason="举报人捏造事实，意图陷害")
    with pytest.raises(ValidationError, match="诬告陷害"):  # not found to be deliberate yet
        d.accusation_unseal_request(actor=staff.supervisor2, referral=referral, reason="追究诬告陷害责任")
    for user in (staff.supervisor2, staff.stationed, staff.admin):  # the referrer, no approval right
        with pytest.raises(PermissionDenied):
            d.accusation_find(actor=user, referral=referral, finding="false_accusation", note="x")
    d.accusation_find(
        actor=staff.case, referral=referral, finding="false_accusation", note="证据表明系故意捏造"
    )
    d.accusation_unseal_request(actor=staff.supervisor2, referral=referral, reason="追究诬告陷害责任")
    with pytest.raises(PermissionDenied, match="批准"):
        d.accusation_identity(actor=staff.supervisor2, referral=referral, reason="追究诬告陷害责任")
    with pytest.raises(PermissionDenied, match="申请人以外"):
        d.accusation_unseal_approve(actor=staff.supervisor2, referral=referral)
    for user in (staff.admin, staff.outsider, staff.clerk, staff.stationed):
        with pytest.raises(PermissionDenied):
            d.accusation_unseal_approve(actor=user, referral=referral)
    d.accusation_unseal_approve(actor=staff.case, referral=referral)
    referral.refresh_from_db()
    assert referral.unseal_approved_by == staff.case and referral.unseal_approved_at
    for user in (staff.admin, staff.supervisor, staff.leader, staff.outsider):
        with pytest.raises(PermissionDenied):
            d.accusation_identity(actor=user, referral=referral, reason="看看")
    with pytest.raises(ValidationError):
        d.accusation_identity(actor=staff.supervisor2, referral=referral, reason="")
    identity = d.accusation_identity(actor=staff.supervisor2, referral=referral, reason="追究诬告陷害责任")
    assert identity["name"] == "李举报"
    event = AuditEvent.objects.get(action="intake.report.reveal_identity_for_referral")
    assert event.reason == "追究诬告陷害责任" and event.extra["approved_by"] == staff.case.pk
    assert "李举报" not in str(list(AuditEvent.objects.values_list("extra", "reason")))


def test_honest_mistake_is_never_unsealed(staff, clue):
    clue, _ = clue
    _unfounded(staff, clue)
    referral = d.accusation_refer(actor=staff.supervisor2, clue=clue, reason="反映不实")
    d.accusation_find(actor=staff.case, referral=referral, finding="honest_mistake", note="系误解")
    with pytest.raises(ValidationError, match="错告"):
        d.accusation_unseal_request(actor=staff.supervisor2, referral=referral, reason="追究责任")
    assert AccusationReferral.objects.get().unseal_requested_by is None


def test_documents_of_inquiry_letters_need_clue_content(staff, clue):
    from qinglian.documents.registry import restricted_codes

    assert "intake.inquiry_letter" in restricted_codes(frozenset({"documents.view"}))
    assert "intake.inquiry_letter" not in restricted_codes(
        frozenset({"documents.view", "sealed.clue_content"})
    )
    clue, _ = clue
    dispose(staff, clue, "inquiry")
    inquiry, _ = _letter_until_sent(staff, clue)
    assert Document.objects.filter(template="intake.inquiry_letter").count() == 2
    assert Inquiry.objects.get(pk=inquiry.pk).sent_on == timezone.localdate()
