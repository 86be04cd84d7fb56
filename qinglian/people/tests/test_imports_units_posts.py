"""Excel import of units and of posts held, and the units export."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from qinglian.audit.models import AuditEvent
from qinglian.people.import_jobs import import_job_run
from qinglian.people.imports import POST_COLUMNS, UNIT_COLUMNS, import_posts, import_units
from qinglian.people.models import ImportJob, Post, Unit, UnitChange
from qinglian.people.tests.test_imports import xlsx

UNIT_HEADERS = [c.header for c in UNIT_COLUMNS]
POST_HEADERS = [c.header for c in POST_COLUMNS]


def unit_row(code, name, parent, kind="政府部门", level="县级", **extra):
    return {
        "单位代码": code,
        "单位名称": name,
        "单位类型": kind,
        "层级": level,
        "上级单位代码": parent,
        **extra,
    }


def units_file(rows):
    return xlsx(rows, UNIT_HEADERS)


def posts_file(rows):
    return xlsx(rows, POST_HEADERS)


@pytest.fixture
def admin_a(tree, make_user):
    """A system administrator of county A (units.manage over county A's subtree)."""
    return make_user("sysadmin", tree.county_a)


# --- units ---------------------------------------------------------------------------------------


def test_units_are_created_in_tree_order_even_when_children_come_first(tree, admin_a):
    rows = [
        # the village comes before its township, and the township's committee supervises it
        unit_row("A-T2-V1", "乙村", "A-T2", "村/社区", "村级", 监督主体代码="A-T2-JW"),
        unit_row("A-T2-JW", "乙镇纪委", "A-T2", "乡镇纪委/街道纪工委", "乡镇级"),
        unit_row("A-T2", "乙镇", "A", "乡镇/街道", "乡镇级"),
        unit_row("A-D4", "甲县审计局", "A", 监督主体代码="A-PZ1", 行业="审计"),
    ]
    result = import_units(actor=admin_a, data=units_file(rows), filename="单位.xlsx")

    assert result.ok, result.errors
    assert (result.total, result.created, result.updated) == (4, 4, 0)
    township = Unit.objects.get(code="A-T2")
    village = Unit.objects.get(code="A-T2-V1")
    assert township.parent == tree.county_a and township.path == f"{tree.county_a.path}{township.pk}/"
    assert village.parent == township and village.path == f"{township.path}{village.pk}/"
    assert (township.depth, village.depth) == (tree.county_a.depth + 1, tree.county_a.depth + 2)
    assert village.supervisor.code == "A-T2-JW" and village.kind == "village"
    audit_dept = Unit.objects.get(code="A-D4")
    assert audit_dept.supervisor == tree.pz1 and audit_dept.sector == "审计"
    assert Unit.objects.filter(path__startswith=tree.county_a.path, code__startswith="A-T2").count() == 3
    created = UnitChange.objects.filter(kind="created", unit__code__in=["A-T2", "A-T2-V1", "A-T2-JW", "A-D4"])
    assert created.count() == 4 and created.get(unit=village).after["supervisor_id"] == village.supervisor_id
    assert AuditEvent.objects.filter(action="unit.import", actor=admin_a).count() == 1


def test_existing_units_are_updated_with_history_and_reimport_changes_nothing(tree, admin_a):
    rows = [
        unit_row("A-D3", "甲县水利局（更名）", "A", 监督主体代码="A-PZ1"),
        unit_row("A-D1", "甲县教育局", "A", 监督主体代码="A-PZ1", 行业="教育"),
        unit_row("A-D5", "甲县林业局", "A"),
    ]
    data = units_file(rows)
    result = import_units(actor=admin_a, data=data)
    assert result.ok and (result.created, result.updated, result.unchanged) == (1, 2, 0)
    tree.dept_a3.refresh_from_db()
    assert tree.dept_a3.name == "甲县水利局（更名）" and tree.dept_a3.supervisor == tree.pz1
    renamed = UnitChange.objects.get(unit=tree.dept_a3, kind="renamed")
    assert renamed.before["name"] == "甲县水利局" and renamed.changed_by == admin_a
    assert UnitChange.objects.get(unit=tree.dept_a1, kind="updated").after["sector"] == "教育"

    units, changes = Unit.objects.count(), UnitChange.objects.count()
    again = import_units(actor=admin_a, data=data)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Unit.objects.count() == units and UnitChange.objects.count() == changes


def test_one_bad_unit_row_writes_nothing_and_every_bad_row_is_named(tree, admin_a):
    rows = [
        unit_row("A-D6", "甲县统计局", "A"),  # fine
        unit_row("A-D7", "甲县某局", "A", kind="大部门"),  # row 3: unknown kind
        unit_row("A-D8", "甲县某所", "NOPE"),  # row 4: unknown parent
        unit_row("B-D2", "乙县卫健局", "B"),  # row 5: parent outside county A
        unit_row("A-X1", "循环一", "A-X2"),  # row 6: cycle
        unit_row("A-X2", "循环二", "A-X1"),  # row 7: cycle
        unit_row("A-D1", "甲县教育局", "R"),  # row 8: a move of an existing unit
        unit_row("A-D9", "甲县某办", "A", 监督主体代码="A-D3"),  # row 9: not a supervising body
        unit_row("A-D6", "甲县统计局", "A"),  # row 10: duplicate code
        unit_row("B-D1", "乙县教育局", "B"),  # row 11: existing unit outside the scope
        unit_row("A D10", "", "A", level="镇级"),  # row 12: bad code, no name, unknown level
    ]
    units, changes = Unit.objects.count(), UnitChange.objects.count()

    result = import_units(actor=admin_a, data=units_file(rows))

    assert not result.ok
    assert Unit.objects.count() == units and UnitChange.objects.count() == changes
    assert not AuditEvent.objects.filter(action="unit.import").exists()
    found = {(e.row, e.column) for e in result.errors}
    expected = {
        (3, "单位类型"), (4, "上级单位代码"), (5, "上级单位代码"), (6, "上级单位代码"), (7, "上级单位代码"),
        (8, "上级单位代码"), (9, "监督主体代码"), (10, "单位代码"), (11, "单位代码"),
        (12, "单位代码"), (12, "单位名称"), (12, "层级"),
    }  # fmt: skip
    assert expected <= found and not any(row == 2 for row, _ in found)
    reasons = {e.row: e.reason for e in result.errors}
    assert "循环" in reasons[6] and "不在您的管理范围内" in reasons[5]
    assert "导入不调整已有单位的隶属关系" in reasons[8] and "现隶属“甲县”" in reasons[8]
    assert "派驻纪检监察组" in reasons[9] and "第 2 行" in reasons[10]


def test_only_a_unit_manager_may_import_units(tree, make_user):
    org = make_user("org_supervision", tree.county_a)
    with pytest.raises(PermissionDenied, match="无权导入单位"):
        import_units(actor=org, data=units_file([unit_row("A-D6", "甲县统计局", "A")]))
    assert not Unit.objects.filter(code="A-D6").exists()


def test_upload_form_offers_only_the_kinds_the_user_may_import(client, tree, make_user, login, admin_a):
    login(make_user("org_supervision", tree.county_a))
    page = client.get("/people/import/").content.decode()
    assert 'value="cadres"' in page and 'value="posts"' in page and 'value="units"' not in page
    response = client.post(
        "/people/import/", {"kind": "units", "file": SimpleUploadedFile("u.xlsx", units_file([]))}
    )
    assert response.status_code == 400 and "请选择您有权导入的内容" in response.content.decode()

    login(admin_a)
    page = client.get("/people/import/").content.decode()
    assert 'value="units"' in page and 'value="cadres"' not in page and "单位模板" in page
    response = client.post(
        "/people/import/", {"kind": "cadres", "file": SimpleUploadedFile("c.xlsx", units_file([]))}
    )
    assert response.status_code == 400 and not ImportJob.objects.exists()

    login(make_user("leadership", tree.county_a))
    assert client.get("/people/import/").status_code == 403


def test_units_upload_runs_as_a_job_for_the_administrator(
    client, tree, login, admin_a, django_capture_on_commit_callbacks
):
    login(admin_a)
    data = units_file([unit_row("A-D6", "甲县统计局", "A")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/people/import/", {"kind": "units", "file": SimpleUploadedFile("单位.xlsx", data)}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "done" and job.created == 1
    assert "新增 1" in client.get(f"/people/import/{job.pk}/").content.decode()
    assert Unit.objects.get(code="A-D6").parent == tree.county_a


def test_job_of_a_user_without_the_kinds_capability_ends_with_a_clear_message(client, tree, make_user, login):
    org = make_user("org_supervision", tree.county_a)
    job = ImportJob(kind="units", filename="单位.xlsx", sha256="0" * 64, created_by=org)
    job.file.save("u.xlsx", ContentFile(units_file([unit_row("A-D6", "甲县统计局", "A")])), save=False)
    job.save()

    assert import_job_run(job_id=job.pk) == "rejected"

    login(org)
    page = client.get(f"/people/import/{job.pk}/").content.decode()
    assert "无权导入单位" in page and "未导入任何数据" in page
    assert not Unit.objects.filter(code="A-D6").exists()


# --- export --------------------------------------------------------------------------------------


def test_units_export_needs_a_reason_follows_scope_and_is_audited(client, tree, make_user, login):
    user = make_user("township_committee", tree.township)
    login(user)
    response = client.post("/people/units/export/", {"reason": ""})
    assert response.status_code == 400 and "导出单位信息必须填写事由" in response.content.decode()
    assert not AuditEvent.objects.filter(action="unit.export").exists()

    response = client.post("/people/units/export/", {"reason": "核对单位名录"})
    wb = load_workbook(io.BytesIO(response.content))
    rows = [[c.value for c in r] for r in wb.active.iter_rows()]
    assert rows[0] == UNIT_HEADERS
    by_code = {r[0]: r for r in rows[1:]}
    assert set(by_code) == {"A-T1", "A-T1-JW", "A-T1-V1"}
    assert by_code["A-T1-V1"] == ["A-T1-V1", "甲村", "村/社区", "村级", "A-T1", "A-T1-JW", None]
    event = AuditEvent.objects.get(action="unit.export")
    assert event.actor == user and event.reason == "核对单位名录"

    login(make_user("cadre_self"))
    assert client.get("/people/units/export/").status_code == 403


def test_exported_units_import_again_without_changes(client, tree, make_user, login):
    admin = make_user("sysadmin", tree.root)
    login(admin)
    exported = client.post("/people/units/export/", {"reason": "备份单位名录"}).content
    result = import_units(actor=admin, data=exported)
    assert result.ok, result.errors
    assert result.unchanged == Unit.objects.count() and result.created == result.updated == 0


# --- posts ---------------------------------------------------------------------------------------


@pytest.fixture
def org(tree, make_user):
    return make_user("org_supervision", tree.county_a)


def post_row(cadre, unit="A-D1", title="科员", level="科员级", start="2010-03-01", end="2015-06-30"):
    return {
        "干部身份证号": cadre.test_id_number,
        "单位代码": unit,
        "职务": title,
        "职务层级": level,
        "任职时间": start,
        "免职时间": end,
    }


def test_post_history_is_imported_and_reimport_changes_nothing(tree, org, make_cadre):
    cadre = make_cadre(tree.dept_a1, post_title="局长", post_level="section")
    rows = [
        post_row(cadre, "B-D1", "科员", "科员级", "2005-07-01", "2010-02-28"),  # a post in another county
        post_row(cadre, "A-D1", "副局长", "副科级", "2010-03-01", "2018-12-31"),
    ]
    data = posts_file(rows)

    result = import_posts(actor=org, data=data, filename="任职经历.xlsx")

    assert result.ok, result.errors
    assert result.created == 2 and cadre.posts.count() == 3
    first = cadre.posts.get(start_date=date(2005, 7, 1))
    assert first.unit == tree.dept_b1 and first.end_date == date(2010, 2, 28) and first.level == "staff"
    cadre.refresh_from_db()
    assert cadre.post_title == "局长" and cadre.unit == tree.dept_a1  # the current post is untouched
    again = import_posts(actor=org, data=data)
    assert again.ok and again.unchanged == 2 and cadre.posts.count() == 3
    assert AuditEvent.objects.filter(action="post.import").count() == 2

    rows[1]["免职时间"] = "2019-01-31"
    changed = import_posts(actor=org, data=posts_file(rows))
    assert changed.updated == 1 and changed.unchanged == 1
    assert cadre.posts.get(start_date=date(2010, 3, 1)).end_date == date(2019, 1, 31)


def test_bad_post_rows_write_nothing_and_each_is_named(tree, org, make_cadre):
    cadre = make_cadre(tree.dept_a1)
    outsider = make_cadre(tree.dept_b1, "乙县干部")
    wrong_digit = cadre.test_id_number[:17] + ("0" if cadre.test_id_number[17] != "0" else "1")
    rows = [
        post_row(cadre),  # row 2: fine
        post_row(cadre, start="2016-01-01", end="2015-01-01"),  # row 3: ends before it starts
        post_row(cadre, unit="NOPE", start="2001-01-01"),  # row 4: unknown unit
        post_row(outsider),  # row 5: cadre outside county A
        {**post_row(cadre), "干部身份证号": wrong_digit},  # row 6: bad check digit
        post_row(cadre),  # row 7: duplicate of row 2
        post_row(cadre, start="2020-01-01", end=""),  # row 8: a second open post
        post_row(cadre, level="大官级", start="2003-01-01"),  # row 9: unknown level
    ]
    posts = Post.objects.count()

    result = import_posts(actor=org, data=posts_file(rows))

    assert not result.ok and Post.objects.count() == posts
    found = {(e.row, e.column) for e in result.errors}
    assert {
        (3, "免职时间"),
        (4, "单位代码"),
        (5, "干部身份证号"),
        (6, "干部身份证号"),
        (9, "职务层级"),
    } <= found
    assert (7, "任职时间") in found and not any(row == 2 for row, _ in found)
    reasons = {e.row: e.reason for e in result.errors}
    assert "不能早于任职时间" in reasons[3] and "第 2 行" in reasons[7] and "不在您的管理范围内" in reasons[5]


def test_at_most_one_open_post_per_cadre(tree, org, make_cadre):
    cadre = make_cadre(tree.dept_a1, post_title="局长")
    open_row = post_row(cadre, "A-D2", "副局长", "副科级", "2012-01-01", "")
    result = import_posts(actor=org, data=posts_file([open_row]))
    assert not result.ok and Post.objects.filter(cadre=cadre).count() == 1
    error = result.errors[0]
    assert (error.row, error.column) == (
        2,
        "免职时间",
    ) and "系统中已有现任职务“甲县教育局 局长”" in error.reason

    current = cadre.posts.get()
    closing = post_row(cadre, "A-D1", "局长", "科员级", f"{current.start_date:%Y-%m-%d}", "")
    closing["免职时间"] = f"{current.start_date:%Y-%m-%d}"
    result = import_posts(actor=org, data=posts_file([open_row, closing]))
    assert result.ok, result.errors  # the file closes the current post and opens another
    assert cadre.posts.get(end_date__isnull=True).title == "副局长"


def test_only_people_managers_may_import_posts(tree, make_user, make_cadre, admin_a):
    cadre = make_cadre(tree.dept_a1)
    for user in (admin_a, make_user("discipline_supervision", tree.county_a)):
        with pytest.raises(PermissionDenied):
            import_posts(actor=user, data=posts_file([post_row(cadre)]))
    assert cadre.posts.count() == 1
