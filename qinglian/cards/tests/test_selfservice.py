"""The cadre's own page: current cards with what is to do, family-event reports, other self-service
links; only his own; a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qinglian.accounts.services import role_assign
from qinglian.cards import services
from qinglian.cards.models import Card
from qinglian.core import navigation

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree, make_user, make_cadre):
    org = make_user("org_supervision", tree.county_a, unit=tree.county_a)
    boss = make_cadre(tree.dept_a1, "局长甲", is_top_leader=True, post_title="局长")
    other = make_cadre(tree.dept_a2, "局长乙", is_top_leader=True, post_title="局长")
    users = {}
    for cadre, username in ((boss, "boss_user"), (other, "other_user")):
        u = make_user(None, unit=cadre.unit, username=username)
        cadre.user = u
        cadre.save(update_fields=["user"])
        role_assign(actor=None, user=u, role="cadre_self", anchor=None, reason="本人")
        users[username] = u
    return {"org": org, "boss": boss, "other": other, **users}


def _issue(tree, org, quarter=4):
    batch = services.batch_create(actor=org, year=2026, quarter=quarter, issuing_body=tree.county_a,
                                  scope_unit=tree.county_a, recipient_types=["top_leader"])  # fmt: skip
    services.batch_issue(actor=org, batch=batch)
    return batch


def _event(user):
    from qinglian.conduct import services as conduct

    return conduct.family_event_file(user=user, kind="wedding", subject="儿子 张某某 结婚",
                                     event_date=timezone.localdate() + timedelta(days=20), venue="县城某酒店",
                                     tables=30, guests=120, cars=3, payer="own")  # fmt: skip


def test_self_page_shows_own_cards_with_their_next_step_and_own_reports_only(people, tree, client):
    batch = _issue(tree, people["org"])
    _event(people["boss_user"])
    _event(people["other_user"])
    client.force_login(people["boss_user"])
    page = client.get("/cards/me/")
    html = page.content.decode()
    assert page.status_code == 200 and "<h1" in html and "本人事项" in html
    card = batch.cards.get(cadre=people["boss"])
    assert services.card_token(card) in html and "签收本季度提醒卡" in html
    assert services.card_token(batch.cards.get(cadre=people["other"])) not in html  # not another's card
    assert html.count("超出规定") == 1  # his report (30 tables, flagged), not the other cadre's
    assert "/conduct/mine/new/" in html
    # Acknowledge from this page: back to it, the next step is the report.
    back = client.post(f"/cards/c/{services.card_token(card)}/", {"action": "acknowledge", "back": "self"})
    assert back.status_code == 302 and back.url == "/cards/me/"
    card.refresh_from_db()
    assert card.status == Card.Status.ACKNOWLEDGED
    assert "填写本季度落实情况" in client.get("/cards/me/").content.decode()


def test_revoked_and_expired_cards(people, tree, client):
    batch = _issue(tree, people["org"])
    card = batch.cards.get(cadre=people["boss"])
    Card.objects.filter(pk=card.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    client.force_login(people["boss_user"])
    html = client.get("/cards/me/").content.decode()
    assert "过期" in html and services.card_token(card) not in html and "签收本季度提醒卡" not in html
    services.card_revoke(actor=people["org"], card=card, reason="重新发放")
    assert "暂无提醒卡" in client.get("/cards/me/").content.decode()


def test_other_apps_self_service_pages_are_linked_when_registered(people, client, monkeypatch):
    entries = list(navigation._ENTRIES) + [navigation.NavEntry("工作台", "个人有关事项报告", "cards:mine",
                                                              "declarations.own", 40)]  # fmt: skip
    monkeypatch.setattr(navigation, "_ENTRIES", entries)
    client.force_login(people["boss_user"])
    html = client.get("/cards/me/").content.decode()
    assert "其他本人事项" in html and "个人有关事项报告" in html


def test_a_user_without_cards_own_cannot_open_it(people, client, make_user, tree):
    client.force_login(make_user(None, unit=tree.dept_a1, username="nobody"))
    assert client.get("/cards/me/").status_code in (403, 404)


def test_self_page_queries_do_not_grow_with_cards_and_reports(people, tree, client):
    client.force_login(people["boss_user"])
    _issue(tree, people["org"], quarter=1)
    _event(people["boss_user"])
    client.get("/cards/me/")
    with CaptureQueriesContext(connection) as few:
        client.get("/cards/me/")
    for quarter in (2, 3, 4):
        _issue(tree, people["org"], quarter=quarter)
        _event(people["boss_user"])
    with CaptureQueriesContext(connection) as many:
        assert client.get("/cards/me/").status_code == 200
    assert len(many) == len(few)
