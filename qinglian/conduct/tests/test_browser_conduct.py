"""The cadre's family-event pre-report on a phone (issue 6 item 5): sign in, open the self-service
page, see the caps, correct a refused form, file a report beyond the caps and read the result with
the rule it breaks; the supervision office then sees it flagged. Fails on any console error or a
request leaving 127.0.0.1 (qinglian/testing/browser.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qinglian.accounts.services import role_assign
from qinglian.archive.models import ArchiveEntry
from qinglian.conduct.models import FamilyEvent
from qinglian.testing.browser import PHONE, login_via_form, snap, totp_device_for

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123456"


def test_family_event_pre_report_on_a_phone(
    new_page, live_server, tree, make_user, make_cadre, browser_guard
):
    browser_guard.allow_console_error(r"status of 400 .*/conduct/mine/new/")  # the refused form, on purpose
    cadre = make_cadre(tree.dept_a1, "吴科长", post_title="科长")
    user = make_user(None, unit=tree.dept_a1, username="wukezhang")
    cadre.user = user
    cadre.save(update_fields=["user"])
    role_assign(actor=None, user=user, role="cadre_self", anchor=None, reason="本人")
    when = (timezone.localdate() + timedelta(days=30)).isoformat()

    page = new_page(viewport=PHONE)
    login_via_form(page, live_server, "wukezhang", PASSWORD)
    page.goto(live_server.url + "/conduct/mine/")
    expect(page.get_by_text("宴席不超过15桌")).to_be_visible()
    page.get_by_role("link", name="新的报备").click()
    page.get_by_label("事项").select_option("wedding")
    page.get_by_label("当事人及关系").fill("儿子 吴某某 结婚")
    page.get_by_label("举办日期").fill(when)
    page.get_by_label("举办地点").fill("县城某酒店")
    page.get_by_label("宴席桌数").fill("18")
    page.get_by_label("邀请人数").fill("160")
    page.get_by_label("使用车辆数").fill("6")
    page.get_by_label("费用承担").select_option("other")
    page.get_by_role("button", name="提交报备").click()
    expect(page.get_by_text("请填写费用说明", exact=True)).to_be_visible()  # refused, nothing filed
    assert not FamilyEvent.objects.exists()
    snap(page, "conduct-phone-event-refused")
    page.get_by_label("费用说明（选择“其他”时必填）").fill("双方父母共同承担")
    page.get_by_role("button", name="提交报备").click()
    result = page.get_by_test_id("event-result")
    expect(result).to_contain_text("超出规定")
    expect(result).to_contain_text("宴席桌数18桌，超过上限15桌")
    expect(result).to_contain_text("使用车辆数6辆，超过上限5辆")
    expect(result).to_contain_text("默认值，依据待核实")
    snap(page, "conduct-phone-event-result")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"] + 1
    event = FamilyEvent.objects.get()
    assert event.flagged and ArchiveEntry.objects.get(person=cadre).kind.code == "info.family_event"

    staff = make_user("discipline_supervision", tree.county_a, username="jiwei")
    office = new_page()
    login_via_form(office, live_server, "jiwei", PASSWORD, otp_device=totp_device_for(staff))
    office.goto(live_server.url + "/conduct/family-events/?flagged=1")
    expect(office.get_by_role("link", name="吴科长")).to_be_visible()
    snap(office, "conduct-office-events")
    office.get_by_role("link", name="吴科长").click()
    expect(office.get_by_test_id("event-result")).to_contain_text("超出规定")
    expect(office.locator("main")).to_contain_text("双方父母共同承担")
    office.goto(live_server.url + "/conduct/lists/")
    expect(office.get_by_role("heading", name="领导干部“八小时以外”负面清单")).to_be_visible()
    snap(office, "conduct-office-lists")


def test_finding_from_record_to_decision_and_the_printable_family_lists(new_page, live_server, tree, make_user,
                                                                        make_cadre):  # fmt: skip
    make_cadre(tree.dept_a1, "郑局长", is_top_leader=True, post_title="局长")
    staff = make_user("org_supervision", tree.county_a, username="zuzhibu")
    page = new_page()
    login_via_form(page, live_server, "zuzhibu", PASSWORD, otp_device=totp_device_for(staff))
    page.goto(live_server.url + "/conduct/findings/new/")
    page.get_by_label("选择干部（姓名、拼音或身份证号后4-6位）").fill("郑局长")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name="郑局长").click()
    page.get_by_label("负面清单条目").select_option("leader_negative:3")
    page.get_by_label("发生日期").fill(timezone.localdate().isoformat())
    page.get_by_label("问题事实").fill("周末在茶楼以打牌为名赌博，输赢数千元")
    page.get_by_label("发现途径").fill("明察暗访")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_test_id("finding-status")).to_have_text("已登记（待听取本人说明）")
    page.get_by_label("本人说明（本人未作说明的，写明情况）").fill("承认参与，已深刻检讨")
    page.get_by_label("听取说明日期").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="保存说明").click()
    page.get_by_label("认定（记入廉政档案，黄点）").check()
    page.get_by_label("认定人（姓名或会议）").fill("县委组织部部务会")
    page.get_by_label("认定意见").fill("情况属实，予以认定")
    page.get_by_role("button", name="作出认定").click()
    expect(page.get_by_test_id("finding-status")).to_have_text("已认定")
    snap(page, "conduct-finding-confirmed")
    entry = ArchiveEntry.objects.get(kind__code="conduct.finding")
    assert entry.colour == "yellow" and "以打牌等名义变相赌博" in entry.summary

    page.goto(live_server.url + "/conduct/briefings/new/")
    page.get_by_label("选择干部（姓名、拼音或身份证号后4-6位）").fill("郑局长")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name="郑局长").click()
    page.get_by_label("接收家属").fill("配偶 林某")
    page.get_by_label("岗位廉政红线（每行一条，结合干部岗位填写）").fill(
        "不得插手招生录取\n不得接受教辅材料商宴请"
    )
    page.get_by_label("交底日期").fill(timezone.localdate().isoformat())
    page.get_by_label("交底人").fill("县纪委监委 王某")
    page.get_by_role("button", name="保存并打印").click()
    expect(page.get_by_role("heading", name="家庭助廉“三交底”清单")).to_be_visible()
    expect(page.get_by_text("不得插手招生录取")).to_be_visible()
    snap(page, "conduct-briefing-print")
