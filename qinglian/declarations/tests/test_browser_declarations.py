"""The cadre fills in the annual personal-matters report on the page (issue 7 item 1): start the
report, add rows, see an impossible value refused as it is typed, keep a draft, submit, read the
locked version; the declared job reaches the relatives registry and the organisation department
reads the report. Fails on any console error or a request leaving 127.0.0.1."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qinglian.accounts.services import role_assign
from qinglian.declarations.items import KINDS
from qinglian.declarations.models import Declaration
from qinglian.declarations.tests.factories import cadre_in
from qinglian.people.models import Relative
from qinglian.testing.browser import login_via_form, snap, totp_device_for

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123456"


def test_cadre_fills_in_the_annual_report(new_page, live_server, tree, make_user, browser_guard):
    browser_guard.allow_console_error(r"status of 400 .*/declarations/mine/\d+/edit/")  # the refused submit
    cadre = cadre_in(tree.dept_a1, "孙副局长", post_title="副局长")
    user = make_user(None, unit=tree.dept_a1, username="sunfujuzhang")
    cadre.user = user
    cadre.save(update_fields=["user"])
    role_assign(actor=None, user=user, role="cadre_self", anchor=None, reason="本人")
    year = timezone.localdate().year - 1

    page = new_page()
    login_via_form(page, live_server, "sunfujuzhang", PASSWORD)
    page.goto(live_server.url + "/declarations/mine/")
    expect(page.get_by_text("您属于个人有关事项报告对象")).to_be_visible()
    page.get_by_role("button", name=f"填报{year}年度报告").click()
    expect(page.get_by_role("heading", name=f"{year}年度个人有关事项报告")).to_be_visible()

    page.get_by_role("button", name=f"添加一行：{KINDS['real_estate'].label}").click()
    house = page.get_by_test_id("row-real_estate")
    expect(house).to_have_count(1)
    house.get_by_label("产权人").select_option("self")
    house.get_by_label("房产地址").fill("甲县城关镇幸福路1号3栋201室")
    house.get_by_label("房产性质").select_option("residential")
    house.get_by_label("建筑面积（平方米）").fill("-98.5")
    house.get_by_label("建筑面积（平方米）").press("Tab")
    expect(house.get_by_text("面积不能为负数")).to_be_visible()  # checked as typed, nothing saved
    snap(page, "declarations-row-refused")
    house.get_by_label("建筑面积（平方米）").fill("98.5")
    house.get_by_label("所占份额（%）").fill("100")
    house.get_by_label("所占份额（%）").press("Tab")
    expect(house.get_by_test_id("row-ok")).to_be_visible()
    expect(house.get_by_text("面积不能为负数")).to_have_count(0)

    page.get_by_role("button", name=f"添加一行：{KINDS['family_jobs'].label}").click()
    job = page.get_by_test_id("row-family_jobs")
    job.get_by_label("关系").select_option("spouse")
    job.get_by_label("姓名").fill("周某")
    job.locator("input[name$='-employer']").fill("甲县第一中学")
    job.get_by_label("职务/职业").fill("教师")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    d = Declaration.objects.get(cadre=cadre)
    assert d.status == "draft" and d.items.count() == 2

    page.get_by_role("button", name="提交报告").click()  # without the pledge: refused
    expect(page.get_by_text("提交前请勾选本人承诺")).to_be_visible()
    page.get_by_label("本人承诺：所报告的内容真实、准确、完整，如有漏报、瞒报，愿意承担相应责任。").check()
    page.get_by_role("button", name="提交报告").click()
    expect(page.get_by_test_id("report-status")).to_have_text("已提交（第1版，已锁定）")
    expect(page.get_by_role("cell", name="甲县城关镇幸福路1号3栋201室")).to_be_visible()
    expect(page.get_by_role("cell", name="98.50")).to_be_visible()
    snap(page, "declarations-submitted")
    d.refresh_from_db()
    assert d.locked and d.version == 1
    spouse = Relative.objects.get(cadre=cadre, relation="spouse")
    assert (spouse.name, spouse.employer_name, spouse.source) == ("周某", "甲县第一中学", "declared")

    staff = make_user("org_supervision", tree.county_a, username="zuzhibu")
    office = new_page()
    login_via_form(office, live_server, "zuzhibu", PASSWORD, otp_device=totp_device_for(staff))
    office.goto(live_server.url + "/declarations/")
    expect(office.get_by_role("row", name="孙副局长")).to_contain_text("已提交")
    office.goto(live_server.url + "/declarations/reports/")
    office.get_by_role("link", name="孙副局长").click()
    expect(office.get_by_role("cell", name="甲县第一中学")).to_be_visible()
    snap(office, "declarations-office-report")
