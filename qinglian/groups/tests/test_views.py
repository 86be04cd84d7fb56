"""Group pages: scope of member lists, the rule editor, manual changes, an outsider."""

from __future__ import annotations

from datetime import date

import pytest

from qinglian.groups.models import ManualMembership, Membership, SupervisionGroup
from qinglian.groups.services import memberships_recompute

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree, make_cadre):
    a = make_cadre(tree.dept_a1, "甲青年", born=date(1995, 3, 1))
    b = make_cadre(tree.dept_b1, "乙青年", born=date(1996, 3, 1))
    memberships_recompute(SupervisionGroup.objects.get(code="young"))
    return a, b


def test_members_are_listed_only_inside_the_viewers_scope(
    tree, make_user, login, people, django_assert_max_num_queries
):
    client = login(make_user("org_supervision", tree.county_a))
    with django_assert_max_num_queries(16):
        page = client.get("/groups/young/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "甲青年" in text and "乙青年" not in text
    listing = client.get("/groups/").content.decode()
    assert "年轻干部" in listing


def test_member_page_queries_do_not_grow_with_members(tree, make_user, make_cadre, login, people,
                                                      django_assert_num_queries):  # fmt: skip
    client = login(make_user("org_supervision", tree.county_a))
    client.get("/groups/young/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/groups/young/")
    for i in range(5):
        make_cadre(tree.dept_a2, f"新人{i}", born=date(1998, 1, 1))
    memberships_recompute(SupervisionGroup.objects.get(code="young"))
    with django_assert_num_queries(len(few)):
        client.get("/groups/young/")


def test_rule_editor_saves_a_version_and_recomputes(tree, make_user, login, people):
    client = login(make_user("org_supervision", tree.root))
    form = client.get("/groups/young/edit/")
    assert form.status_code == 200 and "年龄" in form.content.decode()
    response = client.post("/groups/young/edit/", {
        "name": "年轻干部", "description": "", "active": "on", "outer": "and", "inner": "or", "reason": "调整年龄",
        "g0": "1", "f0": "age", "o0": "lte", "v0": "28"})  # fmt: skip
    assert response.status_code == 302
    group = SupervisionGroup.objects.get(code="young")
    assert group.rule == {"combine": "and", "conditions": [{"field": "age", "op": "lte", "value": 28}]}
    assert not Membership.objects.filter(group=group, until__isnull=True).exists()


def test_bad_rule_values_come_back_in_chinese_and_change_nothing(tree, make_user, login, people):
    client = login(make_user("org_supervision", tree.root))
    before = SupervisionGroup.objects.get(code="young").rule
    response = client.post("/groups/young/edit/", {
        "name": "年轻干部", "outer": "and", "inner": "or", "reason": "试",
        "g0": "1", "f0": "status", "o0": "eq", "v0": "睡觉"})  # fmt: skip
    assert response.status_code == 400
    assert "没有“睡觉”这一选项" in response.content.decode()
    assert SupervisionGroup.objects.get(code="young").rule == before


def test_manual_add_needs_a_reason_and_stays_in_scope(tree, make_user, login, people):
    a, b = people
    client = login(make_user("org_supervision", tree.county_a))
    missing = client.post("/groups/leading/manual/", {"cadre": a.pk, "action": "include", "reason": ""})
    assert missing.status_code == 400 and not ManualMembership.objects.exists()
    ok = client.post("/groups/leading/manual/", {"cadre": a.pk, "action": "include", "reason": "主持工作"})
    assert ok.status_code == 302
    assert Membership.objects.filter(group__code="leading", cadre=a, until__isnull=True).exists()
    outsider = client.post("/groups/leading/manual/", {"cadre": b.pk, "action": "include", "reason": "越权"})
    assert outsider.status_code == 404
    assert not Membership.objects.filter(group__code="leading", cadre=b).exists()


def test_viewers_without_the_capability_are_refused(tree, make_user, login):
    client = login(make_user("petitions_intake", tree.county_a))
    assert client.get("/groups/").status_code == 403
    leader = login(make_user("leadership", tree.county_a))
    assert leader.get("/groups/young/edit/").status_code == 403
