"""Fixtures of the jointwork tests: the organisation department (convener), the commission (two
people, so that the integrity opinion is reviewed and issued by different people), two member
agencies with their users, leadership, and an outsider in county B."""

from __future__ import annotations

import contextlib
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from qinglian.people.services import unit_create

SH = ZoneInfo("Asia/Shanghai")


class Clock:
    """The travelled clock of a test: `with clock(2026, 5, 20):` moves it (it stays there)."""

    def __init__(self, traveller):
        self.traveller = traveller

    def __call__(self, y, m, d, hour=9):
        self.traveller.move_to(datetime(y, m, d, hour, 0, tzinfo=SH))
        return contextlib.nullcontext()


@pytest.fixture
def clock():
    """Every jointwork test starts on 2026-04-01 (before its users and roles are made, so that
    they are active on the dates the test travels to)."""
    travel = time_machine.travel(datetime(2026, 4, 1, 9, 0, tzinfo=SH), tick=False)
    traveller = travel.start()
    yield Clock(traveller)
    travel.stop()


@pytest.fixture
def jw(clock, tree, make_user, make_cadre):
    from qinglian.taskforce.models import Agency

    audit_unit = unit_create(actor=None, code="A-SJ", name="甲县审计局", kind="government_dept", level="county",
                             parent=tree.county_a)  # fmt: skip
    court_unit = unit_create(actor=None, code="A-FY", name="甲县人民法院", kind="government_dept", level="county",
                             parent=tree.county_a)  # fmt: skip
    audit = Agency.objects.create(code="audit-a", name="甲县审计局", unit=audit_unit, order=10)
    court = Agency.objects.create(
        code="court-a", name="甲县人民法院", unit=court_unit, tier="extra", order=20
    )
    ns = SimpleNamespace(
        tree=tree,
        org=make_user("org_supervision", tree.county_a),
        commission=make_user("discipline_supervision", tree.county_a),
        case=make_user("case_management", tree.county_a),
        leader=make_user("leadership", tree.county_a),
        auditor=make_user("taskforce_agency", None, unit=audit_unit),
        judge=make_user("taskforce_agency", None, unit=court_unit),
        outsider=make_user("org_supervision", tree.county_b),
        audit=audit,
        court=court,
        audit_unit=audit_unit,
        court_unit=court_unit,
        cadre1=make_cadre(tree.dept_a1, "王一"),
        cadre2=make_cadre(tree.dept_a3, "李二"),
    )
    ns.org.display_name = "组织部赵科长"
    return ns
