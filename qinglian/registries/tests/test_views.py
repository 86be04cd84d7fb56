"""Pages and `/api/v1/registries/`: who sees what, upload through the page with its progress
page, the excluded-row report, bad input, fixed query counts; the audited selectors."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from qinglian.api.services import token_issue
from qinglian.audit.models import AuditEvent
from qinglian.registries import selectors, services
from qinglian.registries.models import RegistryPerson, Snapshot
from qinglian.registries.tests.conftest import COMPANY_HEADERS, csv_bytes, pid, upload, uscc

pytestmark = pytest.mark.django_db
C1 = uscc("91349899MA0000001")
ROWS = [
    ["清泉建材", C1, "C3021", "王建国", pid(date(1975, 3, 8), 11), "法定代表人", "", ""],
    ["清泉建材", C1, "C3021", "钱一", "349899197503080110", "股东", "10", ""],  # bad check digit
]


def test_manager_uploads_on_the_page_and_follows_progress(
    rg, login, company_source, django_capture_on_commit_callbacks
):
    c = login(rg.manager)
    assert c.get("/registries/").status_code == 200
    page = c.get(f"/registries/sources/{company_source.pk}/")
    assert page.status_code == 200 and "上传新快照" in page.content.decode()
    f = SimpleUploadedFile("企业.csv", csv_bytes(COMPANY_HEADERS, ROWS, encoding="gbk"))
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/registries/sources/{company_source.pk}/", {"data_date": "2026-10-31", "file": f})
    snap = Snapshot.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/registries/snapshots/{snap.pk}/"
    body = c.get(r["Location"]).content.decode()
    assert "现行" in body and "校验位不正确" in body and "GBK/GB18030" in body
    assert "349899197503080110" not in body  # the excluded ID number is masked
    report = c.get(f"/registries/snapshots/{snap.pk}/excluded.xlsx")
    assert report.status_code == 200 and report["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="registries.report_download", actor=rg.manager).count() == 1
    ftm = c.get(f"/registries/snapshots/{snap.pk}/ftm.jsonl")
    lines = b"".join(ftm.streaming_content).decode().splitlines()
    assert ftm.status_code == 200 and {json.loads(x)["schema"] for x in lines} == {
        "Person",
        "Company",
        "Directorship",
    }
    assert (
        "idNumber" not in lines[0] and AuditEvent.objects.filter(action="registries.ftm_export").count() == 1
    )
    # A viewer (leadership: matching.view) sees the snapshot but not the excluded rows.
    v = login(rg.viewer)
    body = v.get(f"/registries/snapshots/{snap.pk}/").content.decode()
    assert "现行" in body and "校验位不正确" not in body
    assert v.get(f"/registries/snapshots/{snap.pk}/excluded.xlsx").status_code == 404
    assert v.get(f"/registries/snapshots/{snap.pk}/ftm.jsonl").status_code == 403
    assert "上传新快照" not in v.get(f"/registries/sources/{company_source.pk}/").content.decode()
    assert v.post(f"/registries/sources/{company_source.pk}/", {"data_date": "2026-10-31"}).status_code == 403


def test_bad_upload_is_refused_with_a_chinese_message_and_nothing_queued(rg, login, company_source):
    c = login(rg.manager)
    r = c.post(f"/registries/sources/{company_source.pk}/",
               {"data_date": "2026-10-31", "file": SimpleUploadedFile("x.bin", b"\x00\x01" * 50)})  # fmt: skip
    assert r.status_code == 400 and "不是文本表格" in r.content.decode()
    r = c.post(f"/registries/sources/{company_source.pk}/", {"data_date": "明天", "file": ""})
    assert r.status_code == 400
    r = c.post(f"/registries/sources/{company_source.pk}/",
               {"data_date": "2099-01-01", "file": SimpleUploadedFile("a.csv", b"a,b\n1,2\n")})  # fmt: skip
    assert r.status_code == 400 and "不能晚于今天" in r.content.decode()
    assert not Snapshot.objects.exists()


def test_source_creation_and_settings_on_pages(rg, login):
    c = login(rg.manager)
    r = c.post("/registries/sources/new/", {"name": "公安交通违法", "kind": "vehicle", "agency": rg.agency.pk,
                                            "column_map": "违法地点代码=行政区划代码\n处罚时间=日期"})  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:2000]
    src = services.Source.objects.get(name="公安交通违法")
    assert src.column_map == {"违法地点代码": "region_code", "处罚时间": "record_date"}
    bad = c.post("/registries/sources/new/", {"name": "x", "kind": "vehicle", "agency_name": "x",
                                              "column_map": "没有等号"})  # fmt: skip
    assert bad.status_code == 400 and "无法识别的对照行" in bad.content.decode()
    r = c.post(
        f"/registries/sources/{src.pk}/settings/",
        {"column_map": "车牌=号牌号码", "note": "月度", "is_active": "on"},
    )
    src.refresh_from_db()
    assert r.status_code == 302 and src.column_map == {"车牌": "plate"} and src.note == "月度"
    assert (
        c.get(f"/registries/sources/{src.pk}/template.csv")
        .content.decode("utf-8-sig")
        .startswith("姓名,身份证号")
    )


def test_buyer_mapping_page(rg, login):
    c = login(rg.manager)
    r = c.post("/registries/buyers/", {"buyer_name": "甲县教育局本级", "unit_code": rg.tree.dept_a1.code})
    assert r.status_code == 302
    r = c.post("/registries/buyers/", {"buyer_name": "乙县单位", "unit_code": rg.tree.dept_b1.code})
    assert r.status_code == 400 and "不在您的管理范围内" in r.content.decode()
    mapping = services.BuyerUnitMapping.objects.get()
    assert c.post(f"/registries/buyers/{mapping.pk}/delete/").status_code == 302
    assert not services.BuyerUnitMapping.objects.exists()
    assert login(rg.outsider).get("/registries/buyers/").status_code == 403


def test_outsider_sees_no_page(rg, login, company_source):
    c = login(rg.outsider)
    for path in ("/registries/", f"/registries/sources/{company_source.pk}/", "/registries/buyers/"):
        assert c.get(path).status_code == 403


def test_lists_use_a_fixed_number_of_queries(rg, login, company_source, django_assert_max_num_queries):
    c = login(rg.manager)
    c.get("/registries/")
    for i in range(3):
        services.source_create(actor=rg.manager, name=f"源{i}", kind="court", agency_name="法院")
    for i in range(3):
        upload(
            rg.manager,
            company_source,
            csv_bytes(COMPANY_HEADERS, ROWS[:1] * (i + 1)),
            data_date=date(2026, 1, i + 1),
        )
    with django_assert_max_num_queries(12) as few:
        assert c.get("/registries/").status_code == 200
    n_sources = len(few.captured_queries)
    with django_assert_max_num_queries(12) as few:
        assert c.get(f"/registries/sources/{company_source.pk}/").status_code == 200
    n_snapshots = len(few.captured_queries)
    for i in range(5):
        services.source_create(actor=rg.manager, name=f"源b{i}", kind="court", agency_name="法院")
        upload(
            rg.manager,
            company_source,
            csv_bytes(COMPANY_HEADERS, ROWS[:1] * (i + 5)),
            data_date=date(2026, 2, i + 1),
        )
    with django_assert_max_num_queries(n_sources):
        c.get("/registries/")
    with django_assert_max_num_queries(n_snapshots):
        c.get(f"/registries/sources/{company_source.pk}/")


def _api(user):
    user.is_integration = True
    user.save(update_fields=["is_integration"])
    _, raw = token_issue(actor=None, user=user, name="测试")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return c


def test_api_agency_uploads_to_its_own_source_only(rg, company_source, django_capture_on_commit_callbacks):
    police = services.source_create(actor=rg.manager, name="公安交通违法", kind="vehicle", agency=rg.agency)
    api = _api(rg.agency_user)
    listed = [s["id"] for s in api.get("/api/v1/registries/sources/").json()["results"]]
    assert listed == [police.pk]
    assert api.get(f"/api/v1/registries/sources/{company_source.pk}/").status_code == 404
    data = csv_bytes(["姓名", "身份证号", "号牌号码", "违法行为", "违法时间"],
                     [["王建国", pid(date(1975, 3, 8), 11), "皖A1", "醉驾", "2025-12-24"],
                      ["王建国", "12345", "皖A1", "酒驾", "2025-12-24"]])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(f"/api/v1/registries/sources/{police.pk}/snapshots/",
                     {"data_date": "2026-11-01", "file": SimpleUploadedFile("v.csv", data)}, format="multipart")  # fmt: skip
    assert r.status_code == 202, r.json()
    snap_id = r.json()["id"]
    got = api.get(f"/api/v1/registries/snapshots/{snap_id}/").json()
    assert got["status"] == "current" and got["imported_rows"] == 1 and got["excluded_rows"] == 1
    excluded = api.get(f"/api/v1/registries/snapshots/{snap_id}/excluded/").json()
    assert excluded[0]["row"] == 3 and "18位" in excluded[0]["reason"]
    bad = api.post(
        f"/api/v1/registries/sources/{police.pk}/snapshots/", {"data_date": "x"}, format="multipart"
    )
    assert bad.status_code == 400
    assert api.post(f"/api/v1/registries/sources/{company_source.pk}/snapshots/",
                    {"data_date": "2026-11-01", "file": SimpleUploadedFile("v.csv", data)},
                    format="multipart").status_code == 404  # fmt: skip
    other = _api(rg.other_agency_user)
    assert other.get("/api/v1/registries/sources/").json()["results"] == []
    assert other.get(f"/api/v1/registries/snapshots/{snap_id}/").status_code == 404
    assert _api(rg.outsider).get("/api/v1/registries/sources/").status_code == 403
    staff = _api(rg.viewer)
    assert {s["id"] for s in staff.get("/api/v1/registries/sources/").json()["results"]} == {
        police.pk,
        company_source.pk,
    }
    assert staff.get(f"/api/v1/registries/snapshots/{snap_id}/excluded/").status_code == 404


def test_selectors_read_current_snapshots_only_and_audit_every_query(
    rg, company_source, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    upload(rg.manager, company_source, csv_bytes(COMPANY_HEADERS, ROWS[:1]), run=run)
    running = upload(
        rg.manager, company_source, csv_bytes(COMPANY_HEADERS, ROWS[:1] * 2), data_date=date(2026, 11, 1)
    )
    assert running.status == "queued"  # not run: its rows (none yet) would be invisible anyway
    before = AuditEvent.objects.count()
    frame = selectors.persons_frame()
    assert frame.height == 1 and frame["name"].to_list() == ["王建国"]
    assert frame["row_number"].to_list() == [2]  # the file's row (after the header): provenance
    roles = selectors.company_roles_frame(actor=rg.manager)
    assert roles["role"].to_list() == ["legal_rep"] and roles["credit_code"].to_list() == [C1]
    assert selectors.awards_frame().height == 0
    assert selectors.records_frame("vehicle").height == 0
    person = RegistryPerson.objects.get()
    found = selectors.rows_for_persons([person.pk], actor=rg.manager, reason="核查")
    assert [r.get_role_display() for r in found[person.pk].roles] == ["法定代表人"]
    assert list(selectors.persons_by_id_hash([person.id_number_hash])) == [person]
    events = list(AuditEvent.objects.order_by("seq")[before:].values_list("action", flat=True))
    assert events == ["registries.bulk_read"] * 4 + ["registries.read", "registries.bulk_read"]
    read = AuditEvent.objects.get(action="registries.read")
    assert read.actor == rg.manager and read.reason == "核查"
