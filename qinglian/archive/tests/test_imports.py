"""The Excel import of archive entries: atomic, every bad row reported, per-kind permission,
partner agencies limited to outside facts, appraisals and commendations that wait for review."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from qinglian.archive.imports import ENTRY_COLUMNS, import_entries
from qinglian.archive.models import ArchiveEntry
from qinglian.core.excel import FileRejected

HEADERS = [c.header for c in ENTRY_COLUMNS]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-06-15 10:00 +0800", tick=False):
        yield


def xlsx(*rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append([row.get(h, "") for h in HEADERS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(cadre, kind, **extra) -> dict:
    return {"身份证号": cadre.test_id_number, "记录类型代码": kind, "发生日期": "2026-01-10",
            "事实摘要": "导入的记录", **extra}  # fmt: skip


@pytest.fixture
def agency(tree, make_user):
    user = make_user("taskforce_agency", None, unit=tree.dept_a2)
    return user


def test_org_imports_appraisals_and_a_reimport_changes_nothing(tree, make_user, person, make_cadre):
    other = make_cadre(tree.dept_a2, "李四", born=date(1979, 9, 9))
    org = make_user("org_supervision", tree.county_a)
    data = xlsx(row(person, "appraisal.competent", 所属年度="2025"),
                row(other, "appraisal.basically_competent", 所属年度="2025", 事实摘要="基本称职"))  # fmt: skip
    result = import_entries(actor=org, data=data, filename="2025考核.xlsx")
    assert result.ok and (result.total, result.created) == (2, 2)
    basic = ArchiveEntry.objects.get(person=other)
    assert (basic.colour, basic.influence_end, basic.review) == ("blue", date(2026, 12, 31), "not_needed")
    again = import_entries(actor=org, data=data, filename="2025考核.xlsx")
    assert (again.created, again.unchanged) == (0, 2)
    assert ArchiveEntry.objects.count() == 2


def test_every_bad_row_is_reported_and_nothing_is_written(tree, make_user, person, make_cadre):
    far = make_cadre(tree.dept_b1, "乙县干部", born=date(1981, 1, 1))
    case = make_user("case_management", tree.county_a)
    data = xlsx(
        row(person, "handling.criticism", 决定人="县纪委"),  # fine on its own
        row(person, "gov.demerit", 决定人="县监委"),  # no document number
        {**row(person, "no.such"), "发生日期": "2026-02-30"},
        {**row(person, "case.opened"), "身份证号": "110101199003071234"},  # bad check digit
        row(far, "case.opened"),  # outside the scope
        {**row(person, "party.probation", 决定人="县纪委", 决定文号="x"), "期限（月）": "5"},
        {**row(person, "case.opened"), "发生日期": "2027-01-01"},
        row(person, "unit.clue"),
    )
    result = import_entries(actor=case, data=data, filename="bad.xlsx")
    assert not result.ok and result.created == 0
    reasons = {(e.row, e.column): e.reason for e in result.errors}
    assert "须有决定文书文号" in reasons[(3, "决定文号")]
    assert reasons[(4, "记录类型代码")] == "未知的记录类型代码" and reasons[(4, "发生日期")] == "日期不存在"
    assert (5, "身份证号") in reasons and "110101199003071234" not in str(result.errors)
    assert "不在您的管理范围内" in reasons[(6, "身份证号")]
    assert "察看期限" in reasons[(7, "期限（月）")]
    assert "不能晚于今天" in reasons[(8, "发生日期")]
    assert "单位记录" in reasons[(9, "记录类型代码")]
    assert not any(r == 2 for r, _ in reasons)
    assert ArchiveEntry.objects.count() == 0


def test_a_role_may_import_only_the_kinds_it_may_record(tree, make_user, person):
    org = make_user("org_supervision", tree.county_a)
    result = import_entries(actor=org, data=xlsx(row(person, "gov.warning", 决定人="x", 决定文号="y")))
    assert "不能录入“政务警告”" in result.errors[0].reason
    with pytest.raises(PermissionDenied):
        import_entries(actor=make_user("leadership", tree.county_a), data=xlsx(row(person, "info.other")))


def test_partner_agency_submits_outside_facts_that_wait_for_review(tree, agency, person, make_cadre):
    far = make_cadre(tree.dept_b1, "乙县干部", born=date(1981, 1, 1))
    data = xlsx(row(person, "external.audit_finding", 来源文号="东审〔2026〕5号"),
                row(far, "appraisal.excellent", 所属年度="2025"))  # fmt: skip
    result = import_entries(actor=agency, data=data, filename="审计局2026年5月.xlsx")
    assert result.ok and result.created == 2
    entries = ArchiveEntry.objects.order_by("id")
    assert {e.review for e in entries} == {"pending"}
    assert {e.source_agency_id for e in entries} == {tree.dept_a2.pk}
    assert entries[0].sensitivity == "sealed" and entries[0].source_reference == "东审〔2026〕5号"


def test_partner_agency_cannot_submit_handling_or_sanctions(tree, agency, person):
    result = import_entries(actor=agency, data=xlsx(row(person, "handling.criticism", 决定人="x"),
                                                    row(person, "info.other")))  # fmt: skip
    assert len(result.errors) == 2 and ArchiveEntry.objects.count() == 0


def test_duplicate_rows_in_one_file_are_reported(tree, make_user, person):
    org = make_user("org_supervision", tree.county_a)
    result = import_entries(actor=org, data=xlsx(row(person, "info.training"), row(person, "info.training")))
    assert result.errors[0].reason == "与第 2 行重复"


def test_a_file_that_is_not_excel_is_rejected(tree, make_user):
    with pytest.raises(FileRejected):
        import_entries(actor=make_user("org_supervision", tree.county_a), data=b"not excel")


def test_import_page_queues_a_job_whose_page_shows_every_error_and_nothing_is_written(
    tree, make_user, login, person, make_cadre, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qinglian.archive.models import EntryImportJob

    other = make_cadre(tree.dept_a1, "另一人")
    client = login(make_user("org_supervision", tree.county_a))
    assert client.get("/archive/import/").status_code == 200
    assert client.get("/archive/import/template/")["Content-Type"].startswith("application/vnd.openxml")
    bad = SimpleUploadedFile(
        "月报.xlsx",
        xlsx(
            row(other, "info.training"), row(person, "nope"), row(person, "info.talk", 发生日期="2026-13-01")
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/archive/import/", {"file": bad})
    job = EntryImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/archive/import/{job.pk}/"
    assert (job.status, job.error_count, job.total) == ("rejected", 2, 3)
    assert not ArchiveEntry.objects.exists()  # the good first row was not written either
    page = client.get(f"/archive/import/{job.pk}/").content.decode()
    assert "未知的记录类型代码" in page and "发现 2 处错误，未导入任何数据" in page
    assert {e["row"] for e in job.errors} == {3, 4}
    report = client.get(f"/archive/import/{job.pk}/errors/")
    assert report.status_code == 200 and report["Content-Disposition"].startswith("attachment")
    # The polled fragment (htmx) carries the status the page swaps in.
    fragment = client.get(f"/archive/import/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('<div id="import-status"') and 'data-status="rejected"' in fragment
    good = SimpleUploadedFile("月报.xlsx", xlsx(row(person, "info.training"), row(other, "info.talk")))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/archive/import/", {"file": good})
    job = EntryImportJob.objects.order_by("-id").first()
    assert (job.status, job.created, job.percent) == ("done", 2, 100)
    assert ArchiveEntry.objects.count() == 2
    assert "月报.xlsx" in client.get("/archive/import/").content.decode()
    text = SimpleUploadedFile("x.xlsx", b"hello")
    response = client.post("/archive/import/", {"file": text})
    assert response.status_code == 400 and ".xlsx" in response.content.decode()
    assert EntryImportJob.objects.count() == 2  # refused before it was queued


def test_a_queued_job_reports_progress_while_it_runs(tree, make_user, person, monkeypatch):
    from qinglian.archive import import_jobs
    from qinglian.archive.models import EntryImportJob

    user = make_user("org_supervision", tree.county_a)
    rows = [row(person, "info.training", 事实摘要=f"第{i}条") for i in range(450)]
    job = import_jobs.entry_import_create(actor=user, filename="a.xlsx", data=xlsx(*rows))
    assert (job.status, job.percent) == ("queued", 0)  # the task runs after commit
    seen = []
    real = import_jobs._progress

    def watch(job_id):
        report = real(job_id)

        def spy(done, total):
            report(done, total)
            seen.append(EntryImportJob.objects.values_list("done", "total").get(pk=job_id))

        return spy

    monkeypatch.setattr(import_jobs, "_progress", watch)
    assert import_jobs.entry_import_run(job_id=job.pk) == "done"
    assert seen == [(200, 450), (400, 450)]  # every 200 rows written, stored where the page reads it
    assert import_jobs.entry_import_run(job_id=job.pk) == "done"  # a finished job is not run twice
    assert ArchiveEntry.objects.count() == 450


def test_another_user_cannot_open_or_download_someone_elses_import_job(
    tree, make_user, login, person, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qinglian.archive.models import EntryImportJob

    owner = login(make_user("org_supervision", tree.county_a))
    with django_capture_on_commit_callbacks(execute=True):
        owner.post("/archive/import/", {"file": SimpleUploadedFile("a.xlsx", xlsx(row(person, "nope")))})
    job = EntryImportJob.objects.get()
    colleague = login(make_user("org_supervision", tree.county_a))  # same role and scope, not the uploader
    assert colleague.get(f"/archive/import/{job.pk}/").status_code == 404
    assert colleague.get(f"/archive/import/{job.pk}/errors/").status_code == 404
    assert "a.xlsx" not in colleague.get("/archive/import/").content.decode()


def test_import_page_is_refused_without_the_import_capability(tree, make_user, login):
    assert login(make_user("leadership", tree.county_a)).get("/archive/import/").status_code == 403


def test_my_import_jobs_list_is_paginated_with_a_fixed_query_count(
    tree, make_user, login, person, django_assert_num_queries
):
    from qinglian.archive.import_jobs import entry_import_create

    user = make_user("org_supervision", tree.county_a)
    client = login(user)
    entry_import_create(actor=user, filename="报表00.xlsx", data=xlsx(row(person, "info.training")))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/archive/import/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/archive/import/")
    n = len(ctx.captured_queries)
    for i in range(1, 31):
        entry_import_create(actor=user, filename=f"报表{i:02d}.xlsx", data=xlsx(row(person, "info.training")))
    with django_assert_num_queries(n):
        page = client.get("/archive/import/").content.decode()
    assert "共 31 条" in page and "报表30.xlsx" in page and "报表00.xlsx" not in page  # newest first


def test_entries_waiting_for_review_run_the_after_write_hooks_only_once_reviewed(
    tree, agency, person, make_user, django_capture_on_commit_callbacks
):
    """Grades, warnings and the reverse check read only reviewed entries, so a pending entry's
    hooks would change nothing: they run when it is reviewed (a monthly report of 20,000 rows
    would otherwise refresh 20,000 files for nothing)."""
    from qinglian.archive.services import entry_recorded, entry_review

    seen = []

    def receiver(sender, person_id=None, unit_id=None, **kwargs):
        seen.append(person_id)

    entry_recorded.connect(receiver, dispatch_uid="test-pending-hooks")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = import_entries(actor=agency, data=xlsx(row(person, "external.audit_finding")))
        assert result.ok and seen == []
        entry = ArchiveEntry.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            entry_review(actor=make_user("discipline_supervision", tree.county_a), entry=entry, accept=True)
        assert seen == [person.pk]
        with django_capture_on_commit_callbacks(execute=True):
            import_entries(actor=make_user("org_supervision", tree.county_a),
                           data=xlsx(row(person, "info.training")))  # fmt: skip
        assert seen == [person.pk, person.pk]  # an entry needing no review runs them at once
    finally:
        entry_recorded.disconnect(dispatch_uid="test-pending-hooks")
