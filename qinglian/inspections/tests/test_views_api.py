"""Pages and API: scope (the inspected unit's contact sees only its own unit's items; an outsider
sees nothing), bad input answered with a message, lists in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from qinglian.api.services import token_issue
from qinglian.inspections import services
from qinglian.inspections.models import Rectification

pytestmark = pytest.mark.django_db


def _api(user):
    user.is_integration = True
    user.save(update_fields=["is_integration"])
    _, raw = token_issue(actor=None, user=user, name="测试")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return c


@pytest.fixture
def items(office, tree, round_a):
    out = []
    for unit, text in ((tree.dept_a1, "教育局问题"), (tree.dept_a3, "水利局问题")):
        f = services.finding_record(actor=office, round=round_a, unit=unit, text=text)
        out.append(
            services.finding_confirm(actor=office, finding=f, decided_by="巡察办主任", category="correct")
        )
    return out


def test_contact_sees_only_own_units_items_page_and_api(client, login, tree, make_user, items):
    contact = make_user("inspected_unit_contact", tree.dept_a1)
    login(contact)
    page = client.get("/inspections/rectifications/").content.decode()
    assert "教育局问题" in page and "水利局问题" not in page
    assert client.get(f"/inspections/rectifications/{items[1].pk}/").status_code == 404
    assert client.get(f"/inspections/rectifications/{items[0].pk}/").status_code == 200
    api = _api(contact)
    assert [r["problem"] for r in api.get("/api/v1/rectifications/").json()["results"]] == ["教育局问题"]
    assert api.get(f"/api/v1/rectifications/{items[1].pk}/").status_code == 404
    assert api.get("/api/v1/findings/").status_code == 403  # no inspections.view


def test_outsider_office_of_county_b_sees_nothing(tree, make_user, items, round_a):
    outsider = _api(make_user("inspection_office", tree.county_b))
    assert outsider.get("/api/v1/inspection-rounds/").json()["results"] == []
    assert outsider.get("/api/v1/findings/").json()["results"] == []
    assert outsider.get(f"/api/v1/rectifications/{items[0].pk}/").status_code == 404
    insider = _api(make_user("inspection_office", tree.county_a))
    assert [r["title"] for r in insider.get("/api/v1/inspection-rounds/").json()["results"]] == [
        round_a.title
    ]
    assert {f["text"] for f in insider.get("/api/v1/findings/").json()["results"]} == {
        "教育局问题",
        "水利局问题",
    }


def test_owning_unit_updates_plan_and_gates_through_the_api_but_cannot_accept(tree, make_user, items):
    contact = _api(make_user("inspected_unit_contact", tree.dept_a1))
    url = f"/api/v1/rectifications/{items[0].pk}/"
    assert contact.patch(url, {"plan": "建立台账"}, format="json").json()["plan"] == "建立台账"
    assert (
        contact.post(url + "gates/", {"gate": "start", "evidence": "会议纪要"}, format="json").status_code
        == 200
    )
    bad = contact.post(url + "gates/", {"gate": "accept", "evidence": "自验收"}, format="json")
    assert bad.status_code == 400 or bad.status_code == 403
    assert Rectification.objects.get(pk=items[0].pk).status == "started"
    assert contact.patch(url, {"status": "accepted"}, format="json").status_code == 400


def test_bad_input_gets_a_message_not_a_500(client, login, office, round_a):
    login(office)
    r = client.post(f"/inspections/rounds/{round_a.pk}/findings/new/", {"text": "", "unit": "999999"})
    assert r.status_code == 400 and "invalid-feedback" in r.content.decode()
    r = client.post("/inspections/rounds/new/", {"plan": round_a.plan_id, "number": 2, "kind": "regular",
                                                 "start_date": "2026-06-01", "end_date": "2026-07-01",
                                                 "targets": "NO-SUCH\x01"})  # fmt: skip
    assert r.status_code == 400 and "找不到单位代码" in r.content.decode()
    r = client.post("/inspections/rectifications/999999/gates/start/", {"evidence": "x"})
    assert r.status_code == 404


def test_lists_use_a_fixed_number_of_queries(client, login, office, tree, round_a, items):
    from django.db import connection

    login(office)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = {
        u: count(u)
        for u in ("/inspections/", "/inspections/rectifications/", f"/inspections/rounds/{round_a.pk}/")
    }
    for i in range(5):
        f = services.finding_record(actor=office, round=round_a, unit=tree.dept_a1, text=f"更多问题{i}")
        services.finding_confirm(actor=office, finding=f, decided_by="主任", category="build")
    after = {u: count(u) for u in before}
    assert after == before


def test_indicator_page_adds_an_indicator_and_rejects_bad_key_points(client, login, office, make_user, tree):
    login(office)
    r = client.post("/inspections/indicators/", {"code": "1", "title": "党的全面领导"})
    assert r.status_code == 302
    r = client.post(
        "/inspections/indicators/", {"code": "1.1", "title": "决策部署", "key_points": "township|bad|x"}
    )
    assert r.status_code == 400 and "格式应为" in r.content.decode()
    from qinglian.inspections.models import Indicator

    top = Indicator.objects.get(code="1")
    r = client.post("/inspections/indicators/", {"code": "1.1", "title": "决策部署", "parent": top.pk,
                                                 "key_points": "township|special_funds|专项资金"})  # fmt: skip
    assert r.status_code == 302 and Indicator.objects.get(code="1.1").level == 2
    page = client.get("/inspections/indicators/").content.decode()
    assert "决策部署" in page and "专项资金" in page
    leader = make_user("leadership", tree.county_a)
    login(leader)
    assert client.post("/inspections/indicators/", {"code": "2", "title": "x"}).status_code == 403
