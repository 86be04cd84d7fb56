"""The disposal page in Chromium: a handler proposes a written inquiry through the panel, a second
leader approves it; the page shows an inquiry letter under way, with no console error."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qinglian.intake import disposal as d
from qinglian.intake.models import Clue
from qinglian.intake.tests.disposal_helpers import assigned_clue
from qinglian.testing.browser import login_via_form, snap, totp_device_for

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123456"


def test_propose_and_approve_an_inquiry_in_the_panel(
    new_page, live_server, staff, tree, make_cadre, make_report
):
    clue, _ = assigned_clue(staff, tree, make_cadre, make_report)
    for user in (staff.supervisor, staff.case):
        totp_device_for(user)
    url = f"{live_server.url}/intake/clues/{clue.pk}/disposal/"

    page = new_page()
    login_via_form(page, live_server, "supervisor", PASSWORD)
    page.goto(url)
    page.get_by_text("提出处置意见", exact=True).click()
    form = page.get_by_test_id("disposal-form-propose")
    form.get_by_label("处置方式").select_option("inquiry")
    form.get_by_label("集体研究会议").fill("委务会")
    form.get_by_label("参会人员").fill("张书记、李副书记")
    form.get_by_label("研究意见").fill("同意函询")
    with page.expect_navigation():
        form.get_by_role("button", name="提交集体研究意见").click()
    expect(page.get_by_test_id("disposal-list")).to_contain_text("待审批")

    leader = new_page()
    login_via_form(leader, live_server, "case", PASSWORD)
    leader.goto(url)
    form = leader.get_by_test_id("disposal-form-decide")
    form.locator("select[name=approve]").select_option("1")
    with leader.expect_navigation():
        form.get_by_role("button", name="提交审批意见").click()
    expect(leader.get_by_test_id("clue-status")).to_have_text("谈话函询")
    assert Clue.objects.get(pk=clue.pk).status == Clue.Status.INQUIRY

    # A letter under way: summary reviewed by a second person, letter generated and sent.
    clue.refresh_from_db()
    inquiry = d.inquiry_start(actor=staff.supervisor2, clue=clue, subject=clue.subjects.get(), form="letter")
    d.inquiry_summary_write(
        actor=staff.supervisor2, inquiry=inquiry, summary="反映你在工程项目中为亲属提供便利。"
    )
    d.inquiry_summary_review(actor=staff.supervisor, inquiry=inquiry)
    d.inquiry_letter_generate(actor=staff.supervisor2, inquiry=inquiry, number_prefix="甲纪函")
    d.inquiry_send(actor=staff.supervisor2, inquiry=inquiry, sent_on=timezone.localdate())
    leader.goto(url)
    expect(leader.get_by_test_id(f"inquiry-{inquiry.pk}")).to_contain_text("回复期限")
    expect(leader.get_by_test_id(f"inquiry-{inquiry.pk}")).to_contain_text("甲纪函")
    snap(leader, "intake_disposal_inquiry")
