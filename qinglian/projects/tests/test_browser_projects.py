"""A special project's item from dispatch to verification, in the browser: the organiser dispatches
it, the township commission reports it closed with evidence, the verifier returns it once with a
reason, the township reports again, and it passes (issue 9). Fails on any console error or a
request leaving 127.0.0.1 (qinglian/testing/browser.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qinglian.projects.models import DispatchItem
from qinglian.projects.tests.conftest import pdf_bytes
from qinglian.projects.tests.test_special_projects import make_project
from qinglian.testing.browser import login_via_form, snap, totp_device_for

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123456"


def test_dispatch_close_return_and_verify(new_page, live_server, tree, make_user, tmp_path):
    zuzhi = make_user("org_supervision", tree.county_a, username="zuzhibu")
    township = make_user("township_committee", tree.township, username="zhenjiwei")
    for u in (zuzhi, township):
        totp_device_for(u)
    pj = type("PJ", (), {"zuzhi": zuzhi, "tree": tree})
    project = make_project(pj, title="政府投资项目招投标专项监督")
    evidence = tmp_path / "核查报告.pdf"
    evidence.write_bytes(pdf_bytes("report"))

    page = new_page()
    login_via_form(page, live_server, "zuzhibu", PASSWORD)
    page.goto(live_server.url + "/projects/")
    expect(page.get_by_role("heading", name="专项监督成效")).to_be_visible()
    page.goto(live_server.url + f"/projects/{project.pk}/")
    form = page.get_by_test_id("dispatch-form")
    form.get_by_label("承办单位").select_option(str(tree.township.pk))
    form.get_by_label("协同力量（巡察组、乡镇纪委等）").fill("第二巡察组")
    form.get_by_label("派单事项").fill("核查乡镇自建项目是否化整为零规避招标")
    form.get_by_label("办理期限").fill((timezone.localdate() + timedelta(days=20)).isoformat())
    form.get_by_role("button", name="派单").click()
    expect(page.get_by_text("已派单（第1单）")).to_be_visible()
    item = DispatchItem.objects.get()
    assert item.workitem.assignee_unit == tree.township

    page2 = new_page()
    login_via_form(page2, live_server, "zhenjiwei", PASSWORD)
    page2.goto(live_server.url + "/projects/mine/")
    page2.get_by_role("link", name="核查乡镇自建项目是否化整为零规避招标").click()
    report = page2.get_by_test_id("report-form")
    report.get_by_label("办理情况").fill("排查项目23个，发现拆分发包2个，已整改1个。")
    report.get_by_label("发现问题（个）").fill("2")
    report.get_by_label("整改问题（个）").fill("1")
    report.get_by_label("挽回（追缴）资金（元）").fill("86000")
    report.get_by_label("佐证材料").set_input_files(str(evidence))
    report.get_by_role("button", name="报结").click()
    expect(page2.get_by_text("已报结，等待验单")).to_be_visible()
    expect(page2.get_by_test_id("item-status")).to_have_text("已报结待验单")

    page.goto(live_server.url + f"/projects/items/{item.pk}/")
    verify = page.get_by_test_id("verify-form")
    verify.get_by_label("退回", exact=True).check()
    verify.get_by_label("验单意见/退回理由").fill("还有1个问题未整改，请整改后再报")
    verify.get_by_role("button", name="提交验单结论").click()
    expect(page.get_by_text("已退回承办单位")).to_be_visible()
    expect(page.get_by_test_id("return-reason")).to_have_text("还有1个问题未整改，请整改后再报")

    page2.reload()
    expect(page2.get_by_test_id("return-reason")).to_be_visible()
    report = page2.get_by_test_id("report-form")
    report.get_by_label("办理情况").fill("2个问题均已整改，附整改报告。")
    report.get_by_label("发现问题（个）").fill("2")
    report.get_by_label("整改问题（个）").fill("2")
    report.get_by_label("挽回（追缴）资金（元）").fill("86000")
    report.get_by_role("button", name="报结").click()
    expect(page2.get_by_text("已报结，等待验单")).to_be_visible()

    page.reload()
    verify = page.get_by_test_id("verify-form")
    verify.get_by_label("通过", exact=True).check()
    verify.get_by_role("button", name="提交验单结论").click()
    expect(page.get_by_test_id("item-status")).to_have_text("验单通过")
    snap(page, "projects-item-verified")
    item.refresh_from_db()
    assert item.status == "verified" and item.times_returned == 1 and item.problems_rectified == 2
    page.goto(live_server.url + "/projects/")
    expect(page.get_by_test_id("found")).to_have_text("2")
