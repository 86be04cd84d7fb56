"""`/api/v1/spot-checks/`: scope, own checks, no sealed details, targeted checks idempotent."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from qinglian.api.services import token_issue
from qinglian.spotchecks.models import SpotCheck
from qinglian.spotchecks.services import targeted_check_request


def _client(user):
    user.is_integration = True
    user.save(update_fields=["is_integration"])
    _, raw = token_issue(actor=None, user=user, name="测试")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return c


@pytest.fixture
def api_check(tree, reviewer, cadre_with_account):
    cadre, user = cadre_with_account()
    return (
        cadre,
        user,
        targeted_check_request(actor=reviewer, cadre=cadre, reason="拟提拔", source="appointments:3"),
    )


def test_scoped_list_and_outsider(tree, make_user, reviewer, api_check):
    cadre, user, check = api_check
    rows = _client(reviewer).get("/api/v1/spot-checks/").json()["results"]
    assert [r["id"] for r in rows] == [check.pk] and rows[0]["status"] == "open"
    assert "items" not in rows[0] and "explanation" not in rows[0]
    outsider = _client(make_user("org_supervision", tree.county_b))
    assert outsider.get("/api/v1/spot-checks/").json()["results"] == []
    assert outsider.get(f"/api/v1/spot-checks/{check.pk}/").status_code == 404
    assert _client(make_user("leadership", tree.county_a)).get("/api/v1/spot-checks/").status_code == 403


def test_own_checks_only_once_they_ask(reviewer, api_check):
    cadre, user, check = api_check
    own = _client(user)
    assert own.get("/api/v1/spot-checks/").json()["results"] == []
    SpotCheck.objects.filter(pk=check.pk).update(status="explaining")
    assert [r["id"] for r in own.get("/api/v1/spot-checks/").json()["results"]] == [check.pk]
    assert (
        own.post("/api/v1/spot-checks/", {"cadre": cadre.pk, "reason": "x"}, format="json").status_code == 403
    )


def test_create_targeted_check_is_idempotent(tree, make_user, reviewer, make_cadre):
    cadre = make_cadre(tree.dept_a1, "候选人")
    api = _client(reviewer)
    first = api.post("/api/v1/spot-checks/", {"cadre": cadre.pk, "reason": "拟提拔", "source": "appointments:9"},
                     format="json")  # fmt: skip
    assert first.status_code == 201 and first.json()["kind"] == "promotion"
    again = api.post(
        "/api/v1/spot-checks/", {"cadre": cadre.pk, "reason": "信访", "source": "intake:1"}, format="json"
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert (
        api.post("/api/v1/spot-checks/", {"cadre": cadre.pk, "reason": ""}, format="json").status_code == 400
    )
    outsider = _client(make_user("org_supervision", tree.county_b))
    assert outsider.post("/api/v1/spot-checks/", {"cadre": cadre.pk, "reason": "拟提拔"},
                         format="json").status_code == 400  # fmt: skip
    assert SpotCheck.objects.filter(cadre=cadre).count() == 1
