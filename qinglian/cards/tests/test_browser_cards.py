"""The recipient's journey on a phone (issue 6): open the card from its QR link, sign in, acknowledge,
report on every item; the supervision office then sees the report. Fails on any console error or a
request leaving 127.0.0.1 (qinglian/testing/browser.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from qinglian.accounts.services import role_assign
from qinglian.cards import services
from qinglian.cards.models import Card
from qinglian.testing.browser import PHONE, login_via_form, snap

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123456"


def test_open_card_from_link_acknowledge_and_report_on_a_phone(
    new_page, live_server, tree, make_user, make_cadre
):
    org = make_user("org_supervision", tree.county_a)
    boss = make_cadre(tree.dept_a1, "周局长", is_top_leader=True, post_title="局长")
    boss_user = make_user(None, unit=tree.dept_a1, username="zhoujuzhang")
    boss.user = boss_user
    boss.save(update_fields=["user"])
    role_assign(actor=None, user=boss_user, role="cadre_self", anchor=None, reason="本人")
    batch = services.batch_create(actor=org, year=2026, quarter=4, issuing_body=tree.county_a,
                                  scope_unit=tree.county_a, recipient_types=["top_leader"])  # fmt: skip
    services.batch_issue(actor=org, batch=batch)
    card = batch.cards.get()
    link = f"/cards/c/{services.card_token(card)}/"

    page = new_page(viewport=PHONE)
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", name="主体责任提醒卡")).to_be_visible()
    expect(page.get_by_text("周局长")).to_be_visible()
    page.get_by_role("link", name="接收人登录后签收、报告").click()
    login_via_form(page, live_server, "zhoujuzhang", PASSWORD)
    page.goto(live_server.url + link)
    page.get_by_role("button", name="签收").click()
    expect(page.get_by_text("已签收")).to_be_visible()
    expect(page.get_by_role("button", name="提交本季度落实情况")).to_be_visible()
    boxes = page.get_by_role("textbox")
    assert boxes.count() >= 1
    for i in range(boxes.count()):
        boxes.nth(i).fill(f"本季度已落实第{i + 1}项")
    snap(page, "cards-phone-report")
    page.get_by_role("button", name="提交本季度落实情况").click()
    expect(page.get_by_text("已提交本季度落实情况报告")).to_be_visible()
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"] + 1
    card.refresh_from_db()
    assert card.status == Card.Status.REPORTED
    assert card.items.exclude(report="").count() == card.items.count()


def _recipient(tree, make_user, make_cadre, username: str, **fields):
    org = make_user("org_supervision", tree.county_a)
    boss = make_cadre(tree.dept_a1, "吴局长", is_top_leader=True, post_title="局长", **fields)
    user = make_user(None, unit=tree.dept_a1, username=username)
    boss.user = user
    boss.save(update_fields=["user"])
    role_assign(actor=None, user=user, role="cadre_self", anchor=None, reason="本人")
    batch = services.batch_create(actor=org, year=2026, quarter=4, issuing_body=tree.county_a,
                                  scope_unit=tree.county_a, recipient_types=["top_leader"])  # fmt: skip
    services.batch_issue(actor=org, batch=batch)
    return batch.cards.get()


def test_own_page_on_a_phone_acknowledge_report_and_family_events(new_page, live_server, tree, make_user,
                                                                   make_cadre):  # fmt: skip
    card = _recipient(tree, make_user, make_cadre, "wujuzhang")
    page = new_page(viewport=PHONE)
    login_via_form(page, live_server, "wujuzhang", PASSWORD)
    page.goto(live_server.url + "/cards/me/")
    expect(page.get_by_role("heading", name="本人事项", exact=True)).to_be_visible()
    expect(page.get_by_text("有1张提醒卡待办理")).to_be_visible()
    page.get_by_role("button", name="签收本季度提醒卡").click()
    expect(page.get_by_role("alert").filter(has_text="已签收")).to_be_visible()
    page.get_by_role("link", name="填写本季度落实情况").click()
    # Count the boxes only once the form has arrived (counting on the old page found none).
    expect(page.get_by_role("button", name="提交本季度落实情况")).to_be_visible()
    boxes = page.get_by_role("textbox")
    assert boxes.count() >= 1
    for i in range(boxes.count()):
        boxes.nth(i).fill(f"已落实第{i + 1}项")
    page.get_by_role("button", name="提交本季度落实情况").click()
    expect(page.get_by_text("已提交本季度落实情况报告")).to_be_visible()
    page.goto(live_server.url + "/cards/me/")
    expect(page.locator(".badge").filter(has_text="已报告落实情况")).to_be_visible()
    expect(page.get_by_role("heading", name="婚丧喜庆事宜报备")).to_be_visible()
    snap(page, "cards-phone-self")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"] + 1
    page.get_by_role("link", name="新的报备").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.endswith("/conduct/mine/new/")
    card.refresh_from_db()
    assert card.status == Card.Status.REPORTED


def test_acknowledge_with_an_sms_code_on_a_phone_without_signing_in(new_page, live_server, tree, make_user,
                                                                     make_cadre, settings):  # fmt: skip
    import re

    from qinglian.cards.models import SmsMessage

    settings.QINGLIAN_SMS_BACKEND = "outbox"
    card = _recipient(tree, make_user, make_cadre, "wujuzhang2", phone="13900139000")
    page = new_page(viewport=PHONE)
    page.goto(live_server.url + f"/cards/c/{services.card_token(card)}/")
    page.get_by_role("button", name="发送验证码到尾号9000的手机").click()
    expect(page.get_by_label("验证码已发送至干部信息中尾号9000的手机，10分钟内有效")).to_be_visible()
    code = re.search(r"验证码为(\d{6})", SmsMessage.objects.get().text).group(1)
    page.get_by_label("验证码已发送至干部信息中尾号9000的手机，10分钟内有效").fill(code)
    snap(page, "cards-phone-sms")
    page.get_by_role("button", name="用验证码签收").click()
    expect(page.get_by_text("已签收（短信验证码）")).to_be_visible()
    card.refresh_from_db()
    assert card.status == Card.Status.ACKNOWLEDGED
