"""The demo's personal-matters reports: every status on the reporters page, valid rows, versions,
and the self-service login left with last year's report to fill in."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qinglian.accounts.services import role_assign, user_create
from qinglian.declarations.models import Declaration, Item
from qinglian.declarations.selectors import declared_items, latest_submitted
from qinglian.demo import jurisdiction
from qinglian.demo.load import load_cadres
from qinglian.people.models import Cadre

pytestmark = pytest.mark.django_db


def test_demo_reports_cover_every_status_and_leave_the_self_service_report_to_fill(db):
    from qinglian.demo.declarations_gen import generate

    units = jurisdiction.build(villages_per_township=2)
    load_cadres(600)
    ganbu = user_create(actor=None, username="ganbu", display_name="干部", unit=units["QL-DH-JYJ"],
                        password="demo-pass-123456")  # fmt: skip
    role_assign(actor=None, user=ganbu, role="cadre_self", anchor=None, reason="演示账号")
    from qinglian.declarations.selectors import reporters

    me = (
        reporters(timezone.localdate())
        .filter(unit__path__startswith=units["QL-DH"].path)
        .order_by("pk")
        .first()
    )
    Cadre.objects.filter(pk=me.pk).update(user=ganbu)

    summary = generate()
    assert summary.reporters > 20
    assert summary.submitted and summary.changes and summary.drafts and summary.missing
    assert Declaration.objects.filter(status="submitted").count() == summary.submitted + summary.changes
    year = timezone.localdate().year - 1
    mine = Declaration.objects.get(cadre=me)
    assert mine.year == year - 1 and mine.locked  # last year's is left for the visitor
    changed = Declaration.objects.filter(kind="change").first()
    assert latest_submitted(changed.cadre) == changed and changed.previous.version == 1
    assert changed.items.count() == changed.previous.items.count() + 1
    kinds = set(Item.objects.values_list("kind", flat=True))
    assert {"marriage", "salary", "real_estate", "family_jobs"} <= kinds
    assert all(i.key for i in declared_items(changed) if i.kind == "real_estate")
    assert generate.__doc__
