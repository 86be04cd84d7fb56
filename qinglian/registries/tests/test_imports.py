"""Registry imports: encodings, refused files, excluded rows, legacy IDs, snapshot replacement,
failure leaving the previous snapshot, Excel, and every kind of registry."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook, load_workbook

from qinglian.core.crypto import keyed_hash
from qinglian.people.identity import reveal
from qinglian.registries import imports, services
from qinglian.registries.models import (
    Award,
    Company,
    CompanyRole,
    CourtRecord,
    PropertyRecord,
    RawRow,
    RegistryPerson,
    Snapshot,
    SocialOrgPost,
    VehicleRecord,
)
from qinglian.registries.tests.conftest import COMPANY_HEADERS, csv_bytes, pid, upload, uscc

pytestmark = pytest.mark.django_db

BORN = date(1975, 3, 8)
C1 = uscc("91349899MA0000001")
C2 = uscc("91349899MA0000002")


def company_rows():
    return [
        ["甲县清泉建材有限公司", C1, "C3021", "王建国", pid(BORN, 11), "法定代表人", "", "2019-04-01"],
        ["甲县清泉建材有限公司", C1, "C3021", "王建国", pid(BORN, 11), "股东", "60", "2019-04-01"],
        ["甲县清泉建材有限公司", C1, "C3021", "李秀英", "", "股东", "40%", "2019年4月1日"],
        ["甲县顺达运输有限公司", C2, "G5430", "赵敏", pid(date(1982, 1, 2), 22), "执行董事", "", ""],
    ]


@pytest.mark.parametrize(
    "encoding,bom", [("utf-8", False), ("utf-8", True), ("gbk", False), ("gb18030", False)]
)
def test_company_csv_is_read_in_every_encoding(
    rg, company_source, django_capture_on_commit_callbacks, encoding, bom
):
    data = csv_bytes(COMPANY_HEADERS, company_rows(), encoding=encoding, bom=bom)
    snap = upload(rg.manager, company_source, data, run=django_capture_on_commit_callbacks)
    assert snap.status == Snapshot.Status.CURRENT, snap.message
    assert (snap.imported_rows, snap.excluded_rows, snap.person_count, snap.company_count) == (4, 0, 3, 2)
    assert snap.encoding == {"utf-8": "UTF-8（BOM）" if bom else "UTF-8", "gbk": "GBK/GB18030",
                             "gb18030": "GBK/GB18030"}[encoding]  # fmt: skip
    wang = RegistryPerson.objects.get(name="王建国")  # one person for two rows with the same ID
    assert wang.id_number_hash == keyed_hash(pid(BORN, 11))
    assert reveal(wang.id_number_enc) == pid(BORN, 11)
    assert wang.birth_date == BORN and wang.gender == "male" and wang.region_code == "349899"
    li = RegistryPerson.objects.get(name="李秀英")
    assert li.id_number_hash is None and li.birth_date is None
    roles = CompanyRole.objects.filter(company__credit_code=C1).order_by("row_number")
    assert [(r.role, r.share_pct) for r in roles] == [
        ("legal_rep", None),
        ("shareholder", 60),
        ("shareholder", 40),
    ]
    assert roles[2].start_date == date(2019, 4, 1)
    assert CompanyRole.objects.get(person__name="赵敏").role == "director"
    assert Company.objects.get(credit_code=C1).industry_code == "C3021"
    raw = RawRow.objects.get(snapshot=snap, row_number=2)
    assert raw.data["企业名称"] == "甲县清泉建材有限公司"
    assert raw.data["身份证号"] == "349899********" + pid(BORN, 11)[-4:]  # never in clear
    assert pid(BORN, 11) not in str(list(RawRow.objects.values_list("data", flat=True)))


def test_registry_hash_equals_the_cadres_hash(
    rg, company_source, make_cadre, django_capture_on_commit_callbacks
):
    cadre = make_cadre(rg.tree.dept_a1, "王建国", born=BORN)
    rows = [["甲县清泉建材有限公司", C1, "", "王建国", cadre.test_id_number, "法定代表人", "", ""]]
    upload(
        rg.manager, company_source, csv_bytes(COMPANY_HEADERS, rows), run=django_capture_on_commit_callbacks
    )
    assert RegistryPerson.objects.get().id_number_hash == cadre.id_number_hash


def test_unknown_column_refuses_the_whole_file(rg, company_source, django_capture_on_commit_callbacks):
    data = csv_bytes([*COMPANY_HEADERS, "备注栏"], [r + ["x"] for r in company_rows()])
    snap = upload(rg.manager, company_source, data, run=django_capture_on_commit_callbacks)
    assert snap.status == Snapshot.Status.REJECTED
    assert "未知列：“备注栏”" in snap.message
    assert RegistryPerson.objects.count() == CompanyRole.objects.count() == RawRow.objects.count() == 0


def test_missing_required_column_refuses_the_whole_file(
    rg, company_source, django_capture_on_commit_callbacks
):
    headers = [h for h in COMPANY_HEADERS if h != "身份"]
    rows = [r[:5] + r[6:] for r in company_rows()]
    snap = upload(
        rg.manager, company_source, csv_bytes(headers, rows), run=django_capture_on_commit_callbacks
    )
    assert snap.status == Snapshot.Status.REJECTED
    assert "缺少必填列：“身份”" in snap.message


def test_column_map_accepts_the_sources_own_headers(rg, django_capture_on_commit_callbacks):
    source = services.source_create(actor=rg.manager, name="工商", kind="company", agency_name="市场监管局",
                                    column_map={"主体名称": "company_name", "人员身份": "role"})  # fmt: skip
    headers = ["主体名称", "统一社会信用代码", "姓名", "人员身份"]
    snap = upload(rg.manager, source, csv_bytes(headers, [["某公司", C1, "张三", "监事"]]),
                  run=django_capture_on_commit_callbacks)  # fmt: skip
    assert snap.status == "current" and CompanyRole.objects.get().role == "supervisor"
    with pytest.raises(ValidationError):
        services.source_create(actor=rg.manager, name="工商2", kind="company", agency_name="x",
                               column_map={"主体名称": "no_such_field"})  # fmt: skip


def test_bad_rows_are_excluded_and_reported_never_guessed(
    rg, company_source, django_capture_on_commit_callbacks
):
    bad_check = pid(BORN, 11)[:-1] + ("0" if pid(BORN, 11)[-1] != "0" else "1")
    rows = (
        company_rows()
        + [
            ["坏校验公司", C1, "", "钱一", bad_check, "股东", "10", ""],  # row 6
            ["坏日期公司", C1, "", "钱二", "", "股东", "10", "2019-02-30"],  # row 7
            ["坏身份公司", C1, "", "钱三", "", "顾问", "", ""],  # row 8
            ["坏比例公司", C1, "", "钱四", "", "股东", "0.6x", ""],  # row 9
            ["坏比例公司", C1, "", "钱五", "", "股东", "120", ""],  # row 10
            [
                "坏代码公司",
                C1[:-1] + ("0" if C1[-1] != "0" else "1"),
                "",
                "钱六",
                "",
                "股东",
                "",
                "",
            ],  # row 11
            ["", C1, "", "钱七", "", "股东", "", ""],  # row 12
        ]
    )
    snap = upload(
        rg.manager, company_source, csv_bytes(COMPANY_HEADERS, rows), run=django_capture_on_commit_callbacks
    )
    assert snap.status == "current"
    assert (snap.imported_rows, snap.excluded_rows) == (4, 7)
    by_row = {e["row"]: e for e in snap.excluded}
    assert set(by_row) == {6, 7, 8, 9, 10, 11, 12}
    assert by_row[6]["column"] == "身份证号" and "校验位不正确" in by_row[6]["reason"]
    assert by_row[6]["value"] == "349899********" + bad_check[-4:]  # masked in the report too
    assert by_row[7]["column"] == "任职日期" and "无法识别" in by_row[7]["reason"]
    assert by_row[8]["column"] == "身份" and "无法识别" in by_row[8]["reason"]
    assert "不是数字" in by_row[9]["reason"] and "大于100%" in by_row[10]["reason"]
    assert "校验位不正确" in by_row[11]["reason"] and by_row[12]["reason"] == "企业名称为空"
    assert not RegistryPerson.objects.filter(name__startswith="钱").exists()
    with snap.excluded_report.open("rb") as fh:
        ws = load_workbook(io.BytesIO(fh.read())).active
    rows_in_report = list(ws.iter_rows(values_only=True))
    assert rows_in_report[0] == ("行号", "列", "内容", "原因") and len(rows_in_report) == 8
    assert [r[0] for r in rows_in_report[1:]] == [6, 7, 8, 9, 10, 11, 12]


def test_fifteen_digit_legacy_id_is_valid_and_converted(
    rg, company_source, django_capture_on_commit_callbacks
):
    eighteen = pid(date(1965, 7, 9), 123)
    fifteen = eighteen[:6] + eighteen[8:17]
    rows = [["老字号公司", C1, "", "孙老", fifteen, "法定代表人", "", ""]]
    snap = upload(
        rg.manager, company_source, csv_bytes(COMPANY_HEADERS, rows), run=django_capture_on_commit_callbacks
    )
    assert snap.imported_rows == 1
    person = RegistryPerson.objects.get()
    assert person.id_number_hash == keyed_hash(eighteen) and reveal(person.id_number_enc) == eighteen
    assert person.birth_date == date(1965, 7, 9)


def test_birth_date_contradicting_the_id_is_excluded(rg, company_source, django_capture_on_commit_callbacks):
    headers = [*COMPANY_HEADERS, "出生日期"]
    rows = [["某公司", C1, "", "王建国", pid(BORN, 11), "股东", "", "", "1975-03-09"]]
    snap = upload(
        rg.manager, company_source, csv_bytes(headers, rows + rows), run=django_capture_on_commit_callbacks
    )
    assert snap.status == "rejected" and "全部被排除" in snap.message
    # Each row's reason is kept for the uploader (page and report), nothing else of the file.
    assert snap.excluded_rows == 2 and [e["row"] for e in snap.excluded] == [2, 3]
    assert all("出生日期" in e["reason"] for e in snap.excluded) and snap.excluded_report
    assert not RegistryPerson.objects.filter(snapshot=snap).exists()


def test_newer_snapshot_replaces_the_old_one_and_deletes_its_rows(
    rg, company_source, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    old = upload(rg.manager, company_source, csv_bytes(COMPANY_HEADERS, company_rows()), run=run)
    old_person_ids = set(RegistryPerson.objects.values_list("id", flat=True))
    rows = company_rows()[:2]
    new = upload(
        rg.manager, company_source, csv_bytes(COMPANY_HEADERS, rows), data_date=date(2026, 11, 20), run=run
    )
    old.refresh_from_db()
    assert new.status == "current" and old.status == "superseded" and old.superseded_by == new
    assert "替换了 2026-10-31 的快照" in new.message
    assert not RegistryPerson.objects.filter(id__in=old_person_ids).exists()
    for model in (RegistryPerson, Company, CompanyRole, RawRow):
        assert set(model.objects.values_list("snapshot_id", flat=True)) == {new.pk}
    assert CompanyRole.objects.count() == 2
    # An older data date cannot replace the current snapshot; nor can the very same file.
    with pytest.raises(ValidationError, match="早于现行快照"):
        upload(rg.manager, company_source, csv_bytes(COMPANY_HEADERS, rows[:1]), data_date=date(2026, 9, 1))
    with pytest.raises(ValidationError, match="就是现行快照"):
        upload(rg.manager, company_source, csv_bytes(COMPANY_HEADERS, rows), data_date=date(2026, 11, 21))


def test_failed_import_leaves_the_previous_snapshot(
    rg, company_source, django_capture_on_commit_callbacks, monkeypatch
):
    run = django_capture_on_commit_callbacks
    old = upload(rg.manager, company_source, csv_bytes(COMPANY_HEADERS, company_rows()), run=run)
    before = sorted(CompanyRole.objects.values_list("id", "person_id", "company_id"))
    monkeypatch.setattr(
        imports, "BATCH_ROWS", 2
    )  # several batches: the failure comes after some were written
    real = imports.Loader._write_records
    calls = {"n": 0}

    def failing(self, local):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real(self, local)

    monkeypatch.setattr(imports.Loader, "_write_records", failing)
    rows = company_rows() * 2
    new = upload(
        rg.manager, company_source, csv_bytes(COMPANY_HEADERS, rows), data_date=date(2026, 11, 20), run=run
    )
    old.refresh_from_db()
    assert calls["n"] == 3
    assert new.status == "failed" and "原快照保持不变" in new.message
    assert old.status == "current"
    assert sorted(CompanyRole.objects.values_list("id", "person_id", "company_id")) == before
    assert (
        not RawRow.objects.filter(snapshot=new).exists()
        and not RegistryPerson.objects.filter(snapshot=new).exists()
    )


def test_excel_file_is_streamed(rg, company_source, django_capture_on_commit_callbacks):
    wb = Workbook()
    ws = wb.active
    ws.append(COMPANY_HEADERS)
    for r in company_rows():
        ws.append(r)
    ws.append([None] * 8)  # a blank row is skipped, not excluded
    ws.append(["日期公司", C2, "", "周六", "", "监事", 5, date(2020, 1, 2)])  # typed cells
    out = io.BytesIO()
    wb.save(out)
    snap = upload(
        rg.manager, company_source, out.getvalue(), name="企业.xlsx", run=django_capture_on_commit_callbacks
    )
    assert snap.status == "current" and snap.file_format == "xlsx", snap.message
    assert snap.imported_rows == 5 and snap.excluded_rows == 0
    zhou = CompanyRole.objects.get(person__name="周六")
    assert zhou.share_pct == 5 and zhou.start_date == date(2020, 1, 2) and zhou.row_number == 7


def test_not_a_table_is_refused_at_upload(rg, company_source):
    with pytest.raises(ValidationError, match="不是文本表格"):
        upload(rg.manager, company_source, b"\x00\x01\x02binary\x00" * 10, name="x.bin")


def test_procurement_awards_map_buyer_units(rg, django_capture_on_commit_callbacks):
    run = django_capture_on_commit_callbacks
    source = services.source_create(
        actor=rg.manager, name="公共资源交易", kind="procurement", agency_name="交易中心"
    )
    services.buyer_mapping_set(actor=rg.manager, buyer_name="甲县教育局（本级）", unit=rg.tree.dept_a1)
    headers = ["采购单位", "中标单位", "中标单位统一社会信用代码", "项目名称", "中标金额(元)", "中标日期"]
    rows = [
        ["甲县教育局（本级）", "甲县清泉建材有限公司", C1, "校舍维修", "1,280,000.50", "2026-03-02"],
        ["甲县财政局", "甲县清泉建材有限公司", C1, "办公楼", "90000", "2026-04-02"],  # exact unit name
        ["某不存在单位", "乙公司", "", "采购", "100", "2026-04-03"],
        ["甲县财政局", "丙公司", "", "采购", "一百万", "2026-04-03"],  # excluded
    ]
    snap = upload(rg.manager, source, csv_bytes(headers, rows), run=run)
    assert (snap.imported_rows, snap.excluded_rows, snap.company_count) == (3, 1, 2)
    awards = {a.row_number: a for a in Award.objects.select_related("winner")}
    assert awards[2].buyer_unit_id == rg.tree.dept_a1.pk and str(awards[2].amount) == "1280000.50"
    assert awards[3].buyer_unit_id == rg.tree.dept_a2.pk and awards[2].winner_id == awards[3].winner_id
    assert awards[4].buyer_unit_id is None and awards[4].winner.credit_code == ""
    services.buyer_mapping_set(actor=rg.manager, buyer_name="某不存在单位", unit=rg.tree.dept_a3)
    assert Award.objects.get(row_number=4).buyer_unit_id == rg.tree.dept_a3.pk


def test_vehicle_court_property_and_social_org_registries(rg, django_capture_on_commit_callbacks):
    run = django_capture_on_commit_callbacks
    mk = lambda name, kind: services.source_create(actor=rg.manager, name=name, kind=kind, agency=rg.agency)  # noqa: E731
    p = pid(BORN, 11)
    vehicle = upload(rg.manager, mk("交通违法", "vehicle"), csv_bytes(
        ["姓名", "身份证号", "号牌号码", "违法行为", "违法时间", "决定书编号"],
        [["王建国", p, "皖A12345", "醉酒驾驶机动车", "2025-12-24 22:10", "公交决字〔2025〕1号"],
         ["王建国", p, "皖A12345", "饮酒后驾驶机动车", "2024-06-01", ""],
         ["王建国", p, "皖A12345", "", "2018-01-01", ""],
         ["王建国", p, "", "", "2018-01-01", ""]]), run=run)  # fmt: skip
    assert (vehicle.imported_rows, vehicle.excluded_rows) == (3, 1)
    assert sorted(VehicleRecord.objects.values_list("offence_type", flat=True)) == ["", "drink", "drunk"]
    assert VehicleRecord.objects.get(offence_type="drunk").record_date == date(2025, 12, 24)
    court = upload(rg.manager, mk("法院", "court"), csv_bytes(
        ["姓名", "身份证号", "类别", "案号", "法院", "案由", "日期", "金额(元)"],
        [["王建国", p, "失信被执行人", "（2025）皖9801执123号", "甲县人民法院", "民间借贷", "2025-05-05", "30000"],
         ["王建国", p, "调解书", "（2025）皖9801民1号", "甲县人民法院", "", "", ""]]), run=run)  # fmt: skip
    assert (court.imported_rows, court.excluded_rows) == (1, 1)
    assert CourtRecord.objects.get().kind == "dishonest"
    prop = upload(rg.manager, mk("不动产", "real_estate"), csv_bytes(
        ["权利人", "证件号码", "坐落", "建筑面积", "登记日期"],
        [["王建国", p, "甲县城关镇幸福路1号", "128.5", "2020-08-08"]]), run=run)  # fmt: skip
    assert prop.imported_rows == 1 and PropertyRecord.objects.get().area == 128.5
    social = upload(rg.manager, mk("社会组织", "social_org"), csv_bytes(
        ["姓名", "身份证号", "社会组织名称", "职务", "任职日期"],
        [["王建国", p, "甲县建材行业协会", "会长", "2024-01-01"]]), run=run)  # fmt: skip
    assert social.imported_rows == 1 and SocialOrgPost.objects.get().post == "会长"
    # One person per source: the same ID gives one registry person in each of the four snapshots.
    assert RegistryPerson.objects.filter(id_number_hash=keyed_hash(p)).count() == 4


def test_only_managers_and_the_providing_agency_may_upload(rg, company_source):
    police = services.source_create(actor=rg.manager, name="公安交通违法", kind="vehicle", agency=rg.agency)
    data = csv_bytes(["姓名", "号牌号码", "日期"], [["张三", "皖A1", "2025-01-01"]])
    assert upload(rg.agency_user, police, data).status == "queued"
    for user in (rg.other_agency_user, rg.viewer, rg.outsider):
        with pytest.raises(PermissionDenied):
            upload(user, police, data)
    with pytest.raises(PermissionDenied):
        upload(rg.agency_user, company_source, data)  # not its agency's source
    with pytest.raises(PermissionDenied):
        services.source_create(actor=rg.agency_user, name="x", kind="vehicle", agency_name="x")
