from datetime import date

import pytest
from rest_framework.test import APIClient

from qinglian.api.services import token_issue
from qinglian.audit.models import AuditEvent
from qinglian.core.idnumber import DEMO_REGION, make
from qinglian.people.models import Cadre, Relative


@pytest.fixture
def api(tree, make_user):
    def client_for(role, anchor):
        user = make_user(role, anchor)
        user.is_integration = True
        user.save(update_fields=["is_integration"])
        _, raw = token_issue(actor=None, user=user, name="测试")
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        c.user = user
        return c

    return client_for


def test_list_is_scoped_masked_and_searchable(tree, api, make_cadre):
    inside = make_cadre(tree.dept_a1, "张三")
    make_cadre(tree.dept_b1, "李四")
    client = api("org_supervision", tree.county_a)
    data = client.get("/api/v1/cadres/").json()
    assert [c["name"] for c in data["results"]] == ["张三"]
    assert data["results"][0]["id_masked"] == inside.id_masked
    assert inside.test_id_number not in str(data)
    assert client.get("/api/v1/cadres/", {"q": "zs"}).json()["count"] == 1
    assert client.get("/api/v1/cadres/", {"q": "ls"}).json()["count"] == 0


def test_retrieve_outside_scope_is_404_and_view_is_audited(tree, api, make_cadre):
    inside, outside = make_cadre(tree.dept_a1), make_cadre(tree.dept_b1, "乙")
    client = api("discipline_supervision", tree.county_a)
    assert client.get(f"/api/v1/cadres/{inside.pk}/").status_code == 200
    assert client.get(f"/api/v1/cadres/{outside.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="cadre.view", person_id=inside.pk).exists()


def test_create_validates_like_the_form(tree, api):
    client = api("org_supervision", tree.county_a)
    number = make(DEMO_REGION, date(1982, 2, 2), 21)
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    response = client.post(
        "/api/v1/cadres/",
        {"name": "周八", "id_number": bad, "unit": "A-D1", "post_level": "staff"},
        format="json",
    )
    assert response.status_code == 400 and "校验位" in str(response.json()["errors"]["id_number"])
    response = client.post(
        "/api/v1/cadres/",
        {"name": "周八", "id_number": number, "unit": "NOPE", "post_level": "staff"},
        format="json",
    )
    assert response.status_code == 400 and "unit" in response.json()["errors"]
    response = client.post(
        "/api/v1/cadres/",
        {"name": "周八", "id_number": number, "unit": "A-D1", "post_level": "staff"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["gender"] == "male"
    outside = client.post(
        "/api/v1/cadres/",
        {
            "name": "吴九",
            "id_number": make(DEMO_REGION, date(1983, 3, 3), 31),
            "unit": "B-D1",
            "post_level": "staff",
        },
        format="json",
    )
    assert outside.status_code == 403 and not Cadre.objects.filter(name="吴九").exists()


def test_read_only_roles_cannot_write(tree, api, make_cadre):
    cadre = make_cadre(tree.dept_a1)
    client = api("leadership", tree.county_a)
    assert client.post("/api/v1/cadres/", {}, format="json").status_code == 403
    assert client.put(f"/api/v1/cadres/{cadre.pk}/", {}, format="json").status_code == 403


def test_update_changes_post(tree, api, make_cadre):
    cadre = make_cadre(tree.dept_a1, post_start_date=date(2020, 1, 1))
    client = api("org_supervision", tree.county_a)
    response = client.put(
        f"/api/v1/cadres/{cadre.pk}/",
        {"name": cadre.name, "unit": "A-D2", "post_level": "section", "post_title": "局长", "reason": "任命"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["unit_code"] == "A-D2"
    assert cadre.posts.count() == 2


def test_lookup_by_id_number_is_posted_and_scoped(tree, api, make_cadre):
    cadre = make_cadre(tree.dept_a1)
    other = make_cadre(tree.dept_b1, "乙县人")
    client = api("org_supervision", tree.county_a)
    assert client.post("/api/v1/cadres/lookup/", {"id_number": cadre.test_id_number}).json()["id"] == cadre.pk
    assert client.post("/api/v1/cadres/lookup/", {"id_number": other.test_id_number}).status_code == 404
    assert client.post("/api/v1/cadres/lookup/", {"id_number": "123"}).status_code == 400
    assert client.get("/api/v1/cadres/lookup/").status_code == 405


def test_relatives_api_roles_and_scope(tree, api, make_cadre):
    cadre = make_cadre(tree.dept_a1)
    writer = api("org_supervision", tree.county_a)
    response = writer.post(
        "/api/v1/relatives/",
        {
            "cadre": cadre.pk,
            "relation": "spouse",
            "name": "配偶",
            "source": "declared",
            "employer_unit": "A-D2",
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["employer_unit_name"] == "甲县财政局"
    bad = writer.post(
        "/api/v1/relatives/",
        {"cadre": cadre.pk, "relation": "cousin", "name": "x", "source": "declared"},
        format="json",
    )
    assert bad.status_code == 400 and "relation" in bad.json()["errors"]
    assert api("leadership", tree.county_a).get("/api/v1/relatives/").status_code == 403
    assert api("case_management", tree.county_b).get("/api/v1/relatives/").json()["count"] == 0
    assert api("case_management", tree.county_a).get("/api/v1/relatives/").json()["count"] == 1
    assert Relative.objects.count() == 1


def test_list_query_count_is_fixed(tree, api, make_cadre, django_assert_num_queries):
    client = api("org_supervision", tree.county_a)
    for i in range(3):
        make_cadre(tree.dept_a1, f"甲{i}")
    client.get("/api/v1/cadres/")
    with django_assert_num_queries(4) as ctx:  # token, assignments, count, page
        client.get("/api/v1/cadres/")
    for i in range(20):
        make_cadre(tree.dept_a2, f"乙{i}")
    with django_assert_num_queries(len(ctx.captured_queries)):
        client.get("/api/v1/cadres/")
