"""Monthly reports: Excel and API, refused whole with a report of every bad row, late reports,
missing reports as to-dos."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from qinglian.archive.models import ArchiveEntry
from qinglian.audit.models import AuditEvent
from qinglian.core.idnumber import DEMO_REGION, make
from qinglian.taskforce import services
from qinglian.taskforce.models import MissingReport, MonthlyReport, ReportItem
from qinglian.taskforce.tests.conftest import row, xlsx
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db
UNKNOWN = make(DEMO_REGION, date(1980, 1, 1), 999)  # a valid number, no such cadre


def _upload(client, rows, month="2026-11"):
    f = SimpleUploadedFile(
        "yuebao.xlsx", xlsx(rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return client.post("/task-force/reports/upload/", {"month": month, "file": f})


def _bearer(tf, agency):
    _, raw = services.agency_token_issue(actor=tf.lead, agency=agency, name="月报表接口")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return c


@time_machine.travel("2026-12-05 10:00 +0800", tick=False)
def test_excel_report_with_a_bad_row_is_refused_whole_then_filed_pending_review(tf, login):
    c = login(tf.auditor)
    template = c.get("/task-force/reports/template.xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")
    bad = [row(tf.a), {**row(tf.b), "id_number": UNKNOWN}, row(tf.b, row_type="no_such_type"),
           row(tf.a, summary="", occurred_on="2026-13-01"), {**row(tf.b), "name": "张冠李戴"}]  # fmt: skip
    response = _upload(c, bad)
    page = response.content.decode()
    assert response.status_code == 400 and "整表未接收" in page
    for line, reason in ((3, "干部库中没有该身份证号的干部"), (4, "未知或已停用的信息类型"), (5, "请填写事实摘要"),
                         (5, "日期不存在"), (6, "姓名与干部库中该身份证号的干部不一致")):  # fmt: skip
        assert f"<td>{line}</td>" in page and reason in page
    assert UNKNOWN not in page and tf.b.test_id_number not in page  # never echoed
    assert (
        not ArchiveEntry.objects.exists()
        and not MonthlyReport.objects.exists()
        and not ReportItem.objects.exists()
    )

    good = [row(tf.a), row(tf.b, row_type="civil_case", summary="作为被告参与民间借贷纠纷")]
    response = _upload(c, good)
    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    assert (report.agency, report.month, report.channel, report.late) == (
        tf.audit,
        date(2026, 11, 1),
        "excel",
        False,
    )
    assert (report.rows, report.created, report.counted) == (2, 2, 1)  # the civil case is information only
    entries = ArchiveEntry.objects.filter(source_app="taskforce").order_by("person__name")
    assert {e.kind.code for e in entries} == {"external.audit_finding", "external.civil_case"}
    for e in entries:
        assert e.review == "pending" and e.sensitivity == "sealed" and e.colour == "none"
        assert e.source_agency == tf.tree.dept_a2 and not e.counts
    assert AuditEvent.objects.filter(action="taskforce.report_submit").count() == 1
    # Re-sending the same file files nothing twice.
    assert _upload(c, good).status_code == 302
    assert ArchiveEntry.objects.filter(source_app="taskforce").count() == 2
    assert MonthlyReport.objects.order_by("-id").first().unchanged == 2


@time_machine.travel("2026-12-05 10:00 +0800", tick=False)
def test_api_report_with_a_bad_row_answers_400_with_every_row_and_writes_nothing(tf):
    api = _bearer(tf, tf.audit)
    rows = [row(tf.a), {**row(tf.b), "id_number": UNKNOWN}, row(tf.a, occurred_on="2027-01-01")]
    response = api.post("/api/v1/monthly-reports/", {"month": "2026-11", "rows": rows}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "整表未接收" in body["detail"]
    assert [(e["row"], e["reason"]) for e in body["errors"]["rows"]] == [
        (2, "干部库中没有该身份证号的干部"), (3, "发生日期不能晚于今天")]  # fmt: skip
    assert UNKNOWN not in response.content.decode()
    assert not ArchiveEntry.objects.exists() and not MonthlyReport.objects.exists()
    shape = api.post(
        "/api/v1/monthly-reports/", {"month": "2026-11", "rows": [{"summary": "x"}]}, format="json"
    )
    assert shape.status_code == 400 and shape.json()["errors"]["rows"][0]["row"] == 1
    assert api.post("/api/v1/monthly-reports/", {"month": "2027-01", "rows": [row(tf.a)]},
                    format="json").status_code == 400  # fmt: skip  # a future month
    ok = api.post(
        "/api/v1/monthly-reports/", {"month": "2026-11", "rows": [row(tf.a), row(tf.b)]}, format="json"
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["late"] is False and ok.json()["created"] == 2 and ok.json()["agency"] == "shenji"
    assert ReportItem.objects.filter(report__channel="api").count() == 2
    listed = api.get("/api/v1/monthly-reports/").json()
    assert [r["id"] for r in listed["results"]] == [ok.json()["id"]]


def test_staff_and_unlinked_accounts_cannot_submit(tf):
    c = APIClient()
    c.force_authenticate(tf.lead)
    assert (
        c.post(
            "/api/v1/monthly-reports/", {"month": "2026-11", "rows": [row(tf.a)]}, format="json"
        ).status_code
        == 403
    )
    c.force_authenticate(tf.stray)
    assert (
        c.post(
            "/api/v1/monthly-reports/", {"month": "2026-11", "rows": [row(tf.a)]}, format="json"
        ).status_code
        == 403
    )
    with pytest.raises(services.PermissionDenied):
        services.report_submit(
            actor=tf.judge, agency=tf.audit, month="2026-11", rows=[(2, row(tf.a))], channel="api"
        )
    assert not MonthlyReport.objects.exists()


def test_late_report_is_accepted_and_marked_late(tf, login):
    with time_machine.travel("2026-12-10 18:00 +0800", tick=False):  # the deadline day itself: on time
        r1 = services.report_submit(actor=tf.auditor, agency=tf.audit, month="2026-11", rows=[(2, row(tf.a))],
                                    channel="api")  # fmt: skip
    with time_machine.travel("2026-12-11 09:00 +0800", tick=False):
        r2 = services.report_submit(actor=tf.judge, agency=tf.court, month="2026-11",
                                    rows=[(2, row(tf.b, row_type="court_judgment"))], channel="api")  # fmt: skip
        page = login(tf.lead).get("/task-force/reports/").content.decode()
    assert r1.ok and not r1.report.late and r1.report.deadline == date(2026, 12, 10)
    assert r2.ok and r2.report.late and ArchiveEntry.objects.filter(source_app="taskforce").count() == 2
    assert "逾期" in page and "县人民法院" in page


def test_deadline_day_is_a_rule_parameter(tf):
    from qinglian.rules.models import RuleParameter

    assert services.deadline_for(date(2026, 12, 1)) == date(2027, 1, 10)
    assert RuleParameter.objects.filter(rule__code="taskforce.monthly_report", key="deadline_day").exists()


def test_missing_report_becomes_a_todo_closed_when_the_report_arrives(tf):
    with time_machine.travel("2026-12-08 09:00 +0800", tick=False):
        assert services.missing_reports_scan() == 0  # before the deadline
        services.report_submit(
            actor=tf.auditor, agency=tf.audit, month="2026-11", rows=[(2, row(tf.a))], channel="api"
        )
    with time_machine.travel("2026-12-11 09:00 +0800", tick=False):
        opened = services.missing_reports_scan()
        assert services.missing_reports_scan() == 0  # idempotent
    missing = MissingReport.objects.get(agency=tf.court)
    assert (
        opened == 1 and not MissingReport.objects.filter(agency=tf.audit).exists()
    )  # others have nobody to assign
    item = missing.workitem
    assert item.status == "open" and item.assignee_unit == tf.tree.dept_a3 and item.assignee_user == tf.judge
    assert "2026年11月月报表逾期未报送" in item.title
    with time_machine.travel("2026-12-12 09:00 +0800", tick=False):
        services.report_submit(
            actor=tf.judge, agency=tf.court, month="2026-11", rows=[(2, row(tf.b))], channel="api"
        )
    item.refresh_from_db()
    assert item.status == WorkItem.Status.DONE


@time_machine.travel("2026-12-05 10:00 +0800", tick=False)
def test_a_row_the_archive_refuses_after_the_pre_check_refuses_the_report_whole(tf):
    from qinglian.taskforce.models import RowType

    # A row type mapped (outside the service, which would refuse it) to a kind that needs a decision
    # maker: the pre-check passes it, the archive refuses it; the report names the rows.
    RowType.objects.create(code="bad_map", name="错配类型", kind_code="handling.criticism", counts=True)
    rows = [
        (2, row(tf.a)),
        (3, row(tf.b)),
        (4, row(tf.b, row_type="bad_map")),
        (5, row(tf.a, row_type="bad_map")),
    ]
    before = AuditEvent.objects.count()
    result = services.report_submit(
        actor=tf.auditor, agency=tf.audit, month="2026-11", rows=rows, channel="api"
    )
    assert not result.ok and result.report is None
    assert [(e.row, e.reason) for e in result.errors] == [
        (4, "“批评教育”须写明作出决定的人或机关"), (5, "“批评教育”须写明作出决定的人或机关")]  # fmt: skip
    assert not ArchiveEntry.objects.exists() and not MonthlyReport.objects.exists()
    assert not ReportItem.objects.exists() and AuditEvent.objects.count() == before


@time_machine.travel("2026-12-05 10:00 +0800", tick=False)
def test_every_good_row_becomes_one_pending_entry_with_its_audit_event_and_item(tf):
    rows = [
        (n, row(c, summary=f"事项{n}", row_type=t))
        for n, (c, t) in enumerate(
            [(tf.a, "audit_finding"), (tf.b, "civil_case"), (tf.c, "petition"), (tf.a, "traffic_offence")],
            start=2,
        )
    ]
    result = services.report_submit(
        actor=tf.auditor, agency=tf.audit, month="2026-11", rows=rows, channel="api"
    )
    assert result.ok and (result.report.created, result.report.counted) == (
        4,
        2,
    )  # civil case, petition: info
    items = list(ReportItem.objects.select_related("entry__kind").order_by("row_number"))
    assert [(i.row_number, i.person_id, i.entry.summary) for i in items] == [
        (2, tf.a.pk, "事项2"), (3, tf.b.pk, "事项3"), (4, tf.c.pk, "事项4"), (5, tf.a.pk, "事项5")]  # fmt: skip
    for i in items:
        e = i.entry
        assert (e.person_id, e.review, e.sensitivity, e.source_id, e.source_agency_id, e.recorded_by_id) == (
            i.person_id, "pending", "sealed", str(result.report.pk), tf.tree.dept_a2.pk, tf.auditor.pk)  # fmt: skip
        assert e.kind.code == i.row_type.kind_code
    events = AuditEvent.objects.filter(action="archive.record").order_by("seq")
    assert [ev.object_id for ev in events] == [str(i.entry_id) for i in items]
    assert all(ev.actor_id == tf.auditor.pk and ev.extra["kind"].startswith("external.") for ev in events)


def test_deadlines_of_many_months_match_the_rule_as_it_stood_each_month(tf):
    from qinglian.rules.models import Rule
    from qinglian.rules.services import rule_param_set

    rule_param_set(actor=tf.lead, rule=Rule.objects.get(code="taskforce.monthly_report"), key="deadline_day",
                   value="15", effective_from=date(2026, 9, 1), reason="测试：报送期限调整")  # fmt: skip
    months = [date(2026, m, 1) for m in range(5, 13)]
    deadlines = services.deadlines_for(months)
    assert deadlines == {m: services.deadline_for(m) for m in months}
    assert deadlines[date(2026, 7, 1)] == date(2026, 8, 10) and deadlines[date(2026, 8, 1)] == date(
        2026, 9, 15
    )


@time_machine.travel("2026-12-05 10:00 +0800", tick=False)
@pytest.mark.parametrize("months", [6, 24])
def test_reports_page_reads_a_fixed_number_of_queries_whatever_the_months(tf, login, months,
                                                                          django_assert_num_queries):  # fmt: skip
    for month in ("2026-09", "2026-10", "2026-11"):
        services.report_submit(actor=tf.auditor, agency=tf.audit, month=month, rows=[(2, row(tf.a))],
                               channel="api")  # fmt: skip
    c = login(tf.lead)
    c.get("/task-force/reports/")  # warm the session
    with django_assert_num_queries(15):  # the grid: one grouped query and one for the deadlines
        page = c.get(f"/task-force/reports/?months={months}").content.decode()
    assert "县审计局" in page and "县人民法院" in page
