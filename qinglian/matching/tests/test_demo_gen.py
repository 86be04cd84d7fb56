"""The demo generator (qinglian/demo/matching_gen.py) over a small registry with a planted conflict."""

from __future__ import annotations

import pytest

from qinglian.demo.matching_gen import generate
from qinglian.matching.models import Hit, SectorMapping

pytestmark = pytest.mark.django_db


def test_generate_runs_and_raises_the_planted_hit(world):
    summary = generate(users={"jiancha": world.admin})
    assert summary.status == "succeeded" and summary.hits == 1 and summary.links >= 2
    assert summary.by_rule == {"matching.business": 1}
    hit = Hit.objects.get()
    assert hit.cadre == world.chief and hit.status == "acknowledged"
    assert SectorMapping.objects.filter(industry_prefix="E", sector="住房建设").exists()
