"""A member of the 信访室 in the browser: register a visit, see it in the list, open it, reveal the
identity with a reason; a supervisor opens the clue list. No console error, nothing fetched outside."""

from __future__ import annotations

import pytest

from qinglian.testing.browser import login_via_form, snap, totp_device_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_registers_a_visit_and_reveals_the_identity(page, live_server, staff, tree):
    login_via_form(page, live_server, "clerk", "pw-test-123456", otp_device=totp_device_for(staff.clerk))
    page.goto(f"{live_server.url}/intake/reports/new/visit/")
    page.fill("#id_subject_name", "王某某")
    page.fill("#id_facts", "反映甲县教育局王某某利用职务便利为其妻弟承揽学校食堂工程，收受好处费。")
    page.fill("#id_reporter_name", "李举报")
    page.fill("#id_reporter_phone", "13800000000")
    page.fill("#id_source_reference", "接谈人：张三；来访1人")
    page.click("button[type=submit]:has-text('登记')")
    page.wait_for_selector("[data-testid=report-content]")
    assert "李举报" not in page.content()
    page.fill("input[name=reason]", "需电话联系举报人核实情况")
    page.click("button:has-text('查看举报人身份')")
    page.wait_for_selector("text=已记录本次查看及理由")
    assert "13800000000" in page.content()
    snap(page, "intake_report_detail")
    page.goto(f"{live_server.url}/intake/reports/")
    assert page.locator("[data-testid=report-table] tbody tr").count() == 1
    snap(page, "intake_report_list")
