"""`/api/v1/selfreport-pairs/`: scoped to both reports, read only, with a user who must not see."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from qinglian.api.services import token_issue
from qinglian.selfreports.models import CopyPair, DetectionRun, SelfReport

pytestmark = pytest.mark.django_db


def _client(user):
    user.is_integration = True
    user.save(update_fields=["is_integration"])
    _, raw = token_issue(actor=None, user=user, name="测试")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return c


def _report(cadre, year):
    return SelfReport.objects.create(cadre=cadre, unit=cadre.unit, year=year, kind="shuzhi", filename="a.txt",
                                     file_format="txt", sha256=f"{year}{cadre.pk}", text="文本", uploaded_at=timezone.now())  # fmt: skip


def test_pairs_are_listed_only_with_both_reports_in_scope(tree, make_user, make_cadre):
    a1, a2 = make_cadre(tree.dept_a1, "张明"), make_cadre(tree.dept_a2, "王芳")
    run = DetectionRun.objects.create(scope_unit=tree.county_a, threshold="0.5", created_at=timezone.now())
    same = CopyPair.objects.create(run=run, report_a=_report(a1, 2022), report_b=_report(a1, 2023), jaccard=0.9,
                                   same_person=True)  # fmt: skip
    cross = CopyPair.objects.create(
        run=run, report_a=_report(a1, 2024), report_b=_report(a2, 2024), jaccard=0.7
    )
    office = make_user("inspection_office", tree.county_a)
    got = _client(office).get("/api/v1/selfreport-pairs/").json()["results"]
    assert {p["id"] for p in got} == {same.pk, cross.pk}
    assert got[0]["report_a"]["cadre_name"] == "张明"
    only_a1 = make_user("inspection_office", tree.dept_a1)
    assert [p["id"] for p in _client(only_a1).get("/api/v1/selfreport-pairs/").json()["results"]] == [same.pk]
    outsider = make_user("inspection_office", tree.county_b)
    c = _client(outsider)
    assert c.get("/api/v1/selfreport-pairs/").json()["results"] == []
    assert c.get(f"/api/v1/selfreport-pairs/{same.pk}/").status_code == 404
    assert (
        _client(make_user("org_supervision", tree.county_a)).get("/api/v1/selfreport-pairs/").status_code
        == 403
    )
    assert _client(office).post("/api/v1/selfreport-pairs/", {}).status_code == 405
