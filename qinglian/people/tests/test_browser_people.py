"""The people registry as a cadre-supervision officer meets it in Chromium (issue 3's journey):
import a cadre file with an error, fix it, import again, find a cadre by pinyin initials, open the
profile and reveal the full ID number with a reason. Then the list and profile on a phone.

Every test here also fails on a console error or a request leaving 127.0.0.1 (qinglian/testing/browser.py).
"""

from datetime import date

import pytest
from playwright.sync_api import expect

from qinglian.audit.models import AuditEvent
from qinglian.core.idnumber import DEMO_REGION, make
from qinglian.people.models import Cadre, ImportJob
from qinglian.people.tests.test_imports import xlsx
from qinglian.testing.browser import PHONE, login_via_form, snap, totp_device_for

pytestmark = pytest.mark.browser

PASSWORD = "pw-test-123456"  # what conftest's make_user gives every user
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PEOPLE = [
    ("张晓明", "A-D1", "局长", "正科级", date(1975, 4, 12)),
    ("李娜", "A-D2", "副局长", "副科级", date(1982, 9, 3)),
    ("王强", "A-T1", "镇长", "正科级", date(1978, 1, 25)),
    ("陈静", "A-D3", "科员", "科员级", date(1990, 11, 30)),
]


def cadre_rows():
    return [
        {
            "姓名": name,
            "身份证号": make(DEMO_REGION, born, 10 + i * 2 + 1),
            "单位代码": unit,
            "职务": title,
            "职务层级": level,
            "中共党员": "是",
        }
        for i, (name, unit, title, level, born) in enumerate(PEOPLE)
    ]


def with_wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


@pytest.fixture
def officer(tree, make_user):
    user = make_user("org_supervision", tree.county_a, username="ganbu_jiandu")
    totp_device_for(user)  # the role may reveal ID numbers: two-factor sign-in
    return user


def upload(page, name: str, data: bytes) -> None:
    page.get_by_label("导入内容").select_option(label="干部名册")
    page.get_by_label("Excel 文件（.xlsx）").set_input_files({"name": name, "mimeType": XLSX, "buffer": data})
    with page.expect_navigation():
        page.get_by_role("button", name="上传并校验").click()


def no_horizontal_overflow(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"] + 1, (
        f"{page.url}: the page is {width}px wide on a {PHONE['width']}px screen"
    )


def tallest(locator) -> float:
    """The height of the tallest element: Chinese text squeezed into a narrow column wraps after
    every character and makes rows and buttons several lines tall."""
    return max(box["height"] for box in (el.bounding_box() for el in locator.all()) if box)


