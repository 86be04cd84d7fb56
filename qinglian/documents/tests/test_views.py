from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qinglian.audit.models import AuditEvent
from qinglian.documents import registry
from qinglian.documents.models import Document
from qinglian.documents.services import document_create


@pytest.fixture
def clerk(tree, make_user):
    return make_user("discipline_supervision", tree.county_a)


@pytest.fixture
def colleague(tree, make_user):
    return make_user("township_committee", tree.township)


@pytest.fixture
def outsider(tree, make_user):
    return make_user("discipline_supervision", tree.county_b)


def _make(actor, unit, content, n=1):
    return [
        document_create(
            actor=actor, template="notice", content=content, issuing_unit=unit, formats=("docx",)
        )[0]
        for _ in range(n)
    ]


def test_list_shows_documents_in_scope_with_a_constant_number_of_queries(
    tree, clerk, outsider, notice_content, login, django_assert_num_queries
):
    _make(clerk, tree.jw_a, notice_content)
    _make(outsider, tree.dept_b1, notice_content)
    client = login(clerk)
    client.get(reverse("documents:list"))  # warm the session
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("documents:list"))
    # This page's own reads: the count and the page of documents (units and creators joined).
    assert len([q for q in first.captured_queries if "documents_document" in q["sql"]]) == 2
    _make(clerk, tree.jw_a, notice_content, 3)
    # The shell's queries (session, roles, navigation badges) belong to other apps; the total
    # must not grow with the number of rows.
    with django_assert_num_queries(len(first)):
        response = client.get(reverse("documents:list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 4
    assert "甲纪〔2026〕12号" in response.content.decode()


def test_outsider_does_not_see_another_countys_documents(tree, clerk, outsider, notice_content, login):
    _make(clerk, tree.jw_a, notice_content)
    response = login(outsider).get(reverse("documents:list"))
    assert response.context["page"].paginator.count == 0
    assert "暂无公文" in response.content.decode()


def test_download_serves_the_file_with_a_chinese_name_and_is_audited(
    tree, clerk, colleague, notice_content, login
):
    [doc] = _make(clerk, tree.township, notice_content)
    response = login(colleague).get(reverse("documents:download", args=[doc.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == Document.CONTENT_TYPES["docx"]
    name = "甲纪〔2026〕12号 关于开展廉政教育月活动的通知.docx"
    assert f"filename*=utf-8''{quote(name)}" in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:2] == b"PK"
    event = AuditEvent.objects.get(action="document.download")
    assert event.actor_id == colleague.pk and event.object_id == str(doc.pk)


def test_outsider_gets_404_and_nothing_is_audited(tree, clerk, outsider, notice_content, login):
    [doc] = _make(clerk, tree.jw_a, notice_content)
    assert login(outsider).get(reverse("documents:download", args=[doc.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="document.download").exists()


def test_colleague_in_a_township_does_not_see_a_county_document(
    tree, clerk, colleague, notice_content, login
):
    [doc] = _make(clerk, tree.jw_a, notice_content)
    assert login(colleague).get(reverse("documents:download", args=[doc.pk])).status_code == 404


def test_creator_may_download_even_outside_the_view_scope(tree, make_user, notice_content, login):
    [doc] = _make(None, tree.dept_b1, notice_content)
    Document.objects.filter(pk=doc.pk).update(created_by=make_user("township_committee", tree.township))
    doc.refresh_from_db()
    assert login(doc.created_by).get(reverse("documents:download", args=[doc.pk])).status_code == 200


def test_template_with_its_own_capability_is_hidden_from_those_without_it(
    tree, clerk, notice_content, login, monkeypatch, make_user
):
    monkeypatch.setattr(registry, "_TEMPLATES", dict(registry._TEMPLATES))
    registry.register(
        registry.DocumentTemplate("test.sealed", "转办单", lambda **kw: None, "sealed.reporter_identity")
    )
    [doc] = document_create(
        actor=None, template="test.sealed", content=notice_content, issuing_unit=tree.jw_a, formats=("docx",)
    )
    client = login(clerk)  # documents.view over county A, but no sealed.reporter_identity
    assert client.get(reverse("documents:download", args=[doc.pk])).status_code == 404
    assert client.get(reverse("documents:list")).context["page"].paginator.count == 0


def test_anonymous_download_is_sent_to_sign_in(tree, clerk, notice_content, client):
    [doc] = _make(clerk, tree.jw_a, notice_content)
    assert client.get(reverse("documents:download", args=[doc.pk])).status_code == 302


def test_notice_page_creates_a_numbered_notice(tree, clerk, login):
    client = login(clerk)
    page = client.get(reverse("documents:notice_create"))
    assert page.status_code == 200 and "发文机关代字" in page.content.decode()
    response = client.post(
        reverse("documents:notice_create"),
        {
            "issuing_unit": tree.jw_a.pk,
            "number_prefix": "甲纪",
            "title": "关于开展廉政教育月活动的通知",
            "addressee": "各乡镇纪委",
            "body": "第一段。\n\n第二段。",
            "red_header": "on",
            "formats": ["docx"],
        },
    )
    assert response.status_code == 302
    doc = Document.objects.get()
    assert doc.number.startswith("甲纪〔") and doc.issuing_unit == tree.jw_a and doc.created_by == clerk


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "body": "正文", "formats": ["docx"]}, "title", "请填写标题"),
        ({"title": "通知", "body": "  \n ", "formats": ["docx"]}, "body", "请填写正文"),
        ({"title": "通知", "body": "正文", "formats": []}, "formats", "请至少选择一种格式"),
        (
            {"title": "通知", "body": "正文", "formats": ["docx"], "number_prefix": "甲纪〔1〕"},
            "number_prefix",
            "代字",
        ),
    ],
)
def test_notice_page_bad_input_is_400_with_a_chinese_message(tree, clerk, login, data, field, message):
    response = login(clerk).post(reverse("documents:notice_create"), {"issuing_unit": tree.jw_a.pk, **data})
    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors[field])
    assert not Document.objects.exists()


def test_notice_page_refuses_a_unit_outside_the_scope(tree, clerk, login):
    response = login(clerk).post(
        reverse("documents:notice_create"),
        {"issuing_unit": tree.dept_b1.pk, "title": "通知", "body": "正文", "formats": ["docx"]},
    )
    assert response.status_code == 400
    assert "请选择您有权发文的单位" in response.context["form"].errors["issuing_unit"][0]


def test_role_without_documents_create_gets_403_on_the_notice_page(tree, make_user, login):
    leader = make_user("leadership", tree.county_a)
    assert login(leader).get(reverse("documents:notice_create")).status_code == 403


def test_role_without_documents_view_gets_403_on_the_list(tree, make_user, login):
    officer = make_user("liaison_officer", tree.village)
    assert login(officer).get(reverse("documents:list")).status_code == 403
