"""A liaison officer submits integrity information with a photo from a phone; the township
commission triages it into the archive (issue 9). Fails on any console error or a request leaving
127.0.0.1 (qinglian/testing/browser.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from qinglian.grassroots import services
from qinglian.grassroots.models import Information
from qinglian.grassroots.tests.test_services import jpeg_with_exif
from qinglian.testing.browser import PHONE, login_via_form, snap, totp_device_for

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123456"


def test_liaison_officer_submits_with_a_photo_and_commission_triages(new_page, live_server, tree, make_user,
                                                                     make_cadre, tmp_path):  # fmt: skip
    committee = make_user("township_committee", tree.township, username="zhenjiwei")
    station = services.station_create(actor=committee, unit=tree.village)
    officer = make_user("liaison_officer", tree.village, username="lianluoyuan")
    services.member_add(actor=committee, station=station, role="liaison", user=officer)
    head = make_cadre(tree.village, "王书记")
    photo = tmp_path / "wedding.jpg"
    photo.write_bytes(jpeg_with_exif())

    page = new_page(viewport=PHONE)
    login_via_form(page, live_server, "lianluoyuan", PASSWORD)
    page.goto(live_server.url + "/grassroots/submit/")
    expect(page.get_by_role("heading", name="报送廉情信息")).to_be_visible()
    page.get_by_label("信息类别").select_option("personal_matters")
    page.get_by_label("标题").fill("王书记为儿子操办婚宴")
    page.get_by_label("信息内容").fill("听群众反映，婚宴约30桌，未见事前报告。")
    page.get_by_label("照片").set_input_files(str(photo))
    snap(page, "grassroots-phone-submit")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_text("已报送")).to_be_visible()
    expect(page.get_by_role("link", name="王书记为儿子操办婚宴")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"] + 1
    info = Information.objects.get()
    assert info.photos.count() == 1

    totp_device_for(committee)
    page2 = new_page(viewport=PHONE)
    login_via_form(page2, live_server, "zhenjiwei", PASSWORD)
    page2.goto(live_server.url + "/grassroots/information/")
    page2.get_by_role("link", name="王书记为儿子操办婚宴").click()
    expect(page2.get_by_role("img", name="照片1：wedding.jpg")).to_be_visible()
    page2.get_by_label("存入档案（待核实信息，不计颜色、不计等次）").check()
    page2.get_by_label("决定人").fill("李书记")
    page2.get_by_label("涉及干部（编号）").select_option(str(head.pk))
    page2.get_by_role("button", name="确认研判").click()
    expect(page2.get_by_text("已研判处理")).to_be_visible()
    expect(page2.locator("#info-status")).to_have_text("存入档案（待核实信息）")
    snap(page2, "grassroots-phone-triaged")
    info.refresh_from_db()
    assert info.entry.person == head and info.entry.colour == "none" and info.decided_by == "李书记"
