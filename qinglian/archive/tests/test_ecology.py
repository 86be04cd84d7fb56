"""Unit political ecology: counts by colour, unit-level points, trend, peers, heat map."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from qinglian.archive.ecology import county_heatmap, peer_comparison, unit_ecology, unit_trend
from qinglian.archive.scan import archive_scan
from qinglian.archive.services import entry_record

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def county(tree, make_cadre, record):
    a, b = make_cadre(tree.dept_a1, "甲"), make_cadre(tree.dept_a1, "乙")
    make_cadre(tree.dept_a2, "丙")
    record(a, "gov.demerit", date(2026, 1, 10))
    record(b, "handling.reminder_talk", date(2025, 11, 3))
    record(b, "case.opened", date(2026, 5, 1))  # sealed, colourless
    entry_record(actor=None, unit=tree.dept_a1, kind="unit.clue", summary="涉及单位的线索", occurred_on=date(2026, 4, 2),
                 check_permission=False)  # fmt: skip
    archive_scan()
    return tree


def test_unit_ecology_counts_members_entries_unit_points_and_score(county):
    eco = unit_ecology(county.dept_a1, TODAY)
    assert eco["members"] == 2
    assert eco["member_entries"] == {"red": 0, "blue": 0, "yellow": 1, "black": 1, "none": 1}
    assert eco["unit_entries"]["yellow"] == 1 and eco["sealed_entries"] == 1
    # members: 70 and 92 → 81; the unit clue: -8
    assert (eco["score"], eco["grade"], eco["unit_points"]) == (Decimal("73.00"), "一般", Decimal("-8.00"))
    assert "summary" not in str(eco) and "涉及单位的线索" not in str(eco)


def test_county_subtree_includes_its_departments(county):
    eco = unit_ecology(county.county_a, TODAY)
    assert eco["members"] == 3 and eco["member_entries"]["black"] == 1


def test_trend_has_eight_quarters_ending_with_the_current_one(county):
    trend = unit_trend(county.dept_a1, as_of=TODAY)
    assert [t["quarter"] for t in trend][0] == "2024Q3" and trend[-1]["quarter"] == "2026Q2"
    by_q = {t["quarter"]: t for t in trend}
    assert by_q["2026Q1"]["black"] == 1 and by_q["2025Q4"]["yellow"] == 1
    assert by_q["2026Q2"]["unit_level"] == 1 and by_q["2026Q2"]["points"] == 1


def test_peers_are_same_kind_and_level_in_the_same_county_best_first(county):
    rows = peer_comparison(county.dept_a1, TODAY)
    assert [r["unit"] for r in rows] == [
        "甲县水利局",
        "甲县财政局",
        "甲县教育局",
    ]  # B's bureau is in another county
    assert [r["rank"] for r in rows] == [1, 2, 3] and rows[-1]["is_self"]


def test_heatmap_has_one_row_per_unit_below_the_root(county):
    rows = county_heatmap(county.county_a, TODAY)
    assert {r["unit"] for r in rows} >= {"甲县教育局", "甲镇", "甲村"} and "甲县" not in {
        r["unit"] for r in rows
    }
    row = next(r for r in rows if r["unit_id"] == county.dept_a1.pk)
    assert (row["score"], row["yellow"], row["black"], row["unit_entries"]) == (Decimal("73.00"), 2, 1, 1)
