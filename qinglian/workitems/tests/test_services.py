import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from qinglian.core.models import CalendarDay, HolidaySchedule
from qinglian.core.services import holiday_schedule_publish
from qinglian.workitems.models import Notification, WorkItem
from qinglian.workitems.services import (
    workitem_cancel,
    workitem_complete,
    workitem_create,
    workitem_reassign,
    workitems_complete_for_subject,
    workitems_scan,
)
from qinglian.workitems.tasks import scan_workitems

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hour=9):
    return time_machine.travel(datetime(y, m, d, hour, 0, tzinfo=SHANGHAI), tick=False)


def kinds(user):
    return sorted((n.kind, n.days_before) for n in Notification.objects.filter(user=user))


@pytest.fixture
def people(tree, make_user):
    class P:
        clerk = make_user(unit=tree.dept_a1)  # works in the assignee unit
        officer = make_user("stationed_group", tree.pz1)  # the supervising stationed group
        outsider = make_user(unit=tree.dept_b1)

    return P


def create(tree, **kw):
    defaults = dict(
        actor=None,
        subject=tree.dept_a1,
        kind="test.reply",
        title="函询回复",
        assignee_unit=tree.dept_a1,
    )
    return workitem_create(**{**defaults, **kw})


def test_working_day_reminders_come_three_then_one_working_days_before_due(tree, people):
    # 15 working days from Fri 18 Sep 2026 end on Thu 15 Oct (across National Day).
    item = create(tree, start=date(2026, 9, 18), due_working_days=15)
    assert item.due_date == date(2026, 10, 15) and item.escalate_to == tree.pz1
    for day, expected in [
        ((2026, 10, 10), []),  # Saturday, but a working day: 4 working days left
        ((2026, 10, 11), []),
        ((2026, 10, 12), [("reminder", 3)]),  # 13, 14, 15 left
        ((2026, 10, 13), [("reminder", 3)]),
        ((2026, 10, 14), [("reminder", 1), ("reminder", 3)]),
        ((2026, 10, 14), [("reminder", 1), ("reminder", 3)]),  # a rescan does not duplicate
        ((2026, 10, 15), [("reminder", 1), ("reminder", 3)]),
    ]:
        with at(*day):
            workitems_scan()
        assert [k for k in kinds(people.clerk) if k[0] == "reminder"] == expected, day
    assert kinds(people.outsider) == []
    assert kinds(people.officer) == []


def test_calendar_day_reminders_count_plain_days(tree, people):
    item = create(tree, start=date(2026, 11, 2), due_calendar_days=10, assignee_user=people.clerk)
    assert item.due_date == date(2026, 11, 12)
    with at(2026, 11, 8):
        assert workitems_scan().reminders == 0
    with at(2026, 11, 9):
        assert workitems_scan().reminders == 1
    with at(2026, 11, 11):
        assert workitems_scan().reminders == 1
    assert kinds(people.clerk) == [("assigned", 0), ("reminder", 1), ("reminder", 3)]


def test_a_late_scan_sends_only_the_closest_reminder(tree, people):
    create(tree, start=date(2026, 11, 2), due_calendar_days=10)
    with at(2026, 11, 11):
        workitems_scan()
    assert [k for k in kinds(people.clerk) if k[0] == "reminder"] == [("reminder", 1)]


def test_overdue_item_is_escalated_once_to_the_supervising_body(tree, people):
    item = create(tree, start=date(2026, 11, 2), due_calendar_days=10)
    with at(2026, 11, 12, 23):
        assert workitems_scan().escalated == 0  # the due date itself is not overdue
    with at(2026, 11, 13):
        result = workitems_scan()
    assert result.escalated == 1
    item.refresh_from_db()
    assert item.escalated_at is not None
    assert ("overdue", 0) in kinds(people.clerk)
    assert kinds(people.officer) == [("escalation", 0)]
    assert "甲县教育局" in Notification.objects.get(user=people.officer).message
    assert kinds(people.outsider) == []
    first = item.escalated_at
    with at(2026, 11, 16):
        again = workitems_scan()
    item.refresh_from_db()
    assert again.escalated == 0 and again.notifications == 0
    assert item.escalated_at == first


def test_closed_items_get_no_reminder_and_no_escalation(tree, people):
    done = create(tree, start=date(2026, 11, 2), due_calendar_days=10)
    cancelled = create(tree, start=date(2026, 11, 2), due_calendar_days=10, title="另一件")
    workitem_complete(actor=people.clerk, item=done, note="已回复")
    workitem_cancel(actor=None, item=cancelled, reason="重复交办")
    with at(2026, 11, 11):
        workitems_scan()
    with at(2026, 11, 20):
        result = workitems_scan()
    assert result.escalated == 0
    assert not Notification.objects.exclude(kind="assigned").exists()
    done.refresh_from_db()
    assert done.status == "done" and done.close_note == "已回复" and done.closed_by == people.clerk


def test_a_closed_item_cannot_be_closed_again(tree, people):
    item = create(tree, due_calendar_days=5)
    workitem_complete(actor=people.clerk, item=item)
    with pytest.raises(ValidationError, match="已办结"):
        workitem_cancel(actor=None, item=item, reason="撤销")
    with pytest.raises(ValidationError, match="撤销理由"):
        workitem_cancel(actor=None, item=create(tree, due_calendar_days=5), reason="  ")


def test_assignees_are_told_of_a_new_item_but_not_the_person_who_assigned_it(tree, people, make_user):
    colleague = make_user(unit=tree.dept_a1)
    create(tree, actor=colleague, due_calendar_days=5)
    assert kinds(people.clerk) == [("assigned", 0)]
    assert kinds(colleague) == []


