"""The cadre page's sections from other apps (people.profile registry): cards, talks, family events,
groups; gated by capability and scope; a fixed number of queries however many records there are."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qinglian.accounts.services import role_assign
from qinglian.cards import services
from qinglian.cards.talks import talk_record
from qinglian.people import profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(tree, make_user, make_cadre):
    cadre = make_cadre(tree.dept_a1, "局长甲", is_top_leader=True, post_title="局长")
    user = make_user(None, unit=tree.dept_a1, username="boss")
    cadre.user = user
    cadre.save(update_fields=["user"])
    role_assign(actor=None, user=user, role="cadre_self", anchor=None, reason="本人")
    return cadre


@pytest.fixture
def org(tree, make_user):
    return make_user("org_supervision", tree.county_a, unit=tree.county_a)


def _records(tree, org, boss, n: int, year: int):
    from qinglian.conduct import services as conduct

    for quarter in range(1, n + 1):
        batch = services.batch_create(actor=org, year=year, quarter=quarter, issuing_body=tree.county_a,
                                      scope_unit=tree.county_a, recipient_types=["top_leader"])  # fmt: skip
        services.batch_issue(actor=org, batch=batch)
        talk_record(actor=org, kind="integrity", held_on=date(year, quarter * 3, 1), talker="纪委书记",
                    summary="廉政谈话", unit=tree.dept_a1, participants=[boss])  # fmt: skip
        conduct.family_event_file(user=boss.user, kind="wedding", subject="儿子 结婚", venue="酒店",
                                  event_date=timezone.localdate() + timedelta(days=quarter), tables=30 if quarter == 1
                                  else 10, guests=100, cars=2, payer="own")  # fmt: skip


def test_sections_show_on_the_cadre_page_for_a_permitted_viewer(tree, org, boss, login):
    from qinglian.groups.services import memberships_recompute_all

    _records(tree, org, boss, 1, 2025)
    memberships_recompute_all()
    html = login(org).get(f"/people/cadres/{boss.pk}/").content.decode()
    for title in ("分类监督分组", "主体责任提醒卡", "谈话", "婚丧喜庆事宜报备"):
        assert title in html, title
    assert 'data-section="cards"' in html and "2025年第1季度" in html
    assert "纪委书记" in html and "超出规定" in html
    assert 'class="badge text-bg-primary text-decoration-none" href="/groups/' in html  # a top leader's group


def test_a_section_needs_its_capability_and_the_cadre_in_its_scope(tree, org, boss, make_cadre, monkeypatch):
    sections = dict(profile._SECTIONS)
    monkeypatch.setattr(profile, "_SECTIONS", sections)
    profile.register_section(profile.ProfileSection("secret", "秘", "cards/_profile_cards.html", "no.such.cap",
                                                    lambda v, c: {"cards": []}))  # fmt: skip
    profile.register_section(profile.ProfileSection("hidden", "隐", "cards/_profile_cards.html", "cards.view",
                                                    lambda v, c: None))  # fmt: skip
    keys = {s["key"] for s in profile.sections_for(org, boss)}
    assert {"cards", "talks", "family_events", "groups"} <= keys and not {"secret", "hidden"} & keys
    far = make_cadre(tree.dept_b1, "乙县干部")  # outside the viewer's county
    assert profile.sections_for(org, far) == []
    assert profile.sections_for(boss.user, boss) == []  # a cadre_self user holds none of these capabilities


def test_cadre_page_queries_do_not_grow_with_the_records(tree, org, boss, login):
    client = login(org)
    url = f"/people/cadres/{boss.pk}/"
    _records(tree, org, boss, 1, 2024)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _records(tree, org, boss, 4, 2025)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
