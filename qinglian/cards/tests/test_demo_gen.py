"""The demo generator for the cadre's own page (qinglian/demo/cards_gen.py)."""

from __future__ import annotations

import pytest

from qinglian.accounts.services import role_assign
from qinglian.conduct.models import FamilyEvent
from qinglian.demo.cards_gen import DEMO_MOBILE, generate

pytestmark = pytest.mark.django_db


def test_generate_gives_ganbu_a_mobile_and_two_family_events(tree, make_user, make_cadre):
    cadre = make_cadre(tree.dept_a1, "干部本人", is_top_leader=True)
    user = make_user(None, unit=tree.dept_a1, username="ganbu")
    cadre.user = user
    cadre.save(update_fields=["user"])
    role_assign(actor=None, user=user, role="cadre_self", anchor=None, reason="本人")
    summary = generate(users={"ganbu": user})
    cadre.refresh_from_db()
    assert cadre.phone == DEMO_MOBILE and summary.events == 2
    assert sorted(FamilyEvent.objects.filter(cadre=cadre).values_list("flagged", flat=True)) == [False, True]
    assert generate(users={"ganbu": user}).events == 2  # run twice: nothing doubled
    assert generate(users={}).cadre == ""
