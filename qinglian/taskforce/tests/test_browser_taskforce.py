"""An agency uploads its monthly Excel report: refused whole for one bad row (the row is listed),
accepted once fixed; a discipline reviewer then sees the entries waiting for review (issue 9).
Fails on any console error or a request leaving 127.0.0.1 (qinglian/testing/browser.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from qinglian.archive.models import ArchiveEntry
from qinglian.taskforce.models import MonthlyReport
from qinglian.taskforce.tests.conftest import row, xlsx
from qinglian.taskforce.tests.test_reports import UNKNOWN
from qinglian.testing.browser import login_via_form, snap, totp_device_for

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123456"


def _month() -> str:
    from django.utils import timezone

    today = timezone.localdate()
    return f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}"


def test_agency_uploads_a_report_fixes_the_bad_row_and_a_reviewer_sees_the_entries(new_page, live_server, tf,
                                                                                    tmp_path, browser_guard):  # fmt: skip
    # The refusal page answers 400 (as a form with errors does).
    browser_guard.allow_console_error(r"status of 400 .*/task-force/reports/upload/")
    month = _month()
    occurred = f"{month}-15"
    good = [row(tf.a, occurred_on=occurred, summary="违规发放津贴补贴"),
            row(tf.b, row_type="traffic_offence", occurred_on=occurred, summary="酒后驾驶机动车被查处")]  # fmt: skip
    bad_file, fixed_file = tmp_path / "yuebao-bad.xlsx", tmp_path / "yuebao.xlsx"
    bad_file.write_bytes(xlsx([good[0], {**good[1], "id_number": UNKNOWN}]))
    fixed_file.write_bytes(xlsx(good))

    page = new_page()
    login_via_form(page, live_server, "shenji1", PASSWORD)
    page.goto(live_server.url + "/task-force/reports/upload/")
    expect(page.get_by_role("heading", name="报送月报表（县审计局）")).to_be_visible()
    page.get_by_label("所属月份").fill(month)
    page.get_by_label("月报表文件（.xlsx）").set_input_files(str(bad_file))
    page.get_by_role("button", name="上传并报送").click()
    expect(page.get_by_role("alert")).to_contain_text("整表未接收，未写入任何记录")
    bad_line = page.locator("table tbody tr")
    expect(bad_line).to_have_count(1)
    expect(bad_line).to_contain_text("3")  # the second data row, under the header row
    expect(bad_line).to_contain_text("干部库中没有该身份证号的干部")
    expect(page.locator("body")).not_to_contain_text(UNKNOWN)  # the number is never echoed
    snap(page, "taskforce-upload-refused")
    assert not ArchiveEntry.objects.exists() and not MonthlyReport.objects.exists()

    page.get_by_label("所属月份").fill(month)
    page.get_by_label("月报表文件（.xlsx）").set_input_files(str(fixed_file))
    page.get_by_role("button", name="上传并报送").click()
    expect(page.get_by_text("2条记入档案待审核")).to_be_visible()
    expect(page.get_by_role("heading", name="月报表")).to_contain_text("县审计局")
    snap(page, "taskforce-upload-accepted")
    assert ArchiveEntry.objects.filter(source_app="taskforce", review="pending").count() == 2

    totp_device_for(tf.reviewer)
    page2 = new_page()
    login_via_form(page2, live_server, "jiwei", PASSWORD)
    page2.goto(live_server.url + "/archive/review/")
    queue = page2.locator("table tbody")
    expect(queue).to_contain_text("违规发放津贴补贴")
    expect(queue).to_contain_text("酒后驾驶机动车被查处")
    expect(queue).to_contain_text("甲县财政局")  # the source: the audit bureau's unit in the test tree
    snap(page2, "taskforce-review-queue")
