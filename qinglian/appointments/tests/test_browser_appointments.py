"""A browser journey through one appointment case (issue 7 item 3): the organisation department opens
a case, records and closes 动议, adds a candidate, records the recommendation votes and the appraisal,
tries to close 讨论决定 and is stopped by the open gates (凡提四必), records the file review, gets the
commission's opinion, closes the decision and opens the notice. Fails on any console error or a
request leaving 127.0.0.1 (qinglian/testing/browser.py)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qinglian.appointments.models import AppointmentCase, Candidate
from qinglian.appointments.tests.conftest import issue_opinion
from qinglian.testing.browser import login_via_form, snap, totp_device_for

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123456"


def test_one_case_from_motion_to_notice(
    new_page, live_server, tree, make_user, make_cadre, spot, browser_guard
):
    browser_guard.allow_console_error(r"status of 400")  # the refused close, on purpose
    staff = make_user("org_supervision", tree.county_a, username="zuzhibu")
    cadre = make_cadre(tree.dept_a1, "周文", post_title="办公室主任", post_level="deputy_section")
    today = timezone.localdate().isoformat()
    page = new_page()
    login_via_form(page, live_server, "zuzhibu", PASSWORD, otp_device=totp_device_for(staff))
    page.goto(live_server.url + "/appointments/")
    expect(page.get_by_role("heading", name="选拔任用纪实")).to_be_visible()
    page.get_by_role("link", name="新建纪实").click()
    page.get_by_label("任职单位").select_option(str(tree.dept_a1.pk))
    page.get_by_label("拟任职务").fill("副局长")
    page.get_by_label("职务层级").select_option("deputy_section")
    page.get_by_label("动议事由").fill("副局长职位空缺")
    page.get_by_role("button", name="建立纪实").click()
    expect(page.get_by_test_id("case-status")).to_contain_text("当前环节：动议")

    page.get_by_label("日期", exact=True).fill(today)
    page.get_by_label("决定人/决定机关").fill("县委书记专题会议")
    page.get_by_label("结果").fill("启动选拔")
    page.get_by_role("button", name="保存“动议”").click()
    page.get_by_role("button", name="完结“动议”并固化").click()
    expect(page.get_by_test_id("stage-motion")).to_contain_text("已完结（已固化）")

    page.get_by_label("增加人选（姓名、拼音或身份证号后4-6位）").fill("周文")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("button", name="列为人选：周文").click()
    expect(page.get_by_test_id("candidate-周文")).to_contain_text("个人有关事项报告核查（凡提必核）")

    page.get_by_label("日期", exact=True).fill(today)
    page.get_by_label("决定人/决定机关").fill("县委组织部")
    page.get_by_label("参加人员").fill("局班子成员及中层干部40人")
    page.get_by_label("参加推荐人数").fill("40")
    page.get_by_label("周文赞成票").fill("34")
    page.get_by_label("周文不赞成票").fill("6")
    page.get_by_role("button", name="保存“民主推荐”").click()
    expect(page.get_by_test_id("candidate-周文")).to_contain_text("推荐得票率85.00%")
    page.get_by_role("button", name="完结“民主推荐”并固化").click()

    page.get_by_label("日期", exact=True).fill(today)
    page.get_by_label("决定人/决定机关").fill("考察组组长 张某")
    page.get_by_label("参加人员").fill("考察组：张某、刘某")
    page.get_by_label("考察发现").fill("政治素质好，实绩突出")
    page.get_by_role("button", name="保存“考察”").click()
    page.get_by_role("button", name="完结“考察”并固化").click()

    page.get_by_label("日期", exact=True).fill(today)
    page.get_by_label("决定人/决定机关").fill("县委常委会")
    page.get_by_label("参加人员").fill("县委常委10人")
    page.get_by_label("决定任用的人选").select_option(label="周文")
    page.get_by_label("应到会成员").fill("11")
    page.get_by_label("实到会成员").fill("10")
    page.get_by_label("同意", exact=True).fill("10")
    page.get_by_role("button", name="保存“讨论决定”").click()
    page.get_by_role("button", name="完结“讨论决定”并固化").click()
    errors = page.get_by_test_id("case-errors")
    expect(errors).to_contain_text("干部档案审核（凡提必审）未完成")
    expect(errors).to_contain_text("纪检监察机关意见（凡提必听）未完成")
    snap(page, "appointments-decision-blocked")

    page.get_by_text("记录档案审核", exact=True).click()
    page.get_by_label("审核人姓名").fill("档案室 孙某")
    page.get_by_label("未发现问题").check()
    page.get_by_role("button", name="保存档案审核").click()
    expect(page.get_by_test_id("gate-file")).to_contain_text("已通过")
    page.get_by_role("button", name="征求纪委监委廉洁意见").click()
    expect(page.get_by_test_id("gate-opinion")).to_contain_text("待纪委监委签发")
    spot.set(cadre, "consistent", timezone.localdate())
    issue_opinion(make_user, tree, Candidate.objects.get(cadre=cadre))
    page.goto(f"{live_server.url}/appointments/{AppointmentCase.objects.get().pk}/")
    expect(page.get_by_test_id("gate-opinion")).to_contain_text("已通过")
    page.get_by_role("button", name="完结“讨论决定”并固化").click()
    expect(page.get_by_test_id("case-status")).to_contain_text("当前环节：任前公示")
    expect(page.get_by_test_id("candidate-周文")).to_contain_text("决定任用")
    page.get_by_label("公示开始日期").fill(today)
    page.get_by_label("决定人/决定机关").fill("县委组织部")
    page.get_by_role("button", name="保存“任前公示”").click()
    expect(page.get_by_test_id("stage-notice")).to_contain_text(" 至 ")
    snap(page, "appointments-notice")
    assert AppointmentCase.objects.get().stages.filter(status="closed").count() == 4
