"""Integrity-opinion pages and API: scope, outsiders, bad input, the round trip, the letter download."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from qinglian.api.services import token_issue
from qinglian.archive.models import OpinionRequest
from qinglian.archive.opinions import PENDING_PUBLIC, opinion_approve, opinion_request_create, opinion_review
from qinglian.core.idnumber import DEMO_REGION, make

AS_OF = date(2026, 6, 30)


@pytest.fixture
def people(tree, make_user, make_cadre, record):
    clean = make_cadre(tree.dept_a1, "王清白")
    case = make_cadre(tree.dept_a1, "李待查")
    record(case, "case.opened", date(2026, 5, 1))
    return {
        "requester": make_user("org_supervision", tree.county_a, unit=tree.county_a),
        "reviewer": make_user("discipline_supervision", tree.county_a, unit=tree.jw_a),
        "leader": make_user("case_management", tree.county_a, unit=tree.jw_a),
        "outsider": make_user("org_supervision", tree.county_b, unit=tree.county_b),
        "stranger": make_user("leadership", tree.county_a),
        "clean": clean,
        "case": case,
    }


def _request(p, tree, **kw):
    return opinion_request_create(
        actor=p["requester"], purpose=kw.get("purpose", "promotion"), as_of=AS_OF, title="科级干部提拔",
        candidates=[p["clean"].pk, p["case"].test_id_number], requesting_unit=tree.county_a,
    )  # fmt: skip


def test_create_page_drafts_from_ids_and_pasted_numbers(client, login, people, tree):
    login(people["requester"])
    assert client.get("/archive/opinions/new/", {"q": "王"}).status_code == 200
    response = client.post(
        "/archive/opinions/new/",
        {"title": "科级干部提拔", "purpose": "promotion", "as_of": "2026-06-30", "cadres": [people["clean"].pk],
         "id_numbers": people["case"].test_id_number + "\n"},
    )  # fmt: skip
    assert response.status_code == 302
    req = OpinionRequest.objects.get()
    assert [c.draft_verdict for c in req.candidates.all()] == ["clear", "postpone"]
    page = client.get(response["Location"]).content.decode()
    assert "纪委监委正在审核" in page and "立案" not in page  # the requester sees no draft


def test_bad_input_on_the_create_page_is_a_400_in_chinese_and_creates_nothing(client, login, people):
    login(people["requester"])
    bad = make(DEMO_REGION, date(1980, 1, 1), 5)
    bad = bad[:17] + ("0" if bad[17] != "0" else "1")
    response = client.post(
        "/archive/opinions/new/",
        {"title": "x", "purpose": "promotion", "as_of": "2026-06-30", "id_numbers": bad},
    )
    assert response.status_code == 400 and "校验位" in response.content.decode()
    response = client.post("/archive/opinions/new/", {"title": "", "purpose": "nope", "as_of": "x"})
    assert response.status_code == 400 and "至少一名候选人" in response.content.decode()
    response = client.post(
        "/archive/opinions/new/",
        {"title": "x", "purpose": "promotion", "as_of": "2026-06-30", "excel": _upload(b"not excel")},
    )
    assert response.status_code == 400 and "Excel" in response.content.decode()
    assert not OpinionRequest.objects.exists()


def _upload(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("x.xlsx", data)


def test_review_page_refuses_a_change_without_reason_then_approval_issues_the_letter(
    client, login, people, tree
):
    req = _request(people, tree)
    login(people["reviewer"])
    detail = client.get(f"/archive/opinions/{req.pk}/").content.decode()
    assert "立案审查调查" in detail  # the commission sees the internal reason
    response = client.post(
        f"/archive/opinions/{req.pk}/review/", {"verdict_1": "object", "verdict_2": "postpone"}
    )
    assert response.status_code == 400 and "须写明理由" in response.content.decode()
    assert req.candidates.get(position=1).verdict == "clear"
    response = client.post(
        f"/archive/opinions/{req.pk}/review/",
        {"verdict_1": "clear", "verdict_2": "postpone", "dissent_2": "建议尽快办结"},
    )
    assert response.status_code == 302
    response = client.post(f"/archive/opinions/{req.pk}/approve/", {"approver_name": "王书记"})
    assert response.status_code == 400 and "审核人不能签发" in response.content.decode()
    login(people["leader"])
    response = client.post(f"/archive/opinions/{req.pk}/approve/", {"approver_name": "王书记"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == "issued"
    login(people["requester"])
    page = client.get(f"/archive/opinions/{req.pk}/").content.decode()
    assert PENDING_PUBLIC in page and "立案审查调查" not in page and "建议尽快办结" in page
    assert "/documents/" in page
    from qinglian.documents.models import Document

    for user in (people["requester"], people["reviewer"]):
        login(user)
        for doc in Document.objects.filter(batch=req.document_batch):
            assert client.get(f"/documents/{doc.pk}/download/").status_code == 200
    login(people["outsider"])
    for doc in Document.objects.filter(batch=req.document_batch):
        assert client.get(f"/documents/{doc.pk}/download/").status_code == 404


def test_outsiders_get_404_and_roles_without_the_capability_403(client, login, people, tree):
    req = _request(people, tree)
    login(people["outsider"])
    assert client.get(f"/archive/opinions/{req.pk}/").status_code == 404
    assert client.get("/archive/opinions/").content.decode().count(req.title) == 0
    login(people["stranger"])
    assert client.get("/archive/opinions/").status_code == 403
    assert client.get(f"/archive/opinions/{req.pk}/").status_code == 403
    login(people["requester"])
    assert client.post(f"/archive/opinions/{req.pk}/review/", {}).status_code == 403
    assert client.post(f"/archive/opinions/{req.pk}/approve/", {"approver_name": "x"}).status_code == 403


def test_list_is_scoped_paginated_and_its_query_count_does_not_grow(
    client, login, people, tree, django_assert_num_queries
):
    login(people["reviewer"])
    _request(people, tree)
    client.get("/archive/opinions/")
    with django_assert_num_queries(11) as ctx:
        assert "科级干部提拔" in client.get("/archive/opinions/").content.decode()
    n = len(ctx.captured_queries)
    for _ in range(30):
        _request(people, tree)
    with django_assert_num_queries(n):
        page = client.get("/archive/opinions/").content.decode()
    assert "共 31 条" in page


def test_template_download_is_an_excel_file(client, login, people):
    login(people["requester"])
    response = client.get("/archive/opinions/template/")
    assert response.status_code == 200 and response.content.startswith(b"PK")


# --- API --------------------------------------------------------------------------------------


@pytest.fixture
def api(make_user):
    def client_for(user):
        user.is_integration = True
        user.save(update_fields=["is_integration"])
        _, raw = token_issue(actor=None, user=user, name="测试")
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return c

    return client_for


def test_api_round_trip_masks_numbers_and_shows_verdicts_once_issued(api, people, tree):
    client = api(people["requester"])
    unknown = make(DEMO_REGION, date(1991, 2, 3), 77)
    response = client.post(
        "/api/v1/opinion-requests/",
        {"purpose": "promotion", "as_of": "2026-06-30",
         "candidates": [people["clean"].pk, people["case"].test_id_number, unknown]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert people["case"].test_id_number not in str(body) and unknown not in str(body)
    assert [c["verdict"] for c in body["candidates"]] == [None, None, None]
    req = OpinionRequest.objects.get(pk=body["id"])
    opinion_review(actor=people["reviewer"], request=req, changes={}, dissents={})
    opinion_approve(actor=people["leader"], request=req, approver_name="王书记")
    got = client.get(f"/api/v1/opinion-requests/{req.pk}/").json()
    assert got["status"] == "issued"
    assert [(c["cadre_id"], c["verdict"]) for c in got["candidates"]] == [
        (people["clean"].pk, "clear"), (people["case"].pk, "postpone"), (None, "not_found"),
    ]  # fmt: skip
    assert got["candidates"][1]["reasons"] == [PENDING_PUBLIC]
    commission = api(people["reviewer"]).get(f"/api/v1/opinion-requests/{req.pk}/").json()
    assert "立案审查调查" in commission["candidates"][1]["reasons"][0]


def test_api_bad_input_is_400_with_chinese_field_errors(api, people):
    client = api(people["requester"])
    response = client.post(
        "/api/v1/opinion-requests/", {"purpose": "x", "as_of": "30/06/2026", "candidates": []}, format="json"
    )
    errors = response.json()["errors"]
    assert response.status_code == 400 and {"purpose", "as_of", "candidates"} <= set(errors)
    assert "无效" in str(errors["purpose"]) and "YYYY-MM-DD" in str(errors["as_of"])
    bad = people["clean"].test_id_number[:17] + ("0" if people["clean"].test_id_number[17] != "0" else "1")
    response = client.post(
        "/api/v1/opinion-requests/",
        {"purpose": "awards", "as_of": "2026-06-30", "candidates": [bad]},
        format="json",
    )
    assert response.status_code == 400 and "校验位" in str(response.json())
    assert bad not in str(response.json())
    assert not OpinionRequest.objects.exists()


def test_api_outsider_gets_404_and_schema_lists_the_endpoint(api, people, tree, client, login):
    req = _request(people, tree)
    assert api(people["outsider"]).get(f"/api/v1/opinion-requests/{req.pk}/").status_code == 404
    assert api(people["outsider"]).get("/api/v1/opinion-requests/").json()["count"] == 0
    assert api(people["stranger"]).get("/api/v1/opinion-requests/").status_code == 403
    login(people["requester"])
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/opinion-requests/" in schema


def test_letter_has_a_document_number_and_a_narrow_requester_downloads_it_but_others_do_not(
    client, login, people, tree, make_user
):
    """An organisation officer anchored at one department (no scope over the commission that issues
    the letter) asks about a candidate of his department: he may download the reply letter; a
    colleague with the same role over the next department, or one in another county, may not."""
    from qinglian.documents.models import Document

    narrow = make_user("org_supervision", tree.dept_a1, unit=tree.dept_a1)
    neighbour = make_user("org_supervision", tree.dept_a2, unit=tree.dept_a2)
    req = opinion_request_create(
        actor=narrow, purpose="promotion", as_of=AS_OF, title="教育局副局长人选", candidates=[people["clean"].pk],
        requesting_unit=tree.dept_a1,
    )  # fmt: skip
    opinion_review(actor=people["reviewer"], request=req, changes={}, dissents={})
    req = opinion_approve(actor=people["leader"], request=req, approver_name="王书记")
    docs = list(Document.objects.filter(batch=req.document_batch))
    year = req.issued_at.year
    assert {d.number for d in docs} == {f"甲纪函〔{year}〕1号"} and len(docs) == 2
    assert docs[0].issuing_unit == tree.jw_a
    login(narrow)
    page = client.get(f"/archive/opinions/{req.pk}/").content.decode()
    assert "/documents/" in page
    for doc in docs:
        response = client.get(f"/documents/{doc.pk}/download/")
        assert response.status_code == 200
        assert "%E7%94%B2%E7%BA%AA%E5%87%BD" in response["Content-Disposition"]  # 甲纪函, URL-encoded
    for user in (neighbour, people["outsider"]):
        login(user)
        for doc in docs:
            assert client.get(f"/documents/{doc.pk}/download/").status_code == 404, user
    # The next letter of the commission takes the next number.
    second = _request(people, tree)
    opinion_review(actor=people["reviewer"], request=second, changes={}, dissents={})
    second = opinion_approve(actor=people["leader"], request=second, approver_name="王书记")
    assert set(Document.objects.filter(batch=second.document_batch).values_list("number", flat=True)) == {
        f"甲纪函〔{year}〕2号"
    }
