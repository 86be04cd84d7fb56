"""The application shell as a user meets it in Chromium: sign-in, navigation, scope, sign-out.

Every test here also fails on a console error or a request leaving 127.0.0.1 (see
qinglian/testing/browser.py).
"""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from qinglian.testing.browser import PHONE, login_via_form, snap, totp_device_for, totp_token

pytestmark = pytest.mark.browser

PASSWORD = "pw-test-123456"  # what conftest's make_user gives every user
# Navigation targets that are not pages of the shell (no <h1>); each has its own test below.
OUTSIDE_SHELL = {"/api/docs/"}
TOWNSHIP_UNITS = ["甲镇", "甲镇纪委", "甲村"]
OTHER_UNITS = ["测试市", "甲县", "甲县教育局", "乙县", "乙县教育局"]


@pytest.fixture
def township_officer(tree, make_user):
    user = make_user("township_committee", tree.township, username="zhen_jiwei")
    totp_device_for(user)  # the role reads clue content: two-factor sign-in
    return user


@pytest.fixture
def administrator(tree, make_user):
    return make_user("sysadmin", tree.root, username="admin_sys")


def nav(page):
    return page.get_by_test_id("main-nav")


def unit_names(page) -> list[str]:
    # all_inner_texts() does not wait: read the rows only once the page with the table is there
    # (read right after a click, it found the previous page's none).
    rows = page.get_by_test_id("unit-table").locator("tbody tr")
    expect(rows.first).to_be_visible()
    return rows.locator("td:first-child").all_inner_texts()


def test_township_officer_passes_two_factor_and_sees_only_own_township(page, live_server, township_officer):
    login_via_form(page, live_server, "zhen_jiwei", PASSWORD)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="工作台", level=1)).to_be_visible()
    expect(nav(page).get_by_role("link", name="单位", exact=True)).to_be_visible()
    expect(nav(page).get_by_role("link", name="用户管理")).to_have_count(0)
    expect(nav(page)).not_to_contain_text("敏感角色审批")
    snap(page, "township-home")

    nav(page).get_by_role("link", name="单位", exact=True).click()
    expect(page.get_by_role("heading", name="单位", level=1)).to_be_visible()
    assert sorted(unit_names(page)) == sorted(TOWNSHIP_UNITS)
    for name in OTHER_UNITS:
        expect(page.get_by_test_id("unit-table").get_by_role("link", name=name, exact=True)).to_have_count(0)
    snap(page, "township-units")


