"""The inspection office's journey (issue 8): plan a cross round, form teams, see a recusal found
from posts history, assign, record a finding that becomes a clue and a rectification item, pass
its three gates. Fails on any console error or a request leaving 127.0.0.1."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from qinglian.accounts.services import role_assign
from qinglian.inspections import pools, services
from qinglian.inspections.models import Finding, Rectification
from qinglian.intake.models import Clue
from qinglian.people.models import Post
from qinglian.people.services import unit_create
from qinglian.testing.browser import login_via_form, snap, totp_device_for

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123456"


def test_cross_round_recusal_finding_clue_and_three_gates(new_page, live_server, tree, make_user, make_cadre):
    county_c = unit_create(
        actor=None, code="C", name="丙县", kind="jurisdiction", level="county", parent=tree.root
    )
    dept_c1 = unit_create(actor=None, code="C-D1", name="丙县教育局", kind="government_dept", level="county",
                          parent=county_c)  # fmt: skip
    office = make_user("inspection_office", tree.root, username="xunchaban")
    role_assign(
        actor=None, user=office, role="discipline_supervision", anchor=tree.root, reason="巡察办设在纪委"
    )
    services.plan_create(
        actor=office, kind="annual", title="市委2026年巡察计划", owner_unit=tree.root, start_year=2026
    )
    leaders = {}
    for unit, name in ((tree.dept_a2, "甲组长"), (tree.dept_b1, "乙组长"), (dept_c1, "丙组长")):
        leaders[name] = pools.inspector_enter(
            actor=office, cadre=make_cadre(unit, name), pool="leader", reason="入库"
        )
    Post.objects.create(cadre=leaders["丙组长"].cadre, unit=tree.dept_a1, title="副局长", level="deputy_section",
                        start_date=date(2015, 1, 1), end_date=date(2019, 1, 1))  # fmt: skip
    suspect = make_cadre(tree.dept_a1, "孙科长")

    page = new_page()
    login_via_form(page, live_server, "xunchaban", PASSWORD, otp_device=totp_device_for(office))
    page.goto(live_server.url + "/inspections/")
    expect(page.get_by_role("heading", name="巡察", exact=True)).to_be_visible()
    page.get_by_role("link", name="新建巡察轮次").click()
    page.get_by_label("年度计划").select_option(label="市委2026年巡察计划")
    page.locator("#id_number").fill("1")
    page.get_by_label("巡察类型").select_option(label="交叉巡察")
    page.get_by_label("进驻日期").fill("2026-11-01")
    page.get_by_label("结束日期").fill("2026-12-31")
    page.get_by_label("巡察对象（单位代码，每行一个）").fill("A-D1\nB-D1\nC-D1")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("轮次已建立")).to_be_visible()
    for team, leader in (("第一组", "甲组长"), ("第二组", "乙组长"), ("第三组", "丙组长")):
        page.get_by_role("link", name="组建巡察组").click()
        page.get_by_label("组名").fill(team)
        page.get_by_label("组长（组长库）").select_option(label=f"{leader}（组长库）")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_text("巡察组已组建")).to_be_visible()
    page.get_by_role("button", name="查找回避情形并自动分配").click()
    recusals = page.locator("#recusals")
    expect(recusals).to_contain_text("丙组长")
    expect(recusals).to_contain_text("曾在该单位任职")
    expect(page.locator("#assignment-run")).to_contain_text("已求得最优解")
    targets = page.locator("#targets")
    expect(targets.locator("tr", has_text="甲县教育局")).to_contain_text(
        "第二组"
    )  # 丙 recused, 甲 own county
    snap(page, "inspections-round-assigned")

    page.get_by_role("link", name="记录发现问题").click()
    page.get_by_label("被巡察单位").select_option(label="甲县教育局")
    page.get_by_label("涉及人员（如有）").select_option(label="孙科长")
    page.locator("#id_text").fill("孙科长在校舍维修项目中接受施工方宴请，项目资金未经集体研究")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("问题已记录")).to_be_visible()
    page.get_by_role("button", name="移交线索").click()
    expect(page.locator("#finding-clue")).to_contain_text("线")
    page.get_by_label("确认人（具名）").fill("巡察办主任 赵六")
    page.get_by_label("整改类别（四字诀）").select_option(label="建（建章立制）")
    page.get_by_label("整改措施（可由责任单位填写）").fill("修订项目资金集体决策制度")
    page.get_by_role("button", name="确认并转整改").click()
    expect(page.locator("#finding-rect")).to_contain_text("待启动")

    finding = Finding.objects.get()
    clue = Clue.objects.get(pk=finding.clue_id)
    assert clue.source == Clue.Source.INSPECTION and clue.subjects.filter(cadre=suspect).exists()
    rect = Rectification.objects.get(finding=finding)
    page.goto(f"{live_server.url}/inspections/rectifications/{rect.pk}/")
    for gate, evidence in (
        ("启动关", "召开党组会部署整改"),
        ("推进关", "制度已修订印发"),
        ("验收关", "现场核查，资料齐全"),
    ):
        page.get_by_label("佐证材料说明").fill(evidence)
        page.get_by_role("button", name=f"通过{gate}").click()
        expect(page.get_by_text(f"已通过{gate}")).to_be_visible()
    expect(page.locator("#rect-status")).to_have_text("已验收（销号）")
    snap(page, "inspections-rectification-accepted")
    rect.refresh_from_db()
    assert rect.status == Rectification.Status.ACCEPTED and rect.gates.count() == 3
