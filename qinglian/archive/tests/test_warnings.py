"""Early warnings: each rule firing and not firing at its boundary, dedup, life cycle, to-dos,
the incremental update after a write and its 50 ms budget."""

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from qinglian.archive.grading import person_grade_refresh
from qinglian.archive.models import PersonGrade, Warning
from qinglian.archive.scan import archive_scan
from qinglian.archive.warnings import (
    evaluate,
    on_entry_recorded,
    responsible_body,
    warning_acknowledge,
    warning_dismiss,
    warning_handle,
    warnings_refresh,
)
from qinglian.core import workdays
from qinglian.workitems.models import WorkItem

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 6, 15)


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False)


@pytest.fixture(autouse=True)
def frozen():
    with at(TODAY):
        yield


def raised(rule, as_of=TODAY, **kw):
    return [c for c in evaluate(as_of, **kw) if c.rule == rule]


# --- about to turn black -------------------------------------------------------------------------


def test_open_case_warns_about_turning_black_until_it_is_closed(person, record):
    case = record(person, "case.opened", date(2026, 5, 1))
    [c] = raised("warning.black_risk")
    assert (c.key, c.person_id, c.entry_ids) == (f"p{person.pk}:pending:{case.pk}", person.pk, [case.pk])
    assert "立案审查调查（2026年05月01日）尚未办结" in c.explanation
    record(person, "case.closed", date(2026, 6, 1), closes=case)
    assert raised("warning.black_risk") == []


def test_two_yellow_points_within_twelve_months_warn_one_day_earlier_does_not(person, record):
    record(person, "handling.reminder_talk", date(2025, 6, 15))  # exactly 12 months ago: outside
    second = record(person, "handling.criticism", date(2026, 3, 1))
    assert raised("warning.black_risk") == []
    first = record(person, "handling.self_examination", date(2025, 6, 16))
    [c] = raised("warning.black_risk")
    assert c.key == f"p{person.pk}:yellow:{first.pk}" and sorted(c.entry_ids) == sorted([first.pk, second.pk])
    assert "近12个月内有2个黄点" in c.explanation and "责令检查" in c.explanation


def test_people_who_left_service_are_not_warned(person, record):
    from qinglian.people.models import Cadre

    record(person, "case.opened", date(2026, 5, 1))
    Cadre.objects.filter(pk=person.pk).update(status="retired")
    assert raised("warning.black_risk") == []


# --- influence period ends within 30 days --------------------------------------------------------


def test_influence_ending_in_30_days_notifies_31_days_does_not(person, record):
    # 政务警告: 6 months; decided 2026-01-16 → last day 2026-07-15 = TODAY + 30.
    e = record(person, "gov.warning", date(2026, 1, 16))
    assert e.influence_end == TODAY + timedelta(days=30)
    [c] = raised("warning.influence_ending")
    assert c.key == f"p{person.pk}:ends:{e.pk}" and "2026年07月15日届满" in c.explanation
    assert raised("warning.influence_ending", TODAY - timedelta(days=1)) == []


def test_influence_ending_is_silent_while_another_bar_runs_longer(person, record):
    record(person, "gov.warning", date(2026, 1, 16))
    record(person, "handling.admonishment", date(2026, 3, 1))  # 诫勉, 6 months: runs to 2026-08-31
    assert raised("warning.influence_ending") == []


# --- reported N times in 12 months ---------------------------------------------------------------


def test_three_reports_within_twelve_months_warn_two_do_not(person, record):
    record(person, "allegation.registered", date(2025, 6, 15))  # outside the 12 months
    record(person, "allegation.registered", date(2025, 9, 1))
    record(person, "allegation.registered", date(2026, 2, 1))
    assert raised("warning.repeated_reports") == []
    last = record(person, "allegation.registered", date(2026, 6, 1))
    [c] = raised("warning.repeated_reports")
    assert c.key == f"p{person.pk}:reports:{last.pk}" and len(c.entry_ids) == 3
    assert "被反映问题3次" in c.explanation


# --- inquiry reply overdue -----------------------------------------------------------------------


