"""The demo's reports and clues: every channel, every state, through the services (archive entries,
documents, to-dos exist), in a bounded time."""

from __future__ import annotations

import time

import pytest

from qinglian.accounts.services import role_assign, user_create
from qinglian.archive.models import ArchiveEntry
from qinglian.demo import jurisdiction
from qinglian.demo.load import DEMO_USERS, load_cadres
from qinglian.intake.models import Channel, Clue, RecommendationLetter, Referral, Report
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db
NEEDED = {"xinfang", "jiancha", "anguan", "paizhu", "xiangzhen"}


def test_the_demo_has_a_petitions_intake_login():
    assert any(role == "petitions_intake" for role, *_ in DEMO_USERS)


@pytest.fixture
def demo_users(db):
    units = jurisdiction.build(villages_per_township=2)
    load_cadres(600)
    users = {}
    for role, username, name, unit_code, anchor_code in DEMO_USERS:
        if username in NEEDED:
            user = user_create(actor=None, username=username, display_name=name, unit=units.get(unit_code),
                               password="demo-pass-123456")  # fmt: skip
            role_assign(actor=None, user=user, role=role, anchor=units.get(anchor_code), reason="演示账号")
            users[username] = user
    return users


def test_intake_demo_covers_every_channel_and_state(demo_users):
    from qinglian.demo.intake_gen import generate

    started = time.monotonic()
    summary = generate(users=demo_users)
    elapsed = time.monotonic() - started
    assert elapsed < 120, f"the intake demo took {elapsed:.0f} s"
    assert summary.reports == Report.objects.count() >= 80
    assert set(Report.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert {"received", "registered", "clue", "referred", "closed"} <= set(
        Report.objects.values_list("status", flat=True)
    )
    assert set(Clue.objects.values_list("status", flat=True)) >= {
        "registered", "assigned", "inquiry", "verification", "held", "closed"
    }  # fmt: skip
    assert set(Referral.objects.values_list("status", flat=True)) == {"open", "replied", "closed"}
    assert set(Referral.objects.values_list("mode", flat=True)) == {"lead", "refer", "supervise"}
    assert set(RecommendationLetter.objects.values_list("status", flat=True)) == {
        "issued", "reported", "accepted", "returned"
    }  # fmt: skip
    # through the services: the file entries, documents and to-dos are there
    assert ArchiveEntry.objects.filter(kind__code="allegation.registered").count() == Clue.objects.count()
    assert ArchiveEntry.objects.filter(kind__code="unit.rectified").count() == 2
    assert Referral.objects.exclude(mode="lead").filter(document__isnull=True).count() == 0
    assert WorkItem.objects.filter(kind="intake.referral_reply", status="open").exists()
    assert WorkItem.objects.filter(kind="intake.petition_handling").exists()
    # the same seed gives the same demo
    assert Report.objects.filter(real_name=True).count() > 10
