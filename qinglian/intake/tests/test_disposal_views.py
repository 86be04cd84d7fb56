"""The disposal panel and its actions through HTTP: who sees it, who may act, bad input."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qinglian.audit.models import AuditEvent
from qinglian.intake import disposal as d
from qinglian.intake.models import Clue, Disposal, Inquiry
from qinglian.intake.services import recusal_record
from qinglian.intake.tests.disposal_helpers import assigned_clue, dispose

pytestmark = pytest.mark.django_db


@pytest.fixture
def clue(staff, tree, make_cadre, make_report):
    return assigned_clue(staff, tree, make_cadre, make_report)[0]


def panel(clue):
    return f"/intake/clues/{clue.pk}/disposal/panel/"


def act(clue, action):
    return f"/intake/clues/{clue.pk}/disposal/{action}/"


PROPOSAL = {"method": "inquiry", "meeting": "委务会", "members": "张、李、赵", "decision": "同意函询"}


def test_panel_is_for_staff_in_scope_only(client, login, staff, clue):
    login(staff.supervisor)
    response = client.get(panel(clue))
    assert response.status_code == 200
    assert "线索处置" in response.content.decode() and "提出处置意见" in response.content.decode()
    assert "<html" not in response.content.decode()  # a fragment
    assert client.get(f"/intake/clues/{clue.pk}/disposal/").status_code == 200
    for user, status in ((staff.outsider, 404), (staff.admin, 403), (staff.leader, 403)):
        login(user)
        assert client.get(panel(clue)).status_code == status, user
    recusal_record(actor=staff.supervisor, clue=clue, user=staff.supervisor2, kind="declared", reason="同学")
    login(staff.supervisor2)
    assert client.get(panel(clue)).status_code == 404
    assert client.post(act(clue, "propose"), PROPOSAL | {"meeting_on": "2026-01-05"}).status_code == 404


def test_propose_then_approve_through_the_panel(client, login, staff, clue):
    login(staff.supervisor)
    today = timezone.localdate().isoformat()
    response = client.post(act(clue, "propose"), PROPOSAL | {"meeting_on": today})
    assert response.status_code == 302
    disposal = Disposal.objects.get(clue=clue)
    # The proposer sees no approval form and is refused if he posts one.
    assert "审批处置意见" not in client.get(panel(clue)).content.decode()
    assert client.post(act(clue, "decide"), {"disposal": disposal.pk, "approve": "1"}).status_code == 403
    login(staff.case)
    assert "审批处置意见" in client.get(panel(clue)).content.decode()
    assert client.post(act(clue, "decide"), {"disposal": disposal.pk, "approve": "1"}).status_code == 302
    clue.refresh_from_db()
    assert clue.status == Clue.Status.INQUIRY


def test_bad_input_gets_a_chinese_message_and_changes_nothing(client, login, staff, clue):
    login(staff.supervisor)
    for data in (
        PROPOSAL | {"meeting_on": "不是日期"},
        PROPOSAL | {"meeting_on": "2099-01-01"},
        PROPOSAL | {"method": "hold", "meeting_on": "2026-01-05"},
        {},
        PROPOSAL | {"meeting_on": "2026-01-05", "meeting": "x" * 500},
    ):
        response = client.post(act(clue, "propose"), data)
        assert response.status_code == 400, data
        assert "请修改后重新提交" in response.content.decode()
    assert not Disposal.objects.exists()
    assert client.post(act(clue, "nonsense"), {}).status_code == 404
    assert client.post(act(clue, "decide"), {"disposal": "999999", "approve": "1"}).status_code == 404
    assert client.get(act(clue, "propose")).status_code == 405


def test_admin_and_outsider_cannot_act(client, login, staff, clue):
    login(staff.admin)
    assert client.post(act(clue, "propose"), PROPOSAL | {"meeting_on": "2026-01-05"}).status_code == 403
    login(staff.outsider)
    assert client.post(act(clue, "propose"), PROPOSAL | {"meeting_on": "2026-01-05"}).status_code == 404
    login(staff.clerk)  # sees the clue, may not dispose of it
    assert client.post(act(clue, "propose"), PROPOSAL | {"meeting_on": "2026-01-05"}).status_code == 403
    assert not Disposal.objects.exists()


def test_letter_inquiry_through_the_panel(client, login, staff, clue):
    dispose(staff, clue, "inquiry")
    subject = clue.subjects.get()
    today = timezone.localdate().isoformat()
    login(staff.supervisor2)
    assert (
        client.post(act(clue, "inquiry-start"), {"subject": subject.pk, "form": "letter"}).status_code == 302
    )
    inquiry = Inquiry.objects.get()
    response = client.post(act(clue, "summary"), {"inquiry": inquiry.pk, "summary": "李举报反映你收受礼金"})
    assert response.status_code == 400 and "识别举报人" in response.content.decode()
    assert "李举报" not in response.content.decode().replace("李举报反映你收受礼金", "")
    assert (
        client.post(act(clue, "summary"), {"inquiry": inquiry.pk, "summary": "反映你收受礼金"}).status_code
        == 302
    )
    assert "审核通过" not in client.get(panel(clue)).content.decode()  # not by its author
    login(staff.supervisor)
    assert client.post(act(clue, "review"), {"inquiry": inquiry.pk}).status_code == 302
    login(staff.supervisor2)
    assert (
        client.post(act(clue, "letter"), {"inquiry": inquiry.pk, "number_prefix": "甲纪函"}).status_code
        == 302
    )
    assert client.post(act(clue, "send"), {"inquiry": inquiry.pk, "sent_on": today}).status_code == 302
    page = client.get(panel(clue)).content.decode()
    assert "甲纪函" in page and "回复期限" in page
    response = client.post(act(clue, "reply"), {"inquiry": inquiry.pk, "replied_on": today, "reply": "说明",
                                                "countersigned_by": ""})  # fmt: skip
    assert response.status_code == 400
    assert client.post(act(clue, "reply"), {"inquiry": inquiry.pk, "replied_on": today, "reply": "说明",
                                            "countersigned_by": "刘书记"}).status_code == 302  # fmt: skip
    response = client.post(act(clue, "conclude"), {
        "inquiry": inquiry.pk, "outcome": "unfounded", "feedback": "经核实反映不实，已书面反馈", "clear": "on",
        "clear_method": "会议通报", "clear_audience": "本单位班子成员", "clear_held_on": today})  # fmt: skip
    assert response.status_code == 302
    clue.refresh_from_db()
    assert clue.status == Clue.Status.CLOSED and clue.clarifications.count() == 1
    assert "澄清正名" in client.get(panel(clue)).content.decode()
    # The clerk (intake office) tells the real-name reporter the result.
    login(staff.clerk)
    assert client.post(act(clue, "notify"), {"how": "电话告知"}).status_code == 302
    assert "已于" in client.get(panel(clue)).content.decode()


def test_identity_for_a_false_accusation_is_shown_to_the_requester_after_approval(client, login, staff, clue):
    dispose(staff, clue, "close", close_reason="x")  # not unfounded: no referral possible
    login(staff.supervisor2)
    assert client.post(act(clue, "refer"), {"reason": "捏造"}).status_code == 400
    Clue.objects.filter(pk=clue.pk).update(outcome="unfounded")
    assert client.post(act(clue, "refer"), {"reason": "捏造事实陷害他人"}).status_code == 302
    login(staff.case)
    assert (
        client.post(act(clue, "find"), {"finding": "false_accusation", "note": "故意捏造"}).status_code == 302
    )
    login(staff.supervisor2)
    assert client.post(act(clue, "unseal-request"), {"reason": "追究诬告责任"}).status_code == 302
    assert client.post(act(clue, "unseal-approve"), {}).status_code == 403
    assert client.post(act(clue, "identity"), {"reason": "追究诬告责任"}).status_code == 403
    login(staff.admin)
    assert client.post(act(clue, "identity"), {"reason": "追究诬告责任"}).status_code == 403
    login(staff.case)
    assert client.post(act(clue, "unseal-approve"), {}).status_code == 302
    assert client.post(act(clue, "identity"), {"reason": "追究诬告责任"}).status_code == 403
    login(staff.supervisor2)
    response = client.post(act(clue, "identity"), {"reason": "追究诬告责任"})
    assert response.status_code == 200 and "李举报" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="intake.report.reveal_identity_for_referral").count() == 1


def test_panel_query_count_does_not_grow_with_the_history(
    client, login, staff, clue, django_assert_num_queries
):
    login(staff.supervisor2)
    client.get(panel(clue))  # warm the session and caches

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(panel(clue)).status_code == 200
        return len(ctx.captured_queries)

    dispose(staff, clue, "inquiry")
    subject = clue.subjects.get()
    first = d.inquiry_start(actor=staff.supervisor2, clue=clue, subject=subject, form="talk")
    d.inquiry_talk_record(actor=staff.supervisor2, inquiry=first, held_on=timezone.localdate(), record="否认")
    d.inquiry_conclude(actor=staff.supervisor2, inquiry=first, outcome="denied")
    one = count()
    second = d.inquiry_start(actor=staff.supervisor2, clue=clue, subject=subject, form="talk")
    d.inquiry_talk_record(
        actor=staff.supervisor2, inquiry=second, held_on=timezone.localdate(), record="否认"
    )
    d.inquiry_conclude(actor=staff.supervisor2, inquiry=second, outcome="denied")
    assert count() == one
    with django_assert_num_queries(one):
        client.get(panel(clue))
