"""Fixtures of the inspections tests: an inspection office user, a round with targets."""

from __future__ import annotations

from datetime import date

import pytest

from qinglian.inspections import services


@pytest.fixture
def office(tree, make_user):
    return make_user("inspection_office", tree.root)


@pytest.fixture
def five_year(office, tree):
    return services.plan_create(actor=office, kind="five_year", title="甲县2026-2030巡察规划", owner_unit=tree.county_a,
                                start_year=2026)  # fmt: skip


@pytest.fixture
def annual(office, tree, five_year):
    return services.plan_create(actor=office, kind="annual", title="甲县2026年巡察计划", owner_unit=tree.county_a,
                                start_year=2026, parent=five_year)  # fmt: skip


@pytest.fixture
def round_a(office, tree, annual):
    return services.round_create(actor=office, plan=annual, number=1, kind="regular", start_date=date(2026, 3, 1),
                                 end_date=date(2026, 5, 1), targets=[tree.dept_a1, tree.dept_a3, tree.township])  # fmt: skip
