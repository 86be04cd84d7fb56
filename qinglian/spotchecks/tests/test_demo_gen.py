"""The demo generator runs through the services and leaves checks in several states."""

from __future__ import annotations

from qinglian.demo import spotchecks_gen
from qinglian.spotchecks.models import ComparedItem, SpotCheck


def test_generator_draws_sends_imports_and_decides(tree, reviewer, cadre_with_account):
    owners = [
        cadre_with_account(unit=tree.dept_a1 if i % 2 else tree.dept_a2, name=f"演示{i}") for i in range(20)
    ]
    ganbu_cadre, ganbu = owners[0]
    summary = spotchecks_gen.generate(users={"zuzhi": reviewer, "ganbu": ganbu}, county_code="A", packages=5)
    assert summary.sampled == 2 and summary.requests == 2
    assert summary.compared >= 2 and summary.decided + summary.asked == summary.compared
    assert ComparedItem.objects.exists()
    own = SpotCheck.objects.filter(cadre=ganbu_cadre).exclude(status="cancelled").get()
    assert own.status == "explaining" and own.proposed == "concealment"
    again = spotchecks_gen.generate(users={"zuzhi": reviewer, "ganbu": ganbu}, county_code="A", packages=5)
    assert again.requests == 0  # idempotent
