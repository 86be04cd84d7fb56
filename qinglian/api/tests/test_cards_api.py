"""`/api/v1/cards/` and `/api/v1/talks/`: scope, own cards, validation, archive effect."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from qinglian.accounts.services import role_assign
from qinglian.api.services import token_issue
from qinglian.archive.models import ArchiveEntry
from qinglian.cards import services

pytestmark = pytest.mark.django_db


def _client(user):
    user.is_integration = True  # tokens are issued to integration accounts only
    user.save(update_fields=["is_integration"])
    _, raw = token_issue(actor=None, user=user, name="测试")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return c


@pytest.fixture
def issued(tree, make_user, make_cadre):
    org = make_user("org_supervision", tree.county_a)
    boss = make_cadre(tree.dept_a1, "局长甲", is_top_leader=True)
    boss_user = make_user(None, unit=tree.dept_a1)
    boss.user = boss_user
    boss.save(update_fields=["user"])
    role_assign(actor=None, user=boss_user, role="cadre_self", anchor=None, reason="本人")
    batch = services.batch_create(actor=org, year=2026, quarter=4, issuing_body=tree.county_a, scope_unit=tree.county_a,
                                  recipient_types=["top_leader"])  # fmt: skip
    services.batch_issue(actor=org, batch=batch)
    return org, boss, boss_user


def test_cards_scoped_and_own(tree, make_user, issued):
    org, boss, boss_user = issued
    assert [c["cadre_name"] for c in _client(org).get("/api/v1/cards/").json()["results"]] == ["局长甲"]
    assert _client(make_user("org_supervision", tree.county_b)).get("/api/v1/cards/").json()["results"] == []
    own = _client(boss_user).get("/api/v1/cards/").json()["results"]
    assert len(own) == 1 and own[0]["status"] == "issued"
    assert _client(make_user("auditor", None)).get("/api/v1/cards/").status_code == 403


def test_talk_create_validates_and_records(tree, make_user, issued):
    org, boss, _ = issued
    stationed = _client(make_user("stationed_group", tree.pz1))
    bad = stationed.post("/api/v1/talks/", {"kind": "admonishment", "held_on": "2026-11-20", "talker": "李组长",
                                            "summary": "诫勉", "participants": [boss.pk]}, format="json")  # fmt: skip
    assert bad.status_code == 400 and "决定" in str(bad.json())
    ok = stationed.post("/api/v1/talks/", {"kind": "admonishment", "held_on": "2026-11-20", "talker": "李组长",
                                           "summary": "诫勉", "participants": [boss.pk], "decided_by": "县纪委常委会"},
                        format="json")  # fmt: skip
    assert ok.status_code == 201
    assert ArchiveEntry.objects.get(person=boss).kind.code == "handling.admonishment"
    far = _client(make_user("stationed_group", tree.pz1))
    other = make_user("discipline_supervision", tree.county_b)
    assert _client(other).get("/api/v1/talks/").json()["results"] == []
    assert len(far.get("/api/v1/talks/").json()["results"]) == 1
    leader = _client(make_user("leadership", tree.county_a))
    assert leader.post("/api/v1/talks/", {}, format="json").status_code == 403
    assert date.fromisoformat(far.get("/api/v1/talks/").json()["results"][0]["held_on"]) == date(2026, 11, 20)
