from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from qinglian.core import workdays
from qinglian.core.models import HolidaySchedule
from qinglian.core.services import holiday_schedule_publish, schedule_parse
from qinglian.core.signals import holiday_schedule_changed
from qinglian.core.workdays import (
    Source,
    add_calendar_days,
    add_working_days,
    is_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def test_2026_national_day_week_is_off_and_its_adjusted_weekends_are_worked():
    for day in range(1, 8):
        assert not is_working_day(date(2026, 10, day)), f"2026-10-0{day} should be a holiday"
    assert is_working_day(date(2026, 9, 20))  # Sunday, adjusted working day
    assert is_working_day(date(2026, 10, 10))  # Saturday, adjusted working day
    assert not is_working_day(date(2026, 10, 11))  # an ordinary Sunday
    assert is_working_day(date(2026, 10, 8))


def test_fifteen_working_days_across_2026_national_day():
    # Counted from Wed 30 Sep: Oct 8, 9, 10 (Sat, worked), 12-16, 19-23, 26, 27 -> the 15th is Tue 27 Oct.
    deadline = add_working_days(date(2026, 9, 30), 15)
    assert deadline.date == date(2026, 10, 27)
    assert deadline.provisional is False
    assert "2026年按国务院公布的节假日安排" in deadline.basis_note


def test_fifteen_working_days_use_both_national_day_adjusted_weekends():
    # From Fri 18 Sep: Sep 20 (Sun, worked), 21-24, [25 Mid-Autumn], 28-30, Oct 8, 9, 10 (Sat), 12-15.
    assert add_working_days(date(2026, 9, 18), 15).date == date(2026, 10, 15)


def test_fifteen_working_days_across_2026_spring_festival():
    # 2026 Spring Festival: 15-23 Feb off; Sat 14 Feb and Sat 28 Feb are working days.
    # From Thu 12 Feb: Feb 13, 14 (Sat), [15-23], 24-27, 28 (Sat), Mar 2-6, 9, 10, 11 -> Wed 11 Mar.
    assert not is_working_day(date(2026, 2, 16))
    assert is_working_day(date(2026, 2, 14)) and is_working_day(date(2026, 2, 28))
    assert add_working_days(date(2026, 2, 12), 15).date == date(2026, 3, 11)


def test_the_start_day_is_not_counted_and_between_is_the_inverse_of_add():
    assert add_working_days(date(2026, 11, 23), 1).date == date(2026, 11, 24)  # Mon -> Tue
    assert add_working_days(date(2026, 11, 27), 1).date == date(2026, 11, 30)  # Fri -> Mon
    assert add_working_days(date(2026, 11, 23), 0).date == date(2026, 11, 23)
    start = date(2026, 9, 18)
    assert working_days_between(start, add_working_days(start, 15).date) == 15
    assert working_days_between(date(2026, 10, 15), start) == -15
    assert working_days_between(start, start) == 0
    with pytest.raises(ValueError):
        add_working_days(start, -1)


def test_an_unknown_year_works_on_new_years_day_with_a_provisional_rule(db):
    with time_machine.travel(date(2027, 1, 1)):
        assert not is_working_day(date(2027, 1, 1))  # 元旦, a Friday
        assert is_working_day(date(2027, 1, 4))
        assert not is_working_day(date(2027, 10, 1))  # 国庆节, a Friday
        assert is_working_day(date(2027, 5, 3))  # the rest of the 劳动节 break is not guessed
        deadline = add_working_days(date(2027, 1, 1), 2)
    assert deadline.date == date(2027, 1, 5)
    assert deadline.provisional is True
    assert "2027年放假安排尚未公布，暂按" in deadline.basis_note
    assert workdays.year_calendar(2027).source == Source.PROVISIONAL


def test_a_deadline_is_provisional_only_when_a_counted_day_falls_in_an_unknown_year(db):
    assert add_working_days(date(2026, 12, 24), 4).provisional is False  # Dec 25, 28, 29, 30
    crossing = add_working_days(date(2026, 12, 24), 6)  # Dec 25, 28-31, then Mon 4 Jan 2027
    assert crossing.date == date(2027, 1, 4)
    assert crossing.provisional is True


def test_calendar_days_are_never_provisional():
    deadline = add_calendar_days(date(2026, 12, 20), 60)
    assert deadline.date == date(2027, 2, 18)
    assert deadline.provisional is False


def test_a_published_schedule_replaces_the_provisional_rule_and_signals_the_year(db):
    heard = []

    def receiver(sender, year, **kwargs):
        heard.append((year, is_working_day(date(2027, 2, 20))))

    holiday_schedule_changed.connect(receiver)
    try:
        assert add_working_days(date(2027, 2, 5), 1).date == date(2027, 2, 8)
        holiday_schedule_publish(
            actor=None,
            year=2027,
            text="2027-01-01 休 元旦\n2027-02-06~2027-02-12 休 春节\n2027-02-20 班 春节调休",
            notice="测试通知",
        )
    finally:
        holiday_schedule_changed.disconnect(receiver)
    assert heard == [(2027, True)]  # receivers already see the new calendar
    deadline = add_working_days(date(2027, 2, 5), 1)
    assert deadline.date == date(2027, 2, 15)
    assert deadline.provisional is False
    assert "测试通知" in deadline.basis_note
    assert HolidaySchedule.objects.get(year=2027).status == HolidaySchedule.Status.PUBLISHED


def test_a_draft_schedule_is_not_used(db):
    HolidaySchedule.objects.create(year=2027, status=HolidaySchedule.Status.DRAFT)
    assert workdays.year_calendar(2027).provisional


def test_schedule_lines_are_validated_with_a_message_per_bad_line():
    text = "\n".join(
        [
            "2027-01-01 休 元旦",
            "2027-02-30 休",  # no such date
            "2026-12-31 休",  # wrong year
            "2027-02-08 班",  # a Monday is already a working day
            "2027-01-01 休 重复",  # duplicate
            "2027-03-01 上课",  # unknown mark
            "明天放假",  # unreadable
        ]
    )
    with pytest.raises(ValidationError) as exc:
        schedule_parse(year=2027, text=text)
    messages = exc.value.messages
    assert len(messages) == 6
    assert messages[0].startswith("第2行") and "不存在" in messages[0]
    assert "不在2027年内" in messages[1]
    assert "本来就是工作日" in messages[2]
    assert "与第1行重复" in messages[3]
    assert "“休”或“班”" in messages[4]
    assert messages[5].startswith("第7行：无法识别")


def test_an_empty_schedule_is_refused():
    with pytest.raises(ValidationError, match="至少录入一行"):
        schedule_parse(year=2027, text="# 只有注释\n\n")


def test_thousands_of_deadlines_are_computed_from_the_cache(db, django_assert_max_num_queries):
    add_working_days(date(2026, 12, 1), 20)
    with django_assert_max_num_queries(0):
        for day in range(1, 2001):
            add_working_days(date(2026, 1, 1 + day % 28), 15)
