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
    boxes = page.get_by_role("textbox")
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
