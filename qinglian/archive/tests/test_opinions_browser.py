"""The integrity-opinion journey in Chromium: the organisation department asks about three
candidates, the commission changes one verdict with a reason, another leader issues it, and the
requester reads the answer and downloads the letter. Fails on any console error or request out."""

from datetime import date

import pytest
from docx import Document as Docx
from playwright.sync_api import expect

from qinglian.archive.models import OpinionRequest
from qinglian.testing.browser import login_via_form, snap, totp_device_for

pytestmark = pytest.mark.browser

PASSWORD = "pw-test-123456"


@pytest.fixture
def cast(tree, make_user, make_cadre, record):
    users = {
        "zuzhi": make_user("org_supervision", tree.county_a, unit=tree.county_a, username="zuzhi"),
        "jiancha": make_user("discipline_supervision", tree.county_a, unit=tree.jw_a, username="jiancha"),
        "lingdao": make_user("case_management", tree.county_a, unit=tree.jw_a, username="lingdao"),
    }
    for user in users.values():
        totp_device_for(user)
    clean = make_cadre(tree.dept_a1, "王清白", post_title="科长")
    admonished = make_cadre(tree.dept_a1, "赵诫勉", post_title="副科长")
    pending = make_cadre(tree.dept_a2, "钱待查", post_title="科员")
    record(admonished, "handling.admonishment", date(2026, 3, 1))
    record(pending, "case.opened", date(2026, 5, 1))
    return users, [clean, admonished, pending]


def test_request_review_with_a_reason_issue_and_download_the_letter(
    new_page, live_server, cast, tmp_path, browser_guard
):
    users, (clean, admonished, pending) = cast
    browser_guard.allow_console_error(r"status of 400 .*/review/")  # the change without a reason, on purpose
    requester = new_page()
    login_via_form(requester, live_server, "zuzhi", PASSWORD)
    requester.get_by_test_id("main-nav").get_by_role("link", name="廉洁意见").click()
    requester.get_by_test_id("opinion-new").click()
    requester.get_by_label("查找干部").fill("王清白")
    requester.get_by_role("button", name="查找").click()
    requester.get_by_label(f"王清白（{clean.unit.name}科长，{clean.id_masked}）").check()
    requester.get_by_label("事由").fill("2026年科级干部提拔")
    requester.get_by_label("基准日期").fill("2026-06-30")
    requester.get_by_label("粘贴身份证号").fill(f"{admonished.test_id_number}\n{pending.test_id_number}\n")
    with requester.expect_navigation():
        requester.get_by_role("button", name="生成意见草稿").click()
    expect(requester.get_by_test_id("opinion-pending")).to_contain_text("纪委监委正在审核")
    req = OpinionRequest.objects.get()
    assert [c.draft_verdict for c in req.candidates.all()] == ["clear", "object", "postpone"]
    snap(requester, "opinion-requested")

    reviewer = new_page()
    login_via_form(reviewer, live_server, "jiancha", PASSWORD)
    reviewer.goto(f"{live_server.url}/archive/opinions/")
    reviewer.get_by_test_id("opinion-table").get_by_role("link", name="2026年科级干部提拔").click()
    table = reviewer.get_by_test_id("candidate-table")
    expect(table).to_contain_text("诫勉")
    expect(table).to_contain_text("立案审查调查")
    reviewer.locator("select[name=verdict_2]").select_option("postpone")
    with reviewer.expect_navigation():
        reviewer.get_by_test_id("review-submit").click()
    expect(reviewer.locator(".invalid-feedback, .alert-danger").first).to_contain_text("须写明理由")
    reviewer.locator("select[name=verdict_2]").select_option("postpone")
    reviewer.locator("textarea[name=reason_2]").fill("诫勉影响期内另有待核实事项，暂缓")
    with reviewer.expect_navigation():
        reviewer.get_by_test_id("review-submit").click()
    expect(reviewer.get_by_test_id("opinion-status")).to_have_text("已审核待审批")
    snap(reviewer, "opinion-reviewed")

    leader = new_page()
    login_via_form(leader, live_server, "lingdao", PASSWORD)
    leader.goto(f"{live_server.url}/archive/opinions/{req.pk}/")
    leader.get_by_label("签发领导").fill("王书记")
    with leader.expect_navigation():
        leader.get_by_test_id("approve-submit").click()
    expect(leader.get_by_test_id("opinion-status")).to_have_text("已签发")

    requester.reload()
    table = requester.get_by_test_id("candidate-table")
    expect(table).to_contain_text("暂缓")
    expect(table).to_contain_text("有待核实事项")
    expect(table).not_to_contain_text("立案审查调查")
    with requester.expect_download() as download:
        requester.get_by_test_id("opinion-letter").get_by_role("link", name="下载回复函（Word 文档）").click()
    path = tmp_path / "letter.docx"
    download.value.save_as(path)
    text = "\n".join(p.text for p in Docx(path).paragraphs)
    assert "关于王清白等3名同志党风廉政情况的意见回复" in text.replace(" ", "")
    snap(requester, "opinion-issued")
