"""The departure handover as the organisation department walks it (issue 7 item 5): register the
departing top leader, record each item, see that the case cannot close while an item is open, have
the successor sign, the audit agency report, and close; then find it in the departure database.
Fails on any console error or a request leaving 127.0.0.1 (qinglian/testing/browser.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qinglian.handovers import services
from qinglian.handovers.models import HandoverCase
from qinglian.people.services import unit_create
from qinglian.testing.browser import login_via_form, snap, totp_device_for

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123456"


def test_handover_from_registration_to_closing(
    new_page, live_server, tree, make_user, make_cadre, browser_guard
):
    browser_guard.allow_console_error(r"status of 400 .*/handovers/cases/\d+/close/")  # refused on purpose
    bureau = unit_create(actor=None, code="A-SJJ", name="甲县审计局", kind="government_dept", level="county",
                         parent=tree.county_a)  # fmt: skip
    make_cadre(tree.dept_a3, "钱局长", is_top_leader=True, post_title="局长")
    make_cadre(tree.dept_a3, "孙接任", post_title="副局长")
    staff = make_user("org_supervision", tree.county_a, unit=tree.county_a, username="zuzhibu")
    agency = make_user("taskforce_agency", None, unit=bureau, username="shenjiju")
    departed = (timezone.localdate() - timedelta(days=10)).isoformat()

    page = new_page()
    login_via_form(page, live_server, "zuzhibu", PASSWORD, otp_device=totp_device_for(staff))
    page.goto(live_server.url + "/handovers/")
    expect(page.get_by_role("heading", name="离任交接", exact=True)).to_be_visible()
    page.get_by_role("link", name="登记离任交接").click()
    page.get_by_label("选择离任的主要领导").fill("钱局长")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name="钱局长").click()
    page.get_by_label("离任原因").select_option("transfer")
    page.get_by_label("离任日期").fill(departed)
    page.get_by_label("接任人（本单位干部）").select_option(label="孙接任（副局长）")
    page.get_by_label("纪委监委：责任人").fill("陈纪检")
    page.get_by_label("组织部：责任人").fill("刘组工")
    page.get_by_label("审计机关：责任人").fill("周审计")
    snap(page, "handovers-new")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_role("heading", name="离任交接：钱局长")).to_be_visible()
    case = HandoverCase.objects.get()
    assert case.parts.get(body="audit").unit == bureau

    items = list(case.items.order_by("position"))
    for item in items[:-1]:
        box = page.locator(f"#item-{item.pk}")
        box.get_by_label("状态").select_option("done")
        box.get_by_label("交接内容").fill(f"{item.title}：清单已移交")
        box.get_by_role("button", name=f"保存第{item.position}项").click()
        expect(page.get_by_test_id(f"item-status-{item.position}")).to_have_text("已交接")
    page.get_by_role("button", name="办结").click()
    expect(page.get_by_test_id("obstacles")).to_contain_text("6.风险与问题")
    snap(page, "handovers-cannot-close")
    last = page.locator(f"#item-{items[-1].pk}")
    last.get_by_label("状态").select_option("na")
    last.get_by_label("备注").fill("无遗留问题")
    last.get_by_role("button", name="保存第6项").click()
    page.get_by_label("签收日期").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="签收交接清单").click()
    expect(page.get_by_test_id("case-status")).to_contain_text("接任人已签收")

    # the audit agency reports; the bodies record their parts (services: their own pages are tested elsewhere)
    services.departure_audit_save(actor=agency, case=case, auditor_unit=bureau, started_on=timezone.localdate(),
                                  reported_on=timezone.localdate(), report_number="甲审〔2026〕1号", conclusion="规范")  # fmt: skip
    for part in case.parts.all():
        services.part_update(actor=agency if part.body == "audit" else staff, part=part, person=part.person,
                             duty=part.duty, due_on=part.due_on, done_on=timezone.localdate(), result="已履职")  # fmt: skip
    page.reload()
    page.get_by_role("button", name="办结").click()
    expect(page.get_by_test_id("case-status")).to_contain_text("已办结")
    page.get_by_role("button", name="生成离任交接清单（Word / PDF）").click()
    expect(page.get_by_role("link", name="钱局长同志离任交接清单（PDF").first).to_be_visible()
    snap(page, "handovers-closed")

    page.goto(live_server.url + "/handovers/?q=钱局长&status=closed")
    expect(page.get_by_role("link", name=case.number)).to_be_visible()
    snap(page, "handovers-database")
