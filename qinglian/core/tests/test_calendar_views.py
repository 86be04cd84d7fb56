from datetime import date

import pytest
from django.urls import reverse

from qinglian.audit.models import AuditEvent
from qinglian.core import workdays
from qinglian.core.models import HolidaySchedule

TEXT = "2027-01-01 休 元旦\n2027-02-06~2027-02-12 休 春节\n2027-02-13 班"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture
def admin(tree, make_user):
    return make_user("sysadmin", tree.root)


def test_only_the_calendar_manager_may_open_the_calendar_pages(tree, make_user, login):
    officer = make_user("discipline_supervision", tree.county_a)
    client = login(officer)
    assert client.get(reverse("core:calendar")).status_code == 403
    assert (
        client.post(reverse("core:calendar_year", args=[2027]), {"text": TEXT, "publish": "1"}).status_code
        == 403
    )
    assert not HolidaySchedule.objects.exists()


def test_the_year_list_shows_an_unknown_year_as_provisional(admin, login):
    response = login(admin).get(reverse("core:calendar"))
    assert response.status_code == 200
    assert "工作日历" in response.text and "暂定规则（放假安排尚未公布）" in response.text


def test_a_known_year_starts_from_the_published_arrangement(admin, login):
    response = login(admin).get(reverse("core:calendar_year", args=[2026]))
    assert response.status_code == 200
    assert "2026-10-10 班" in response.text and "2026-10-01 休 国庆节" in response.text


def test_preview_shows_the_year_without_saving_it(admin, login):
    response = login(admin).post(reverse("core:calendar_year", args=[2027]), {"text": TEXT, "preview": "1"})
    assert response.status_code == 200
    assert "预览（尚未保存）" in response.text
    assert not HolidaySchedule.objects.exists()
    assert workdays.year_calendar(2027).provisional


def test_publishing_a_year_is_audited_and_changes_the_calendar(admin, login):
    client = login(admin)
    response = client.post(
        reverse("core:calendar_year", args=[2027]),
        {"text": TEXT, "notice": "国办发明电〔2026〕1号", "publish": "1"},
    )
    assert response.status_code == 302
    schedule = HolidaySchedule.objects.get(year=2027)
    assert schedule.status == "published" and schedule.days.count() == 9
    assert AuditEvent.objects.filter(action="calendar.publish", object_id=str(schedule.pk)).exists()
    assert workdays.is_working_day(date(2027, 2, 13)) and not workdays.is_working_day(date(2027, 2, 8))
    # Changing it again replaces the days.
    client.post(reverse("core:calendar_year", args=[2027]), {"text": "2027-01-01 休 元旦", "publish": "1"})
    assert schedule.days.count() == 1
    assert AuditEvent.objects.filter(action="calendar.change").exists()
    assert not workdays.is_working_day(date(2027, 1, 1)) and workdays.is_working_day(date(2027, 2, 8))


def test_bad_lines_are_a_400_with_chinese_messages_and_nothing_saved(admin, login):
    response = login(admin).post(
        reverse("core:calendar_year", args=[2027]), {"text": "2027-13-01 休\n2027-02-08 班", "publish": "1"}
    )
    assert response.status_code == 400
    assert "第1行：日期“2027-13-01”不存在" in response.text
    assert "第2行：2027-02-08（周一）本来就是工作日" in response.text
    assert not HolidaySchedule.objects.exists()


def test_a_year_out_of_range_is_not_found(admin, login):
    assert login(admin).get(reverse("core:calendar_year", args=[1900])).status_code == 404
