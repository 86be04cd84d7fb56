"""Classification of differences, one test per example of RULES.md "Personal-matters reports"."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qinglian.spotchecks.compare import (
    CONCEALMENT,
    CONSISTENT,
    DECLARED_ONLY,
    OMISSION,
    Item,
    Tolerances,
    compare,
    norm_address,
    propose,
)

HOME = Item(
    "real_estate", {"address": "甲县幸福路8号幸福小区3号楼2单元501室"}, {"area": "98.50", "share": "100"}
)


def one(declared, returned, **kw):
    lines = compare(declared, returned, **kw)
    return [(ln.kind, ln.outcome) for ln in lines], propose(lines), lines


# --- 漏报 (omission) -------------------------------------------------------------------------


def test_under_reported_floor_area_is_omission():
    returned = Item("real_estate", {"address": "甲县幸福路8号幸福小区3栋2单元501"}, {"area": "120.00"})
    outcomes, proposal, lines = one([HOME], [returned])
    assert outcomes == [("real_estate", OMISSION)] and proposal == OMISSION
    assert "少报建筑面积" in lines[0].explanation and "120.00" in lines[0].explanation


@pytest.mark.parametrize("what", ["车库", "车位", "储藏间"])
def test_unreported_garage_parking_space_or_storeroom_is_omission(what):
    returned = Item(
        "real_estate", {"address": f"甲县幸福小区地下{what}B-12"}, {"area": "12", "use": what}, what
    )
    outcomes, proposal, _ = one([HOME], [returned, Item("real_estate", HOME.key, {"area": "98.50"})])
    assert (("real_estate", OMISSION)) in outcomes and proposal == OMISSION


def test_under_reported_securities_amount_is_omission():
    declared = Item("securities", {"account": "A123456789"}, {"amount": "100000.00"})
    returned = Item("securities", {"account": "a 1234-56789"}, {"amount": "180000.00"})
    outcomes, proposal, _ = one([declared], [returned])
    assert outcomes == [("securities", OMISSION)] and proposal == OMISSION


def test_under_reported_investment_insurance_by_credit_code_is_omission():
    declared = Item("securities", {"credit_code": "91110000MA01ABCD1X"}, {"amount": "50000"})
    returned = Item("securities", {"account": "91110000MA01ABCD1X"}, {"amount": "90000"})
    assert one([declared], [returned])[1] == OMISSION


def test_unreported_hong_kong_macau_trip_is_omission():
    declared = Item("hkmt_permit", {"number": "C12345678"}, {"trips": "1"})
    returned = Item("hkmt_permit", {"number": "c12345678"}, {"trips": "3"})
    outcomes, proposal, lines = one([declared], [returned])
    assert outcomes == [("hkmt_permit", OMISSION)] and proposal == OMISSION
    assert "2次" in lines[0].explanation


# --- 瞒报 (concealment) ----------------------------------------------------------------------


def test_unreported_marriage_is_concealment():
    declared = Item("marriage", {}, {"status": "未婚"})
    returned = Item("marriage", {}, {"status": "已婚"})
    assert one([declared], [returned])[1] == CONCEALMENT


def test_unreported_passport_is_concealment():
    assert one([], [Item("passport", {"number": "E12345678"}, {"trips": "0"})])[1] == CONCEALMENT


def test_unreported_emigration_of_a_relative_is_concealment():
    returned = Item("family_abroad", {"relation": "子女", "name": "李小明"}, {"country": "加拿大"})
    assert one([], [returned])[1] == CONCEALMENT


def test_unreported_job_of_a_relative_is_concealment():
    returned = Item("family_jobs", {"relation": "配偶", "name": "王芳"}, {"employer": "甲县宏达建设有限公司"})
    assert one([], [returned])[1] == CONCEALMENT


def test_relative_job_with_another_employer_is_concealment_and_relation_codes_match_labels():
    declared = Item("family_jobs", {"relation": "spouse", "name": "王芳"}, {"employer": "甲县第一中学"})
    returned = Item("family_jobs", {"relation": "配偶", "name": "王芳"}, {"employer": "甲县宏达建设有限公司"})
    outcomes, proposal, _ = one([declared], [returned])
    assert outcomes == [("family_jobs", CONCEALMENT)] and proposal == CONCEALMENT
    same = Item("family_jobs", {"relation": "配偶", "name": "王芳"}, {"employer": "甲县第一中学 "})
    assert one([declared], [same])[1] == CONSISTENT


def test_one_unreported_property_is_concealment():
    other = Item("real_estate", {"address": "乙县滨江花园5栋1801"}, {"area": "143.2", "use": "住宅"})
    outcomes, proposal, _ = one([HOME], [Item("real_estate", HOME.key, {"area": "98.50"}), other])
    assert ("real_estate", CONCEALMENT) in outcomes and proposal == CONCEALMENT


def test_any_unreported_securities_holding_is_concealment():
    returned = Item("securities", {"account": "0099887766"}, {"amount": "800"})
    assert one([], [returned])[1] == CONCEALMENT


def test_one_unreported_business_investment_is_concealment():
    returned = Item("family_business", {"credit_code": "91330100MA2B3C4D5E"}, {"share": "30"})
    assert one([], [returned])[1] == CONCEALMENT


def test_concealment_outweighs_omission():
    returned = [Item("real_estate", HOME.key, {"area": "130"}), Item("passport", {"number": "E1"}, {})]
    assert one([HOME], returned)[1] == CONCEALMENT


# --- tolerances and matching ------------------------------------------------------------------


def test_area_within_tolerance_is_consistent_and_tolerance_is_configurable():
    returned = Item("real_estate", {"address": "甲县幸福路８号幸福小区３号楼２单元５０１"}, {"area": "99.30"})
    assert one([HOME], [returned])[1] == CONSISTENT
    strict = Tolerances(area_sqm=Decimal("0.5"))
    assert one([HOME], [returned], tol=strict)[1] == OMISSION


def test_amount_within_tolerance_is_consistent():
    declared = Item("securities", {"account": "A1"}, {"amount": "100000"})
    assert one([declared], [Item("securities", {"account": "A1"}, {"amount": "104000"})])[1] == CONSISTENT
    assert one([declared], [Item("securities", {"account": "A1"}, {"amount": "106000"})])[1] == OMISSION
    small = Item("securities", {"account": "B1"}, {"amount": "2000"})
    # Small amounts: the absolute tolerance (1000 yuan by default) applies.
    assert one([small], [Item("securities", {"account": "B1"}, {"amount": "2900"})])[1] == CONSISTENT


def test_over_reporting_is_not_an_offence():
    declared = Item("securities", {"account": "A1"}, {"amount": "200000"})
    assert one([declared], [Item("securities", {"account": "A1"}, {"amount": "100000"})])[1] == CONSISTENT


def test_passport_matched_by_number_only():
    declared = Item("passport", {"number": "E 1234 5678"}, {"trips": "2"})
    assert one([declared], [Item("passport", {"number": "e12345678"}, {"trips": "2"})])[1] == CONSISTENT


def test_declared_item_not_returned_is_flagged_not_adverse():
    outcomes, proposal, _ = one([HOME], [], kinds={"real_estate"})
    assert outcomes == [("real_estate", DECLARED_ONLY)] and proposal == CONSISTENT


def test_kinds_nobody_was_asked_about_are_not_compared():
    passport = Item("passport", {"number": "E1"}, {})
    outcomes, _, _ = one([HOME, passport], [Item("real_estate", HOME.key, {"area": "98.5"})])
    assert outcomes == [("real_estate", CONSISTENT)]


def test_address_normalisation():
    assert norm_address("幸福小区 3号楼 2-501室") == norm_address("幸福小区3栋2501")
    assert norm_address("ＡＢＣ路1号") == norm_address("abc路1")


def test_declarations_shapes_match_agency_shapes():
    """The declarations app's codes (relation, marital status, use) against the agencies' labels."""
    declared = Item("marriage", {"spouse_name": ""}, {"status": "unmarried", "changed_on": ""})
    assert one([declared], [Item("marriage", {}, {"status": "已婚"})])[1] == CONCEALMENT
    married = Item("marriage", {"spouse_name": "王芳"}, {"status": "married"})
    assert one([married], [Item("marriage", {}, {"status": "已婚"})])[1] == CONSISTENT
    garage = Item("real_estate", {"address": "甲县幸福小区B2-031"}, {"area": "13", "use": "parking"})
    assert one([], [garage])[1] == OMISSION
    child = Item("child_foreign_spouse", {"child_name": "李小明", "spouse_name": "John"}, {})
    other = Item("child_foreign_spouse", {"child_name": "李小红", "spouse_name": "Tom"}, {})
    outcomes, proposal, _ = one([child], [Item("child_foreign_spouse", dict(child.key), {}), other])
    assert sorted(outcomes) == [("child_foreign_spouse", CONCEALMENT), ("child_foreign_spouse", CONSISTENT)]