def test_inquiry_is_overdue_the_day_after_its_working_day_deadline(person, record):
    sent = date(2026, 4, 27)  # before the May Day holiday
    with at(sent):
        inquiry = record(person, "handling.inquiry", sent)
    due = workdays.add_working_days(sent, 15).date
    assert due > sent + timedelta(days=21)  # the holiday is skipped
    assert raised("warning.inquiry_overdue", due) == []
    [c] = raised("warning.inquiry_overdue", due + timedelta(days=1))
    assert c.key == f"p{person.pk}:inquiry:{inquiry.pk}" and c.params["reply_working_days"] == 15
    assert f"应于{due:%Y年%m月%d日}前书面回复" in c.explanation


def test_answered_inquiry_is_not_overdue(person, record):
    with at(date(2026, 4, 1)):
        inquiry = record(person, "handling.inquiry", date(2026, 4, 1))
    record(person, "handling.inquiry_answered", date(2026, 4, 20), closes=inquiry)
    assert raised("warning.inquiry_overdue") == []


# --- unit with K new points this quarter ---------------------------------------------------------


def test_unit_with_five_points_this_quarter_warns_four_do_not(tree, make_cadre, record):
    from qinglian.archive.services import entry_record

    a, b = make_cadre(tree.dept_a1, "甲"), make_cadre(tree.dept_a1, "乙")
    record(a, "handling.reminder_talk", date(2026, 3, 31))  # last quarter
    record(a, "handling.reminder_talk", date(2026, 4, 1))
    record(b, "handling.criticism", date(2026, 5, 1))
    record(b, "gov.warning", date(2026, 5, 2))
    record(a, "commendation", date(2026, 5, 3))  # red: not a point
    entry_record(actor=None, unit=tree.dept_a1, kind="unit.clue", summary="涉及单位的线索", occurred_on=date(2026, 6, 1),
                 check_permission=False)  # fmt: skip
    assert raised("warning.unit_points") == []
    record(a, "handling.circular", date(2026, 6, 10))
    found = {c.unit_id: c for c in raised("warning.unit_points")}
    c = found[tree.dept_a1.pk]
    assert (c.key, c.unit_id, c.person_id, len(c.entry_ids)) == (
        f"u{tree.dept_a1.pk}:2026Q2",
        tree.dept_a1.pk,
        None,
        5,
    )
    assert "单位问题1个、本单位人员4个" in c.explanation and "下级单位" not in c.explanation
    # The figures roll up: the county and the city count their subtrees' points too.
    assert set(found) == {tree.dept_a1.pk, tree.county_a.pk, tree.root.pk}
    assert "含下级单位1个" in found[tree.county_a.pk].explanation


def test_unit_points_roll_up_to_the_ancestors_even_when_no_unit_alone_reaches_them(tree, make_cadre, record):
    """Three points in the village and two in the township's own staff: neither reaches five, the
    township (and the county above it) does — in the nightly scan and in the incremental update."""
    v, t = make_cadre(tree.village, "村干部"), make_cadre(tree.township, "镇干部")
    for day in (1, 2, 3):
        record(v, "handling.reminder_talk", date(2026, 5, day))
    record(t, "handling.criticism", date(2026, 5, 4))
    assert raised("warning.unit_points") == []
    record(t, "handling.circular", date(2026, 5, 5))
    assert {c.unit_id for c in raised("warning.unit_points")} == {
        tree.township.pk,
        tree.county_a.pk,
        tree.root.pk,
    }
    assert evaluate(TODAY, unit_id=tree.village.pk, everyone=False) == []
    # The incremental update after the village's next entry finds the same three.
    raised_now = warnings_refresh(unit_id=tree.village.pk)
    assert {w.unit_id for w in raised_now} == {tree.township.pk, tree.county_a.pk, tree.root.pk}
    assert Warning.objects.get(unit=tree.township).entries.count() == 5
    assert warnings_refresh(unit_id=tree.village.pk) == []  # already raised: nothing new


# --- storing, dedup, to-dos, life cycle ----------------------------------------------------------


