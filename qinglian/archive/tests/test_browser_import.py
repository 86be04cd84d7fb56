"""The archive entry import in Chromium: a monthly report with a bad row is queued, its job page
lists every bad row and offers the error report, nothing is written; the corrected file imports.

Every test here also fails on a console error or a request leaving 127.0.0.1 (qinglian/testing/browser.py).
"""

import pytest
from playwright.sync_api import expect

from qinglian.archive.models import ArchiveEntry
from qinglian.archive.tests.test_imports import row, xlsx
from qinglian.testing.browser import login_via_form, snap, totp_device_for

pytestmark = pytest.mark.browser

PASSWORD = "pw-test-123456"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(page, name: str, data: bytes) -> None:
    page.get_by_label("Excel 文件（.xlsx）").set_input_files({"name": name, "mimeType": XLSX, "buffer": data})
    with page.expect_navigation():
        page.get_by_role("button", name="上传并导入").click()


def test_import_a_report_with_a_bad_row_then_the_corrected_one(
    page, live_server, tree, make_user, make_cadre
):
    user = make_user("org_supervision", tree.county_a, username="zuzhi")
    totp_device_for(user)
    a, b = make_cadre(tree.dept_a1, "周一"), make_cadre(tree.dept_a1, "吴二")
    login_via_form(page, live_server, "zuzhi", PASSWORD)
    page.goto(f"{live_server.url}/archive/import/")
    upload(page, "十一月报.xlsx", xlsx(row(a, "info.training"), row(b, "info.nothing")))
    status = page.get_by_test_id("import-status")
    expect(status).to_have_attribute("data-status", "rejected")
    expect(status).to_contain_text("发现 1 处错误，未导入任何数据")
    expect(page.get_by_test_id("import-errors").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("import-errors")).to_contain_text("未知的记录类型代码")
    expect(page.get_by_role("link", name="下载错误报告（Excel）")).to_be_visible()
    snap(page, "archive-import-rejected")
    assert not ArchiveEntry.objects.exists()
    page.get_by_role("link", name="返回导入页").click()
    upload(page, "十一月报.xlsx", xlsx(row(a, "info.training"), row(b, "info.talk")))
    expect(page.get_by_test_id("import-status")).to_have_attribute("data-status", "done")
    expect(page.get_by_test_id("import-status")).to_contain_text("共 2 行：新增 2 条")
    page.get_by_role("link", name="返回导入页").click()
    expect(page.get_by_test_id("import-jobs").locator("tbody tr")).to_have_count(2)
    snap(page, "archive-import-list")
    assert ArchiveEntry.objects.count() == 2
