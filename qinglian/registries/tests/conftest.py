"""Users and helpers of the registries tests on the shared tree (root conftest.py)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qinglian.core.idnumber import DEMO_REGION, make
from qinglian.registries import services
from qinglian.taskforce.models import Agency

COMPANY_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "行业代码",
    "姓名",
    "身份证号",
    "身份",
    "持股比例(%)",
    "任职日期",
]


@dataclass
class RG:
    tree: object
    manager: object  # discipline_supervision at county A: matching.manage
    viewer: object  # leadership at county A: matching.view only
    agency_user: object  # taskforce_agency account of 甲县水利局 (the police in these tests)
    other_agency_user: object  # taskforce_agency account of 乙县教育局
    outsider: object  # township committee: no matching capability
    agency: Agency


@pytest.fixture
def rg(tree, make_user) -> RG:
    agency = Agency.objects.create(
        code="rg-police", name="测试县公安局（登记测试）", tier="extra", unit=tree.dept_a3
    )
    return RG(
        tree=tree,
        manager=make_user("discipline_supervision", tree.county_a),
        viewer=make_user("leadership", tree.county_a),
        agency_user=make_user("taskforce_agency", None, unit=tree.dept_a3),
        other_agency_user=make_user("taskforce_agency", None, unit=tree.dept_b1),
        outsider=make_user("township_committee", tree.township),
        agency=agency,
    )


def uscc(body17: str) -> str:
    from qinglian.registries.schema import uscc_check_char

    return body17 + uscc_check_char(body17)


def pid(born: date, seq: int) -> str:
    return make(DEMO_REGION, born, seq)


def csv_bytes(headers, rows, *, encoding="utf-8", bom=False) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(headers)
    w.writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def upload(actor, source, data: bytes, *, data_date=date(2026, 10, 31), name="data.csv", run=None):
    """Upload through the service; the import task runs on commit (immediate backend)."""
    f = SimpleUploadedFile(name, data)
    if run is None:
        return services.snapshot_upload(
            actor=actor, source=source, data_date=data_date, file=f, filename=name
        )
    with run(execute=True):
        snap = services.snapshot_upload(
            actor=actor, source=source, data_date=data_date, file=f, filename=name
        )
    snap.refresh_from_db()
    return snap


@pytest.fixture
def company_source(rg):
    return services.source_create(
        actor=rg.manager, name="市场监管企业登记", kind="company", agency_name="县市场监管局"
    )
