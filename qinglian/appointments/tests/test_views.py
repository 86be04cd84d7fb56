"""The appointment pages and the API: scope (a user who must NOT see the case), bad input (400, data
unchanged), lists with a fixed number of queries, 一报告两评议 with written feedback and follow-up."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from qinglian.api.services import token_issue
from qinglian.appointments import reviews, services
from qinglian.appointments.models import AnnualReview, ReviewFeedback, Stage
from qinglian.appointments.tests.conftest import stage, to_decision
from qinglian.documents.models import Document
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db


def _api(user):
    user.is_integration = True
    user.save(update_fields=["is_integration"])
    _, raw = token_issue(actor=None, user=user, name="测试")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return c


def test_case_page_for_the_department_the_commission_and_an_outsider(s, client, login, make_user):
    to_decision(s, today=timezone.localdate(), with_votes=False)
    login(s.org)
    page = client.get(f"/appointments/{s.case.pk}/")
    assert page.status_code == 200
    text = page.text
    assert "干部档案审核（凡提必审）" in text and "完结“讨论决定”并固化" in text and "李明" in text
    login(make_user("discipline_supervision", s.tree.county_a))  # appointments.view only
    page = client.get(f"/appointments/{s.case.pk}/")
    assert page.status_code == 200 and "完结“讨论决定”并固化" not in page.text
    assert client.post(f"/appointments/stages/{stage(s.case, 'decision').pk}/close/").status_code == 403
    login(make_user("org_supervision", s.tree.county_b))
    assert client.get(f"/appointments/{s.case.pk}/").status_code == 404
    assert client.post(f"/appointments/stages/{stage(s.case, 'decision').pk}/close/").status_code == 404
    assert s.case.pk not in [c["id"] for c in _api(make_user("org_supervision", s.tree.county_b))
                             .get("/api/v1/appointments/").json()["results"]]  # fmt: skip


def test_bad_stage_input_is_refused_with_a_message_and_changes_nothing(s, client, login):
    login(s.org)
    motion = stage(s.case, "motion")
    r = client.post(f"/appointments/stages/{motion.pk}/", {"held_on": "2999-01-01", "decided_by": "书记会"})
    assert r.status_code == 400 and "日期不能晚于今天" in r.text
    r = client.post(f"/appointments/stages/{motion.pk}/", {"held_on": "not-a-date"})
    assert r.status_code == 400
    r = client.post(f"/appointments/stages/{motion.pk}/close/")
    assert r.status_code == 400 and "完结前请填写日期" in r.text
    r = client.post(f"/appointments/stages/{motion.pk}/documents/",
                    {"file": _upload("方案.pdf", b"MZ\x90\x00 not a pdf")})  # fmt: skip
    assert r.status_code == 400 and "附件" in r.text
    motion.refresh_from_db()
    assert motion.held_on is None and motion.status == "open" and not motion.documents.exists()
    r = client.post(f"/appointments/{s.case.pk}/candidates/", {"cadre": "abc"})
    assert r.status_code == 404


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_stage_recorded_and_closed_through_the_page(s, client, login):
    login(s.org)
    motion = stage(s.case, "motion")
    today = timezone.localdate().isoformat()
    r = client.post(f"/appointments/stages/{motion.pk}/", {"held_on": today, "decided_by": "县委书记专题会议",
                                                            "result": "启动选拔"})  # fmt: skip
    assert r.status_code == 302
    client.post(
        f"/appointments/stages/{motion.pk}/documents/", {"file": _upload("方案.pdf", b"%PDF-1.4\n%%EOF")}
    )
    assert client.post(f"/appointments/stages/{motion.pk}/close/").status_code == 302
    motion.refresh_from_db()
    assert motion.is_closed and motion.documents.count() == 1
    doc = motion.documents.get()
    assert client.get(f"/appointments/documents/{doc.pk}/").content.startswith(b"%PDF")
    r = client.post(f"/appointments/{s.case.pk}/candidates/", {"cadre": s.cadre.pk})
    assert r.status_code == 302 and s.spot.requests


def test_case_list_queries_do_not_grow_with_cases(s, client, login, django_assert_max_num_queries):
    login(s.org)
    client.get("/appointments/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/appointments/").status_code == 200
    for i in range(12):
        services.case_create(
            actor=s.org, unit=s.tree.dept_a2, post_title=f"科长{i}", post_level="section", reason="空缺"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/appointments/")
    assert page.status_code == 200 and "科长11" in page.text


def test_api_lists_and_details_cases_in_scope_only(s, make_user):
    cand = to_decision(s, today=timezone.localdate(), with_votes=False)
    data = _api(s.org).get("/api/v1/appointments/").json()["results"]
    assert [c["id"] for c in data] == [s.case.pk]
    assert [st["kind"] for st in data[0]["stages"]][:3] == ["motion", "recommendation", "appraisal"]
    detail = _api(s.org).get(f"/api/v1/appointments/{s.case.pk}/").json()
    assert [g["state"] for g in detail["checks"][str(cand.pk)]] == ["missing", "missing", "missing", "pass"]
    outsider = make_user("org_supervision", s.tree.county_b)
    assert _api(outsider).get(f"/api/v1/appointments/{s.case.pk}/").status_code == 404
    assert _api(make_user("auditor", None)).get("/api/v1/appointments/").status_code == 403


def test_annual_review_feedback_documents_and_weak_unit_follow_up(s, client, login):
    login(s.org)
    r = client.post("/appointments/reviews/new/", {"unit": s.tree.county_a.pk, "year": 2025, "reported_on": "2026-01-20",
                                                    "participants": 60, "report_summary": "全年选拔任用干部32名"})  # fmt: skip
    assert r.status_code == 302
    review = AnnualReview.objects.get()
    r = client.post(f"/appointments/reviews/{review.pk}/results/",
                    {"kind": "work", "target": f"u{s.tree.dept_a1.pk}", "good": 30, "fair": 10, "poor": 25, "unknown": 0})  # fmt: skip
    assert r.status_code == 400 and "超过参加评议人数60" in r.text
    assert not review.results.exists()
    for unit, good, poor in ((s.tree.dept_a1, 50, 8), (s.tree.dept_a2, 20, 30)):
        r = client.post(f"/appointments/reviews/{review.pk}/results/",
                        {"kind": "work", "target": f"u{unit.pk}", "good": good, "fair": 2, "poor": poor, "unknown": 0})  # fmt: skip
        assert r.status_code == 302
    weak = {r.unit_id: r.weak for r in review.results.all()}
    assert weak == {s.tree.dept_a1.pk: False, s.tree.dept_a2.pk: True}
    r = client.post(f"/appointments/reviews/{review.pk}/feedback/", {"prefix": "甲组"})
    assert r.status_code == 302
    feedback = {f.unit_id: f for f in ReviewFeedback.objects.filter(review=review)}
    assert feedback[s.tree.dept_a2.pk].weak and feedback[s.tree.dept_a2.pk].workitem_id
    assert feedback[s.tree.dept_a1.pk].workitem_id is None
    item = WorkItem.objects.get(pk=feedback[s.tree.dept_a2.pk].workitem_id)
    assert item.assignee_unit == s.tree.dept_a2 and item.due_mode == "working"
    docs = Document.objects.filter(template="appointments.review_feedback")
    assert docs.count() == 4 and {d.number for d in docs} == {f"甲组〔{date.today().year}〕1号",
                                                              f"甲组〔{date.today().year}〕2号"}  # fmt: skip
    review.refresh_from_db()
    assert review.status == "fed_back"
    r = client.post(f"/appointments/reviews/{review.pk}/results/",
                    {"kind": "work", "target": f"u{s.tree.dept_a1.pk}", "good": 1, "fair": 0, "poor": 0, "unknown": 0})  # fmt: skip
    assert r.status_code == 400 and "已反馈" in r.text


def test_newly_appointed_cadres_are_offered_for_the_second_appraisal(s):
    from qinglian.appointments.tests.conftest import pass_gates

    today = timezone.localdate()
    cand = to_decision(s, today=today)
    pass_gates(s, cand, today)
    services.stage_close(actor=s.org, stage=stage(s.case, "decision"))
    review = reviews.review_create(actor=s.org, unit=s.tree.county_a, year=today.year, reported_on=today,
                                   report_summary="报告", participants=40)  # fmt: skip
    assert [c.cadre for c in reviews.newly_appointed(review, viewer=s.org)] == [s.cadre]
    result = reviews.result_record(actor=s.org, review=review, kind="cadre", cadre=s.cadre, good=20, fair=10, poor=2,
                                   unknown=1)  # fmt: skip
    assert result.unit == s.cadre.unit and not result.weak and round(result.rate, 1) == 90.9
    assert Stage.objects.filter(case=s.case, kind="decision", status="closed").exists()


def test_review_list_queries_do_not_grow(s, client, login, django_assert_max_num_queries):
    login(s.org)
    reviews.review_create(actor=s.org, unit=s.tree.county_a, year=2024, reported_on=date(2025, 1, 20),
                          report_summary="报告", participants=10)  # fmt: skip
    client.get("/appointments/reviews/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/appointments/reviews/").status_code == 200
    for year in range(2010, 2022):
        reviews.review_create(actor=s.org, unit=s.tree.dept_a1, year=year, reported_on=date(year + 1, 1, 20),
                              report_summary="报告", participants=10)  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "2021年度" in client.get("/appointments/reviews/").text


def test_review_refuses_bad_input(s):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        reviews.review_create(actor=s.org, unit=s.tree.county_a, year=1999, reported_on=date(2999, 1, 1),
                              report_summary="", participants=0)  # fmt: skip
    assert set(exc.value.message_dict) == {"year", "reported_on", "report_summary", "participants"}
    review = reviews.review_create(actor=s.org, unit=s.tree.county_a, year=2025, reported_on=date(2026, 1, 20),
                                   report_summary="报告", participants=10)  # fmt: skip
    with pytest.raises(ValidationError):
        reviews.review_create(actor=s.org, unit=s.tree.county_a, year=2025, reported_on=date(2026, 1, 20),
                              report_summary="报告", participants=10)  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        reviews.result_record(actor=s.org, review=review, kind="work", unit=s.tree.dept_a1, good=-1, fair=0, poor=0,
                              unknown=0)  # fmt: skip
    assert "不小于0" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError):
        reviews.feedback_issue(actor=s.org, review=review)
    assert not review.results.exists() and not review.feedback.exists()
