"""`/api/v1/archive-entries/` and `/api/v1/cadres/{id}/restrictions/`."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from rest_framework.test import APIClient

from qinglian.api.services import token_issue
from qinglian.archive.models import ArchiveEntry
from qinglian.audit.models import AuditEvent


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-06-15 10:00 +0800", tick=False):
        yield


@pytest.fixture
def api(tree, make_user):
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


def test_case_management_creates_a_sanction_by_cadre_id(tree, api, person):
    client = api("case_management", tree.county_a)
    body = {"kind": "gov.demerit", "person": person.pk, "occurred_on": "2026-05-01", "summary": "违规吃喝",
            "decided_by": "县监委", "decision_document": "东监处〔2026〕9号"}  # fmt: skip
    response = client.post("/api/v1/archive-entries/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["colour"], data["influence_end"], data["kind"]) == ("black", "2027-04-30", "gov.demerit")


def test_agency_submits_by_id_number_which_is_never_echoed(tree, api, person):
    client = api("taskforce_agency", None, unit=tree.dept_a2)
    body = {"kind": "external.traffic_offence", "id_number": person.test_id_number, "occurred_on": "2026-05-03",
            "summary": "酒后驾驶", "source_reference": "交警〔2026〕1号"}  # fmt: skip
    response = client.post("/api/v1/archive-entries/", body, format="json")
    assert response.status_code == 201, response.json()
    assert person.test_id_number not in response.content.decode()
    entry = ArchiveEntry.objects.get(person=person)
    assert (entry.review, entry.source_agency_id, entry.colour) == ("pending", tree.dept_a2.pk, "none")
    refused = client.post("/api/v1/archive-entries/", {**body, "kind": "handling.criticism", "decided_by": "x"},
                          format="json")  # fmt: skip
    assert refused.status_code == 403


def test_create_errors_are_400_in_chinese(tree, api, person, make_cadre):
    far = make_cadre(tree.dept_b1, "乙县干部", born=date(1981, 1, 1))
    client = api("case_management", tree.county_a)
    base = {"kind": "gov.demerit", "occurred_on": "2026-05-01", "summary": "x", "decided_by": "县监委"}
    response = client.post("/api/v1/archive-entries/", {**base, "person": person.pk}, format="json")
    assert response.status_code == 400 and "决定文书" in str(response.json())
    response = client.post("/api/v1/archive-entries/", {**base, "person": far.pk, "decision_document": "x"},
                           format="json")  # fmt: skip
    assert response.status_code == 400 and "不在您的管理范围内" in str(response.json())
    response = client.post("/api/v1/archive-entries/", {**base, "id_number": far.test_id_number,
                                                        "decision_document": "x"}, format="json")  # fmt: skip
    assert response.status_code == 400 and "不在您的管理范围内" in str(response.json())
    response = client.post("/api/v1/archive-entries/", {**base, "kind": "no.such", "person": person.pk},
                           format="json")  # fmt: skip
    assert response.status_code == 400
    response = client.post("/api/v1/archive-entries/", {**base}, format="json")
    assert response.status_code == 400 and "二选一" not in str(response.json())  # message says 之一
    assert ArchiveEntry.objects.count() == 0


def test_list_is_per_person_scoped_and_sealed_only_for_sealed_readers(tree, api, person, record, make_cadre):
    record(person, "case.opened", date(2026, 5, 1), summary="立案")
    record(person, "appraisal.competent", date(2026, 1, 20), period_year=2025)
    far = make_cadre(tree.dept_b1, "乙县干部", born=date(1981, 1, 1))
    leader = api("leadership", tree.county_a)
    data = leader.get("/api/v1/archive-entries/", {"person": person.pk}).json()
    assert [e["kind"] for e in data["results"]] == ["appraisal.competent"]
    assert data["results"][0]["influence_end"] is None and data["results"][0]["colour"] == "blue"
    discipline = api("discipline_supervision", tree.county_a)
    kinds = [
        e["kind"] for e in discipline.get("/api/v1/archive-entries/", {"person": person.pk}).json()["results"]
    ]
    assert kinds == ["case.opened", "appraisal.competent"]
    assert leader.get("/api/v1/archive-entries/", {"person": far.pk}).status_code == 404
    assert leader.get("/api/v1/archive-entries/").status_code == 400
    assert leader.get("/api/v1/archive-entries/", {"person": "abc"}).status_code == 400
    assert AuditEvent.objects.filter(action="archive.view_person", person_id=person.pk).count() == 2
    agency = api("taskforce_agency", None, unit=tree.dept_a2)
    assert agency.get("/api/v1/archive-entries/", {"person": person.pk}).status_code == 403


def test_restrictions_as_of_a_date_with_explanations(tree, api, person, record, make_cadre):
    record(person, "gov.demerit", date(2026, 3, 15), decision_document="东监处〔2026〕2号")
    record(person, "verification.opened", date(2026, 5, 1))
    client = api("org_supervision", tree.county_a)
    data = client.get(f"/api/v1/cadres/{person.pk}/restrictions/", {"as_of": "2027-03-14"}).json()
    assert [r["kind"] for r in data["restrictions"]] == [
        "gov.demerit"
    ]  # the sealed verification is not shown
    bar = data["restrictions"][0]
    assert (
        bar["until"] == "2027-03-14" and "promotion" in bar["restrictions"] and "不得" in bar["explanation"]
    )
    after = client.get(f"/api/v1/cadres/{person.pk}/restrictions/", {"as_of": "2027-03-15"}).json()
    assert after["restrictions"] == []
    sealed = api("discipline_supervision", tree.county_a)
    kinds = [
        r["kind"] for r in sealed.get(f"/api/v1/cadres/{person.pk}/restrictions/").json()["restrictions"]
    ]
    assert kinds == ["gov.demerit", "verification.opened"]
    response = client.get(f"/api/v1/cadres/{person.pk}/restrictions/", {"as_of": "2027-02-30"})
    assert response.status_code == 400 and "YYYY-MM-DD" in str(response.json())
    far = make_cadre(tree.dept_b1, "乙县干部", born=date(1981, 1, 1))
    assert client.get(f"/api/v1/cadres/{far.pk}/restrictions/").status_code == 404
    assert api("taskforce_agency", None).get(f"/api/v1/cadres/{person.pk}/restrictions/").status_code == 403
