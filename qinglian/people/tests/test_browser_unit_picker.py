"""The cadre list's unit filter in Chromium: a type-ahead with JavaScript, a plain text box that
is resolved on submit without it."""

import pytest
from playwright.sync_api import expect

from qinglian.testing.browser import login_via_form, snap

pytestmark = pytest.mark.browser

PASSWORD = "pw-test-123456"  # what conftest's make_user gives every user


@pytest.fixture
def viewer(tree, make_user, make_cadre):
    make_cadre(tree.dept_a1, "张晓明")
    make_cadre(tree.dept_a2, "李娜")
    make_cadre(tree.dept_b1, "王强")
    return make_user("leadership", tree.county_a, username="lingdao_a")


def test_choose_a_unit_from_the_suggestions(page, live_server, tree, viewer):
    login_via_form(page, live_server, "lingdao_a", PASSWORD)
    page.goto(f"{live_server.url}/people/cadres/")
    box = page.get_by_label("单位（含下级）")
    box.press_sequentially("局", delay=30)
    suggestions = page.locator("[data-unit-pick-results] [data-unit-id]")
    expect(suggestions).to_have_count(3)  # 教育局, 财政局, 水利局 of county A; not 乙县教育局
    expect(page.locator("[data-unit-pick-results]")).not_to_contain_text("乙县")
    snap(page, "people-unit-picker-suggestions")
    suggestions.filter(has_text="甲县财政局").click()
    expect(box).to_have_value("甲县财政局")
    expect(suggestions).to_have_count(0)
    page.get_by_role("button", name="查询").click()
    table = page.get_by_test_id("cadre-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("李娜")
    expect(page.get_by_label("单位（含下级）")).to_have_value("甲县财政局")
    snap(page, "people-unit-picker-chosen")


def test_without_javascript_a_typed_name_filters_or_is_explained(new_page, live_server, tree, viewer):
    page = new_page(java_script_enabled=False)
    login_via_form(page, live_server, "lingdao_a", PASSWORD)
    page.goto(f"{live_server.url}/people/cadres/")
    page.get_by_label("单位（含下级）").fill("教育")
    page.get_by_role("button", name="查询").click()
    table = page.get_by_test_id("cadre-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("张晓明")
    expect(page.get_by_label("单位（含下级）")).to_have_value("甲县教育局")

    page.get_by_label("单位（含下级）").fill("局")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("search")).to_contain_text("有多个单位名称包含“局”")
    snap(page, "people-unit-picker-nojs-ambiguous")
