"""The demo generator of the projects app (qinglian/demo/projects_gen.py) on a small county."""

from __future__ import annotations

import pytest

from qinglian.demo.projects_gen import generate
from qinglian.people.services import unit_create
from qinglian.projects.models import DispatchItem, MissingReport, ProgressReport, Project, ResponsibilityTask

pytestmark = pytest.mark.django_db


def test_generate_builds_this_years_list_and_two_projects(make_user):
    mk = lambda code, name, kind, level, parent, **kw: unit_create(  # noqa: E731
        actor=None, code=code, name=name, kind=kind, level=level, parent=parent, **kw
    )
    county = mk("QL-DH", "东湖县", "jurisdiction", "county", None)
    mk("QL-DH-JW", "东湖县纪委监委", "discipline_commission", "county", county)
    mk("QL-DH-ZZB", "东湖县委组织部", "party_dept", "county", county)
    pz1 = mk("QL-DH-PZ1", "派驻第一纪检监察组", "stationed_group", "county", county)
    mk("QL-DH-FGJ", "东湖县发展和改革局", "government_dept", "county", county, supervisor=pz1)
    sjj = mk("QL-DH-SJJ", "东湖县审计局", "government_dept", "county", county)
    town = mk("QL-DH-T01", "清溪镇", "township", "township", county)
    users = {
        "zuzhi": make_user("org_supervision", county, username="zuzhi"),
        "jiancha": make_user("discipline_supervision", county, username="jiancha"),
        "xiangzhen": make_user("township_committee", town, username="xiangzhen"),
        "zhuanban": make_user("taskforce_agency", None, unit=sjj, username="zhuanban"),
        "paizhu": make_user("stationed_group", pz1, username="paizhu"),
    }
    summary = generate(users=users)
    assert summary.tasks == ResponsibilityTask.objects.count() == 7  # lead units present in this small county
    assert summary.reports == ProgressReport.objects.count() >= 3
    assert ResponsibilityTask.objects.filter(completed_on__isnull=False).count() == 1
    assert summary.todos == MissingReport.objects.count()
    assert {p.kind: p.status for p in Project.objects.all()} == {
        "five_n": "dispatched",
        "small_cut": "closed",
    }
    assert sorted(DispatchItem.objects.values_list("status", flat=True)) == [
        "dispatched", "returned", "verified", "verified"]  # fmt: skip