def test_import_with_an_error_fix_find_by_initials_and_reveal_the_id(page, live_server, tree, officer):
    rows = cadre_rows()
    good_number = rows[2]["身份证号"]
    rows[2]["身份证号"] = with_wrong_check_digit(good_number)  # 王强, Excel row 4
    login_via_form(page, live_server, "ganbu_jiandu", PASSWORD)

    page.get_by_test_id("main-nav").get_by_role("link", name="Excel 导入").click()
    expect(page.get_by_role("heading", name="Excel 导入", level=1)).to_be_visible()
    upload(page, "干部名册.xlsx", xlsx(rows))

    status = page.get_by_test_id("import-status")
    expect(status).to_have_attribute("data-status", "rejected")
    expect(status).to_contain_text("未导入任何数据")
    errors = page.get_by_test_id("import-errors")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr").first).to_contain_text("4")
    expect(errors).to_contain_text("校验位不正确")
    expect(status.get_by_role("link", name="下载错误报告（Excel）")).to_be_visible()
    assert not Cadre.objects.exists()
    snap(page, "people-import-rejected")

    rows[2]["身份证号"] = good_number
    page.get_by_role("link", name="返回导入页").click()
    upload(page, "干部名册-修改后.xlsx", xlsx(rows))
    expect(status).to_have_attribute("data-status", "done")
    expect(status.get_by_role("status")).to_have_text("共 4 行：新增 4，更新 0，未变化 0。")
    assert Cadre.objects.count() == 4 and ImportJob.objects.filter(status="done").count() == 1
    snap(page, "people-import-done")

    page.get_by_test_id("main-nav").get_by_role("link", name="干部名册").click()
    page.get_by_label("检索").fill("zxm")
    page.get_by_role("button", name="查询").click()
    table = page.get_by_test_id("cadre-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("张晓明")
    snap(page, "people-search-initials")

    table.get_by_role("link", name="张晓明").click()
    expect(page.get_by_role("heading", name="张晓明", level=1)).to_be_visible()
    cadre = Cadre.objects.get(name="张晓明")
    expect(page.locator("#id-number")).to_have_text(cadre.id_masked)
    page.get_by_label("查看事由").fill("核实干部身份")
    page.get_by_role("button", name="查看完整号码").click()
    expect(page.get_by_test_id("full-id")).to_have_text(rows[0]["身份证号"])
    assert AuditEvent.objects.filter(actor=officer, reason="核实干部身份").exists()
    snap(page, "people-profile-revealed")


def test_cadre_list_and_profile_fit_a_phone_screen(new_page, live_server, tree, officer, make_cadre):
    cadre = make_cadre(tree.dept_a1, "欧阳晓明", post_title="教育局党组书记、局长", is_top_leader=True)
    for i in range(8):
        make_cadre(tree.township, f"干部{i}", post_title="乡镇综合治理办公室副主任")
    page = new_page(viewport=PHONE)
    login_via_form(page, live_server, "ganbu_jiandu", PASSWORD)

    page.goto(f"{live_server.url}/people/cadres/")
    expect(page.get_by_test_id("cadre-table")).to_be_visible()
    no_horizontal_overflow(page)
    expect(page.get_by_role("button", name="查询")).to_be_in_viewport()
    assert tallest(page.get_by_test_id("cadre-table").locator("tbody tr")) < 60  # one line per cadre
    assert tallest(page.get_by_role("search").locator(".btn")) < 50  # buttons wrap as a whole
    snap(page, "people-phone-list")

    page.get_by_test_id("cadre-table").get_by_role("link", name="欧阳晓明").click()
    expect(page.get_by_role("heading", name="欧阳晓明", level=1)).to_be_visible()
    no_horizontal_overflow(page)
    page.get_by_label("查看事由").fill("核实干部身份")
    page.get_by_role("button", name="查看完整号码").click()
    expect(page.get_by_test_id("full-id")).to_have_text(cadre.test_id_number)
    no_horizontal_overflow(page)
    snap(page, "people-phone-profile")


def test_administrator_imports_units_and_exports_them(page, live_server, tree, make_user):
    from qinglian.people.imports import UNIT_COLUMNS
    from qinglian.people.models import Unit

    make_user("sysadmin", tree.county_a, username="admin_a")
    headers = [c.header for c in UNIT_COLUMNS]
    village = {
        "单位代码": "A-T2-V1",
        "单位名称": "乙村",
        "单位类型": "村/社区",
        "层级": "村级",
        "上级单位代码": "A-T2",
    }
    township = {
        "单位代码": "A-T2",
        "单位名称": "乙镇",
        "单位类型": "乡镇/街道",
        "层级": "乡镇级",
        "上级单位代码": "A",
    }
    login_via_form(page, live_server, "admin_a", PASSWORD)

    page.get_by_test_id("main-nav").get_by_role("link", name="单位", exact=True).click()
    page.get_by_role("search").get_by_role("link", name="Excel 导入").click()
    kind = page.get_by_label("导入内容")
    expect(kind.locator("option")).to_have_text(["单位"])  # the administrator imports units only
    expect(page.get_by_role("link", name="干部名册模板")).to_have_count(0)
    snap(page, "people-import-units-page")
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(
        {"name": "单位.xlsx", "mimeType": XLSX, "buffer": xlsx([village, township], headers)}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="上传并校验").click()
    expect(page.get_by_test_id("import-status").get_by_role("status")).to_have_text(
        "共 2 行：新增 2，更新 0，未变化 0。"
    )
    assert Unit.objects.get(code="A-T2-V1").parent.code == "A-T2"

    page.get_by_test_id("main-nav").get_by_role("link", name="单位", exact=True).click()
    page.get_by_role("search").get_by_role("link", name="导出").click()
    page.get_by_label("导出事由").fill("核对单位名录")
    with page.expect_download() as download:
        page.get_by_role("button", name="导出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert AuditEvent.objects.filter(action="unit.export", reason="核对单位名录").exists()