def test_reassigning_moves_the_item_and_notifies_the_new_assignee(tree, people, make_user):
    other = make_user(unit=tree.dept_a2)
    item = create(tree, due_calendar_days=5)
    workitem_reassign(actor=None, item=item, assignee_user=other, reason="调整分工")
    item.refresh_from_db()
    assert item.assignee_user == other and item.assignee_unit is None
    assert kinds(other) == [("assigned", 0)]


def test_bad_input_is_refused_with_chinese_messages(tree, people):
    with pytest.raises(ValidationError, match="承办人或承办单位"):
        create(tree, assignee_unit=None, due_calendar_days=5)
    with pytest.raises(ValidationError, match="三者选一"):
        create(tree, due_calendar_days=5, due_working_days=5)
    with pytest.raises(ValidationError, match="三者选一"):
        create(tree)
    with pytest.raises(ValidationError, match="期限天数"):
        create(tree, due_working_days=0)
    with pytest.raises(ValidationError, match="提醒天数"):
        create(tree, due_working_days=5, remind_days=[90])
    with pytest.raises(ValidationError, match="类型代码"):
        create(tree, due_working_days=5, kind="Bad Kind")
    assert not WorkItem.objects.exists()


def test_a_deadline_into_an_unpublished_year_is_recomputed_when_the_schedule_is_entered(tree, people):
    with at(2026, 12, 18):
        # Dec 21-25, 28-31 (9), [1 Jan 元旦 by the provisional rule], Jan 4-8 (14), Jan 11 (15).
        item = create(tree, start=date(2026, 12, 18), due_working_days=15)
        within_2026 = create(tree, start=date(2026, 12, 1), due_working_days=5, title="年内")
        closed = create(tree, start=date(2026, 12, 18), due_working_days=15, title="已办结")
        workitem_complete(actor=None, item=closed)
    assert item.due_date == date(2027, 1, 11) and item.due_provisional
    assert "暂按" in item.due_basis
    assert not within_2026.due_provisional
    holiday_schedule_publish(
        actor=None, year=2027, text="2027-01-01~2027-01-03 休 元旦\n2027-01-04 休 测试假日", notice="测试通知"
    )
    item.refresh_from_db()
    closed.refresh_from_db()
    assert item.due_date == date(2027, 1, 12)
    assert item.due_provisional is False
    assert "测试通知" in item.due_basis
    assert closed.due_date == date(2027, 1, 11) and closed.due_provisional  # closed items stay as they were


def test_the_scan_recomputes_provisional_deadlines_whose_year_became_known_elsewhere(tree, people):
    item = create(tree, start=date(2026, 12, 18), due_working_days=15)
    assert item.due_provisional
    # Entered by another process: no signal here, the working-day cache of this process expires.
    schedule = HolidaySchedule.objects.create(year=2027, status="published")
    CalendarDay.objects.create(schedule=schedule, date=date(2027, 1, 1), is_working_day=False, name="元旦")
    from qinglian.core import workdays

    workdays.clear_cache()
    with at(2026, 12, 20):
        assert workitems_scan().recomputed == 1
    item.refresh_from_db()
    assert item.due_date == date(2027, 1, 11) and item.due_provisional is False


def test_completing_by_subject_closes_only_that_subjects_open_items_of_the_kind(tree, people):
    mine = create(tree, due_calendar_days=5)
    other_kind = create(tree, due_calendar_days=5, kind="test.other")
    other_subject = create(tree, due_calendar_days=5, subject=tree.dept_a2)
    assert workitems_complete_for_subject(actor=None, subject=tree.dept_a1, kind="test.reply") == 1
    statuses = dict(WorkItem.objects.values_list("pk", "status"))
    assert statuses == {mine.pk: "done", other_kind.pk: "open", other_subject.pk: "open"}


def test_notification_backends_receive_new_notifications_after_commit(
    tree, people, settings, caplog, django_capture_on_commit_callbacks
):
    settings.QINGLIAN_NOTIFY_BACKENDS = ["qinglian.workitems.notify.LoggingBackend"]
    create(tree, start=date(2026, 11, 2), due_calendar_days=10)
    with caplog.at_level(logging.INFO, logger="qinglian.workitems.notify"):
        with django_capture_on_commit_callbacks(execute=False) as callbacks, at(2026, 11, 13):
            workitems_scan()
        assert "逾期" not in caplog.text  # nothing is sent before the transaction commits
        for callback in callbacks:
            callback()
    assert f"to user {people.officer.pk}" in caplog.text and "督办" in caplog.text


def test_scan_task_runs_the_scan(tree, people):
    create(tree, start=date(2026, 11, 2), due_calendar_days=10)
    with at(2026, 11, 13):
        result = scan_workitems.enqueue()
    assert result.return_value["escalated"] == 1


def test_the_scan_is_set_based_its_query_count_does_not_grow_with_items(tree, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def scan_queries(n, day):
        for i in range(n):
            create(tree, start=date(2026, 11, 2), due_calendar_days=10, title=f"事项{day}-{i}")
            create(tree, start=date(2026, 11, 2), due_working_days=3, title=f"工作日{day}-{i}")
            create(tree, start=date(2026, 11, 2), due_calendar_days=12, title=f"提醒{day}-{i}")
        with at(2026, 11, day), CaptureQueriesContext(connection) as ctx:
            result = workitems_scan()
        Notification.objects.all().delete()
        WorkItem.objects.all().delete()
        return len(ctx.captured_queries), result

    few, few_result = scan_queries(2, 13)
    many, many_result = scan_queries(25, 13)
    assert (few_result.escalated, few_result.reminders) == (4, 2)
    assert (many_result.escalated, many_result.reminders) == (50, 25)
    assert many == few
