"""The appointment record: stages frozen when closed, the four gates (凡提四必) blocking 讨论决定,
the notice period in working days, Art 24 flags, complaints through intake, 倒查 with "as known on"."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qinglian.appointments import services
from qinglian.appointments.models import Candidate, ReverseCheck, Stage, StageDocument
from qinglian.appointments.reverse import reverse_check_person, reverse_scan
from qinglian.appointments.selectors import candidate_gates
from qinglian.appointments.tests.conftest import issue_opinion, pass_gates, stage, to_decision
from qinglian.archive.models import ArchiveEntry
from qinglian.archive.services import entry_record
from qinglian.intake.models import Report
from qinglian.intake.states import report_move

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def _messages(exc) -> str:
    return " ".join(str(m) for m in exc.value.messages)


def _sanction(person, *, occurred_on: date, effective_on: date, kind: str = "gov.demerit"):
    return entry_record(actor=None, kind=kind, person=person, occurred_on=occurred_on, effective_on=effective_on,
                        summary="违规收受礼金", decided_by="县监委", decision_document="甲监处〔2026〕3号",
                        check_permission=False)  # fmt: skip


def test_case_has_seven_stages_in_order_and_only_the_current_one_is_recorded(s):
    kinds = list(Stage.objects.filter(case=s.case).order_by("position").values_list("kind", flat=True))
    assert kinds == [
        "motion",
        "recommendation",
        "appraisal",
        "decision",
        "notice",
        "appointment",
        "probation",
    ]
    with pytest.raises(ValidationError) as exc:
        services.stage_record(actor=s.org, stage=stage(s.case, "appraisal"), held_on=timezone.localdate())
    assert "请先完成“动议”环节" in _messages(exc)


def test_a_closed_stage_is_frozen(s):
    today = timezone.localdate()
    motion = stage(s.case, "motion")
    with pytest.raises(ValidationError) as exc:
        services.stage_close(actor=s.org, stage=motion)
    assert "完结前请填写日期" in _messages(exc)
    services.document_add(actor=s.org, stage=motion, name="动议方案.pdf", data=PDF)
    services.stage_record(
        actor=s.org, stage=motion, held_on=today, decided_by="县委书记专题会议", result="启动"
    )
    services.stage_close(actor=s.org, stage=motion)
    motion.refresh_from_db()
    assert motion.is_closed and motion.closed_by == s.org
    with pytest.raises(ValidationError) as exc:
        services.stage_record(
            actor=s.org, stage=stage(s.case, "recommendation"), held_on=today - timedelta(days=1)
        )
    assert "不能早于上一环节“动议”的日期" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.stage_record(actor=s.org, stage=motion, held_on=today, decided_by="改动", result="改动")
    assert "已完结固化" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.document_add(actor=s.org, stage=motion, name="补充.pdf", data=PDF)
    assert "不能再上传材料" in _messages(exc)
    motion.refresh_from_db()
    assert motion.decided_by == "县委书记专题会议" and StageDocument.objects.filter(stage=motion).count() == 1


def test_uploads_are_checked_by_content(s):
    motion = stage(s.case, "motion")
    with pytest.raises(ValidationError) as exc:
        services.document_add(
            actor=s.org, stage=motion, name="方案.pdf", data=b"<html><script>x</script></html>"
        )
    assert "附件" in _messages(exc)
    with pytest.raises(ValidationError):
        services.document_add(actor=s.org, stage=motion, name="方案.docx", data=PDF)  # extension disagrees
    assert not StageDocument.objects.exists()


def test_adding_a_candidate_requests_a_targeted_check(s):
    cand = services.candidate_add(actor=s.org, case=s.case, cadre=s.cadre)
    assert s.spot.requests == [
        {"cadre": s.cadre.pk, "reason": "拟提拔人选（甲县教育局副局长）", "source": "appointment"}
    ]
    assert cand.spot_check_id == 1000 + s.cadre.pk
    with pytest.raises(ValidationError):
        services.candidate_add(actor=s.org, case=s.case, cadre=s.cadre)


def test_the_four_gates_each_block_the_decision(s, make_cadre):
    today = timezone.localdate()
    cand = to_decision(s, today=today)
    decision = stage(s.case, "decision")
    with pytest.raises(ValidationError) as exc:
        services.stage_close(actor=s.org, stage=decision)
    text = _messages(exc)
    for label in ("干部档案审核（凡提必审）未完成", "个人有关事项报告核查（凡提必核）未完成",
                  "纪检监察机关意见（凡提必听）未完成"):  # fmt: skip
        assert label in text
    # 1. file review, by a named person: a finding blocks
    services.file_review_record(actor=s.org, candidate=cand, reviewer="孙某", reviewed_on=today, passed=False,
                                note="出生日期前后记载不一致，未查清")  # fmt: skip
    # 2. personal matters: concealment blocks
    s.spot.set(s.cadre, "concealment", today)
    # 3. opinion requested but not issued: still missing
    services.opinion_request(actor=s.org, case=s.case)
    with pytest.raises(ValidationError) as exc:
        services.stage_close(actor=s.org, stage=decision)
    text = _messages(exc)
    assert "干部档案审核（凡提必审）不通过——审核人孙某" in text and "出生日期前后记载不一致" in text
    assert "瞒报的不得提拔" in text
    assert "待纪委监委签发" in text
    services.file_review_record(actor=s.org, candidate=cand, reviewer="孙某", reviewed_on=today, passed=True)
    s.spot.set(s.cadre, "consistent", today)
    issue_opinion(s.make_user, s.tree, cand)
    # 4. a complaint not yet disposed of blocks
    complaint = services.complaint_receive(
        actor=s.org, candidate=cand, facts="反映其在招生工作中收受家长礼金"
    )
    with pytest.raises(ValidationError) as exc:
        services.stage_close(actor=s.org, stage=decision)
    assert f"1件反映问题尚未办结：{complaint.report.number}" in _messages(exc)
    assert len(exc.value.messages) == 1  # the other three gates pass now
    report = complaint.report
    report_move(report, "registered", actor=None, action="register")
    report_move(report, "closed", actor=None, action="close")
    services.stage_close(actor=s.org, stage=decision)
    cand.refresh_from_db()
    assert cand.status == Candidate.Status.APPOINTED
    assert [g.state for g in candidate_gates(cand)] == ["pass"] * 4


def test_opinion_object_blocks_and_postpone_holds(s):
    today = timezone.localdate()
    cand = to_decision(s, today=today)
    services.file_review_record(actor=s.org, candidate=cand, reviewer="孙某", reviewed_on=today, passed=True)
    s.spot.set(s.cadre, "consistent", today)
    entry_record(actor=None, kind="case.opened", person=s.cadre, occurred_on=today, summary="立案",
                 check_permission=False)  # fmt: skip
    services.opinion_request(actor=s.org, case=s.case)
    issue_opinion(s.make_user, s.tree, cand)
    with pytest.raises(ValidationError) as exc:
        services.stage_close(actor=s.org, stage=stage(s.case, "decision"))
    text = _messages(exc)
    assert "纪检监察机关意见（凡提必听）暂缓——暂缓：有待核实事项" in text
    assert "立案" not in text  # sealed: the organisation department reads only "有待核实事项"


def test_an_old_personal_matters_check_does_not_count(s):
    today = timezone.localdate()
    cand = to_decision(s, today=today)
    s.spot.set(s.cadre, "consistent", today - timedelta(days=40))
    gate = candidate_gates(cand)[1]
    assert gate.state == "missing" and "须重新核查" in gate.detail
    s.spot.set(s.cadre, "omission", today)
    assert candidate_gates(cand)[1].state == "pass"


def test_quorum_and_majority_are_checked(s):
    today = timezone.localdate()
    cand = to_decision(s, today=today, with_votes=False)
    pass_gates(s, cand, today)
    decision = stage(s.case, "decision")
    services.stage_record(actor=s.org, stage=decision, held_on=today, participants="常委7人", decided_by="县委常委会",
                          votes={"members_total": 11, "members_present": 7, "appointee": cand.pk, "for": 5})  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.stage_close(actor=s.org, stage=decision)
    text = _messages(exc)
    assert "未达到应到会成员11人的三分之二" in text and "未超过应到会成员11人的半数" in text
    with pytest.raises(ValidationError) as exc:
        services.stage_record(actor=s.org, stage=decision, held_on=today, decided_by="x",
                              votes={"members_total": 11, "members_present": 12, "appointee": cand.pk, "for": -1})  # fmt: skip
    assert "不能为负数" in _messages(exc)


def test_art24_flags_name_the_entry_and_the_rule_and_block_the_decision(s):
    today = timezone.localdate()
    cand = to_decision(s, today=today)
    pass_gates(s, cand, today)
    entry_record(actor=None, kind="handling.admonishment", person=s.cadre, occurred_on=today, summary="诫勉",
                 decided_by="县纪委", check_permission=False)  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.stage_close(actor=s.org, stage=stage(s.case, "decision"))
    text = _messages(exc)
    assert "李明不得列为提拔人选：诫勉" in text and "第二十四条" in text
    cand.refresh_from_db()
    assert cand.flags == [] and cand.status == "active"  # the refused close changed nothing
    services.candidate_flags_refresh(cand)
    assert cand.flags[0]["code"] == "archive.object" and cand.flags[0]["entry"]


def test_art24_emigrated_spouse_and_low_approval(s):
    from qinglian.people.cadre_services import relative_save

    relative_save(actor=None, cadre=s.other, data={"relation": "spouse", "name": "配偶", "source": "declared",
                                                   "emigrated": True})  # fmt: skip
    services.stage_record(actor=s.org, stage=stage(s.case, "motion"), held_on=timezone.localdate(), decided_by="书记会",
                          result="启动")  # fmt: skip
    services.stage_close(actor=s.org, stage=stage(s.case, "motion"))
    a = services.candidate_add(actor=s.org, case=s.case, cadre=s.cadre)
    b = services.candidate_add(actor=s.org, case=s.case, cadre=s.other)
    assert [f["code"] for f in b.flags] == ["emigrated"] and "配偶已移居国（境）外" in b.flags[0]["text"]
    services.stage_record(actor=s.org, stage=stage(s.case, "recommendation"), held_on=timezone.localdate(),
                          participants="40人", decided_by="组织部",
                          votes={"voters": 40, "candidates": {str(a.pk): {"for": 15}, str(b.pk): {"for": 30}}})  # fmt: skip
    a.refresh_from_db()
    assert a.flags == [{"code": "low_approval", "entry": None,
                        "text": "民主推荐得票率37.50%，低于50%（默认值，依据待核实）（《党政领导干部选拔任用工作条例》（2019年）第二十四条）"}]  # fmt: skip


def test_recommendation_votes_refuse_impossible_counts(s):
    services.stage_record(actor=s.org, stage=stage(s.case, "motion"), held_on=timezone.localdate(), decided_by="书记会",
                          result="启动")  # fmt: skip
    services.stage_close(actor=s.org, stage=stage(s.case, "motion"))
    a = services.candidate_add(actor=s.org, case=s.case, cadre=s.cadre)
    rec = stage(s.case, "recommendation")
    with pytest.raises(ValidationError) as exc:
        services.stage_record(
            actor=s.org, stage=rec, votes={"voters": 10, "candidates": {str(a.pk): {"for": 9, "against": 3}}}
        )
    assert "超过参加推荐人数10" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.stage_record(actor=s.org, stage=rec, votes={"voters": "abc"})
    assert "须为整数" in _messages(exc)
    rec.refresh_from_db()
    assert rec.votes == {}


@pytest.mark.parametrize(
    ("start", "end", "today", "message"),
    [
        (date(2026, 9, 30), date(2026, 10, 9), date(2026, 10, 20), "只有3个工作日"),  # National Day week off
        (date(2026, 9, 30), date(2026, 10, 12), date(2026, 10, 12), "公示期满后才能完结"),
        (
            date(2026, 9, 30),
            date(2026, 10, 12),
            date(2026, 10, 13),
            None,
        ),  # 9-30, 10-8, 10-9, 10-10 (Sat, worked), 10-12
    ],
)
def test_notice_period_counts_working_days_across_national_day(s, start, end, today, message):
    with time_machine.travel(datetime(2026, 9, 29, 10, tzinfo=SH), tick=False):
        cand = to_decision(s, today=date(2026, 9, 29))
        pass_gates(s, cand, date(2026, 9, 29))
        services.stage_close(actor=s.org, stage=stage(s.case, "decision"))
        assert services.notice_earliest_end(start) == date(2026, 10, 12)
        services.stage_record(actor=s.org, stage=stage(s.case, "notice"), held_on=start, ends_on=end,
                              decided_by="县委组织部", result="公示期间未收到反映")  # fmt: skip
    with time_machine.travel(datetime(today.year, today.month, today.day, 10, tzinfo=SH), tick=False):
        if message:
            with pytest.raises(ValidationError) as exc:
                services.stage_close(actor=s.org, stage=stage(s.case, "notice"))
            assert message in _messages(exc)
        else:
            services.stage_close(actor=s.org, stage=stage(s.case, "notice"))
            assert stage(s.case, "notice").is_closed


def test_notice_defaults_to_the_earliest_end(s):
    with time_machine.travel(datetime(2026, 9, 29, 10, tzinfo=SH), tick=False):
        cand = to_decision(s, today=date(2026, 9, 29))
        pass_gates(s, cand, date(2026, 9, 29))
        services.stage_close(actor=s.org, stage=stage(s.case, "decision"))
        notice = services.stage_record(actor=s.org, stage=stage(s.case, "notice"), held_on=date(2026, 9, 30),
                                       decided_by="县委组织部")  # fmt: skip
    assert notice.ends_on == date(2026, 10, 12)


def test_complaint_during_notice_goes_to_intake_and_holds_the_notice(s):
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=SH), tick=False):
        cand = to_decision(s, today=date(2026, 11, 2))
        pass_gates(s, cand, date(2026, 11, 2))
        services.stage_close(actor=s.org, stage=stage(s.case, "decision"))
        services.stage_record(actor=s.org, stage=stage(s.case, "notice"), held_on=date(2026, 11, 3),
                              decided_by="县委组织部")  # fmt: skip
    with time_machine.travel(datetime(2026, 11, 5, 10, tzinfo=SH), tick=False):
        c = services.complaint_receive(actor=s.org, candidate=cand, facts="反映其违规打牌赌博", channel="phone",
                                       reporter_name="王某", reporter_phone="13800000000")  # fmt: skip
    report = Report.objects.get(pk=c.report_id)
    assert report.status == "received" and report.receiving_unit == s.tree.pz1 and report.real_name
    assert c.stage.kind == "notice" and "纪实第" in report.source_reference
    assert "赌博" not in report.content  # sealed by intake
    with time_machine.travel(datetime(2026, 11, 12, 10, tzinfo=SH), tick=False):
        with pytest.raises(ValidationError) as exc:
            services.stage_close(actor=s.org, stage=stage(s.case, "notice"))
        assert f"公示期间反映的问题尚未办结（{report.number}）" in _messages(exc)
        report_move(report, "registered", actor=None, action="register")
        report_move(report, "closed", actor=None, action="close")
        services.stage_close(actor=s.org, stage=stage(s.case, "notice"))


def test_appointment_reaches_the_file_and_probation_ends_the_case(s):
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SH), tick=False):
        cand = to_decision(s, today=date(2026, 3, 2))
        pass_gates(s, cand, date(2026, 3, 2))
        services.stage_close(actor=s.org, stage=stage(s.case, "decision"))
        services.stage_record(actor=s.org, stage=stage(s.case, "notice"), held_on=date(2026, 3, 3),
                              decided_by="县委组织部")  # fmt: skip
    with time_machine.travel(datetime(2026, 3, 12, 10, tzinfo=SH), tick=False):
        services.stage_close(actor=s.org, stage=stage(s.case, "notice"))
        services.stage_record(actor=s.org, stage=stage(s.case, "appointment"), held_on=date(2026, 3, 12),
                              decided_by="县委", result="甲组干〔2026〕5号任职通知")  # fmt: skip
        services.stage_close(actor=s.org, stage=stage(s.case, "appointment"))
        services.stage_record(actor=s.org, stage=stage(s.case, "probation"), held_on=date(2026, 3, 12),
                              ends_on=date(2027, 3, 11), decided_by="县委组织部", result="试用期满考核称职")  # fmt: skip
        with pytest.raises(ValidationError) as exc:
            services.stage_close(actor=s.org, stage=stage(s.case, "probation"))
        assert "期满考核后才能完结" in _messages(exc)
    entry = ArchiveEntry.objects.get(person=s.cadre, kind__code="info.post_change")
    assert "甲县教育局副局长" in entry.summary and entry.colour == "blue"
    with time_machine.travel(datetime(2027, 3, 12, 10, tzinfo=SH), tick=False):
        services.stage_close(actor=s.org, stage=stage(s.case, "probation"))
    s.case.refresh_from_db()
    assert s.case.status == "done"


def _appointed_in_2026(s):
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SH), tick=False):
        cand = to_decision(s, today=date(2026, 3, 2))
        pass_gates(s, cand, date(2026, 3, 2))
        services.stage_close(actor=s.org, stage=stage(s.case, "decision"))
    return cand


def test_reverse_accountability_lists_decisions_as_known_on_their_day(s, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime(2026, 1, 10, 10, tzinfo=SH), tick=False):
        # A 诫勉 recorded before the promotion and already over: the decision-takers knew of it.
        entry_record(actor=None, kind="handling.reminder_talk", person=s.cadre, occurred_on=date(2026, 1, 10),
                     summary="上班期间打游戏", decided_by="局党组", check_permission=False)  # fmt: skip
    cand = _appointed_in_2026(s)
    with time_machine.travel(datetime(2026, 11, 20, 10, tzinfo=SH), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            # conduct in 2025, sanctioned in November 2026: recorded after every decision
            black = _sanction(s.cadre, occurred_on=date(2025, 6, 1), effective_on=date(2026, 11, 18))
            # conduct after the promotion: not a reverse-accountability matter
            _sanction(
                s.cadre, occurred_on=date(2026, 5, 1), effective_on=date(2026, 11, 18), kind="party.warning"
            )
    check = ReverseCheck.objects.get()
    assert check.entry == black and check.candidate == cand and check.promoted_on == date(2026, 3, 2)
    s.case.refresh_from_db()
    assert s.case.flagged_at is not None
    by_stage = {d["stage"]: d for d in check.decisions}
    assert list(by_stage) == ["motion", "recommendation", "appraisal", "opinion", "decision"]
    assert (
        by_stage["opinion"]["decided_by"] == "王书记（签发）" and by_stage["opinion"]["could_know"] is False
    )
    assert "意见：无影响" in by_stage["opinion"]["held"]
    decision = by_stage["decision"]
    assert decision["decided_by"] == "县委常委会" and decision["participants"] == "县委常委9人"
    assert decision["could_know"] is False and "不应据此追究" in decision["verdict"]
    assert decision["held"] == ["谈话提醒（2026-01-10）：上班期间打游戏"]  # the sanction was not yet there
    assert decision["personal_matters"] == "核查一致"
    from qinglian.workitems.models import WorkItem

    item = WorkItem.objects.get(kind="appointments.reverse_check")
    assert item.assignee_user == s.org and "李明" in item.title
    # idempotent: the daily scan and a second signal add nothing
    assert reverse_scan() == 0 and reverse_check_person(s.cadre.pk) == []


def test_reverse_accountability_says_when_the_decision_could_have_known(s):
    with time_machine.travel(datetime(2026, 2, 20, 10, tzinfo=SH), tick=False):
        # a 政务警告 already recorded (its 6-month period would have barred promotion: recorded, then voided
        # influence aside, the point is the recording time)
        black = _sanction(
            s.cadre, occurred_on=date(2024, 1, 5), effective_on=date(2024, 2, 1), kind="gov.warning"
        )
    cand = _appointed_in_2026(s)
    assert reverse_scan() == 1
    check = ReverseCheck.objects.get(candidate=cand)
    assert check.entry == black
    decision = next(d for d in check.decisions if d["stage"] == "decision")
    assert decision["could_know"] is True and decision["verdict"] == "决定时系统中已有该处分记录"
    assert any("政务警告（2024-02-01）" in h for h in decision["held"])


def test_staff_outside_the_scope_cannot_act(s, make_user):
    stranger = make_user("org_supervision", s.tree.county_b)
    with pytest.raises(PermissionDenied):
        services.stage_record(actor=stranger, stage=stage(s.case, "motion"), held_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.candidate_add(actor=stranger, case=s.case, cadre=s.cadre)
    viewer = make_user("leadership", s.tree.county_a)
    with pytest.raises(PermissionDenied):
        services.case_create(
            actor=viewer, unit=s.tree.dept_a1, post_title="x", post_level="section", reason="x"
        )


def test_with_the_real_spotchecks_a_candidate_gets_an_open_targeted_check(tree, make_user, make_cadre):
    """The contract with spotchecks, unpatched: adding a candidate opens a targeted check (once), the
    gate waits for it; a confirmed concealment (the entry spotchecks records) flags Art 24."""
    from qinglian.spotchecks.models import SpotCheck

    org = make_user("org_supervision", tree.county_a)
    cadre = make_cadre(tree.dept_a1, "钱进", post_level="deputy_division")
    case = services.case_create(
        actor=org, unit=tree.dept_a1, post_title="局长", post_level="division", reason="空缺"
    )
    cand = services.candidate_add(actor=org, case=case, cadre=cadre)
    check = SpotCheck.objects.get(cadre=cadre)
    assert cand.spot_check_id == check.pk
    gate = candidate_gates(cand)[1]
    assert gate.state == "missing"
    other_case = services.case_create(actor=org, unit=tree.dept_a1, post_title="副局长", post_level="deputy_division",
                                      reason="空缺")  # fmt: skip
    again = services.candidate_add(actor=org, case=other_case, cadre=cadre)
    assert again.spot_check_id == check.pk and SpotCheck.objects.filter(cadre=cadre).count() == 1
    entry_record(actor=org, kind="declaration.concealment", person=cadre, occurred_on=timezone.localdate(),
                 summary="个人有关事项报告认定瞒报：房产瞒报1项", decided_by="县委组织部部务会")  # fmt: skip
    services.candidate_flags_refresh(cand)
    assert cand.flags and "个人有关事项瞒报" in cand.flags[0]["text"]


def test_the_notice_period_follows_the_rule_as_it_stands(s):
    from qinglian.rules.models import Rule
    from qinglian.rules.services import rule_param_set

    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SH), tick=False):
        assert services.notice_earliest_end(date(2026, 3, 2)) == date(2026, 3, 6)
        rule_param_set(actor=s.org, rule=Rule.objects.get(code="appointments.notice_period"), key="working_days",
                       value="7", effective_from=date(2026, 3, 1), reason="本地规定公示七个工作日")  # fmt: skip
        assert services.notice_earliest_end(date(2026, 3, 2)) == date(2026, 3, 10)
