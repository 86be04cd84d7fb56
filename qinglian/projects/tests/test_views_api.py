"""Pages and `/api/v1/projects/`: rendering, bad input leaving data unchanged, scope, query counts,
the Excel export."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from qinglian.projects import services
from qinglian.projects.models import DispatchItem, ProgressReport, Project, ResponsibilityList
from qinglian.projects.tests.conftest import pdf_bytes
from qinglian.projects.tests.test_special_projects import dispatch, make_project, report

pytestmark = pytest.mark.django_db


def _counts(c, pages):
    out = {}
    for p in pages:
        assert c.get(p).status_code == 200, p
        with CaptureQueriesContext(connection) as q:
            c.get(p)
        out[p] = len(q)
    return out


def test_project_pages_and_bad_input(pj, login):
    t = pj.tree
    c = login(pj.zuzhi)
    assert c.get("/projects/new/").status_code == 200
    bad = c.post("/projects/new/", {"kind": "five_n", "field": "", "title": "x", "scope_text": "x", "targets": "x",
                                    "period_start": "2026-12-01", "period_end": "2026-01-01",
                                    "owner_unit": t.county_a.pk})  # fmt: skip
    assert bad.status_code == 400 and not Project.objects.exists()
    ok = c.post("/projects/new/", {"kind": "small_cut", "field": "N：农村集体“三资”", "title": "村集体资产出租“小切口”监督",
                                   "scope_text": "甲镇各村", "targets": "村集体资产出租合同",
                                   "period_start": timezone.localdate().isoformat(),
                                   "period_end": (timezone.localdate() + timedelta(days=60)).isoformat(),
                                   "owner_unit": t.county_a.pk})  # fmt: skip
    assert ok.status_code == 302
    project = Project.objects.get()
    page = c.get(f"/projects/{project.pk}/")
    assert page.status_code == 200 and "派单" in page.content.decode()
    bad = c.post(
        f"/projects/{project.pk}/dispatch/",
        {"unit": t.township.pk, "matter": "核查", "deadline": "2020-01-01"},
    )
    assert bad.status_code == 400 and not DispatchItem.objects.exists()
    bad = c.post(f"/projects/{project.pk}/dispatch/", {"unit": t.dept_b1.pk, "matter": "核查",
                                                       "deadline": (date.today() + timedelta(days=9)).isoformat()})  # fmt: skip
    assert bad.status_code == 400 and not DispatchItem.objects.exists()
    ok = c.post(f"/projects/{project.pk}/dispatch/", {"unit": t.township.pk, "matter": "核查合同",
                                                      "deadline": (date.today() + timedelta(days=9)).isoformat()})  # fmt: skip
    assert ok.status_code == 302
    item = DispatchItem.objects.get()

    # The township reports; a bad file leaves the item untouched.
    c = login(pj.township)
    assert c.get("/projects/mine/").status_code == 200
    assert "核查合同" in c.get("/projects/mine/").content.decode()
    form = {"result": "已核查", "problems_found": 2, "problems_rectified": 1, "money_recovered": "300.00",
            "people_handled": 0}  # fmt: skip
    bad = c.post(
        f"/projects/items/{item.pk}/report/", form | {"files": SimpleUploadedFile("a.pdf", b"MZ\x90\x00x")}
    )
    assert bad.status_code == 400 and "不接受" in bad.content.decode()
    item.refresh_from_db()
    assert item.status == "dispatched" and not item.files.exists()
    ok = c.post(
        f"/projects/items/{item.pk}/report/", form | {"files": SimpleUploadedFile("报告.pdf", pdf_bytes())}
    )
    assert ok.status_code == 302
    item.refresh_from_db()
    assert item.status == "reported"
    ev = item.files.get()
    assert c.get(f"/projects/files/{ev.pk}/").status_code == 200
    c = login(pj.stationed)  # another unit: neither the item nor its file
    assert c.get(f"/projects/items/{item.pk}/").status_code == 404
    assert c.get(f"/projects/files/{ev.pk}/").status_code == 404
    assert c.get(f"/projects/{project.pk}/").status_code == 404
    c = login(pj.jiwei)
    bad = c.post(f"/projects/items/{item.pk}/verify/", {"decision": "return", "reason": ""})
    assert bad.status_code == 400
    item.refresh_from_db()
    assert item.status == "reported"
    assert c.post(f"/projects/items/{item.pk}/verify/", {"decision": "pass"}).status_code == 302
    dash = c.get("/projects/")
    assert dash.status_code == 200 and 'data-testid="found">2<' in dash.content.decode()


def test_list_pages_report_evaluate_export(pj, login):
    t = pj.tree
    c = login(pj.zuzhi)
    year = timezone.localdate().year
    assert (
        c.post("/projects/lists/new/", {"year": year, "title": "", "owner_unit": t.county_a.pk}).status_code
        == 302
    )
    rl = ResponsibilityList.objects.get()
    bad = c.post(f"/projects/lists/{rl.pk}/tasks/add/", {"title": "x", "lead_unit": t.dept_a3.pk,
                                                        "deadline": f"{year + 1}-01-31", "expected_evidence": "报告"})  # fmt: skip
    assert bad.status_code == 400 and not rl.tasks.exists()
    ok = c.post(f"/projects/lists/{rl.pk}/tasks/add/", {"title": "廉洁从业审计", "lead_unit": t.dept_a3.pk,
                                                       "partner_units": [t.jw_a.pk], "deadline": f"{year}-12-31",
                                                       "expected_evidence": "审计报告"})  # fmt: skip
    assert ok.status_code == 302
    task = rl.tasks.get()
    assert "廉洁从业审计" in c.get(f"/projects/lists/{rl.pk}/").content.decode()
    c = login(pj.agency)
    assert c.get(f"/projects/tasks/{task.pk}/").status_code == 200
    month = timezone.localdate().strftime("%Y-%m")
    bad = c.post(f"/projects/tasks/{task.pk}/report/", {"month": month, "state": "done", "note": "完成"})
    assert bad.status_code == 400 and not ProgressReport.objects.exists()
    ok = c.post(f"/projects/tasks/{task.pk}/report/", {"month": month, "state": "done", "note": "完成",
                                                       "files": SimpleUploadedFile("审计报告.pdf", pdf_bytes())})  # fmt: skip
    assert ok.status_code == 302 and ProgressReport.objects.get().files.count() == 1
    c = login(pj.agency_b)
    assert c.get(f"/projects/tasks/{task.pk}/").status_code == 404
    c = login(pj.zuzhi)
    assert c.get(f"/projects/lists/{rl.pk}/export/").status_code == 302  # not evaluated yet
    assert c.post(f"/projects/lists/{rl.pk}/evaluate/").status_code == 302
    rl.refresh_from_db()
    assert rl.status == "active"  # not before December: refused with a message
    with time_machine.travel(datetime(year, 12, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        c = login(pj.zuzhi)  # a fresh session: the old one has expired by December
        assert c.post(f"/projects/lists/{rl.pk}/evaluate/").status_code == 302
        rl.refresh_from_db()
        assert rl.status == "evaluated"
        export = c.get(f"/projects/lists/{rl.pk}/export/")
    assert export.status_code == 200
    wb = load_workbook(io.BytesIO(export.content))
    assert wb.sheetnames == ["牵头单位得分", "任务得分", "计分办法"]
    rows = list(wb["牵头单位得分"].iter_rows(min_row=2, values_only=True))
    assert rows[0][1] == t.dept_a3.name and rows[0][5] == "达标"
    page = c.get(f"/projects/lists/{rl.pk}/")
    assert "导出 Excel" in page.content.decode()


def test_lists_use_a_fixed_number_of_queries(pj, login):
    t = pj.tree
    for i in range(3):
        p = make_project(pj, title=f"项目{i}")
        dispatch(pj, p, t.township)
        dispatch(pj, p, t.dept_a3)
    rl = services.list_create(actor=pj.zuzhi, year=timezone.localdate().year, owner_unit=t.county_a)
    for i in range(2):
        services.task_add(actor=pj.zuzhi, responsibility_list=rl, title=f"任务{i}", lead_unit=t.township,
                          partner_units=[t.jw_a], deadline=date(rl.year, 12, 31), expected_evidence="报告")  # fmt: skip
    manager_pages = ["/projects/", "/projects/list/", "/projects/list/?q=项目&kind=five_n", "/projects/lists/",
                     f"/projects/lists/{rl.pk}/"]  # fmt: skip
    c = login(pj.zuzhi)
    before = _counts(c, manager_pages)
    c = login(pj.township)
    before_mine = _counts(c, ["/projects/mine/?status=all"])
    for i in range(3, 12):
        p = make_project(pj, title=f"项目{i}")
        dispatch(pj, p, t.township)
        dispatch(pj, p, t.dept_a1)
    for i in range(2, 12):
        services.task_add(actor=pj.zuzhi, responsibility_list=rl, title=f"任务{i}", lead_unit=t.township,
                          partner_units=[t.jw_a, t.dept_a1], deadline=date(rl.year, 12, 31), expected_evidence="报告")  # fmt: skip
    c = login(pj.zuzhi)
    for p, n in before.items():
        with CaptureQueriesContext(connection) as q:
            assert c.get(p).status_code == 200
        assert len(q) <= n, p
    c = login(pj.township)
    with CaptureQueriesContext(connection) as q:
        assert c.get("/projects/mine/?status=all").status_code == 200
    assert len(q) <= before_mine["/projects/mine/?status=all"]


def test_api_lists_projects_in_scope_with_own_items_only(pj):
    t = pj.tree
    project = make_project(pj)
    mine = dispatch(pj, project, t.township)
    dispatch(pj, project, t.dept_a3)
    report(pj.township, mine)
    services.item_verify(actor=pj.zuzhi, item=mine, passed=True)

    def get(user):
        c = APIClient()
        c.force_authenticate(user)
        return c.get("/api/v1/projects/")

    r = get(pj.zuzhi)
    assert r.status_code == 200
    [row] = r.json()["results"] if "results" in r.json() else r.json()
    assert len(row["items"]) == 2 and row["figures"]["problems_found"] == 3
    assert row["figures"]["money_recovered"] == "12500.50"
    r = get(pj.township)
    [row] = r.json()["results"] if "results" in r.json() else r.json()
    assert [i["unit"] for i in row["items"]] == [t.township.pk]
    r = get(pj.agency_b)
    assert (r.json()["results"] if "results" in r.json() else r.json()) == []
    assert get(pj.outsider).json() in ([], {"count": 0, "next": None, "previous": None, "results": []})
    c = APIClient()
    c.force_authenticate(pj.agency)
    assert c.get(f"/api/v1/projects/{project.pk}/").json()["items"][0]["unit"] == t.dept_a3.pk
