"""The issue's journey (issue 7): a cadre fills in the report on the page, a reviewer starts a
targeted check, sends an encrypted package, imports a return that differs; the cadre explains; a
named reviewer confirms the 瞒报, which shows on the cadre's file, and the promotion opinion for the
candidate turns to `object`. Fails on any console error or a request leaving 127.0.0.1."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from qinglian.accounts.services import role_assign
from qinglian.archive.opinions import opinion_request_create
from qinglian.declarations.items import KINDS
from qinglian.declarations.tests.factories import cadre_in
from qinglian.people.identity import reveal
from qinglian.spotchecks.models import SpotCheck
from qinglian.testing.browser import login_via_form, snap, totp_device_for

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123456"


def _return_file(tmp_path, code: str, name: str):
    wb = Workbook()
    ws = wb.active
    ws.append(["查核编号", "姓名", "不动产坐落", "建筑面积（平方米）", "产权份额（%）", "用途"])
    ws.append([code, name, "甲县城关镇幸福路1号3栋201室", "98.5", "100", "住宅"])
    ws.append([code, name, "乙县滨江花园5栋1801", "143.2", "100", "住宅"])  # not declared
    path = tmp_path / "不动产查询结果.xlsx"
    out = io.BytesIO()
    wb.save(out)
    path.write_bytes(out.getvalue())
    return path


def test_concealment_found_by_a_check_reaches_the_file_and_the_opinion(
    new_page, live_server, tree, make_user, browser_guard, tmp_path
):
    browser_guard.allow_console_error(r"status of 400")  # none expected; refused forms answer 400
    cadre = cadre_in(tree.dept_a1, "孙副局长", post_title="副局长")
    user = make_user(None, unit=tree.dept_a1, username="sunfujuzhang")
    cadre.user = user
    cadre.save(update_fields=["user"])
    role_assign(actor=None, user=user, role="cadre_self", anchor=None, reason="本人")
    year = timezone.localdate().year - 1

    # 1. The cadre fills in the annual report (the declarations app's form).
    me = new_page()
    me.set_default_timeout(60_000)  # a shared, loaded machine: htmx answers can be slow
    login_via_form(me, live_server, "sunfujuzhang", PASSWORD)
    me.goto(live_server.url + "/declarations/mine/")
    me.get_by_role("button", name=f"填报{year}年度报告").click()
    me.get_by_role("button", name=f"添加一行：{KINDS['real_estate'].label}").click()
    house = me.get_by_test_id("row-real_estate")
    expect(house).to_have_count(1, timeout=60_000)
    house.get_by_label("产权人").select_option("self")
    house.get_by_label("房产地址").fill("甲县城关镇幸福路1号3栋201室")
    house.get_by_label("房产性质").select_option("residential")
    house.get_by_label("建筑面积（平方米）").fill("98.5")
    house.get_by_label("所占份额（%）").fill("100")
    me.get_by_label("本人承诺：所报告的内容真实、准确、完整，如有漏报、瞒报，愿意承担相应责任。").check()
    me.get_by_role("button", name="提交报告").click()
    expect(me.get_by_test_id("report-status")).to_have_text("已提交（第1版，已锁定）")

    # 2. The reviewer starts a targeted check of the promotion candidate and sends a package.
    staff = make_user("org_supervision", tree.county_a, username="zuzhibu")
    office = new_page()
    office.set_default_timeout(60_000)
    login_via_form(office, live_server, "zuzhibu", PASSWORD, otp_device=totp_device_for(staff))
    office.goto(live_server.url + "/spot-checks/targeted/new/")
    expect(office.get_by_role("heading", name="发起重点核查", exact=True)).to_be_visible()
    office.get_by_label("干部身份证号").fill(reveal(cadre.id_number_enc))
    office.get_by_label("核查原因").select_option("promotion")
    office.get_by_label("核查事由").fill("拟提拔为正职，凡提必核")
    office.get_by_role("button", name="发起核查").click()
    expect(office.get_by_test_id("check-status")).to_have_text("待比对")
    office.get_by_role("link", name="发出查询委托").click()
    office.get_by_label("查询机构").select_option("real_estate")
    office.get_by_label("查询事由").fill("拟提拔人选个人有关事项报告查核")
    office.get_by_label("孙副局长（甲县教育局，提拔人选核查（凡提必核））").check()
    office.get_by_role("button", name="生成加密查询文件").click()
    expect(office.get_by_test_id("package-password")).to_be_visible()
    snap(office, "spotchecks-password")
    with office.expect_download() as download:
        office.get_by_role("link", name="下载加密查询文件").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # 3. The registry's return differs: a flat not declared. Imported whole, compared.
    office.get_by_role("link", name="查看委托、导入回复").click()
    check = SpotCheck.objects.get(cadre=cadre)
    code = check.requests.get().lines.get().code
    office.get_by_label("查询结果（.xlsx）").set_input_files(str(_return_file(tmp_path, code, "孙副局长")))
    office.get_by_role("button", name="导入并比对").click()
    expect(office.get_by_text("查询结果已导入并完成比对")).to_be_visible()
    office.get_by_role("link", name="孙副局长").click()
    expect(office.get_by_test_id("check-proposed")).to_have_text("瞒报")
    expect(office.get_by_test_id("check-status")).to_have_text("待本人说明")
    expect(office.get_by_test_id("compared-items")).to_contain_text("乙县滨江花园5栋1801")
    snap(office, "spotchecks-compared")

    # 4. The cadre explains (a to-do with a deadline).
    me.goto(live_server.url + "/spot-checks/mine/")
    me.get_by_role("link", name="提拔人选核查（凡提必核）").click()
    expect(me.get_by_test_id("explain-items")).to_contain_text("乙县滨江花园5栋1801")
    me.get_by_label("说明").fill("该房产系2024年为父母代购，产权登记在本人名下，未如实报告。")
    me.get_by_role("button", name="提交说明").click()
    expect(me.get_by_text("说明已提交")).to_be_visible()

    # 5. A named reviewer confirms the 瞒报 and its handling.
    office.reload()
    expect(office.get_by_test_id("check-status")).to_have_text("已说明（待认定）")
    office.get_by_label("认定结果").select_option("concealment")
    office.get_by_label("不得提拔使用、调整至重要岗位（影响期按规则计算）").check()
    office.get_by_label("认定人（姓名、职务）").fill("李科长（干部监督科）")
    office.get_by_role("button", name="作出认定").click()
    expect(office.get_by_test_id("check-result")).to_contain_text("瞒报")
    snap(office, "spotchecks-decided")

    # 6. The file shows it; the promotion opinion turns to object.
    office.goto(live_server.url + f"/archive/people/{cadre.pk}/")
    expect(office.get_by_text("个人有关事项瞒报").first).to_be_visible()
    req = opinion_request_create(actor=staff, purpose="promotion", as_of=timezone.localdate(), title="拟提拔人选",
                                 candidates=[cadre.pk], requesting_unit=tree.county_a)  # fmt: skip
    assert req.candidates.get().verdict == "object"
    commission = make_user("discipline_supervision", tree.county_a, username="jiwei")
    reviewer = new_page()
    reviewer.set_default_timeout(60_000)
    login_via_form(reviewer, live_server, "jiwei", PASSWORD, otp_device=totp_device_for(commission))
    reviewer.goto(live_server.url + f"/archive/opinions/{req.pk}/")  # the commission sees the draft verdict
    expect(reviewer.get_by_text("有影响（不同意）").first).to_be_visible()
    snap(reviewer, "spotchecks-opinion-object")
