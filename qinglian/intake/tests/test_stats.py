"""The statistics page: counts by channel, type, disposal, outcome, timeliness; scope; year on year;
a fixed number of queries whatever the volume."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from qinglian.intake.models import Report
from qinglian.intake.stats import change_text, intake_stats
from qinglian.workitems.models import WorkItem
from qinglian.workitems.services import workitem_complete, workitem_create

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def received(y, m, d):
    return datetime(y, m, d, 9, 0, tzinfo=SH)


def test_change_text():
    assert [change_text(12, 10), change_text(5, 10), change_text(3, 3), change_text(2, 0), change_text(0, 0)] == [
        "+20.0%", "-50.0%", "持平", "新增", "—",
    ]  # fmt: skip


def test_counts_by_channel_type_and_month_this_year_against_last(make_report, staff, tree):
    year = timezone.localdate().year
    make_report(channel="letter", received_at=received(year, 1, 10), problem_type="integrity")
    make_report(channel="letter", received_at=received(year, 1, 31), problem_type="four_winds")
    make_report(channel="phone", received_at=received(year, 2, 1))
    make_report(channel="letter", received_at=received(year - 1, 1, 5), problem_type="integrity")
    make_report(channel="letter", received_at=received(year - 2, 6, 1))  # outside both years
    make_report(channel="visit", unit=tree.county_b, actor=staff.outsider)  # other county
    stats = intake_stats(staff.clerk, year=year)
    channel = {r["key"]: r for r in stats["tables"]["channel"].rows}
    assert (channel["letter"]["this"], channel["letter"]["prev"], channel["letter"]["change"]) == (
        2,
        1,
        "+100.0%",
    )
    assert channel["phone"]["this"] == 1 and "visit" not in channel
    assert stats["tables"]["channel"].total_this == 3
    assert {r["key"]: r["this"] for r in stats["tables"]["type"].rows}["integrity"] == 1
    assert stats["chart"]["reports"]["this"][:2] == [2, 1] and stats["chart"]["reports"]["prev"][0] == 1
    assert intake_stats(staff.outsider, year=year)["tables"]["channel"].total_this == 1


def test_restricted_reports_are_counted_only_for_the_intake_role(make_report, staff):
    report = make_report()
    Report.objects.filter(pk=report.pk).update(restricted=True)
    year = timezone.localdate(report.received_at).year
    assert intake_stats(staff.clerk, year=year)["tables"]["channel"].total_this == 1
    assert intake_stats(staff.supervisor, year=year)["tables"]["channel"].total_this == 0


def test_on_time_rate_of_closed_intake_work_items(make_report, staff, tree):
    report = make_report()

    def item(kind, due):
        return workitem_create(actor=None, subject=report, kind=kind, title="测试", assignee_unit=tree.jw_a,
                               start=timezone.localdate() - timedelta(days=30), due_date=due)  # fmt: skip

    today = timezone.localdate()
    workitem_complete(actor=None, item=item("intake.acknowledge", today + timedelta(days=3)))  # on time
    workitem_complete(actor=None, item=item("intake.acknowledge", today - timedelta(days=2)))  # late
    item("intake.acknowledge", today - timedelta(days=1))  # open and overdue
    workitem_complete(actor=None, item=item("people.other", today + timedelta(days=3)))  # not intake
    stats = intake_stats(staff.clerk, year=today.year)
    (row,) = stats["timeliness"]
    assert (row["label"], row["done"], row["on_time"], row["rate"], row["overdue"]) == (
        "实名举报受理告知",
        2,
        1,
        50.0,
        1,
    )
    assert stats["on_time_rate"] == 50.0
    assert intake_stats(staff.outsider, year=today.year)["timeliness"] == []
    assert WorkItem.objects.count() == 4


def test_stats_page_shows_tables_and_chart_data_with_fixed_queries(make_report, staff, login,
                                                                   django_assert_num_queries):  # fmt: skip
    client = login(staff.leader)
    make_report(channel="letter")
    client.get(reverse("intake:stats"))
    with django_assert_num_queries(15) as one:
        response = client.get(reverse("intake:stats"))
    body = response.content.decode()
    assert response.status_code == 200 and 'id="stats-data"' in body and 'data-testid="table-channel"' in body
    assert "<script>" not in body.replace("<script src=", "")  # no inline script (CSP 'self')
    for channel in ("web", "visit", "phone", "sms", "audit"):
        make_report(channel=channel)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("intake:stats"))


def test_stats_page_gate_and_bad_year(staff, login):
    assert login(staff.admin).get(reverse("intake:stats")).status_code == 403
    assert login(staff.stationed).get(reverse("intake:stats")).status_code == 403
    response = login(staff.clerk).get(reverse("intake:stats"), {"year": "abc"})
    assert response.status_code == 400 and "整数" in response.content.decode()
    assert login(staff.clerk).get(reverse("intake:stats"), {"year": "1900"}).status_code == 400
    assert (
        login(staff.clerk).get(reverse("intake:stats"), {"year": str(date.today().year - 1)}).status_code
        == 200
    )
