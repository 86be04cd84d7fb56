"""Routing: classification, forwarding within 5 working days, the commission-head case, and the
acknowledgement of a real-name reporter."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404

from qinglian.audit.models import AuditEvent
from qinglian.intake import sealing
from qinglian.intake.access import access_report
from qinglian.intake.channels import report_enter
from qinglian.intake.models import Forwarding, Report, ReportAttachment, ReportMessage, SimilarityBand
from qinglian.intake.routing import (
    ACKNOWLEDGE_KIND,
    FORWARD_KIND,
    report_acknowledge,
    report_classify,
    report_forward,
    suggest_management_level,
)
from qinglian.intake.services import report_content, report_subject_match
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db

IDENTITY = {"name": "李举报", "phone": "13800000000"}
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _items(report, kind):
    return WorkItem.objects.filter(object_id=str(report.pk), kind=kind)


def test_higher_level_opens_a_forwarding_todo_due_in_five_working_days(make_report, staff):
    report = make_report()
    report_classify(actor=staff.clerk, report=report, problem_type="integrity", management_level="higher")
    item = _items(report, FORWARD_KIND).get()
    assert (
        item.status == WorkItem.Status.OPEN
        and item.due_days == 5
        and item.due_mode == WorkItem.DueMode.WORKING_DAYS
    )
    forwarding = report_forward(actor=staff.clerk, report=report, direction="higher", to_body="测试市纪委监委",
                                reason="被反映人系市管干部")  # fmt: skip
    report.refresh_from_db()
    item.refresh_from_db()
    assert report.status == Report.Status.FORWARDED and item.status == WorkItem.Status.DONE
    assert (
        not forwarding.content_destroyed and report_content(report)["facts"]
    )  # an ordinary forward keeps it


def test_forwarding_needs_a_receiver_and_a_reason_in_chinese(make_report, staff):
    report = make_report()
    with pytest.raises(ValidationError) as exc:
        report_forward(actor=staff.clerk, report=report, direction="higher", to_body="", reason="")
    assert "接收机关" in str(exc.value)
    assert not Forwarding.objects.exists() and Report.objects.get().status == Report.Status.REGISTERED


def test_commission_head_report_is_restricted_forwarded_and_destroyed(
    make_report, staff, tree, django_capture_on_commit_callbacks
):
    report = make_report(identity=IDENTITY, files=[("scan.png", PNG, "image/png")])
    ReportMessage.objects.create(
        report=report, direction="to_reporter", body="x", created_at=report.received_at
    )
    path = ReportAttachment.objects.get(report=report).file.name
    assert default_storage.exists(path)
    report_classify(actor=staff.clerk, report=report, problem_type="integrity", management_level="own_head")
    report.refresh_from_db()
    assert report.restricted and report.status == Report.Status.RESTRICTED
    # restricted at once: only the intake role still reaches it
    for user in (staff.supervisor, staff.case, staff.admin, staff.leader):
        with pytest.raises(Http404):
            access_report(user, report.pk)
    assert access_report(staff.clerk, report.pk) == report
    with pytest.raises(ValidationError):
        report_forward(actor=staff.clerk, report=report, direction="lower", to_body="甲镇纪委", reason="误转")
    with pytest.raises(ValidationError):  # a restricted report can no longer be made ordinary
        report_classify(actor=staff.clerk, report=report, problem_type="integrity", management_level="same")
    with django_capture_on_commit_callbacks(execute=True):
        forwarding = report_forward(actor=staff.clerk, report=report, direction="higher", to_body="测试市纪委监委",
                                    reason="反映本级纪委主要负责人")  # fmt: skip
    report.refresh_from_db()
    assert forwarding.content_destroyed and report.is_destroyed and report.status == Report.Status.FORWARDED
    raw = (
        Report.objects.filter(pk=report.pk).values("content", "content_key", "identity", "identity_key").get()
    )
    assert raw == {"content": "", "content_key": "", "identity": "", "identity_key": ""}
    assert report_content(report) == {}
    with pytest.raises(sealing.Destroyed):
        sealing.open_bytes(b"x", wrapped_key=report.content_key)
    assert not ReportAttachment.objects.filter(report=report).exists()
    assert not ReportMessage.objects.filter(report=report).exists()
    assert not SimilarityBand.objects.filter(report=report).exists()
    assert not default_storage.exists(path)
    assert Forwarding.objects.filter(report=report, content_destroyed=True).exists()
    ack = _items(report, ACKNOWLEDGE_KIND)
    assert not ack.filter(status=WorkItem.Status.OPEN).exists()
    assert AuditEvent.objects.filter(action="intake.report.destroy").exists()


def test_real_name_report_gets_an_acknowledgement_todo_completed_when_acknowledged(staff, tree):
    report = report_enter(actor=staff.clerk, channel="visit", receiving_unit=tree.jw_a,
                          content={"facts": "反映某局长违规吃喝"}, identity=IDENTITY,
                          source_reference="接谈人：张；来访1人")  # fmt: skip
    item = _items(report, ACKNOWLEDGE_KIND).get()
    assert item.status == WorkItem.Status.OPEN and item.due_days == 15
    with pytest.raises(ValidationError):
        report_acknowledge(actor=staff.clerk, report=report, method="")
    report_acknowledge(actor=staff.clerk, report=report, method="电话告知")
    item.refresh_from_db()
    report.refresh_from_db()
    assert item.status == WorkItem.Status.DONE and report.acknowledged_at is not None
    with pytest.raises(ValidationError):
        report_acknowledge(actor=staff.clerk, report=report, method="再次告知")


def test_anonymous_report_owes_no_acknowledgement(staff, tree):
    report = report_enter(actor=staff.clerk, channel="phone", receiving_unit=tree.jw_a,
                          content={"facts": "反映某局长违规吃喝"}, source_reference="来电 9:30")  # fmt: skip
    assert not _items(report, ACKNOWLEDGE_KIND).exists()


def test_suggested_level_from_the_matched_cadre(make_report, staff, tree, make_cadre):
    report = make_report()
    city_managed = make_cadre(tree.dept_a1, "市管某", managing_body="city")
    report_subject_match(actor=staff.clerk, report=report, cadre=city_managed)
    assert suggest_management_level(report) == "higher"
    head = make_cadre(tree.jw_a, "书记某", is_top_leader=True)
    report2 = make_report()
    report_subject_match(actor=staff.clerk, report=report2, cadre=head)
    assert suggest_management_level(report2) == "own_head"


def test_outsider_cannot_route_a_report(make_report, staff):
    from django.core.exceptions import PermissionDenied

    report = make_report()
    with pytest.raises(PermissionDenied):
        report_classify(actor=staff.outsider, report=report, problem_type="work", management_level="higher")
    with pytest.raises(PermissionDenied):
        report_forward(actor=staff.supervisor, report=report, direction="higher", to_body="x", reason="y")
