"""The demo generator runs through the services on a small county and leaves every kind of case."""

from __future__ import annotations

import pytest

from qinglian.appointments.models import AppointmentCase, Complaint, ReverseCheck
from qinglian.people.services import unit_create

pytestmark = pytest.mark.django_db


def test_demo_generator_makes_cases_in_every_state(
    tree, make_user, make_cadre, django_capture_on_commit_callbacks
):
    from qinglian.demo.appointments_gen import generate

    county = unit_create(
        actor=None, code="QL-DH", name="东湖县", kind="jurisdiction", level="county", parent=tree.root
    )
    unit_create(actor=None, code="QL-DH-JW", name="东湖县纪委监委", kind="discipline_commission", level="county",
                parent=county)  # fmt: skip
    for n in range(3):
        dept = unit_create(actor=None, code=f"QL-DH-D{n}", name=f"东湖县第{n}局", kind="government_dept", level="county",
                           parent=county)  # fmt: skip
        for k in range(8):
            make_cadre(dept, f"干部{n}{k}", post_level="staff")
    users = {"zuzhi": make_user("org_supervision", county), "jiancha": make_user("discipline_supervision", county),
             "anguan": make_user("case_management", county)}  # fmt: skip
    summary = generate(users=users, seed=7)
    assert summary.cases >= 8
    statuses = set(AppointmentCase.objects.values_list("status", flat=True))
    assert "open" in statuses
    assert Complaint.objects.count() == summary.complaints == 1
    assert ReverseCheck.objects.count() == summary.reverse >= 1
    assert AppointmentCase.objects.filter(flagged_at__isnull=False).exists()
