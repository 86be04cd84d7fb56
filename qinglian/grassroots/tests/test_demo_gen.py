"""The demo generator of the grassroots network (qinglian/demo/grassroots_gen.py) on a small county."""

from __future__ import annotations

import pytest

from qinglian.demo.grassroots_gen import generate
from qinglian.grassroots.models import DualPostDuty, GroupClue, Information, Station, Task, ZoneGroup
from qinglian.people.services import unit_create

pytestmark = pytest.mark.django_db


def test_generate_builds_the_network_of_a_small_county(make_user, make_cadre):
    mk = lambda code, name, kind, level, parent, **kw: unit_create(  # noqa: E731
        actor=None, code=code, name=name, kind=kind, level=level, parent=parent, **kw
    )
    county = mk("QL-DH", "东湖县", "jurisdiction", "county", None)
    mk("QL-DH-JW", "东湖县纪委监委", "discipline_commission", "county", county)
    town = mk("QL-DH-T01", "清溪镇", "township", "township", county)
    committee = mk("QL-DH-T01-JW", "清溪镇纪委", "township_committee", "township", town)
    v1 = mk("QL-DH-T01-V01", "桃源村", "village", "village", town, supervisor=committee)
    v2 = mk("QL-DH-T01-V02", "柳林村", "village", "village", town, supervisor=committee)
    make_cadre(v1, "王书记")
    make_cadre(v2, "赵主任", is_dual_role=True)
    users = {"xiangzhen": make_user("township_committee", town, username="xiangzhen"),
             "lianluo": make_user("liaison_officer", v1, username="lianluo")}  # fmt: skip
    summary = generate(users=users)
    assert Station.objects.count() == 2 and summary.stations == 2
    assert Information.objects.count() == 12 and Information.objects.exclude(status="submitted").count() == 3
    assert summary.dual_posts == 2 and DualPostDuty.objects.count() >= 8
    assert summary.task_lists == 3 and Task.objects.filter(common__isnull=True).count() == 3
    assert ZoneGroup.objects.count() == 1 and not GroupClue.objects.exists()
