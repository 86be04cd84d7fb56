"""Disposal deadlines on working days across the 2026 National Day holiday (1-7 October, with
Saturday 10 October made a working day), and the escalation of overdue items (督办)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from qinglian.intake import disposal as d
from qinglian.intake.models import Inquiry, Report
from qinglian.intake.tests.disposal_helpers import assigned_clue, dispose
from qinglian.workitems.models import Notification, WorkItem
from qinglian.workitems.services import workitems_scan

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def clock():
    """Everything (users' role assignments included) is created on 21 September 2026."""
    with time_machine.travel(datetime(2026, 9, 21, 10, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


def to(clock, y, m, d):
    clock.move_to(datetime(y, m, d, 10, 0, tzinfo=SHANGHAI))


def escalations(unit):
    return Notification.objects.filter(kind=Notification.Kind.ESCALATION, user__unit=unit)


def test_inquiry_reply_deadline_skips_national_day_and_counts_the_adjusted_saturday(
    clock, staff, tree, make_cadre, make_report, make_user
):
    officer = make_user("stationed_group", tree.pz1, unit=tree.pz1)  # the supervising stationed group
    clue, cadre = assigned_clue(staff, tree, make_cadre, make_report)
    dispose(staff, clue, "inquiry")
    to(clock, 2026, 9, 23)  # Wednesday; 25 Sep (Mid-Autumn) and 1-7 Oct are off, 10 Oct is worked
    inquiry = d.inquiry_start(actor=staff.supervisor2, clue=clue, subject=clue.subjects.get(), form="letter")
    d.inquiry_summary_write(actor=staff.supervisor2, inquiry=inquiry, summary="反映你违规收受礼金。")
    d.inquiry_summary_review(actor=staff.supervisor, inquiry=inquiry)
    d.inquiry_letter_generate(actor=staff.supervisor2, inquiry=inquiry, number_prefix="甲纪函")
    d.inquiry_send(actor=staff.supervisor2, inquiry=inquiry, sent_on=date(2026, 9, 23))
    inquiry.refresh_from_db()
    # 24, 28, 29, 30 Sep; 8, 9, 10 (Sat), 12-16, 19, 20, 21 Oct: the 15th working day is 21 October.
    assert inquiry.reply_due == date(2026, 10, 21)
    item = WorkItem.objects.get(kind=d.WORKITEM_INQUIRY_REPLY)
    assert item.due_date == date(2026, 10, 21) and not item.due_provisional
    assert item.escalate_to == tree.pz1
    to(clock, 2026, 10, 21)
    assert workitems_scan().escalated == 0
    to(clock, 2026, 10, 22)
    assert workitems_scan().escalated == 1
    item.refresh_from_db()
    assert item.escalated_at is not None
    assert escalations(tree.pz1).filter(user=officer, item=item).exists()
    # A late reply is still recorded (and said to be late); the to-do is done.
    d.inquiry_reply_record(actor=staff.supervisor2, inquiry=inquiry, replied_on=date(2026, 10, 22),
                           reply="说明", countersigned_by="刘书记")  # fmt: skip
    item.refresh_from_db()
    assert item.status == WorkItem.Status.DONE
    assert Inquiry.objects.get(pk=inquiry.pk).pending_entry.ended_at is not None


def test_result_notice_deadline_after_closing_skips_national_day(clock, staff, tree, make_cadre, make_report):
    clue, _ = assigned_clue(staff, tree, make_cadre, make_report)
    to(clock, 2026, 9, 28)
    dispose(staff, clue, "close", close_reason="反映问题缺乏可查性")
    report = Report.objects.get(pk=clue.report_id)
    item = WorkItem.objects.get(kind=d.WORKITEM_RESULT_NOTICE)
    # 29, 30 Sep; 8, 9, 10 (Sat), 12-16, 19-23 Oct: the 15th working day is 23 October.
    assert (item.start_date, item.due_date) == (date(2026, 9, 28), date(2026, 10, 23))
    assert item.assignee_unit == report.receiving_unit == tree.jw_a
    assert item.escalate_to == tree.jw_a  # a commission's own items: its supervising office
    to(clock, 2026, 10, 26)
    assert workitems_scan().escalated == 1
    assert escalations(tree.jw_a).filter(user=staff.clerk, item=item).exists()
    d.report_result_notify(actor=staff.clerk, report=report, how="电话告知")
    item.refresh_from_db()
    report.refresh_from_db()
    assert item.status == WorkItem.Status.DONE
    assert timezone.localdate(report.result_notified_at) == date(2026, 10, 26)


def test_hold_review_is_due_on_the_review_date(clock, staff, tree, make_cadre, make_report):
    clue, _ = assigned_clue(staff, tree, make_cadre, make_report)
    dispose(staff, clue, "hold", hold_review_on=date(2026, 10, 9))
    item = WorkItem.objects.get(kind=d.WORKITEM_HOLD_REVIEW)
    assert item.due_date == date(2026, 10, 9) and item.due_mode == WorkItem.DueMode.FIXED
    to(clock, 2026, 10, 12)
    assert workitems_scan().escalated == 1
