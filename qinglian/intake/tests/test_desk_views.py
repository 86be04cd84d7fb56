"""The desk pages: lists with fixed query counts, detail with sealed content and identity, every
channel's registration form, the SMS import, routing, repeats, subject matching, clues."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from qinglian.audit.models import AuditEvent
from qinglian.intake.channels import CHANNEL_FIELDS
from qinglian.intake.models import Clue, Recusal, Report, ReportSubject
from qinglian.intake.services import clue_register, report_create

pytestmark = pytest.mark.django_db

IDENTITY = {"name": "李举报", "phone": "13800000000"}


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()


def test_report_list_is_scoped_paginated_and_has_a_fixed_query_count(
    make_report, staff, tree, login, django_assert_max_num_queries
):
    client = login(staff.clerk)
    for _ in range(3):
        make_report()
    make_report(unit=tree.county_b, actor=False)
    client.get("/intake/reports/")  # warm caches (content types, sessions)
    with django_assert_max_num_queries(12) as first:
        response = client.get("/intake/reports/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3
    for _ in range(10):
        make_report()
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get("/intake/reports/")
    assert len(response.context["page"].object_list) == 13


def test_report_list_filters_by_number_channel_and_status(make_report, staff, login):
    a, b = make_report(channel="visit"), make_report(channel="phone")
    client = login(staff.clerk)
    assert [r.pk for r in client.get("/intake/reports/", {"q": a.number}).context["page"]] == [a.pk]
    assert [r.pk for r in client.get("/intake/reports/", {"channel": "phone"}).context["page"]] == [b.pk]
    assert not client.get("/intake/reports/", {"status": "repeat"}).context["page"].object_list
    assert client.get("/intake/reports/", {"date_from": "bad"}).status_code == 200


def test_restricted_report_is_listed_only_for_the_intake_role(make_report, staff, login):
    report = make_report()
    Report.objects.filter(pk=report.pk).update(restricted=True)
    assert [r.pk for r in login(staff.clerk).get("/intake/reports/").context["page"]] == [report.pk]
    assert not list(login(staff.supervisor).get("/intake/reports/").context["page"])
    assert login(staff.supervisor).get(f"/intake/reports/{report.pk}/").status_code == 404


def test_outsiders_get_404_or_403_on_every_report_page(make_report, staff, login):
    report = make_report(identity=IDENTITY, files=[("a.png", PNG, "image/png")])
    att = report.attachments.get()
    client = login(staff.outsider)
    for path in (f"/intake/reports/{report.pk}/", f"/intake/reports/{report.pk}/subjects/",
                 f"/intake/reports/{report.pk}/attachments/{att.pk}/"):  # fmt: skip
        assert client.get(path).status_code == 404, path
    for action in ("reveal", "accept", "classify", "forward", "acknowledge", "message", "repeat"):
        assert (
            client.post(f"/intake/reports/{report.pk}/{action}/", {"reason": "需要核实情况"}).status_code
            == 404
        )
    leader = login(staff.leader)
    assert leader.get("/intake/reports/").status_code == 403
    assert leader.get(f"/intake/reports/{report.pk}/").status_code == 403


def test_content_for_readers_identity_only_after_a_reason(make_report, staff, login):
    report = make_report(identity=IDENTITY)
    page = login(staff.supervisor).get(f"/intake/reports/{report.pk}/").content.decode()
    assert "某局长利用职权" in page and "李举报" not in page and "查看举报人身份" not in page
    assert (
        login(staff.supervisor)
        .post(f"/intake/reports/{report.pk}/reveal/", {"reason": "核实需要联系"})
        .status_code
        == 403
    )
    client = login(staff.clerk)
    page = client.get(f"/intake/reports/{report.pk}/").content.decode()
    assert "查看举报人身份" in page and "李举报" not in page
    response = client.post(f"/intake/reports/{report.pk}/reveal/", {"reason": ""})
    assert response.status_code == 400 and "李举报" not in response.content.decode()
    response = client.post(f"/intake/reports/{report.pk}/reveal/", {"reason": "需电话联系核实"})
    assert response.status_code == 200 and "李举报" in response.content.decode()
    assert (
        AuditEvent.objects.filter(action="intake.report.reveal_identity", reason="需电话联系核实").count()
        == 1
    )


def test_attachment_is_decrypted_for_content_readers_and_audited(make_report, staff, login):
    report = make_report(files=[("scan.png", PNG, "image/png")])
    att = report.attachments.get()
    response = login(staff.supervisor).get(f"/intake/reports/{report.pk}/attachments/{att.pk}/")
    assert response.status_code == 200 and response.content == PNG
    assert AuditEvent.objects.filter(action="intake.report.attachment").exists()
    assert login(staff.stationed).get(f"/intake/reports/{report.pk}/attachments/{att.pk}/").status_code == 404


@pytest.mark.parametrize("channel", sorted(CHANNEL_FIELDS))
def test_every_channel_form_renders_and_registers(staff, tree, login, channel):
    client = login(staff.clerk)
    assert client.get(f"/intake/reports/new/{channel}/").status_code == 200
    spec = CHANNEL_FIELDS[channel]
    data = {"receiving_unit": tree.jw_a.pk, "received_at": "2026-01-05T09:30", "nature": "accusation",
            "problem_type": "integrity", "facts": "反映某局长收受礼金", "subject_name": "王某",
            "source_reference": "编号001"}  # fmt: skip
    if spec.agency_label:
        data["source_agency"] = {"liaison": tree.village.pk, "from_higher": tree.t1_committee.pk,
                                 "from_lower": tree.t1_committee.pk}.get(channel, tree.dept_a3.pk)  # fmt: skip
    if spec.files_required:
        data["files"] = SimpleUploadedFile("scan.png", PNG, content_type="image/png")
    response = client.post(f"/intake/reports/new/{channel}/", data)
    assert response.status_code == 302, response.context["form"].errors
    report = Report.objects.get()
    assert report.channel == channel and report.status == "registered"


def test_bad_registration_input_gets_chinese_messages_and_writes_nothing(staff, tree, login):
    client = login(staff.clerk)
    response = client.post("/intake/reports/new/letter/", {
        "receiving_unit": tree.jw_a.pk, "received_at": "2026-01-05T09:30", "nature": "accusation",
        "problem_type": "integrity", "facts": "反映", "source_reference": "",
        "files": SimpleUploadedFile("evil.png", b"<svg onload=alert(1)>", content_type="image/png"),
    })  # fmt: skip
    assert response.status_code == 400 and not Report.objects.exists()
    response = client.post("/intake/reports/new/visit/", {
        "receiving_unit": tree.jw_a.pk, "received_at": "2099-01-05T09:30", "nature": "accusation",
        "problem_type": "integrity", "facts": "反映", "source_reference": "接谈", "reporter_name": "李",
    })  # fmt: skip
    assert response.status_code == 400 and not Report.objects.exists()
    assert "联系电话" in response.content.decode() or "晚于" in response.content.decode()
    assert client.get("/intake/reports/new/web/").status_code == 404
    other_unit = client.post("/intake/reports/new/visit/", {"receiving_unit": tree.county_b.pk, "facts": "x"})
    assert other_unit.status_code == 400 and not Report.objects.exists()


def _sms(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["收到时间", "发送号码", "短信内容"])
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("sms.xlsx", out.getvalue())


def test_sms_import_page_is_all_or_nothing(staff, tree, login):
    client = login(staff.clerk)
    assert client.get("/intake/reports/new/sms/").status_code == 200
    assert client.get("/intake/reports/new/sms/template/").status_code == 200
    bad = client.post("/intake/reports/new/sms/", {"receiving_unit": tree.jw_a.pk,
                                                   "file": _sms([("2026-01-05", "13800000001", "反映问题"),
                                                                 ("坏", "13800000001", "反映问题")])})  # fmt: skip
    assert bad.status_code == 400 and not Report.objects.exists()
    assert "时间格式不正确" in bad.content.decode()
    ok = client.post("/intake/reports/new/sms/", {"receiving_unit": tree.jw_a.pk,
                                                  "file": _sms([("2026-01-05", "13800000001", "反映问题")])})  # fmt: skip
    assert ok.status_code == 302 and Report.objects.get().channel == "sms"


def test_public_report_is_registered_classified_and_forwarded_through_the_pages(staff, tree, login):
    report = report_create(actor=None, channel="web", receiving_unit=tree.jw_a, content={"facts": "网上反映问题"},
                           receipt_code_hash="h" * 64)  # fmt: skip
    client = login(staff.clerk)
    assert (
        client.post(
            f"/intake/reports/{report.pk}/accept/", {"problem_type": "work", "nature": "accusation"}
        ).status_code
        == 302
    )
    assert client.post(f"/intake/reports/{report.pk}/message/", {"body": "请补充时间地点"}).status_code == 302
    assert client.post(f"/intake/reports/{report.pk}/forward/", {"direction": "higher", "to_body": "",
                                                                 "reason": ""}).status_code == 400  # fmt: skip
    r = client.post(
        f"/intake/reports/{report.pk}/classify/", {"problem_type": "work", "management_level": "own_head"}
    )
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.restricted and report.status == "restricted"
    r = client.post(f"/intake/reports/{report.pk}/forward/", {"direction": "higher", "to_body": "测试市纪委监委",
                                                              "reason": "反映本级纪委主要负责人"})  # fmt: skip
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.is_destroyed and report.content == "" and not report.messages.exists()
    page = client.get(f"/intake/reports/{report.pk}/").content.decode()
    assert "网上反映问题" not in page and "转送后已销毁内容" in page


def test_repeat_decision_through_the_page(make_report, staff, login):
    first = make_report()
    second = make_report()
    client = login(staff.clerk)
    page = client.get(f"/intake/reports/{second.pk}/").content.decode()
    assert "可能的重复件" in page and first.number in page
    r = client.post(
        f"/intake/reports/{second.pk}/repeat/", {"earlier": first.pk, "decision": "repeat", "note": ""}
    )
    assert r.status_code == 302
    second.refresh_from_db()
    assert second.status == "repeat" and second.duplicate_of_id == first.pk
    assert client.post(f"/intake/reports/{second.pk}/repeat/", {"earlier": "x"}).status_code == 400


def test_subject_matching_searches_the_registry_within_scope(make_report, staff, tree, login, make_cadre):
    inside = make_cadre(tree.dept_a1, "王某某")
    outside = make_cadre(tree.dept_b1, "王某某")
    report = make_report(subject_name="王某某")
    client = login(staff.clerk)
    response = client.get(f"/intake/reports/{report.pk}/subjects/")
    assert [c.pk for c in response.context["results"]] == [inside.pk]
    assert client.post(f"/intake/reports/{report.pk}/subjects/", {"cadre": outside.pk}).status_code == 400
    assert client.post(f"/intake/reports/{report.pk}/subjects/", {"cadre": inside.pk}).status_code == 302
    assert ReportSubject.objects.get(report=report).cadre == inside


def test_clue_from_report_list_detail_assignment_and_recusal(make_report, staff, tree, login, make_cadre,
                                                             make_user, django_assert_max_num_queries):  # fmt: skip
    cadre = make_cadre(tree.dept_a1, "王某某")
    report = make_report()
    ReportSubject.objects.create(report=report, cadre=cadre, unit=cadre.unit, matched_by=staff.clerk,
                                 matched_at=report.received_at)  # fmt: skip
    client = login(staff.supervisor)
    assert client.get(f"/intake/reports/{report.pk}/clue/").status_code == 200
    assert (
        client.post(
            f"/intake/reports/{report.pk}/clue/", {"summary": "", "problem_type": "integrity"}
        ).status_code
        == 400
    )
    r = client.post(f"/intake/reports/{report.pk}/clue/", {"summary": "反映其为亲属承揽工程", "problem_type": "integrity",
                                                          "cadres": [cadre.pk]})  # fmt: skip
    assert r.status_code == 302
    clue = Clue.objects.get()
    client.get("/intake/clues/")
    with django_assert_max_num_queries(12) as first:
        page = client.get("/intake/clues/")
    assert [c.pk for c in page.context["page"]] == [clue.pk]
    for _ in range(5):
        clue_register(
            actor=staff.supervisor,
            summary="另一线索",
            problem_type="work",
            cadres=[cadre],
            source="supervision",
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert len(client.get("/intake/clues/").context["page"].object_list) == 6
    detail = client.get(f"/intake/clues/{clue.pk}/").content.decode()
    assert "反映其为亲属承揽工程" in detail and "王某某" in detail
    assert login(staff.leader).get(f"/intake/clues/{clue.pk}/").status_code == 403
    assert login(staff.outsider).get(f"/intake/clues/{clue.pk}/").status_code == 404
    client = login(staff.supervisor)
    colleague = make_user("stationed_group", tree.pz1, unit=tree.dept_a1)
    r = client.post(f"/intake/clues/{clue.pk}/assign/", {"assignee": colleague.pk})
    assert r.status_code == 400 and "应当回避" in r.content.decode()
    assert Recusal.objects.filter(clue=clue, user=colleague, kind="detected").exists()
    assert (
        client.post(f"/intake/clues/{clue.pk}/assign/", {"assignee": staff.stationed.pk}).status_code == 302
    )
    clue.refresh_from_db()
    assert clue.assignee == staff.stationed and clue.status == "assigned"
    stationed = login(staff.stationed)
    assert stationed.post(f"/intake/clues/{clue.pk}/recuse/", {"reason": ""}).status_code == 400
    assert stationed.post(f"/intake/clues/{clue.pk}/recuse/", {"reason": "系其同学"}).status_code == 302
    assert stationed.get(f"/intake/clues/{clue.pk}/").status_code == 404


def test_clue_from_an_inspection_finding(staff, tree, login, make_cadre):
    cadre = make_cadre(tree.dept_a3, "孙某")
    client = login(staff.supervisor)
    page = client.get("/intake/clues/new/", {"q": "孙某"})
    assert page.status_code == 200 and "孙某" in page.content.decode()
    r = client.post("/intake/clues/new/", {"summary": "巡察发现违规发放津贴", "problem_type": "work", "source": "inspection",
                                           "source_reference": "第三巡察组2026年第一轮", "cadres": [cadre.pk]})  # fmt: skip
    assert r.status_code == 302
    clue = Clue.objects.get()
    assert clue.source == "inspection" and clue.report is None
    outsider_cadre = make_cadre(tree.dept_b1, "赵某")
    r = client.post("/intake/clues/new/", {"summary": "x", "problem_type": "work", "source": "audit",
                                           "source_reference": "审计", "cadres": [outsider_cadre.pk]})  # fmt: skip
    assert r.status_code == 400 and Clue.objects.count() == 1
