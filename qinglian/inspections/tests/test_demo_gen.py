"""The demo generator runs on the demo county through the services (a small cadre registry)."""

from __future__ import annotations

import pytest

from qinglian.accounts.services import role_assign, user_create
from qinglian.demo import jurisdiction
from qinglian.demo.inspections_gen import generate
from qinglian.demo.load import load_cadres
from qinglian.inspections.models import Rectification, Round

pytestmark = pytest.mark.django_db


def test_demo_generator_fills_plans_rounds_and_rectification():
    units = jurisdiction.build()
    load_cadres(800)
    users = {}
    for role, name, anchor in (("inspection_office", "xuncha", "QL-DH"), ("inspection_team", "xunchazu", None),
                               ("inspected_unit_contact", "beixuncha", "QL-DH-JYJ")):  # fmt: skip
        users[name] = user_create(actor=None, username=name, display_name=name, unit=units.get("QL-DH-XCBAN"),
                                  password="pw-test-123456")  # fmt: skip
        role_assign(
            actor=None,
            user=users[name],
            role=role,
            anchor=units.get(anchor) if anchor else None,
            reason="演示",
        )
    summary = generate(users=users)
    assert summary.rounds == 2 and summary.findings >= 6 and summary.rectifications >= 6
    assert Round.objects.filter(status=Round.Status.FEEDBACK).exists()
    assert set(Rectification.objects.values_list("status", flat=True)) == {
        "open",
        "started",
        "advancing",
        "accepted",
    }
    assert Rectification.objects.filter(owner_unit__code="QL-DH-JYJ").exists()
