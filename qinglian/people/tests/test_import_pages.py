import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from qinglian.audit.models import AuditEvent
from qinglian.people.models import Cadre, ImportJob
from qinglian.people.tests.test_imports import row, xlsx


def upload(client, data, name="名册.xlsx", kind="cadres"):
    return client.post("/people/import/", {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_upload_with_error_then_fixed_file(
    client, tree, make_user, login, django_capture_on_commit_callbacks
):
    login(make_user("org_supervision", tree.county_a))
    rows = [row(i) for i in range(1, 6)]
    rows[2]["职务层级"] = "大官级"
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, xlsx(rows))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "rejected"
    page = client.get(f"/people/import/{job.pk}/").content.decode()
    assert "未导入任何数据" in page and "大官级" in page and "下载错误报告" in page
    report = client.get(f"/people/import/{job.pk}/errors/")
    wb = load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    assert wb.active.cell(row=2, column=1).value == 4
    assert Cadre.objects.count() == 0
    rows[2]["职务层级"] = "科员级"
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, xlsx(rows))
    job = ImportJob.objects.order_by("-pk").first()
    assert job.status == "done" and job.created == 5
    assert "新增 5" in client.get(f"/people/import/{job.pk}/").content.decode()


def test_non_xlsx_upload_is_refused_on_the_page(client, tree, make_user, login):
    login(make_user("org_supervision", tree.county_a))
    response = upload(client, b"MZ\x90\x00 this is not excel" * 50, name="virus.xlsx")
    assert response.status_code == 400 and "不是 Excel" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_another_users_job_is_404(client, tree, make_user, login, django_capture_on_commit_callbacks):
    login(make_user("org_supervision", tree.county_a))
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, xlsx([row(1)]))
    job = ImportJob.objects.get()
    login(make_user("org_supervision", tree.county_a))
    assert client.get(f"/people/import/{job.pk}/").status_code == 404


def test_template_download(client, tree, make_user, login):
    login(make_user("org_supervision", tree.county_a))
    response = client.get("/people/import/template/cadres/")
    assert response.status_code == 200 and "filename*=UTF-8''" in response["Content-Disposition"]
    assert client.get("/people/import/template/nonsense/").status_code == 404


def test_export_needs_reason_follows_scope_and_masks(client, tree, make_user, login, make_cadre):
    inside = make_cadre(tree.dept_a1, "甲县干部")
    make_cadre(tree.dept_b1, "乙县干部")
    user = make_user("discipline_supervision", tree.county_a)
    login(user)
    response = client.post("/people/cadres/export/", {"reason": ""})
    assert response.status_code == 400 and "必须填写事由" in response.content.decode()
    response = client.post("/people/cadres/export/", {"reason": "年度分析"})
    wb = load_workbook(io.BytesIO(response.content))
    values = [[c.value for c in r] for r in wb.active.iter_rows(min_row=2)]
    assert [v[0] for v in values] == ["甲县干部"]
    assert values[0][3] == inside.id_masked and inside.test_id_number not in str(values)
    assert AuditEvent.objects.filter(action="cadre.export", reason="年度分析", actor=user).exists()
