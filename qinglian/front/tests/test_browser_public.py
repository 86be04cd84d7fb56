"""A reporter's journey on a phone in Chromium: submit anonymously, keep the code, come back,
read the staff's question and answer it (the staff part through services)."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from qinglian.testing.browser import PHONE, snap

pytestmark = pytest.mark.browser


def _jpeg(tmp_path):
    path = tmp_path / "现场照片.jpg"
    img = Image.new("RGB", (320, 240), "orange")
    exif = img.getexif()
    exif[0x010F] = "PhoneMakerSecret"
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    path.write_bytes(out.getvalue())
    return path


def _solve(page):
    label = page.locator("label[for=id_challenge]").inner_text()
    a, b = re.search(r"(\d+) 加 (\d+)", label).groups()
    page.locator("#id_challenge").fill(str(int(a) + int(b)))


def test_anonymous_reporter_journey_on_a_phone(new_page, live_server, tree, make_user, tmp_path):
    from qinglian.intake.models import Report, ReportMessage
    from qinglian.intake.services import message_text, report_message_send, report_register

    clerk = make_user("petitions_intake", tree.county_a, unit=tree.jw_a)
    page = new_page(viewport=PHONE)
    page.goto("/report/")
    expect(page.get_by_role("heading", name="网上举报")).to_be_visible()
    expect(page.locator("#id_reporter_name")).to_be_hidden()  # anonymous by default
    page.get_by_label("被反映人姓名").fill("赵某")
    page.get_by_label("被反映人单位").fill("甲县水利局")
    page.get_by_label("问题类别").select_option("petty_corruption")
    page.get_by_label("反映的问题").fill("赵某在危房改造补助发放中向村民索要好处费，每户五百元。")
    page.get_by_label("发生地点").fill("甲镇")
    page.locator("#id_files").set_input_files(str(_jpeg(tmp_path)))
    _solve(page)
    snap(page, "front-report-phone")
    page.get_by_test_id("submit").click()
    code = page.get_by_test_id("receipt-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){4}", code)
    snap(page, "front-receipt-phone")

    report = Report.objects.get(channel="web")
    assert report.attachments.get().cleaned_at is not None
    report_register(actor=clerk, report=report, problem_type="petty_corruption", nature="accusation")
    report_message_send(actor=clerk, report=report, body="请问涉及哪几户村民？")

    page.goto("/report/follow/")
    page.get_by_label("查询码").fill(code.lower().replace("-", ""))
    page.get_by_test_id("lookup").click()
    expect(page.get_by_test_id("public-status")).to_have_text("已受理，正在办理")
    expect(page.get_by_test_id("messages")).to_contain_text("请问涉及哪几户村民？")
    page.get_by_label("回复或补充说明").fill("涉及张家、李家等六户。")
    snap(page, "front-follow-phone")
    page.get_by_test_id("reply").click()
    expect(page.get_by_test_id("reply-sent")).to_be_visible()
    expect(page.get_by_test_id("messages")).to_contain_text("涉及张家、李家等六户。")
    snap(page, "front-follow-replied-phone")
    answer = ReportMessage.objects.get(report=report, direction="from_reporter")
    assert message_text(answer) == "涉及张家、李家等六户。"

    # A wrong code shows nothing of the report.
    page.goto("/report/follow/")
    page.get_by_label("查询码").fill("0000-0000-0000-0000-0000")
    page.get_by_test_id("lookup").click()
    expect(page.get_by_test_id("lookup-error")).to_contain_text("查询码不正确")
    expect(page.get_by_test_id("messages")).to_have_count(0)
