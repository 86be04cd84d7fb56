"""The intake API: agency transfers create a received report; clues are scoped and never carry a
sealed field."""

from __future__ import annotations

import base64
import io
import json

import pytest
from rest_framework.test import APIClient

from qinglian.api.services import token_issue
from qinglian.intake.models import Report
from qinglian.intake.services import clue_register

pytestmark = pytest.mark.django_db

SEALED_SUMMARY = "反映其为妻弟承揽食堂工程收受好处费"


def _bearer(user, **kw):
    user.is_integration = True
    user.save(update_fields=["is_integration"])
    _, raw = token_issue(actor=None, user=user, name="测试", **kw)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def agency(tree, make_user):
    return _bearer(make_user("taskforce_agency", None, unit=tree.dept_a3))


def _png():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def test_agency_transfer_creates_a_received_report_from_the_agency(agency, tree):
    response = agency.post("/api/v1/reports/", {
        "receiving_unit": "A-JW", "source_reference": "审移〔2026〕3号", "facts": "审计发现某局违规发放津贴",
        "subject_name": "王某", "files": [{"name": "报告.png", "data": _png()}],
    }, format="json")  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"id", "number", "status", "channel", "received_at"}
    report = Report.objects.get()
    assert report.status == "received" and report.channel == "agency" and report.source_agency == tree.dept_a3
    assert report.attachments.count() == 1 and "审计发现" not in report.content


def test_agency_transfer_bad_input_is_a_chinese_400_and_writes_nothing(agency):
    for payload in ({}, {"receiving_unit": "NOPE", "source_reference": "x", "facts": "y"},
                    {"receiving_unit": "A-JW", "source_reference": "x", "facts": ""},
                    {"receiving_unit": "A-JW", "source_reference": "x", "facts": "y", "files": [{"name": "a", "data": "!!"}]},
                    {"receiving_unit": "A-JW", "source_reference": "x", "facts": "y", "reporter_name": "李"},
                    {"receiving_unit": "A-JW", "source_reference": "x", "facts": "y",
                     "files": [{"name": "a.svg", "data": base64.b64encode(b"<svg onload=alert(1)>").decode()}]}):  # fmt: skip
        response = agency.post("/api/v1/reports/", payload, format="json")
        assert response.status_code == 400, (payload, response.content)
        assert "errors" in response.json()
    assert agency.post("/api/v1/reports/", "not json", content_type="application/json").status_code == 400
    assert not Report.objects.exists()


def test_roles_without_the_agency_capability_cannot_transfer(tree, make_user):
    client = _bearer(make_user("leadership", tree.county_a))
    response = client.post("/api/v1/reports/", {"receiving_unit": "A-JW", "source_reference": "x", "facts": "y"},
                           format="json")  # fmt: skip
    assert response.status_code == 403 and not Report.objects.exists()
    assert APIClient().post("/api/v1/reports/", {}, format="json").status_code in (401, 403)


@pytest.fixture
def clues(staff, tree, make_cadre):
    a = clue_register(actor=staff.supervisor, summary=SEALED_SUMMARY, problem_type="integrity",
                      cadres=[make_cadre(tree.dept_a1, "王某某")], source="supervision")  # fmt: skip
    b = clue_register(actor=staff.supervisor, summary=SEALED_SUMMARY, problem_type="work",
                      cadres=[make_cadre(tree.village, "李某")], source="inspection", source_reference="巡察")  # fmt: skip
    return a, b


def test_clues_are_scoped_and_carry_no_sealed_field(clues, staff, tree, django_assert_max_num_queries):
    a, b = clues
    client = _bearer(staff.supervisor)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/clues/")
    assert response.status_code == 200
    text = json.dumps(response.json(), ensure_ascii=False)
    assert {c["id"] for c in response.json()["results"]} == {a.pk, b.pk}
    assert SEALED_SUMMARY not in text and "summary" not in text
    assert "王某某" in text  # the subject's name is registry data, not sealed
    detail = client.get(f"/api/v1/clues/{a.pk}/")
    assert (
        detail.status_code == 200
        and SEALED_SUMMARY not in detail.content.decode()
        and "summary" not in detail.json()
    )
    township = _bearer(staff.township)
    assert {c["id"] for c in township.get("/api/v1/clues/").json()["results"]} == {b.pk}
    assert township.get(f"/api/v1/clues/{a.pk}/").status_code == 404
    narrowed = _bearer(staff.case, unit=tree.township)
    assert {c["id"] for c in narrowed.get("/api/v1/clues/").json()["results"]} == {b.pk}


def test_clue_api_outsiders(clues, staff, tree, make_user):
    a, _ = clues
    outsider = _bearer(staff.outsider)
    assert outsider.get("/api/v1/clues/").json()["results"] == []
    assert outsider.get(f"/api/v1/clues/{a.pk}/").status_code == 404
    assert outsider.get("/api/v1/clues/abc/").status_code == 404
    assert _bearer(staff.leader).get("/api/v1/clues/").status_code == 403
    assert _bearer(staff.supervisor).get("/api/v1/clues/", {"status": "bogus"}).status_code == 400


def test_schema_still_builds(staff, login):
    response = login(staff.clerk).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/reports/" in response.content and b"/api/v1/clues/{id}/" in response.content
