"""Staff registration of every channel, and the all-or-nothing SMS import."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from qinglian.intake.channels import CHANNEL_FIELDS, ImportRejected, report_accept, report_enter, sms_import
from qinglian.intake.models import Report
from qinglian.intake.routing import ACKNOWLEDGE_KIND
from qinglian.intake.services import IncomingFile, report_create
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _entry(staff, tree, channel, **kw):
    spec = CHANNEL_FIELDS[channel]
    args = {"source_reference": "编号001"}
    if spec.agency_label:
        args["source_agency"] = {"liaison": tree.village, "audit": tree.dept_a3}.get(
            channel, tree.t1_committee
        )
    if spec.files_required:
        args["files"] = [IncomingFile("scan.png", PNG, "image/png")]
    args.update(kw)
    return report_enter(actor=staff.clerk, channel=channel, receiving_unit=tree.jw_a,
                        content={"facts": f"{channel} 反映的问题", "subject_name": "王某"}, **args)  # fmt: skip


@pytest.mark.parametrize("channel", sorted(CHANNEL_FIELDS))
def test_each_staff_channel_registers_a_report_with_its_channel_and_time(staff, tree, channel):
    report = _entry(staff, tree, channel)
    assert report.channel == channel and report.status == Report.Status.REGISTERED
    assert report.received_at is not None and report.registered_by == staff.clerk


def test_a_letter_needs_its_scan_and_keeps_it_sealed(staff, tree):
    with pytest.raises(ValidationError) as exc:
        _entry(staff, tree, "letter", files=[])
    assert "来信扫描件" in str(exc.value)
    report = _entry(staff, tree, "letter")
    att = report.attachments.get()
    assert PNG not in att.file.read()


def test_agency_channels_need_the_sending_body_and_take_no_reporter(staff, tree):
    with pytest.raises(ValidationError):
        report_enter(actor=staff.clerk, channel="agency", receiving_unit=tree.jw_a, content={"facts": "x问题"},
                     source_reference="函1")  # fmt: skip
    with pytest.raises(ValidationError):
        _entry(staff, tree, "inspection", identity={"name": "某人", "phone": "13800000000"})
    assert not Report.objects.exists()


def test_web_channel_is_not_entered_by_staff(staff, tree):
    with pytest.raises(ValidationError):
        report_enter(actor=staff.clerk, channel="web", receiving_unit=tree.jw_a, content={"facts": "x问题"})


def test_a_report_received_by_itself_is_registered_and_acknowledgement_opened(staff, tree):
    report = report_create(actor=None, channel="web", receiving_unit=tree.jw_a, content={"facts": "网上反映"},
                           identity={"name": "李", "phone": "13800000000"})  # fmt: skip
    assert report.status == Report.Status.RECEIVED
    report = report_accept(actor=staff.clerk, report=report, problem_type="work", nature="accusation")
    assert report.status == Report.Status.REGISTERED
    assert WorkItem.objects.filter(object_id=str(report.pk), kind=ACKNOWLEDGE_KIND, status="open").exists()


def _xlsx(
    rows, headers=("收到时间", "发送号码", "短信内容", "被反映人", "被反映人单位", "举报人姓名", "问题类别")
):
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_sms_batch_imports_every_row(staff, tree):
    data = _xlsx([
        ("2026-01-05 09:30", "13800000001", "反映某村支书侵占补偿款", "李某", "甲村", "", "群众身边腐败和作风问题"),
        ("2026-01-06", "13800000002", "反映某局长公车私用", "张某", "", "王五", ""),
    ])  # fmt: skip
    reports = sms_import(actor=staff.clerk, receiving_unit=tree.jw_a, data=data)
    assert [r.channel for r in reports] == ["sms", "sms"]
    assert reports[0].problem_type == "petty_corruption" and not reports[0].real_name and reports[1].real_name


def test_one_bad_sms_row_writes_nothing_and_every_bad_row_is_reported(staff, tree):
    data = _xlsx([
        ("2026-01-05", "13800000001", "反映某村支书侵占补偿款", "", "", "", ""),
        ("昨天", "13800000002", "反映某局长公车私用", "", "", "", ""),
        ("2026-01-07", "abc", "反映", "", "", "", ""),
        ("2026-01-08", "13800000004", "", "", "", "", ""),
        ("2026-01-08", "13800000004", "反映内容", "", "", "", "不存在的类别"),
    ])  # fmt: skip
    with pytest.raises(ImportRejected) as exc:
        sms_import(actor=staff.clerk, receiving_unit=tree.jw_a, data=data)
    assert sorted(e.row for e in exc.value.errors) == [3, 4, 5, 6]
    assert {e.column for e in exc.value.errors} >= {"收到时间", "发送号码", "短信内容", "问题类别"}
    assert not Report.objects.exists()


def test_sms_file_that_is_not_excel_is_refused(staff, tree):
    with pytest.raises(ImportRejected) as exc:
        sms_import(actor=staff.clerk, receiving_unit=tree.jw_a, data=b"not an excel file")
    assert "Excel" in str(exc.value.errors[0].reason)
