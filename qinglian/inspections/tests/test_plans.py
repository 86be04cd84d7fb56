"""Plans, coverage of the five-year plan, alignment with the city plan, rounds, indicators."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qinglian.inspections import selectors, services
from qinglian.inspections.models import Round, RoundTarget

pytestmark = pytest.mark.django_db


def test_five_year_plan_spans_five_years(office, tree):
    with pytest.raises(ValidationError):
        services.plan_create(actor=office, kind="five_year", title="x", owner_unit=tree.county_a, start_year=2026,
                             end_year=2028)  # fmt: skip


def test_coverage_lists_units_never_planned_nor_inspected(office, tree, five_year, annual):
    services.plan_targets_set(actor=office, plan=five_year, rows=[
        {"unit": tree.dept_a1, "year": 2026}, {"unit": tree.dept_a2, "year": 2027}])  # fmt: skip
    services.plan_targets_set(actor=office, plan=annual, rows=[{"unit": tree.township, "year": 2026}])
    cov = selectors.five_year_coverage(five_year)
    names = {u.name for u in cov.units}
    assert {"甲县教育局", "甲县财政局", "甲县水利局", "甲镇", "甲村"} <= names
    assert "甲县纪委监委" not in names and "甲县" not in names  # not inspection targets
    assert {u.name for u in cov.gaps} == {"甲县水利局", "甲村"}
    assert cov.not_yet_inspected == cov.units  # nothing inspected yet


def test_coverage_counts_units_inspected_by_a_round_of_the_term(office, tree, five_year, round_a):
    RoundTarget.objects.filter(round=round_a).update()
    Round.objects.filter(pk=round_a.pk).update(status=Round.Status.ONGOING)
    cov = selectors.five_year_coverage(five_year)
    inspected = {u.name for u in cov.units if u.pk in cov.inspected}
    assert inspected == {"甲县教育局", "甲县水利局", "甲镇"}
    assert "甲县水利局" not in {u.name for u in cov.gaps}


def test_plan_target_import_reports_every_bad_row_and_writes_nothing(office, tree, five_year):
    with pytest.raises(ValidationError) as exc:
        services.plan_targets_set(actor=office, plan=five_year, rows=[
            {"unit": tree.dept_a1, "year": 2026}, {"unit": tree.dept_b1, "year": 2026},
            {"unit": tree.dept_a2, "year": 2035}, {"unit": None, "year": 2026}])  # fmt: skip
    errors = exc.value.message_dict["rows"]
    assert len(errors) == 3 and "乙县教育局" in errors[0]
    assert not five_year.targets.exists()


def test_city_plan_alignment_shows_missing_units_and_order(office, tree, annual):
    city = services.plan_create(actor=office, kind="city", title="市委2026年巡察计划", owner_unit=tree.root,
                                start_year=2026)  # fmt: skip
    services.plan_targets_set(
        actor=office,
        plan=city,
        rows=[
            {"unit": tree.dept_a1, "year": 2026, "order": 2},
            {"unit": tree.dept_a2, "year": 2026, "order": 1},
        ],
    )
    services.plan_targets_set(
        actor=office,
        plan=annual,
        rows=[
            {"unit": tree.dept_a1, "year": 2026, "order": 1},
            {"unit": tree.dept_a3, "year": 2026, "order": 1},
        ],
    )
    al = selectors.city_alignment(annual, city)
    assert [u.name for u, *_ in al.order_mismatches] == ["甲县教育局"]
    assert [u.name for u in al.only_ours] == ["甲县水利局"]
    assert [u.name for u in al.only_city] == ["甲县财政局"]


def test_round_outside_the_county_is_refused(office, tree, annual):
    with pytest.raises(ValidationError):
        services.round_create(actor=office, plan=annual, number=2, kind="regular", start_date=date(2026, 6, 1),
                              end_date=date(2026, 7, 1), targets=[tree.dept_b1])  # fmt: skip


def test_an_office_of_county_b_cannot_plan_for_county_a(tree, make_user):
    other = make_user("inspection_office", tree.county_b)
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=other, kind="annual", title="x", owner_unit=tree.county_a, start_year=2026)


def test_indicator_tree_has_three_levels_and_key_points(office):
    a = services.indicator_save(actor=office, code="1", title="党的全面领导")
    b = services.indicator_save(actor=office, code="1.1", title="贯彻落实党中央决策部署", parent=a)
    c = services.indicator_save(actor=office, code="1.1.1", title="重大决策部署落实情况", parent=b, key_points=[
        {"unit_kind": "township", "focus": "general", "text": "乡村振兴政策落实"},
        {"unit_kind": "government_dept", "focus": "special_funds", "text": "专项资金分配使用"}])  # fmt: skip
    assert c.level == 3 and c.key_points.count() == 2
    with pytest.raises(ValidationError):
        services.indicator_save(actor=office, code="1.1.1.1", title="太深", parent=c)


def test_six_unifications_recorded_per_round(office, round_a):
    services.unification_record(actor=office, round=round_a, item="training", done_on=date(2026, 2, 20),
                                note="集中培训一天")  # fmt: skip
    services.unification_record(
        actor=office, round=round_a, item="training", done_on=date(2026, 2, 21), note="补训"
    )
    assert round_a.unifications.count() == 1 and round_a.unifications.get().note == "补训"


def _xlsx(rows):
    from qinglian.core.excel import write_rows

    return write_rows(["单位代码", "单位名称", "年度", "轮次顺序", "提级巡察"], rows, title="计划")


def test_city_plan_import_is_atomic_and_reports_every_bad_row(office, tree):
    city = services.plan_create(actor=office, kind="city", title="市委2026年巡察计划", owner_unit=tree.root,
                                start_year=2026)  # fmt: skip
    bad = _xlsx([["A-D1", "甲县教育局", 2026, 1, "否"], ["NOPE", "", 2026, 1, ""], ["A-D2", "错名", 2026, 2, ""],
                 ["B-D1", "乙县教育局", "明年", 1, ""]])  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.plan_import(actor=office, plan=city, data=bad, filename="city.xlsx")
    errors = exc.value.message_dict["rows"]
    assert len(errors) == 3 and "NOPE" in errors[0] and "错名" in errors[1] and "整数" in errors[2]
    assert not city.targets.exists()
    good = _xlsx([["A-D1", "甲县教育局", 2026, 2, "是"], ["B-D1", "乙县教育局", 2026, 1, ""]])
    assert len(services.plan_import(actor=office, plan=city, data=good, filename="city.xlsx")) == 2
    assert city.targets.get(unit=tree.dept_a1).upgraded
    with pytest.raises(ValidationError):
        services.plan_import(actor=office, plan=city, data=b"not excel", filename="x.xlsx")
