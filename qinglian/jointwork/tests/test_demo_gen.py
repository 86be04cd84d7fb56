"""The demo generator of the joint work (qinglian/demo/jointwork_gen.py) on a small county."""

from __future__ import annotations

from datetime import date

import pytest

from qinglian.demo.jointwork_gen import generate
from qinglian.jointwork.models import Circular, Meeting, Occurrence, ReviewCandidate
from qinglian.people.services import unit_create
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db


def test_generate_builds_a_year_of_meetings_and_a_joint_review(clock, make_user, make_cadre):
    from qinglian.taskforce.models import Agency

    mk = lambda code, name, kind, level, parent, **kw: unit_create(  # noqa: E731
        actor=None, code=code, name=name, kind=kind, level=level, parent=parent, **kw
    )
    county = mk("QL-DH", "东湖县", "jurisdiction", "county", None)
    mk("QL-DH-JW", "东湖县纪委监委", "discipline_commission", "county", county)
    zzb = mk("QL-DH-ZZB", "东湖县委组织部", "party_dept", "county", county)
    for i, name in enumerate(["审计局", "人社局", "公安局", "人民法院", "人民检察院"], 1):
        u = mk(f"QL-DH-A{i}", f"东湖县{name}", "government_dept", "county", county)
        Agency.objects.create(code=f"a{i}", name=f"东湖县{name}", unit=u, order=i)
    edu = mk("QL-DH-JYJ", "东湖县教育局", "government_dept", "county", county)
    for i in range(6):
        make_cadre(edu, f"干部{i}")
    users = {"zuzhi": make_user("org_supervision", county, unit=zzb, username="zuzhi"),
             "jiancha": make_user("discipline_supervision", county, username="jiancha"),
             "anguan": make_user("case_management", county, username="anguan")}  # fmt: skip
    clock(2026, 11, 24)
    summary = generate(users=users, today=date(2026, 11, 24))
    assert Meeting.objects.filter(kind="quarterly").count() == 4
    assert Meeting.objects.filter(kind="half_yearly").count() == 2
    assert summary.decisions == 12 and summary.assignments >= 12
    assert WorkItem.objects.filter(kind="jointwork.assignment").count() == summary.assignments
    assert WorkItem.objects.filter(kind="jointwork.assignment", status="done").count() == summary.done > 0
    overdue = WorkItem.objects.filter(
        kind="jointwork.assignment", status="open", due_date__lt=date(2026, 11, 24)
    )
    assert overdue.exists()
    assert ReviewCandidate.objects.count() == 5 and ReviewCandidate.objects.filter(decision="").count() == 0
    assert ReviewCandidate.objects.filter(decision="postpone").count() == summary.postponed >= 1
    assert Circular.objects.count() == 1 and Meeting.objects.exclude(minutes_batch=None).count() == 1
    assert Occurrence.objects.get().due_date == date(2026, 12, 25)  # the half-yearly meeting, 40 days ahead
    assert generate(users=users, today=date(2026, 11, 24)).meetings == 0  # idempotent
