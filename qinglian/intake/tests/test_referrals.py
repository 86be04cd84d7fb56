"""三办 referrals and the petition handling period: services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qinglian.audit.models import AuditEvent
from qinglian.documents.models import Document
from qinglian.intake.models import PetitionExtension, Referral, Report, ReportMessage
from qinglian.intake.referrals import (
    PETITION_KIND,
    REPLY_KIND,
    petition_due_item,
    petition_extend,
    referral_create,
    referral_inform,
    referral_reply_record,
)
from qinglian.intake.services import message_text
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
WATER = "甲村自来水管道破裂已半个月，村民饮水困难，多次向村委会反映未解决。"


def at(y, m, d):
    return time_machine.travel(datetime(y, m, d, 10, 0, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def petition(make_report):
    def make(**kw):
        kw.setdefault("nature", Report.Nature.PETITION)
        kw.setdefault("problem_type", "not_discipline")
        return make_report(facts=WATER, subject_name="", **kw)

    return make


def refer(staff, report, tree, mode="refer", **kw):
    kw.setdefault("department", tree.dept_a3 if mode != "lead" else None)
    kw.setdefault("reply_due", timezone.localdate() + timedelta(days=20))
    return referral_create(actor=staff.clerk, report=report, mode=mode, matter="请核实并修复甲村供水管道，保障村民饮水",
                           formats=("docx",), **kw)  # fmt: skip


def test_refer_issues_a_numbered_sheet_and_a_deadline_for_the_department(petition, staff, tree):
    report = petition()
    referral = refer(staff, report, tree)
    report.refresh_from_db()
    assert report.status == Report.Status.REFERRED
    doc = referral.document
    assert doc.template == "intake.referral_sheet" and doc.number.startswith("甲纪转〔")
    assert doc.title == "问题转办单" and doc.issuing_unit == tree.jw_a
    item = WorkItem.objects.get(kind=REPLY_KIND)
    assert item.assignee_unit == tree.dept_a3 and item.escalate_to == tree.jw_a
    assert item.due_date == referral.reply_due and item.subject == referral
    assert AuditEvent.objects.filter(action="intake.referral.create").exists()


def test_supervise_issues_a_supervision_sheet_and_lead_stays_with_the_commission(petition, staff, tree):
    sup = refer(staff, petition(), tree, mode="supervise")
    assert sup.document.title == "问题督办单" and sup.document.number.startswith("甲纪督〔")
    lead = refer(staff, petition(), tree, mode="lead")
    assert lead.document is None and lead.department == tree.jw_a
    assert WorkItem.objects.get(object_id=str(lead.pk), kind=REPLY_KIND).assignee_unit == tree.jw_a


def test_a_discipline_matter_cannot_be_referred_and_nothing_is_written(make_report, staff, tree):
    report = make_report(problem_type="integrity")
    with pytest.raises(ValidationError) as exc:
        refer(staff, report, tree)
    assert "问题线索" in str(exc.value)
    assert not Referral.objects.exists() and not Document.objects.exists() and not WorkItem.objects.exists()
    report.refresh_from_db()
    assert report.status == Report.Status.REGISTERED


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reply_due", date(2020, 1, 1), "回复期限须晚于今天"),
        ("department", None, "请选择责任单位"),
        ("matter", "  ", "请填写转办事项"),
    ],
)
def test_bad_referral_input_gets_a_chinese_message(petition, staff, tree, field, value, message):
    report = petition()
    kw = {
        "department": tree.dept_a3,
        "reply_due": timezone.localdate() + timedelta(days=5),
        "matter": "修复供水管道",
    }
    kw[field] = value
    with pytest.raises(ValidationError) as exc:
        referral_create(actor=staff.clerk, report=report, mode="refer", formats=("docx",), **kw)
    assert message in str(exc.value)
    assert not Referral.objects.exists()


def test_refer_to_a_unit_of_another_county_or_to_a_commission_is_refused(petition, staff, tree):
    with pytest.raises(ValidationError, match="本辖区"):
        refer(staff, petition(), tree, department=tree.dept_b1)
    with pytest.raises(ValidationError, match="职能部门"):
        refer(staff, petition(), tree, department=tree.pz1)


def test_outsider_and_supervision_staff_cannot_refer(petition, staff, tree):
    report = petition()
    for user in (staff.outsider, staff.supervisor, staff.admin):
        with pytest.raises(PermissionDenied):
            referral_create(actor=user, report=report, mode="refer", department=tree.dept_a3, matter="修复供水管道",
                            reply_due=timezone.localdate() + timedelta(days=5), formats=("docx",))  # fmt: skip
    assert not Referral.objects.exists()


def test_reply_then_inform_by_phone_closes_the_report_and_the_petition_period(petition, staff, tree):
    report = petition()
    referral = refer(staff, report, tree)
    with pytest.raises(ValidationError, match="先登记"):
        referral_inform(actor=staff.clerk, referral=referral, how="电话告知")
    referral_reply_record(
        actor=staff.clerk, referral=referral, reply="已于当日组织抢修，管道已修复，供水恢复正常。"
    )
    assert not WorkItem.objects.filter(kind=REPLY_KIND, status="open").exists()
    with pytest.raises(ValidationError, match="告知方式"):
        referral_inform(actor=staff.clerk, referral=referral, how="飞鸽传书")
    referral_inform(actor=staff.clerk, referral=referral, how="电话告知", message="反映人表示满意")
    referral.refresh_from_db()
    report.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED and referral.informed_how == "电话告知：反映人表示满意"
    assert report.status == Report.Status.CLOSED and report.result_notified_at is not None
    assert WorkItem.objects.get(kind=PETITION_KIND).status == WorkItem.Status.DONE


def test_the_report_stays_open_while_another_referral_is_open(petition, staff, tree):
    report = petition()
    first, second = refer(staff, report, tree), refer(staff, report, tree, department=tree.dept_a2)
    referral_reply_record(actor=staff.clerk, referral=first, reply="已修复供水管道。")
    referral_inform(actor=staff.clerk, referral=first, how="电话告知")
    report.refresh_from_db()
    assert report.status == Report.Status.REFERRED
    referral_reply_record(actor=staff.clerk, referral=second, reply="已拨付维修资金。")
    referral_inform(actor=staff.clerk, referral=second, how="书面告知")
    report.refresh_from_db()
    assert report.status == Report.Status.CLOSED


def test_a_web_reporter_is_informed_through_the_receipt_code(petition, staff, tree):
    report = petition(receipt_code_hash="h" * 64)
    referral = refer(staff, report, tree)
    referral_reply_record(actor=staff.clerk, referral=referral, reply="管道已修复，供水恢复。")
    with pytest.raises(ValidationError, match="告知内容"):
        referral_inform(actor=staff.clerk, referral=referral)
    referral_inform(actor=staff.clerk, referral=referral, message="您反映的供水问题已由县水利局修复。")
    message = ReportMessage.objects.get(report=report)
    assert message_text(message) == "您反映的供水问题已由县水利局修复。"
    referral.refresh_from_db()
    assert referral.informed_how.startswith("网上留言")


def test_petition_period_is_60_days_and_extends_once_by_30_with_the_notice(petition, staff, tree):
    with at(2026, 12, 1):
        report = petition()
        refer(staff, report, tree)
        item = petition_due_item(report)
        assert item.due_date == date(2027, 1, 30)  # 60 days from acceptance (calendar days)
    with at(2027, 1, 20):
        with pytest.raises(ValidationError, match="不少于10个字"):
            petition_extend(actor=staff.clerk, report=report, notice="延期")
        ext = petition_extend(actor=staff.clerk, report=report,
                              notice="因涉及管网改造，情况复杂，经批准延长办理期限三十日，特此告知。")  # fmt: skip
        assert (ext.previous_due, ext.new_due) == (date(2027, 1, 30), date(2027, 3, 1))
        assert petition_due_item(report).due_date == date(2027, 3, 1)
        assert WorkItem.objects.filter(kind=PETITION_KIND, status="cancelled").count() == 1
        with pytest.raises(ValidationError, match="不能再次延长"):
            petition_extend(
                actor=staff.clerk, report=report, notice="再次延长办理期限三十日，特此告知信访人。"
            )
    assert PetitionExtension.objects.count() == 1


def test_an_expired_petition_period_cannot_be_extended(petition, staff, tree):
    with at(2026, 12, 1):
        report = petition()
        refer(staff, report, tree)
    with at(2027, 2, 15), pytest.raises(ValidationError, match="期限已过"):
        petition_extend(actor=staff.clerk, report=report, notice="因情况复杂，延长办理期限三十日，特此告知。")
    assert not PetitionExtension.objects.exists()


def test_an_accusation_has_no_petition_period(make_report, staff, tree):
    report = make_report(problem_type="not_discipline", facts=WATER)
    refer(staff, report, tree)
    assert not WorkItem.objects.filter(kind=PETITION_KIND).exists()
    with pytest.raises(ValidationError, match="信访诉求"):
        petition_extend(actor=staff.clerk, report=report, notice="延长办理期限三十日，特此告知信访人。")


def test_the_referral_sheet_states_the_matter_and_deadline_but_never_the_reporter(petition, staff, tree):
    from qinglian.intake.referral_documents import referral_sheet

    report = petition(identity={"name": "李举报", "phone": "13800000000"})
    referral = refer(staff, report, tree, mode="supervise")
    text = referral_sheet(referral=referral, on_date=timezone.localdate()).text
    assert report.number in text and "甲县水利局" in text and "督办" in text
    assert f"{referral.reply_due.year}年{referral.reply_due.month}月{referral.reply_due.day}日" in text
    assert "李举报" not in text and "13800000000" not in text
