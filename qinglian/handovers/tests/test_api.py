"""`/api/v1/handovers/`: scoped reads; a user who must not see the case does not."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from rest_framework.test import APIClient

from qinglian.api.services import token_issue
from qinglian.audit.models import AuditEvent
from qinglian.handovers import services
from qinglian.people.services import unit_create


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-06-15 10:00 +0800", tick=False):
        yield


@pytest.fixture
def api(make_user):
    def client_for(role, anchor, *, unit=None):
        user = make_user(role, anchor, unit=unit)
        user.is_integration = True
        user.save(update_fields=["is_integration"])
        _, raw = token_issue(actor=None, user=user, name="测试")
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        c.user = user
        return c

    return client_for


@pytest.fixture
def case(tree, make_cadre):
    bureau = unit_create(actor=None, code="A-SJJ", name="甲县审计局", kind="government_dept", level="county",
                         parent=tree.county_a)  # fmt: skip
    boss = make_cadre(tree.dept_a3, "王局长", is_top_leader=True, post_title="局长")
    parts = {"discipline": {"unit": tree.jw_a, "person": "陈"}, "organisation": {"unit": tree.county_a, "person": "刘"},
             "audit": {"unit": bureau, "person": "孙"}}  # fmt: skip
    c = services.case_open(actor=None, departing=boss, successor_name="李接任", departed_on=date(2026, 6, 1),
                           reason="retirement", parts=parts)  # fmt: skip
    c.bureau = bureau
    return c


def test_staff_in_scope_list_and_read_the_case(tree, api, case):
    client = api("org_supervision", tree.county_a)
    r = client.get("/api/v1/handovers/")
    assert r.status_code == 200 and [c["number"] for c in r.json()["results"]] == [case.number]
    r = client.get(f"/api/v1/handovers/{case.pk}/")
    body = r.json()
    assert r.status_code == 200 and len(body["items"]) == 6 and {p["body"] for p in body["parts"]} == {
        "discipline", "organisation", "audit"}  # fmt: skip
    assert body["status"] == "open" and body["checklist_version"] == 1
    assert AuditEvent.objects.filter(action="handovers.case_view", object_id=str(case.pk)).exists()
    assert client.get("/api/v1/handovers/?q=王局长").json()["count"] == 1
    assert client.get("/api/v1/handovers/?q=张三").json()["count"] == 0
    assert client.get(f"/api/v1/handovers/?q={case.number.lower()}").json()["count"] == 1  # case-blind
    assert client.get("/api/v1/handovers/?year=2025").json()["count"] == 0


def test_a_user_who_must_not_see_the_case_does_not(tree, api, case):
    outsider = api("org_supervision", tree.county_b)
    assert outsider.get("/api/v1/handovers/").json()["count"] == 0
    assert outsider.get(f"/api/v1/handovers/{case.pk}/").status_code == 404
    assert api("petitions_intake", tree.county_a).get("/api/v1/handovers/").status_code == 403
    assert (
        api("taskforce_agency", None, unit=tree.dept_a2).get(f"/api/v1/handovers/{case.pk}/").status_code
        == 404
    )


def test_the_named_audit_agency_reads_its_case_only(tree, api, case):
    agency = api("taskforce_agency", None, unit=case.bureau)
    r = agency.get("/api/v1/handovers/")
    assert [c["id"] for c in r.json()["results"]] == [case.pk]
    assert agency.get(f"/api/v1/handovers/{case.pk}/").status_code == 200