def test_rescan_does_not_raise_the_same_warning_twice(person, record):
    record(person, "case.opened", date(2026, 5, 1))
    first = archive_scan()
    second = archive_scan()
    assert (first.new_warnings, second.new_warnings) == (1, 0)
    assert Warning.objects.count() == 1 and WorkItem.objects.count() == 1


def test_warning_keeps_rule_params_entries_and_opens_a_todo_for_the_stationed_group(tree, person, record):
    case = record(person, "case.opened", date(2026, 5, 1))
    [w] = warnings_refresh(person_id=person.pk)
    assert (w.rule, w.unit_id, w.status, w.raised_on) == ("warning.black_risk", tree.dept_a1.pk, "new", TODAY)
    assert w.params == {"months": 12, "yellow_count": 2}
    assert list(w.entries.all()) == [case]
    item = WorkItem.objects.get(pk=w.workitem_id)
    assert (item.assignee_unit_id, item.kind, item.status) == (tree.pz1.pk, "archive.warning", "open")
    assert item.due_date == workdays.add_working_days(TODAY, 10).date
    assert item.title == "预警：测试人 即将转为黑点"


def test_responsible_body_is_the_supervisor_else_the_nearest_commission(tree):
    assert responsible_body(tree.dept_a1) == tree.pz1
    assert responsible_body(tree.village) == tree.t1_committee
    assert responsible_body(tree.dept_a3) == tree.jw_a  # no supervisor: the county's commission
    assert responsible_body(tree.township) == tree.t1_committee
    assert responsible_body(tree.dept_b1) is None  # county B has no commission in the tree


@pytest.fixture
def warning(person, record):
    record(person, "case.opened", date(2026, 5, 1))
    [w] = warnings_refresh(person_id=person.pk)
    return w


def test_reviewer_acknowledges_then_handles_and_the_todo_is_completed(tree, make_user, warning):
    reviewer = make_user("discipline_supervision", tree.county_a)
    w = warning_acknowledge(actor=reviewer, warning=warning)
    assert (w.status, w.status_changed_by) == ("acknowledged", reviewer)
    assert WorkItem.objects.get(pk=w.workitem_id).status == "open"
    w = warning_handle(actor=reviewer, warning=w, note="已开展提醒谈话")
    assert (w.status, w.status_note) == ("handled", "已开展提醒谈话")
    assert WorkItem.objects.get(pk=w.workitem_id).status == "done"
    with pytest.raises(ValidationError):
        warning_dismiss(actor=reviewer, warning=w, reason="重复")


def test_dismissing_needs_a_reason_and_completes_the_todo(tree, make_user, warning):
    reviewer = make_user("org_supervision", tree.county_a)
    with pytest.raises(ValidationError):
        warning_dismiss(actor=reviewer, warning=warning, reason="  ")
    assert Warning.objects.get(pk=warning.pk).status == "new"
    w = warning_dismiss(actor=reviewer, warning=warning, reason="经核实为同一事项的重复登记")
    assert w.status == "dismissed" and WorkItem.objects.get(pk=w.workitem_id).status == "done"


def test_outsider_and_role_without_review_cannot_touch_a_warning(tree, make_user, warning):
    outsider = make_user("discipline_supervision", tree.county_b)
    reader = make_user("leadership", tree.county_a)  # sees the file, may not handle warnings
    for user in (outsider, reader):
        with pytest.raises(PermissionDenied):
            warning_acknowledge(actor=user, warning=warning)
        with pytest.raises(PermissionDenied):
            warning_handle(actor=user, warning=warning, note="处置")
    assert Warning.objects.get(pk=warning.pk).status == "new"
    assert WorkItem.objects.get(pk=warning.workitem_id).status == "open"


def test_the_stationed_group_that_gets_the_to_do_can_handle_the_warning(tree, make_user, warning):
    group = make_user("stationed_group", tree.pz1)
    warning_acknowledge(actor=group, warning=warning)
    assert Warning.objects.get(pk=warning.pk).status == "acknowledged"


# --- incremental ---------------------------------------------------------------------------------


