"""The organisation department records a joint meeting, a decision with an assignment to the audit
bureau, and the bureau's user sees the to-do (issue 9). Fails on any console error or a request
leaving 127.0.0.1 (qinglian/testing/browser.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from qinglian.jointwork.models import Meeting
from qinglian.testing.browser import login_via_form, snap, totp_device_for
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123456"


def test_create_meeting_record_decision_and_see_the_to_do(new_page, live_server, tree, make_user):
    from qinglian.people.services import unit_create
    from qinglian.taskforce.models import Agency

    audit_unit = unit_create(actor=None, code="A-SJ", name="甲县审计局", kind="government_dept", level="county",
                             parent=tree.county_a)  # fmt: skip
    audit = Agency.objects.create(code="audit-a", name="甲县审计局", unit=audit_unit)
    org = make_user("org_supervision", tree.county_a, username="zuzhibu")
    make_user("taskforce_agency", None, unit=audit_unit, username="shenjiju")
    totp_device_for(org)

    page = new_page()
    login_via_form(page, live_server, "zuzhibu", PASSWORD)
    page.goto(live_server.url + "/joint/meetings/")
    page.get_by_role("link", name="登记会议").click()
    page.get_by_label("会议类型").select_option("quarterly")
    page.get_by_label("会议名称").fill("第四季度大监督工作分析会")
    page.get_by_label("召集单位").select_option(str(tree.county_a.pk))
    page.get_by_label("召开日期").fill("2026-12-10")
    page.get_by_label("地点").fill("组织部三楼会议室")
    page.get_by_label("召集人").fill("赵部长")
    page.get_by_label("甲县审计局").check()
    page.get_by_label("参会人员").fill("钱局长 审计局局长")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="第四季度大监督工作分析会")).to_be_visible()
    page.get_by_text("记录议定事项").click()
    page.locator("#id_text").fill("对教育系统招生领域开展专项监督")
    page.get_by_label("交办任务1").fill("报送招生领域审计发现问题清单")
    page.get_by_label("责任单位1").select_option(str(audit_unit.pk))
    page.get_by_label("完成时限1").fill("2027-01-15")
    page.get_by_role("button", name="保存议定事项").click()
    expect(page.get_by_text("交办任务1项已生成待办")).to_be_visible()
    expect(page.get_by_role("cell", name="报送招生领域审计发现问题清单")).to_be_visible()
    expect(page.get_by_role("cell", name="办理中")).to_be_visible()
    snap(page, "jointwork-meeting-decision")
    meeting = Meeting.objects.get()
    assert list(meeting.agencies.all()) == [audit]
    item = WorkItem.objects.get(kind="jointwork.assignment")
    assert item.assignee_unit == audit_unit and str(item.due_date) == "2027-01-15"

    page2 = new_page()
    login_via_form(page2, live_server, "shenjiju", PASSWORD)
    page2.goto(live_server.url + "/todo/")
    expect(page2.get_by_text("报送招生领域审计发现问题清单")).to_be_visible()
    page2.goto(live_server.url + f"/joint/meetings/{meeting.pk}/")
    expect(page2.get_by_role("heading", name="第四季度大监督工作分析会")).to_be_visible()
    expect(page2.get_by_text("记录议定事项")).to_have_count(0)
