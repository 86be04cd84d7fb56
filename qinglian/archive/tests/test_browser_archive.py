"""The archive as the case-management office meets it in Chromium (issue 4's journey, first half):
record a sanction with its decision document through the entry form, see the black dot on the
timeline and the restriction with its end date; the county overview's heat map and the unit's
trend chart draw without a console error; the file page fits a phone.

Every test here also fails on a console error or a request leaving 127.0.0.1 (qinglian/testing/browser.py).
"""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qinglian.archive.models import ArchiveEntry
from qinglian.archive.periods import last_day_of
from qinglian.testing.browser import PHONE, login_via_form, snap, totp_device_for

pytestmark = pytest.mark.browser

PASSWORD = "pw-test-123456"
PDF = b"%PDF-1.4\n%decision\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def anguan(tree, make_user):
    user = make_user("case_management", tree.county_a, username="anguan")
    totp_device_for(user)  # reads sealed content: two-factor sign-in
    return user


@pytest.fixture
def cadre(tree, make_cadre, record):
    c = make_cadre(tree.dept_a1, "周建国", born=date(1976, 8, 8), post_title="副局长")
    record(c, "appraisal.competent", date(2025, 1, 20), period_year=2024, summary="2024年度考核称职")
    return c


def no_horizontal_overflow(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"] + 1, (
        f"{page.url}: the page is {width}px wide on a {PHONE['width']}px screen"
    )


def test_record_a_sanction_and_see_the_black_dot_and_the_restriction(
    page, new_page, live_server, tree, anguan, cadre, make_user, make_cadre
):
    today = timezone.localdate()
    login_via_form(page, live_server, "anguan", PASSWORD)
    page.goto(f"{live_server.url}/archive/people/{cadre.pk}/")
    expect(page.get_by_role("heading", name="廉政档案：周建国")).to_be_visible()
    expect(page.get_by_test_id("timeline").locator(".ql-dot-blue")).to_have_count(1)
    page.get_by_test_id("new-entry").click()
    page.get_by_label("记录类型").select_option("gov.demerit")
    page.get_by_label("发生日期").fill(today.isoformat())
    page.get_by_label("事实摘要").fill("违规收受管理服务对象礼金")
    page.get_by_label("决定人/决定机关").fill("甲县监察委员会")
    page.get_by_label("决定文书文号").fill("甲监处〔2026〕7号")
    page.get_by_label("决定文书/附件").set_input_files(
        {"name": "决定书.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    snap(page, "archive-entry-form")
    with page.expect_navigation():
        page.get_by_role("button", name="保存记录").click()
    expect(page.get_by_text("已记录“记过”")).to_be_visible()
    timeline = page.get_by_test_id("timeline")
    expect(timeline.locator("li[data-colour=black] .ql-dot-black")).to_have_count(1)
    expect(timeline.get_by_text("违规收受管理服务对象礼金")).to_be_visible()
    end = last_day_of(today, 12)
    restriction = page.get_by_test_id("restrictions")
    expect(restriction).to_contain_text(f"至{end:%Y年%m月%d日}不得")
    expect(restriction).to_contain_text("甲监处〔2026〕7号")
    entry = ArchiveEntry.objects.get(person=cadre, kind__code="gov.demerit")
    assert entry.attachment and entry.influence_end == end
    snap(page, "archive-person-desktop")

    page.goto(f"{live_server.url}/archive/")
    expect(page.locator("#heatmap-chart canvas")).to_have_count(1)
    snap(page, "archive-overview-desktop")
    page.goto(f"{live_server.url}/archive/units/{tree.dept_a1.pk}/")
    expect(page.locator("#trend-chart canvas")).to_have_count(1)
    snap(page, "archive-unit-desktop")

    # The organisation department then asks for an opinion on three candidates: the sanction just
    # recorded is the reason for an objection (the rest of the opinion journey: test_opinions_browser).
    others = [
        make_cadre(tree.dept_a2, name, born=date(1980 + i, 3, 3)) for i, name in enumerate(["吴平", "郑和"])
    ]
    totp_device_for(make_user("org_supervision", tree.county_a, unit=tree.county_a, username="zuzhi"))
    requester = new_page()
    login_via_form(requester, live_server, "zuzhi", PASSWORD)
    requester.goto(f"{live_server.url}/archive/opinions/new/")
    requester.get_by_label("事由").fill("科级干部提拔")
    requester.get_by_label("基准日期").fill(today.isoformat())
    numbers = [cadre.test_id_number, *(o.test_id_number for o in others)]
    requester.get_by_label("粘贴身份证号").fill("\n".join(numbers))
    with requester.expect_navigation():
        requester.get_by_role("button", name="生成意见草稿").click()
    from qinglian.archive.models import OpinionRequest

    drafted = {c.cadre_id: c.draft_verdict for c in OpinionRequest.objects.get().candidates.all()}
    assert drafted == {cadre.pk: "object", others[0].pk: "clear", others[1].pk: "clear"}


def test_the_file_page_fits_a_phone(new_page, live_server, tree, anguan, cadre, record):
    for i in range(6):
        record(
            cadre, "handling.criticism", date(2025, 3, 1 + i), summary=f"第{i + 1}次批评教育：公务接待超标准"
        )
    record(cadre, "case.opened", date(2026, 1, 5), summary="立案审查调查")
    page = new_page(viewport=PHONE)
    login_via_form(page, live_server, "anguan", PASSWORD)
    page.goto(f"{live_server.url}/archive/people/{cadre.pk}/")
    expect(page.get_by_test_id("timeline").locator("li")).to_have_count(8)
    no_horizontal_overflow(page)
    snap(page, "archive-person-phone")
    page.goto(f"{live_server.url}/archive/")
    no_horizontal_overflow(page)
    snap(page, "archive-overview-phone")