def test_writing_an_entry_updates_grade_and_warnings_at_once(
    tree, person, django_capture_on_commit_callbacks
):
    from qinglian.archive.services import entry_record

    def write(kind, day):
        with django_capture_on_commit_callbacks(execute=True):
            entry_record(actor=None, person=person, kind=kind, summary="测试", occurred_on=day, decided_by="县纪委",
                         check_permission=False)  # fmt: skip

    write("handling.reminder_talk", date(2026, 2, 1))
    assert PersonGrade.objects.get(person=person).grade == "较好"
    assert not Warning.objects.exists()
    write("handling.criticism", date(2026, 3, 1))
    assert PersonGrade.objects.get(person=person).score == 84
    assert list(Warning.objects.values_list("rule", "person_id")) == [("warning.black_risk", person.pk)]


def test_incremental_update_of_a_person_with_200_entries_is_cheap(
    tree, person, record, django_assert_max_num_queries
):
    """The 50 ms figure is measured by bench/archive_scan.py on a quiet machine; a test on a shared
    CI machine only guards the shape: a bounded number of queries and far below a second."""
    kinds = [
        "info.training",
        "appraisal.competent",
        "info.talk",
        "allegation.registered",
        "handling.reminder_talk",
    ]
    day = date(2021, 1, 4)
    for i in range(200):
        with at(day + timedelta(days=9 * i)):
            record(person, kinds[i % len(kinds)], day + timedelta(days=9 * i), period_year=2020)
    on_entry_recorded(None, person_id=person.pk, unit_id=person.unit_id)  # first warnings and to-dos
    timings = []
    for n in range(5):
        record(person, "allegation.registered", TODAY - timedelta(days=n))
        start = time.perf_counter()
        # Each new allegation raises a newer warning and clears the one it replaces (its to-do
        # cancelled, both audited): a fixed number of statements whatever the file's size.
        with django_assert_max_num_queries(70):
            on_entry_recorded(None, person_id=person.pk, unit_id=person.unit_id)
        timings.append(time.perf_counter() - start)
    assert Warning.objects.filter(rule="warning.repeated_reports").count() >= 2  # it did the work
    assert person_grade_refresh(person.pk, TODAY).counts["yellow"] > 0
    print(f"incremental update timings (s): {timings}")
    assert min(timings) < 0.5, timings


# --- warnings close themselves when their condition clears --------------------------------------


def _cleared(w):
    w = Warning.objects.get(pk=w.pk)
    return w.status, w.closed_reason


def test_closing_the_case_clears_the_warning_in_the_incremental_update_and_cancels_the_todo(
    person, record, django_capture_on_commit_callbacks
):
    case = record(person, "case.opened", date(2026, 5, 1))
    [w] = warnings_refresh(person_id=person.pk)
    with django_capture_on_commit_callbacks(execute=True):
        record(person, "case.closed", date(2026, 6, 1), closes=case)
    w = Warning.objects.get(pk=w.pk)
    assert (w.status, w.closed_reason) == ("cleared", "初步核实或立案审查调查已办结，或该记录已撤销、作废")
    assert w.closed_at is not None and list(w.entries.all()) == [case]  # its history stays
    item = WorkItem.objects.get(pk=w.workitem_id)
    assert item.status == "cancelled" and item.close_note.startswith("预警已自动解除：")
    from qinglian.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="archive.warning_clear", object_id=str(w.pk)).count() == 1


def test_nightly_scan_clears_an_ended_influence_period_and_leaves_handled_warnings_alone(
    tree, make_cadre, person, record
):
    record(person, "gov.warning", date(2025, 12, 20))  # six months: ends 2026-06-19
    other = make_cadre(tree.dept_a1, "另一人")
    case = record(other, "case.opened", date(2026, 5, 1))
    archive_scan()
    w = Warning.objects.get(rule="warning.influence_ending")
    risk = Warning.objects.get(rule="warning.black_risk")
    Warning.objects.filter(pk=risk.pk).update(status="handled", status_note="已谈话")
    with at(date(2026, 6, 19)):
        record(other, "case.closed", date(2026, 6, 19), closes=case)
        assert archive_scan().cleared == 0  # the period's last day: it still holds
    with at(date(2026, 6, 22)):
        result = archive_scan()
    assert result.cleared == 1
    assert _cleared(w) == ("cleared", "影响期已于2026年06月19日届满")
    assert _cleared(risk) == ("handled", "")  # somebody handled it: its outcome stays
    with at(date(2026, 6, 23)):
        assert archive_scan().cleared == 0  # nothing twice


