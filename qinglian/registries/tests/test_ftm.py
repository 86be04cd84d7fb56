"""FollowTheMoney: a snapshot exported as entities and imported again gives the same people,
companies, roles and awards; a bad entity line is excluded; a cadre's file with relatives."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest

from qinglian.audit.models import AuditEvent
from qinglian.people.cadre_services import relative_save
from qinglian.registries import services
from qinglian.registries.ftm import cadre_entities, snapshot_entities, write_jsonl
from qinglian.registries.models import Award, CompanyRole, RegistryPerson
from qinglian.registries.tests.conftest import COMPANY_HEADERS, csv_bytes, pid, upload, uscc

pytestmark = pytest.mark.django_db
C1 = uscc("91349899MA0000001")


def _roles(snapshot):
    return sorted(
        (r.person.name, r.person.id_number_hash, r.person.birth_date, r.company.name, r.company.credit_code,
         r.company.industry_code, r.role, r.title, r.share_pct, r.start_date)
        for r in CompanyRole.objects.filter(snapshot=snapshot).select_related("person", "company")
    )  # fmt: skip


def _jsonl(entities) -> bytes:
    out = io.StringIO()
    write_jsonl(entities, out)
    return out.getvalue().encode()


def test_company_snapshot_round_trip(rg, company_source, django_capture_on_commit_callbacks):
    run = django_capture_on_commit_callbacks
    rows = [
        ["清泉建材", C1, "C3021", "王建国", pid(date(1975, 3, 8), 11), "法定代表人", "", "2019-04-01"],
        ["清泉建材", C1, "C3021", "王建国", pid(date(1975, 3, 8), 11), "股东", "60.5", "2019-04-01"],
        ["清泉建材", C1, "C3021", "李秀英", "", "股东", "39.5", ""],
        ["清泉建材", C1, "C3021", "赵敏", "", "总经理", "", ""],
    ]
    first = upload(rg.manager, company_source, csv_bytes(COMPANY_HEADERS, rows), run=run)
    entities = list(snapshot_entities(first, actor=rg.manager, include_id_numbers=True))
    schemata = sorted(e["schema"] for e in entities)
    assert schemata == [
        "Company",
        "Directorship",
        "Directorship",
        "Ownership",
        "Ownership",
        "Person",
        "Person",
        "Person",
    ]
    own = next(
        e for e in entities if e["schema"] == "Ownership" and e["properties"]["percentage"] == ["60.5"]
    )
    assert own["properties"]["recordId"] == [f"{first.pk}:3"]
    other = services.source_create(
        actor=rg.manager, name="调查组交换数据", kind="company", agency_name="外省纪委"
    )
    second = upload(rg.manager, other, _jsonl(entities), name="ftm.jsonl", run=run)
    assert second.status == "current" and second.file_format == "ftm", second.message
    assert second.excluded_rows == 0
    assert _roles(second) == _roles(first)
    # Without ID numbers the export carries none, and the import gives persons without a hash.
    no_ids = list(snapshot_entities(first, actor=rg.manager))
    assert not any("idNumber" in e["properties"] for e in no_ids)
    assert AuditEvent.objects.filter(action="registries.ftm_export").count() == 2


def test_procurement_round_trip_and_bad_lines_are_excluded(rg, django_capture_on_commit_callbacks):
    run = django_capture_on_commit_callbacks
    source = services.source_create(
        actor=rg.manager, name="交易中心", kind="procurement", agency_name="交易中心"
    )
    headers = [
        "采购单位",
        "中标单位",
        "中标单位统一社会信用代码",
        "项目名称",
        "项目编号",
        "中标金额(元)",
        "中标日期",
    ]
    snap = upload(rg.manager, source, csv_bytes(headers, [["甲县教育局", "清泉建材", C1, "校舍维修", "ZB-1", "1280000.5",
                                                           "2026-03-02"]]), run=run)  # fmt: skip
    entities = list(snapshot_entities(snap, actor=rg.manager))
    assert sorted(e["schema"] for e in entities) == ["Company", "Contract", "ContractAward", "PublicBody"]
    data = _jsonl(entities) + b'{"schema": "NoSuchSchema", "id": "x"}\n' + b"not json\n"
    data += (
        json.dumps({"id": "o1", "schema": "Ownership", "properties": {"owner": ["nobody"]}}).encode() + b"\n"
    )
    other = services.source_create(
        actor=rg.manager, name="交易中心FtM", kind="procurement", agency_name="交易中心"
    )
    second = upload(rg.manager, other, data, name="x.jsonl", run=run)
    assert second.status == "current" and second.imported_rows == 1 and second.excluded_rows == 2
    a1, a2 = Award.objects.filter(snapshot=snap).get(), Award.objects.filter(snapshot=second).get()
    assert (a1.buyer_name, a1.amount, a1.award_date, a1.project_name, a1.project_number) == (
        a2.buyer_name, a2.amount, a2.award_date, a2.project_name, a2.project_number)  # fmt: skip
    assert a2.winner.credit_code == C1


def test_ftm_is_refused_for_other_kinds(rg):
    source = services.source_create(actor=rg.manager, name="交通", kind="vehicle", agency=rg.agency)
    with pytest.raises(Exception, match="只能导入企业登记或中标"):
        upload(rg.manager, source, b'{"id": "1", "schema": "Person"}\n', name="x.jsonl")


def test_cadre_export_with_relatives_and_linked_roles(
    rg, make_cadre, company_source, django_capture_on_commit_callbacks
):
    cadre = make_cadre(rg.tree.dept_a1, "张局长")
    rel = relative_save(actor=None, cadre=cadre, data={"relation": "child", "name": "张小军",
                                                       "birth_date": date(1990, 1, 1), "source": "self"})  # fmt: skip
    rows = [["清泉建材", C1, "", "张小军", "", "法定代表人", "", ""]]
    upload(
        rg.manager, company_source, csv_bytes(COMPANY_HEADERS, rows), run=django_capture_on_commit_callbacks
    )
    person = RegistryPerson.objects.get()
    entities = list(cadre_entities(cadre, actor=rg.manager, links=[(rel, person.pk)]))
    by_schema = {}
    for e in entities:
        by_schema.setdefault(e["schema"], []).append(e)
    fam = by_schema["Family"][0]["properties"]
    son = next(e for e in by_schema["Person"] if e["properties"]["name"] == ["张小军"])
    assert fam["relative"] == [son["id"]]
    assert by_schema["Directorship"][0]["properties"]["director"] == [son["id"]]
    assert by_schema["Company"][0]["properties"]["registrationNumber"] == [C1]
    assert AuditEvent.objects.filter(action="registries.read").exists()
