"""Intake fixtures: staff of county A's commission, a stationed group, an outsider in county B."""

from __future__ import annotations

import pytest

from qinglian.intake.services import IncomingFile, report_create


@pytest.fixture
def staff(tree, make_user):
    """Users by role: `clerk` (信访室, county A), `supervisor` (监督检查室, county A), `approver`
    (监督检查室, city: one level up), `case` (案管室), `stationed` (派驻第一组), `township`
    (甲镇纪委), `outsider` (信访室 of county B), `admin` (系统管理员 at the root), `leader`."""

    class Staff:
        clerk = make_user("petitions_intake", tree.county_a, unit=tree.jw_a, username="clerk")
        clerk2 = make_user("petitions_intake", tree.county_a, unit=tree.jw_a, username="clerk2")
        supervisor = make_user("discipline_supervision", tree.county_a, unit=tree.jw_a, username="supervisor")
        supervisor2 = make_user(
            "discipline_supervision", tree.county_a, unit=tree.jw_a, username="supervisor2"
        )
        approver = make_user("discipline_supervision", tree.root, unit=tree.root, username="approver")
        case = make_user("case_management", tree.county_a, unit=tree.jw_a, username="case")
        stationed = make_user("stationed_group", tree.pz1, unit=tree.pz1, username="stationed")
        township = make_user("township_committee", tree.township, unit=tree.t1_committee, username="township")
        outsider = make_user("petitions_intake", tree.county_b, unit=tree.county_b, username="outsider")
        admin = make_user("sysadmin", tree.root, unit=tree.root, username="admin")
        leader = make_user("leadership", tree.county_a, unit=tree.county_a, username="leader")

    return Staff


@pytest.fixture
def make_report(tree, staff):
    def make(*, actor=None, channel="letter", unit=None, facts="某局长利用职权为亲属承揽工程，收受好处费二十万元。",
             subject_name="王某", identity=None, files=(), **kw):  # fmt: skip
        actor = staff.clerk if actor is None else actor
        return report_create(
            actor=actor or None, channel=channel, receiving_unit=unit or tree.jw_a,
            content={"subject_name": subject_name, "subject_unit": "甲县教育局", "facts": facts},
            identity=identity, files=[IncomingFile(*f) for f in files], **kw,
        )  # fmt: skip

    return make
