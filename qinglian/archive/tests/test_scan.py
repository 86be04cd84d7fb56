"""The nightly scan: set-based (query count independent of the number of people), backtest equal
to the real scan of that day and writing nothing, the command, the task and the schedule."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qinglian.archive.models import PersonGrade, Warning
from qinglian.archive.scan import archive_scan
from qinglian.workitems.models import WorkItem

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=False)


def troubled_person(tree, make_cadre, record, n: int):
    """A person who triggers every person rule."""
    p = make_cadre(tree.dept_a1 if n % 2 else tree.village, f"人员{n}")
    record(p, "case.opened", date(2026, 5, 1))
    record(p, "handling.reminder_talk", date(2026, 2, 1))
    record(p, "handling.criticism", date(2026, 3, 1))
    for m in (1, 2, 3):
        record(p, "allegation.registered", date(2026, m, 10))
    record(p, "gov.warning", date(2026, 1, 16))
    return p


def test_scan_query_count_does_not_grow_with_the_number_of_people(tree, make_cadre, record):
    with at(date(2026, 6, 15)):
        troubled_person(tree, make_cadre, record, 1)

        def queries():
            archive_scan()  # the first run stores new warnings and their to-dos
            with CaptureQueriesContext(connection) as ctx:
                result = archive_scan()
            with CaptureQueriesContext(connection) as bt:
                archive_scan(backtest=True)
            return len(ctx.captured_queries), len(bt.captured_queries), result

        small, small_bt, r1 = queries()
        for n in range(2, 8):
            troubled_person(tree, make_cadre, record, n)
        large, large_bt, r7 = queries()
    assert len(r7.warnings) > len(r1.warnings) >= 3
    assert r7.restricted_people == 7 and PersonGrade.objects.count() == 7
    assert (small, small_bt) == (large, large_bt)


def test_scan_stores_each_warning_once_with_its_todo(tree, make_cadre, record):
    with at(date(2026, 6, 15)):
        troubled_person(tree, make_cadre, record, 1)
        first = archive_scan()
        second = archive_scan()
    # The 政务警告 ends within 30 days, but the open case bars longer: no "eligible again" notice.
    assert first.by_rule == {"warning.black_risk": 2, "warning.repeated_reports": 1}
    assert first.new_warnings == len(first.warnings) and second.new_warnings == 0
    assert (
        Warning.objects.count()
        == WorkItem.objects.filter(kind="archive.warning").count()
        == first.new_warnings
    )


def test_backtest_matches_the_real_scan_of_that_day_and_writes_nothing(tree, make_cadre, record, make_user):
    day = date(2026, 6, 15)
    with at(day):
        p = troubled_person(tree, make_cadre, record, 1)
        q = make_cadre(tree.dept_a2, "后来者")
        real = archive_scan()
        grades_then = {g.person_id: g.grade for g in PersonGrade.objects.all()}
    raised_then = {(c.rule, c.key) for c in real.warnings}
    assert raised_then
    with at(date(2026, 7, 20)):
        # Later facts, some backdated to before the day: the backtest must not see them.
        record(q, "case.opened", date(2026, 6, 1))
        record(q, "allegation.registered", date(2026, 6, 10))
        record(q, "allegation.registered", date(2026, 6, 11))
        record(q, "allegation.registered", date(2026, 6, 12))
        record(p, "case.closed", date(2026, 7, 1), closes=p.archive_entries.get(kind__code="case.opened"))
        record(q, "gov.demerit", date(2026, 6, 14))
        counts = (Warning.objects.count(), WorkItem.objects.count(), PersonGrade.objects.count())
        stamp = list(PersonGrade.objects.values_list("person_id", "computed_at"))
        back = archive_scan(day, backtest=True)
        assert {(c.rule, c.key) for c in back.warnings} == raised_then
        assert back.grade_distribution["一般"] == sum(1 for g in grades_then.values() if g == "一般")
        assert back.restricted_people == real.restricted_people
        assert (back.grades, back.new_warnings) == (0, 0)
        assert (Warning.objects.count(), WorkItem.objects.count(), PersonGrade.objects.count()) == counts
        assert list(PersonGrade.objects.values_list("person_id", "computed_at")) == stamp
        today = archive_scan(backtest=True)
    assert any(c.person_id == q.pk for c in today.warnings)


def test_scan_refuses_a_future_date(db):
    with pytest.raises(ValueError):
        archive_scan(date(2999, 1, 1))


def test_command_runs_a_backtest_and_rejects_a_bad_date(tree, make_cadre, record):
    with at(date(2026, 6, 15)):
        troubled_person(tree, make_cadre, record, 1)
        out = StringIO()
        call_command("archive_scan", "--as-of", "2026-06-15", "--backtest", stdout=out)
        assert "warning.black_risk" in out.getvalue() and '"backtest": true' in out.getvalue()
        assert not Warning.objects.exists()
        with pytest.raises(CommandError, match="YYYY-MM-DD"):
            call_command("archive_scan", "--as-of", "15/06/2026")
        call_command("archive_scan", stdout=StringIO())
        assert Warning.objects.exists()


def test_nightly_task_runs_the_scan_and_is_scheduled_at_0130(tree, make_cadre, record):
    from qinglian.archive.tasks import nightly_archive_scan
    from qinglian.scheduling import JOBS

    with at(date(2026, 6, 15)):
        troubled_person(tree, make_cadre, record, 1)
        result = nightly_archive_scan.enqueue()
    assert result.return_value["new_warnings"] >= 3
    [job] = [j for j in JOBS if j.task == "qinglian.archive.tasks.nightly_archive_scan"]
    assert job.cron == {"hour": "1", "minute": "30"}