def test_administrator_sees_user_management_and_every_unit(page, live_server, administrator, tree):
    login_via_form(page, live_server, "admin_sys", PASSWORD)

    expect(page.get_by_test_id("current-user")).to_contain_text(administrator.display_name)
    expect(nav(page).get_by_role("link", name="用户管理")).to_be_visible()
    expect(nav(page).get_by_role("link", name="单位", exact=True)).to_be_visible()
    snap(page, "admin-home")

    nav(page).get_by_role("link", name="单位", exact=True).click()
    assert sorted(unit_names(page)) == sorted(u.name for u in vars(tree).values())
    snap(page, "admin-units")

    nav(page).get_by_role("link", name="用户管理").click()
    expect(page.get_by_role("heading", name="用户管理", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("admin_sys")
    snap(page, "admin-users")


def test_township_officer_is_refused_the_user_management_page(
    page, live_server, browser_guard, township_officer
):
    login_via_form(page, live_server, "zhen_jiwei", PASSWORD)
    # Chromium logs the document's own 403 status as a console error; that one is expected.
    browser_guard.allow_console_error(r"status of 403")
    response = page.goto("/accounts/users/")
    assert response is not None and response.status == 403
    expect(page.locator("main")).to_contain_text("无权访问")
    expect(page.locator("main")).not_to_contain_text("admin_sys")


def test_logout_button_returns_to_the_login_page(page, live_server, administrator):
    login_via_form(page, live_server, "admin_sys", PASSWORD)

    with page.expect_navigation():
        page.get_by_test_id("logout").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    page.goto("/people/units/")  # the session is gone: back to the login form
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/people/units/"))


def test_phone_navigation_opens_through_the_hamburger(new_page, live_server, township_officer):
    page = new_page(viewport=PHONE)
    login_via_form(page, live_server, "zhen_jiwei", PASSWORD)
    units_link = nav(page).get_by_role("link", name="单位", exact=True)
    toggle = page.get_by_role("button", name="打开导航")

    expect(units_link).to_be_hidden()
    expect(toggle).to_be_visible()
    snap(page, "phone-closed")

    toggle.click()
    expect(page.locator("#ql-sidebar")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    expect(units_link).to_be_in_viewport()
    snap(page, "phone-open")

    units_link.click()
    expect(page).to_have_url(re.compile(r"/people/units/"))
    assert sorted(unit_names(page)) == sorted(TOWNSHIP_UNITS)
    snap(page, "phone-units")


def test_two_factor_enrolment_shows_a_qr_code_that_renders_and_accepts_the_phone_code(
    page, live_server, tree, make_user
):
    user = make_user("petitions_intake", tree.county_a, username="xinfang")
    page.goto("/accounts/login/")
    page.get_by_label("账号").fill("xinfang")
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/"))
    qr = page.get_by_role("img", name="双因素认证二维码")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code image does not render"
    snap(page, "two-factor-enrol")

    page.get_by_label("动态验证码").fill(totp_token(TOTPDevice.objects.get(user=user)))
    with page.expect_navigation():
        page.get_by_role("button", name="验证").click()
    expect(page.get_by_role("heading", name="工作台", level=1)).to_be_visible()
    assert TOTPDevice.objects.get(user=user).confirmed


@pytest.mark.parametrize(
    ("role", "anchor"),
    [("sysadmin", "root"), ("org_supervision", "root"), ("auditor", None), ("security_officer", None)],
)
def test_every_page_in_the_navigation_opens_without_browser_errors(
    page, live_server, tree, make_user, role, anchor
):
    """Catches what only a browser sees: CSP-blocked inline code, missing static files, script errors."""
    user = make_user(role, getattr(tree, anchor) if anchor else None, username=f"nav_{role}")
    totp_device_for(user)
    login_via_form(page, live_server, user.username, PASSWORD)
    links = nav(page).get_by_role("link")
    targets = [
        (links.nth(i).inner_text().strip(), links.nth(i).get_attribute("href")) for i in range(links.count())
    ]
    assert targets, f"{role} sees no navigation"
    for label, href in targets:
        if href in OUTSIDE_SHELL:
            continue
        response = page.goto(href)
        assert response is not None and response.status == 200, (
            f"{label} ({href}): {response and response.status}"
        )
        expect(page.locator("h1").first).to_be_visible()
        snap(page, f"nav-{role}-{href.strip('/').replace('/', '-')}")


def test_api_docs_page_works_under_the_content_security_policy(page, live_server, administrator):
    login_via_form(page, live_server, "admin_sys", PASSWORD)
    page.goto("/api/docs/")
    # The page fetches the schema, generated on request (over a second quiet, several under load).
    expect(page.get_by_text("/api/v1/units/").first).to_be_visible(timeout=20_000)


def test_htmx_controls_ignore_clicks_until_htmx_has_processed_the_page(page, live_server, administrator, browser_guard):
    """A click that lands before htmx has bound a control would be lost (a flaky test's cause)."""

    def pointer_events_of_an_htmx_button() -> str:
        return page.evaluate(
            """() => {
                const b = document.createElement("button");
                b.setAttribute("hx-get", "/");
                document.body.append(b);
                const value = getComputedStyle(b).pointerEvents;
                b.remove();
                return value;
            }"""
        )

    login_via_form(page, live_server, "admin_sys", PASSWORD)
    page.goto(live_server.url + "/")
    expect(page.locator("html")).not_to_have_class(re.compile("ql-booting"))
    assert pointer_events_of_an_htmx_button() == "auto"

    browser_guard.allow_console_error(r"app\.js|Failed to load resource")
    page.route("**/core/app.js", lambda route: route.abort())  # htmx loads; our "ready" never comes
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_class(re.compile("ql-booting"))
    assert pointer_events_of_an_htmx_button() == "none"
