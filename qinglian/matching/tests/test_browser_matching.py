"""Cross-matching in Chromium (desktop): the matching manager imports a registry CSV with one bad
row, starts a run; the commission's reviewer confirms an uncertain link, reads a hit's evidence
chain and the relationship graph (ECharts); an outsider is refused. Fails on any console error or
a request leaving 127.0.0.1 (qinglian/testing/browser.py). Background tasks run on commit
(the immediate backend in tests)."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from qinglian.matching import services
from qinglian.matching.models import Hit, LinkDecision, MatchRun, PersonLink
from qinglian.registries.models import Snapshot
from qinglian.registries.tests.conftest import COMPANY_HEADERS, csv_bytes, uscc
from qinglian.testing.browser import DESKTOP, login_via_form, snap, totp_device_for

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123456"


def _registry_csv(world) -> bytes:
    headers = [*COMPANY_HEADERS, "出生日期"]
    rows = [
        # The chief's spouse, with her ID number: an exact link.
        ["甲县丽华商贸有限公司", uscc("91330100MA0000001"), "5110", "孙丽华", world.spouse_number, "法定代表人", "",
         "2020-01-01", "1972-08-09"],
        # The clerk's spouse, a 40% shareholder (the clerk is below the rule's level: no hit).
        ["乙商贸有限公司", uscc("91330100MA0000004"), "5110", "李梅", world.clerk_spouse_number, "股东", "40", "",
         "1991-01-02"],
        # Same name and birth date as the clerk, no ID number: an uncertain link.
        ["丙县明远科技有限公司", uscc("91330100MA0000002"), "6510", "钱小明", "", "法定代表人", "", "2021-05-01",
         "1990-06-07"],
        # An ID number that fails validation: excluded and reported, never guessed.
        ["丁县某某有限公司", uscc("91330100MA0000003"), "5110", "张三", "330106199913450000", "股东", "30", "",
         ""],
    ]  # fmt: skip
    return csv_bytes(headers, rows)


def test_import_run_review_evidence_graph_and_outsider(
    new_page, live_server, world, make_user, browser_guard
):
    manager = make_user("discipline_supervision", world.tree.county_a, username="bidui_guanli")
    reviewer = make_user("discipline_supervision", world.tree.county_a, username="bidui_fuhe")
    outsider = make_user("discipline_supervision", world.tree.county_b, username="yixian")
    for user in (manager, reviewer, outsider):
        totp_device_for(user)

    # The manager uploads a newer snapshot of the company registry.
    page = new_page(viewport=DESKTOP)
    login_via_form(page, live_server, "bidui_guanli", PASSWORD)
    page.goto(live_server.url + "/registries/")
    snap(page, "registries-sources")
    page.get_by_role("link", name="市场监管局企业登记").click()
    snap(page, "registries-source")
    page.get_by_label("数据日期").fill("2026-11-01")
    page.get_by_label("文件").set_input_files(
        {"name": "企业登记.csv", "mimeType": "text/csv", "buffer": _registry_csv(world)}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="上传并导入").click()
    status = page.get_by_test_id("snapshot-status")
    expect(status).to_have_attribute("data-status", "current")
    excluded = page.get_by_test_id("excluded-rows").locator("tbody tr")
    expect(excluded).to_have_count(1)
    expect(excluded.first).to_contain_text("5")  # the file's row number
    expect(page.get_by_test_id("excluded-rows")).not_to_contain_text("330106199913450000")  # masked
    snap(page, "registries-snapshot-excluded")
    current = Snapshot.objects.get(status="current")
    assert current.imported_rows == 3 and current.excluded_rows == 1
    assert not Snapshot.objects.filter(pk=world.snap.pk, status="current").exists()

    # A full run: it executes on commit and lands on its page.
    page.goto(live_server.url + "/matching/runs/")
    page.get_by_label("类型").select_option("full")
    page.get_by_role("button", name="发起比对").click()
    expect(page.locator("#run-status")).to_contain_text("已完成")
    snap(page, "matching-run")
    run = MatchRun.objects.get()
    uncertain = PersonLink.objects.get(run=run, cadre=world.clerk, relative=None)
    assert uncertain.status == "uncertain" and uncertain.method == "name"

    # The reviewer confirms the uncertain link.
    rpage = new_page(viewport=DESKTOP)
    login_via_form(rpage, live_server, "bidui_fuhe", PASSWORD)
    rpage.goto(live_server.url + "/matching/review/")
    rpage.get_by_role("row", name="钱小明").get_by_role("link", name="核对").click()
    expect(rpage.get_by_role("heading", name="人员关联：钱小明")).to_be_visible()
    snap(rpage, "matching-link")
    rpage.get_by_label("确认是同一人").check()
    rpage.get_by_label("理由").fill("核对出生日期和任职记录，确为本人")
    rpage.get_by_role("button", name="保存决定").click()
    expect(rpage.get_by_text("已记录，下次比对时生效")).to_be_visible()
    assert LinkDecision.objects.get().decision == "confirm"

    # The next (incremental) run uses the decision: the clerk's own company is now a hit.
    page.goto(live_server.url + "/matching/runs/")
    page.get_by_label("类型").select_option("incremental")
    page.get_by_role("button", name="发起比对").click()
    expect(page.locator("#run-status")).to_contain_text("已完成")
    assert Hit.objects.filter(cadre=world.clerk, rule="matching.business").exists()
    expect(page.get_by_test_id("run-counts")).to_contain_text("其中：自动采信或已确认（规则使用）")
    snap(page, "matching-run-incremental")
    page.goto(live_server.url + "/matching/runs/")
    snap(page, "matching-runs")
    # The unit → region table of the retired-cadre rule.
    page.goto(live_server.url + "/matching/regions/")
    page.get_by_label("单位代码").fill("A")
    page.get_by_label("行政区划代码（前缀）").fill("330106")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("regions")).to_contain_text("甲县")
    snap(page, "matching-regions")

    # The reviewer opens the chief's hit: the evidence chain names each row it rests on.
    rpage.goto(live_server.url + "/matching/")
    expect(rpage.get_by_role("heading", name="大数据比对线索")).to_be_visible()
    snap(rpage, "matching-hits")
    rpage.get_by_role("link", name="在“甲县丽华商贸有限公司”登记为法定代表人", exact=False).click()
    expect(rpage.locator("#evidence li")).to_have_count(3)
    expect(rpage.locator("#evidence")).to_contain_text("市场监管局企业登记 2026-11-01 第2行")
    snap(rpage, "matching-hit")
    hit_url = rpage.url
    rpage.get_by_role("link", name="查看关系图谱").click()
    expect(rpage.locator("#match-graph canvas")).to_have_count(1)
    expect(rpage.locator("#match-graph canvas")).to_be_visible()
    expect(rpage.locator("#graph-edges")).to_contain_text("甲县丽华商贸有限公司")
    expect(rpage.locator("#graph-edges")).to_contain_text(f"（快照{current.pk}）第2行")
    snap(rpage, "matching-graph")

    # An outsider (another county's commission) sees neither the hit nor the graph.
    browser_guard.allow_console_error("404")
    opage = new_page(viewport=DESKTOP)
    login_via_form(opage, live_server, "yixian", PASSWORD)
    opage.goto(live_server.url + "/matching/")
    expect(opage.get_by_role("heading", name="大数据比对线索")).to_be_visible()
    expect(opage.locator("main")).not_to_contain_text("赵建国")
    assert opage.goto(hit_url).status == 404
    assert opage.goto(f"{live_server.url}/matching/graph/cadre/{world.chief.pk}/").status == 404


def test_reviewer_confirms_hit_into_the_archive(new_page, live_server, world, make_user):
    run = services.run_request(actor=world.admin, enqueue=False)
    assert services.run_execute(run, as_of=date(2026, 11, 20)).status == "succeeded"
    reviewer = make_user("discipline_supervision", world.tree.county_a, username="bidui")
    totp_device_for(reviewer)
    page = new_page(viewport=DESKTOP)
    login_via_form(page, live_server, "bidui", PASSWORD)
    page.goto(live_server.url + "/matching/")
    page.get_by_role("link", name="在“甲县丽华商贸有限公司”登记为法定代表人", exact=False).click()
    page.get_by_label("说明").fill("调取工商档案核实，确为其配偶任法定代表人")
    page.get_by_role("button", name="核实属实，转入档案待审核").click()
    expect(page.get_by_text("已核实，事实已转入档案待审核")).to_be_visible()
    hit = Hit.objects.get()
    assert hit.status == "handled" and hit.entry.kind.code == "external.registry_match"