def test_an_acknowledged_warning_clears_too_but_a_past_day_scan_clears_nothing(
    tree, make_user, person, record
):
    inquiry = record(person, "handling.inquiry", date(2026, 4, 1))
    archive_scan()
    w = Warning.objects.get(rule="warning.inquiry_overdue")
    warning_acknowledge(actor=make_user("discipline_supervision", tree.county_a), warning=w)
    record(person, "handling.inquiry_answered", date(2026, 6, 15), closes=inquiry)
    assert archive_scan(date(2026, 6, 1)).cleared == 0  # a run for a past day changes nothing of today
    assert Warning.objects.get(pk=w.pk).status == "acknowledged"
    assert archive_scan().cleared == 1
    assert _cleared(w) == ("cleared", "函询已回复，或该记录已撤销、作废")


def test_a_newer_yellow_warning_replaces_the_older_one(person, record):
    record(person, "handling.reminder_talk", date(2026, 1, 10))
    record(person, "handling.criticism", date(2026, 3, 1))
    [old] = warnings_refresh(person_id=person.pk)
    record(person, "handling.circular", date(2026, 6, 1))
    [new] = warnings_refresh(person_id=person.pk)
    assert new.pk != old.pk and new.entries.count() == 3
    assert _cleared(old) == ("cleared", "已由该人员新的同类预警取代")


def test_a_person_who_left_service_has_his_warnings_cleared(person, record):
    record(person, "case.opened", date(2026, 5, 1))
    [w] = warnings_refresh(person_id=person.pk)
    type(person).objects.filter(pk=person.pk).update(status="retired")
    warnings_refresh(person_id=person.pk)
    assert _cleared(w) == ("cleared", "该人员已不在职")


def test_a_voided_point_clears_the_unit_warning_and_a_new_point_reopens_it(
    tree, make_user, make_cadre, record
):
    from qinglian.archive.services import entry_void_decide, entry_void_request

    a = make_cadre(tree.dept_a1, "甲")
    points = [record(a, "handling.reminder_talk", date(2026, 5, d)) for d in range(1, 6)]
    raised_now = warnings_refresh(unit_id=tree.dept_a1.pk)
    w = next(x for x in raised_now if x.unit_id == tree.dept_a1.pk)
    clerk = make_user("org_supervision", tree.county_a)
    approver = make_user("discipline_supervision", tree.county_a, unit=tree.jw_a)
    void = entry_void_request(actor=clerk, entry=points[0], reason="录错人员")
    entry_void_decide(actor=approver, void=void, approve=True)
    warnings_refresh(unit_id=tree.dept_a1.pk)
    assert _cleared(w) == ("cleared", "本季度问题点已不足5个（有记录撤销、更正或作废）")
    assert {x.status for x in Warning.objects.filter(rule="warning.unit_points")} == {"cleared"}
    record(a, "handling.criticism", date(2026, 6, 2))
    again = warnings_refresh(unit_id=tree.dept_a1.pk)
    assert w.pk in {x.pk for x in again}
    w = Warning.objects.get(pk=w.pk)
    assert (w.status, w.closed_at, w.entries.count()) == ("new", None, 5)
    assert WorkItem.objects.get(pk=w.workitem_id).status == "open"


def test_a_past_quarter_unit_warning_is_not_cleared_by_the_new_quarter(tree, make_cadre, record):
    a = make_cadre(tree.dept_a1, "甲")
    with at(date(2026, 5, 20)):
        for d in range(1, 6):
            record(a, "handling.reminder_talk", date(2026, 5, d))
        archive_scan()
    assert Warning.objects.filter(rule="warning.unit_points", status="new").count() == 3
    with at(date(2026, 7, 2)):
        assert archive_scan().cleared == 0
