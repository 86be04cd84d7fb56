import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from qinglian.audit.models import AuditEvent
from qinglian.core.excel import FileRejected, error_report, template
from qinglian.core.idnumber import DEMO_REGION, make
from qinglian.people.imports import CADRE_COLUMNS, RELATIVE_COLUMNS, import_cadres, import_relatives
from qinglian.people.models import Cadre, CadreSearchToken, Post, Relative

HEADERS = [c.header for c in CADRE_COLUMNS]


def xlsx(rows, headers=HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h, "") for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(i, unit_code="A-D1", **extra):
    return {
        "姓名": f"干部{i}",
        "身份证号": make(DEMO_REGION, date(1970 + i % 30, 1 + i % 12, 1 + i % 28), i % 1000),
        "单位代码": unit_code,
        "职务层级": "科员级",
        "职务": "科员",
        "中共党员": "是",
        **extra,
    }


@pytest.fixture
def importer(tree, make_user):
    return make_user("org_supervision", tree.county_a)


def test_valid_file_is_written_and_reimport_changes_nothing(tree, importer):
    data = xlsx([row(i) for i in range(1, 21)])
    result = import_cadres(actor=importer, data=data, filename="名册.xlsx")
    assert result.ok and result.created == 20
    assert Cadre.objects.count() == 20 and Post.objects.count() == 20
    assert CadreSearchToken.objects.filter(token="ganbu").count() == 20
    again = import_cadres(actor=importer, data=data)
    assert again.ok and again.created == 0 and again.updated == 0 and again.unchanged == 20
    assert Cadre.objects.count() == 20 and Post.objects.count() == 20
    assert AuditEvent.objects.filter(action="cadre.import").count() == 2


def test_one_bad_row_in_many_writes_nothing_and_names_every_bad_row(tree, importer):
    rows = [row(i) for i in range(1, 501)]
    rows[123]["身份证号"] = rows[123]["身份证号"][:17] + ("0" if rows[123]["身份证号"][17] != "0" else "1")
    rows[300]["职务层级"] = "大官级"
    rows[400]["单位代码"] = "B-D1"  # county B: outside the importer's scope
    rows[450]["身份证号"] = rows[10]["身份证号"]
    result = import_cadres(actor=importer, data=xlsx(rows))
    assert not result.ok
    assert Cadre.objects.count() == 0 and Post.objects.count() == 0
    found = {(e.row, e.column) for e in result.errors}
    assert (125, "身份证号") in found and (302, "职务层级") in found and (402, "单位代码") in found
    assert (452, "身份证号") in found
    dup = next(e for e in result.errors if e.row == 452)
    assert "第 12 行" in dup.reason
    report = load_workbook(io.BytesIO(error_report(result.errors)))
    assert report.active.max_row == len(result.errors) + 1


def test_update_by_id_number_closes_the_post(tree, importer):
    r = row(1, **{"现职任职时间": "2020-01-01"})
    import_cadres(actor=importer, data=xlsx([r]))
    early = {**r, "单位代码": "A-D2", "现职任职时间": "2019-01-01"}
    result = import_cadres(actor=importer, data=xlsx([early]))
    assert not result.ok and "不能早于现职任职时间" in result.errors[0].reason
    r2 = {**r, "单位代码": "A-D2", "职务": "副局长", "职务层级": "副科级", "现职任职时间": "2026-06-01"}
    result = import_cadres(actor=importer, data=xlsx([r2]))
    assert result.updated == 1
    cadre = Cadre.objects.get()
    assert cadre.unit == tree.dept_a2 and cadre.posts.count() == 2
    assert cadre.posts.get(end_date__isnull=True).title == "副局长"


def test_wrong_headers_formulas_and_non_xlsx_are_refused(tree, importer):
    with pytest.raises(FileRejected, match="缺少必填列"):
        import_cadres(actor=importer, data=xlsx([], headers=["姓名", "电话"]))
    with pytest.raises(FileRejected, match="不是 Excel"):
        import_cadres(actor=importer, data=b"%PDF-1.4 not a spreadsheet" * 100)
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(["张三", "=A1", "A-D1", "", "科员级"])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(FileRejected, match="公式"):
        import_cadres(actor=importer, data=out.getvalue())


def test_declared_million_empty_rows_are_refused(tree, importer):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.cell(row=1_000_000, column=1, value="")
    ws.cell(row=1_000_000, column=2, value=" ")
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(FileRejected, match="上限"):
        import_cadres(actor=importer, data=out.getvalue())


def test_template_has_the_headers_and_notes():
    wb = load_workbook(io.BytesIO(template(CADRE_COLUMNS, title="干部", notes=["说明"])))
    assert [c.value for c in wb.worksheets[0][1]][:3] == ["姓名*", "身份证号*", "单位代码*"]
    assert "填写说明" in wb.sheetnames


def test_relatives_import_matches_cadres_and_refuses_unknown(tree, importer, make_cadre):
    cadre = make_cadre(tree.dept_a1)
    headers = [c.header for c in RELATIVE_COLUMNS]
    good = {
        "干部身份证号": cadre.test_id_number,
        "关系": "配偶",
        "姓名": "王芳",
        "来源": "本人申报",
        "工作单位代码": "A-D2",
        "职务/职业": "会计",
    }
    bad = {
        "干部身份证号": make(DEMO_REGION, date(1990, 1, 1), 5),
        "关系": "子女",
        "姓名": "某某",
        "来源": "本人申报",
    }
    result = import_relatives(actor=importer, data=xlsx([good, bad], headers))
    assert not result.ok and Relative.objects.count() == 0
    assert result.errors[0].row == 3 and "没有该身份证号" in result.errors[0].reason
    result = import_relatives(actor=importer, data=xlsx([good], headers))
    assert result.ok and result.created == 1
    assert Relative.objects.get().employer_unit == tree.dept_a2
    assert import_relatives(actor=importer, data=xlsx([good], headers)).unchanged == 1


def test_error_report_never_shows_a_full_id_number(tree, importer):
    r = row(1)
    wrong = r["身份证号"][:17] + ("0" if r["身份证号"][17] != "0" else "1")
    result = import_cadres(actor=importer, data=xlsx([{**r, "身份证号": wrong}]))
    assert result.errors and all(wrong not in e.value for e in result.errors)
    assert result.errors[0].value == wrong[:6] + "********" + wrong[-4:]
