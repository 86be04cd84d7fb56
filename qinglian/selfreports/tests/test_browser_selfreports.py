"""The inspector's journey through a copied pair (issue 8 item 7): the run's list, the pair side by
side with the shared passages highlighted and the share of copied text, then a finding recorded
from it. Fails on any console error or a request leaving 127.0.0.1 (qinglian/testing/browser.py)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from playwright.sync_api import expect

from qinglian.selfreports import services
from qinglian.selfreports.models import CopyPair
from qinglian.testing.browser import login_via_form, snap

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123456"
ALPHABET = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def words(n: int, seed: int) -> str:
    return "".join(np.random.default_rng(seed).choice(ALPHABET, n))


def test_inspector_reviews_a_pair_and_records_a_finding(new_page, live_server, tree, make_user, make_cadre):
    from qinglian.inspections import services as insp
    from qinglian.inspections.models import Finding

    office = make_user("inspection_office", tree.county_a, username="xunchaban")
    make_cadre(tree.dept_a1, "张明")
    base = words(600, 1) + "\n\n" + words(400, 2)
    services.reports_upload(actor=office, unit=tree.dept_a1, kind="shuzhi", files=[
        ("2022年张明述职述廉报告.txt", base.encode()),
        ("2023年张明述职述廉报告.txt", (base[:-60] + words(60, 3)).encode()),
    ])  # fmt: skip
    five = insp.plan_create(
        actor=None, kind="five_year", title="五年规划", owner_unit=tree.county_a, start_year=2024
    )
    plan = insp.plan_create(actor=None, kind="annual", title="2026年计划", owner_unit=tree.county_a,
                            start_year=2026, parent=five)  # fmt: skip
    insp.round_create(actor=None, plan=plan, number=1, kind="regular", start_date=date(2026, 3, 1),
                      end_date=date(2026, 5, 1), title="第一轮巡察", targets=[tree.dept_a1])  # fmt: skip
    run = services.run_start(actor=office, scope_unit=tree.county_a)

    page = new_page()
    login_via_form(page, live_server, "xunchaban", PASSWORD)
    page.goto(f"{live_server.url}/self-reports/runs/{run.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("雷同比对")
    expect(page.get_by_text("同一人跨年度").first).to_be_visible()
    page.get_by_role("link", name="逐对核看").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("逐对核看")
    expect(page.locator("#text-a mark.ql-sr-copied").first).to_be_visible()
    expect(page.locator("#text-b mark.ql-sr-copied").first).to_be_visible()
    expect(page.locator("#share-b")).to_contain_text("%")
    snap(page, "selfreports-pair")
    page.get_by_label("巡察轮次").select_option(label="第一轮巡察")
    page.get_by_label("张明（2023年，甲县教育局）").check()
    page.get_by_role("button", name="记录为巡察发现问题").click()
    expect(page.get_by_text("已记录为巡察发现问题").first).to_be_visible()
    pair = CopyPair.objects.get(run=run)
    assert pair.finding_id == Finding.objects.get().pk
