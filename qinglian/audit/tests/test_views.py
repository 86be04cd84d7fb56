from datetime import UTC, datetime
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from qinglian.audit.models import AuditEvent
from qinglian.audit.services import audit_record
from qinglian.audit.tests.conftest import raw

LOG = reverse("audit:log")


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", username="auditor1")


def test_auditor_sees_the_log_and_the_checkpoint_box(auditor, login, events):
    events(3)
    response = login(auditor).get(LOG)
    assert response.status_code == 200
    body = response.content.decode()
    assert "审计日志" in body and "事件3" in body
    assert 'data-testid="audit-checkpoint"' in body and "立即校验" in body
    assert 'data-testid="audit-export"' in body


@pytest.mark.parametrize("role", ["discipline_supervision", "sysadmin"])
def test_other_roles_are_refused_the_log(role, tree, make_user, login):
    user = make_user(role, tree.county_a)
    client = login(user)
    assert client.get(LOG).status_code == 403
    assert client.post(reverse("audit:export"), {"reason": "想看看"}).status_code == 403
    assert client.post(reverse("audit:verify")).status_code == 403
    assert not AuditEvent.objects.filter(action__in=["audit.export", "audit.verify"]).exists()


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(LOG)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_log_page_query_count_does_not_grow_with_rows(auditor, login, events, django_assert_num_queries):
    client = login(auditor)
    events(2)
    client.get(LOG)  # warm up the session
    # session, user, 2FA device, role assignments, chain head, count, rows, the to-do badge of the
    # menu, and the session save (savepoint, update, release).
    with django_assert_num_queries(11) as few:
        assert client.get(LOG).status_code == 200
    events(40)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(LOG + "?page=2")
    assert response.status_code == 200 and response.context["page"].number == 2


def test_filters_by_user_person_action_and_date(auditor, make_user, login):
    other = make_user("auditor", username="someone")
    with time_machine.travel(datetime(2026, 3, 1, 17, 0, tzinfo=UTC)):  # 3月2日 01:00 in Shanghai
        audit_record(actor=other, action="person.view", person_id=42, obj=("t", 1, "早事件"))
    with time_machine.travel(datetime(2026, 3, 5, 3, 0, tzinfo=UTC)):
        audit_record(actor=other, action="person.update", person_id=42, obj=("t", 2, "晚事件"))
        audit_record(actor=other, action="clue.view", person_id=7, obj=("t", 3, "别的人"))
    client = login(auditor)

    def shown(**params):
        page = client.get(LOG, params).context["page"]
        return {e.object_repr for e in page.object_list}

    assert shown(username="someone", action="person.") == {"早事件", "晚事件"}
    assert shown(username="someone", person_id=7) == {"别的人"}
    assert shown(username="someone", date_from="2026-03-02", date_to="2026-03-02") == {"早事件"}
    assert shown(username="nobody") == set()


def test_bad_filter_is_a_clear_400_not_a_500(auditor, login):
    client = login(auditor)
    response = client.get(LOG, {"person_id": "abc", "date_from": "2026-03-05", "date_to": "2026-03-01"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "人员编号必须是正整数" in body and "截止日期不能早于起始日期" in body


def test_export_without_reason_is_a_form_error_and_not_audited(auditor, login):
    response = login(auditor).post(reverse("audit:export"), {"reason": "  ", "action": "test."})
    assert response.status_code == 400
    assert "请填写导出事由" in response.content.decode()
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_export_with_reason_returns_the_filtered_rows_and_is_audited(auditor, login, events):
    events(3)
    audit_record(actor=None, action="other.thing", obj=("t", 9, '=HYPERLINK("x")'))
    response = login(auditor).post(reverse("audit:export"), {"reason": "年度安全检查", "action": "test."})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "时间", "操作人账号", "角色", "动作")
    assert [r[4] for r in rows[1:]] == ["test.event"] * 3
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor == auditor and export.reason == "年度安全检查"
    assert export.extra == {"filter": {"action": "test."}, "rows": 3}


def test_exported_text_that_looks_like_a_formula_stays_text(auditor, login):
    audit_record(actor=None, action="test.formula", obj=("t", 1, '=HYPERLINK("http://x")'))
    response = login(auditor).post(reverse("audit:export"), {"reason": "核查", "action": "test.formula"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    cell = sheet.cell(row=2, column=8)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_verify_now_reports_ok_and_is_audited(auditor, login, events):
    events(2)
    response = login(auditor).post(reverse("audit:verify"), follow=True)
    assert "审计链校验通过" in response.content.decode()
    run = AuditEvent.objects.get(action="audit.verify")
    assert run.actor == auditor and run.extra["ok"] is True


def test_verify_now_names_the_broken_row(auditor, login, events):
    made = events(4)
    raw("UPDATE audit_auditevent SET object_repr = %s WHERE seq = %s", ["篡改", made[1].seq])
    response = login(auditor).post(reverse("audit:verify"), follow=True)
    body = response.content.decode()
    assert "审计链校验失败" in body and f"第 {made[1].seq} 条" in body


def test_verify_needs_post(auditor, login):
    assert login(auditor).get(reverse("audit:verify")).status_code == 405


def test_audit_log_is_in_the_system_menu_for_auditors_only(auditor, tree, make_user, login, client):
    assert LOG in login(auditor).get(reverse("core:home")).content.decode()
    client.logout()
    admin = make_user("sysadmin", tree.root)
    assert LOG not in login(admin).get(reverse("core:home")).content.decode()
