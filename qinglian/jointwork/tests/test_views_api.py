"""Pages and `/api/v1/meetings/`: scope, sealing, bad input, query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from qinglian.api.services import token_issue
from qinglian.intake.services import clue_register
from qinglian.jointwork import services
from qinglian.jointwork.models import Circular, JointReview, Meeting, MeetingSchedule
from qinglian.jointwork.tests.test_services import _issue, make_meeting
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db


def _new_meeting_post(jw, **kw):
    return {"kind": "quarterly", "title": "2026年第二季度分析会", "unit": jw.tree.county_a.pk, "held_on": "2026-04-15",
            "place": "组织部会议室", "convener_name": "赵部长", "agencies": [jw.audit.pk],
            "attendees": "钱局长 审计局局长\n赵部长 组织部部长"} | kw  # fmt: skip


def test_meeting_pages_record_a_decision_that_becomes_a_to_do(jw, login):
    c = login(jw.org)
    assert c.get("/joint/meetings/new/").status_code == 200
    bad = c.post("/joint/meetings/new/", _new_meeting_post(jw, title="", held_on="不是日期"))
    assert bad.status_code == 400 and not Meeting.objects.exists()
    ok = c.post("/joint/meetings/new/", _new_meeting_post(jw))
    assert ok.status_code == 302
    m = Meeting.objects.get()
    assert [a.name for a in m.attendees.all()] == ["钱局长", "赵部长"] and list(m.agencies.all()) == [
        jw.audit
    ]
    page = c.get(f"/joint/meetings/{m.pk}/").content.decode()
    assert "记录议定事项" in page and "钱局长（审计局局长）" in page
    bad = c.post(f"/joint/meetings/{m.pk}/decisions/", {"text": "开展专项监督", "task_1": "报送问题清单"})
    assert bad.status_code == 400 and not WorkItem.objects.exists() and not m.decisions.exists()
    ok = c.post(f"/joint/meetings/{m.pk}/decisions/", {"text": "开展专项监督", "task_1": "报送问题清单",
                                                       "owner_1": jw.audit_unit.pk, "due_1": "2026-05-15"})  # fmt: skip
    assert ok.status_code == 302
    item = WorkItem.objects.get()
    assert item.assignee_unit == jw.audit_unit and item.due_date == date(2026, 5, 15)
    a = m.decisions.get().assignments.get()
    r = c.post(f"/joint/meetings/{m.pk}/follow-ups/", {"assignment": a.pk, "note": "已电话督促"})
    assert r.status_code == 302 and a.follow_ups.count() == 1
    r = c.post(f"/joint/meetings/{m.pk}/minutes/")
    assert r.status_code == 302
    m.refresh_from_db()
    assert (
        m.minutes_batch and "2026年第二季度分析会纪要" in c.get(f"/joint/meetings/{m.pk}/").content.decode()
    )
    # the attending agency reads the meeting, cannot change it; the outsider does not see it
    login(jw.auditor)
    assert c.get(f"/joint/meetings/{m.pk}/").status_code == 200
    assert c.post(f"/joint/meetings/{m.pk}/decisions/", {"text": "x"}).status_code == 403
    assert "报送问题清单" in c.get("/todo/").content.decode()
    login(jw.judge)  # the court did not attend
    assert c.get(f"/joint/meetings/{m.pk}/").status_code == 404
    assert "2026年第二季度分析会" not in c.get("/joint/meetings/").content.decode()
    login(jw.outsider)
    assert c.get(f"/joint/meetings/{m.pk}/").status_code == 404
    assert c.post(f"/joint/meetings/{m.pk}/decisions/", {"text": "越权"}).status_code == 404
    assert "2026年第二季度分析会" not in c.get("/joint/meetings/").content.decode()


def test_sealed_case_content_on_the_page_only_for_the_sealed_capability(jw, login):
    m = make_meeting(jw)
    clue = clue_register(actor=jw.commission, summary="反映其违规收受礼金", problem_type="integrity",
                         cadres=[jw.cadre1], source="supervision", source_reference="日常监督")  # fmt: skip
    c = login(jw.commission)
    r = c.post(f"/joint/meetings/{m.pk}/cases/", {"summary": "研究王一有关问题", "clue_number": clue.number,
                                                  "cadre": jw.cadre1.pk})  # fmt: skip
    assert r.status_code == 302
    assert "反映其违规收受礼金" in c.get(f"/joint/meetings/{m.pk}/").content.decode()
    for viewer in (jw.org, jw.leader, jw.auditor):
        login(viewer)
        page = c.get(f"/joint/meetings/{m.pk}/").content.decode()
        assert "研究王一有关问题" in page and "反映其违规收受礼金" not in page and clue.number not in page
    login(jw.org)
    r = c.post(f"/joint/meetings/{m.pk}/cases/", {"summary": "越权", "clue_number": clue.number})
    assert r.status_code == 400 and m.cases.count() == 1


def test_joint_review_pages(jw, login):
    c = login(jw.org)
    assert c.get("/joint/reviews/new/").status_code == 200
    bad = c.post("/joint/reviews/new/", {"title": "提拔联审", "purpose": "promotion", "unit": jw.tree.county_a.pk,
                                         "candidates": "110101199003077777"})  # fmt: skip
    assert bad.status_code == 400 and not JointReview.objects.exists()
    ok = c.post("/joint/reviews/new/", {"title": "提拔联审", "purpose": "promotion", "unit": jw.tree.county_a.pk,
                                        "candidates": f"{jw.cadre1.test_id_number}\n{jw.cadre2.test_id_number}"})  # fmt: skip
    assert ok.status_code == 302, ok.content.decode()[:2000]
    review = JointReview.objects.get()
    page = c.get(f"/joint/reviews/{review.pk}/").content.decode()
    assert "尚未签发" in page and jw.cadre1.test_id_number not in page
    _issue(jw, review)
    c1 = review.candidates.get(position=1)
    bad = c.post(f"/joint/reviews/{review.pk}/decide/", {"candidate": c1.pk, "decision": "postpone", "reason": "",
                                                         "decided_by_name": "赵部长"})  # fmt: skip
    assert bad.status_code == 400 and "须写明理由" in bad.content.decode()
    ok = c.post(f"/joint/reviews/{review.pk}/decide/", {"candidate": c1.pk, "decision": "postpone",
                                                        "reason": "待个人事项报告核实后研究", "decided_by_name": "赵部长"})  # fmt: skip
    assert ok.status_code == 302
    assert "待个人事项报告核实后研究" in c.get(f"/joint/reviews/{review.pk}/").content.decode()
    login(jw.leader)
    assert c.get(f"/joint/reviews/{review.pk}/").status_code == 200
    assert c.post(f"/joint/reviews/{review.pk}/decide/", {}).status_code == 403
    login(jw.auditor)  # agencies do not see personnel reviews
    assert c.get(f"/joint/reviews/{review.pk}/").status_code == 404
    login(jw.outsider)
    assert c.get(f"/joint/reviews/{review.pk}/").status_code == 404


def test_circular_and_schedule_pages(jw, login):
    make_meeting(jw)
    c = login(jw.org)
    assert c.get("/joint/circulars/").status_code == 200
    bad = c.post("/joint/circulars/", {"audience": "committee", "unit": jw.tree.county_a.pk,
                                       "period_start": "2026-07-01", "period_end": "2026-01-01"})  # fmt: skip
    assert bad.status_code == 400 and not Circular.objects.exists()
    ok = c.post("/joint/circulars/", {"audience": "committee", "unit": jw.tree.county_a.pk,
                                      "period_start": "2026-01-01", "period_end": "2026-06-30"})  # fmt: skip
    assert ok.status_code == 302
    page = c.get(ok["Location"]).content.decode()
    assert "季度分析会1次" in page and "PDF" in page
    login(jw.leader)
    assert c.get(ok["Location"]).status_code == 200
    assert c.post("/joint/circulars/", {"audience": "committee"}).status_code == 403
    login(jw.outsider)
    assert c.get(ok["Location"]).status_code == 404
    login(jw.org)
    r = c.post("/joint/schedules/", {"kind": "half_yearly", "unit": jw.tree.county_a.pk, "months": ["6", "12"],
                                     "day": 25, "lead_days": 20, "is_active": "on"})  # fmt: skip
    assert r.status_code == 302
    assert MeetingSchedule.objects.get().months == [6, 12]
    r = c.post("/joint/schedules/", {"kind": "half_yearly", "unit": jw.tree.county_a.pk, "months": [], "day": 40,
                                     "lead_days": 20})  # fmt: skip
    assert r.status_code == 400 and MeetingSchedule.objects.get().day == 25


def _grow(jw, n, start):
    for i in range(n):
        m = make_meeting(jw, title=f"会议{start + i}")
        services.decision_record(actor=jw.org, meeting=m, text=f"议定{i}", assignments=[
            {"title": f"任务{i}", "due_date": date(2026, 5, 1), "owner_unit": jw.audit_unit},
            {"title": f"任务{i}b", "due_date": date(2026, 5, 2), "owner_unit": jw.court_unit}])  # fmt: skip


def test_list_and_detail_pages_use_a_fixed_number_of_queries(jw, login):
    _grow(jw, 2, 0)
    services.review_create(
        actor=jw.org, title="联审一", purpose="awards", unit=jw.tree.county_a, cadres=[jw.cadre1.pk]
    )
    services.circular_generate(actor=jw.org, audience="committee", unit=jw.tree.county_a,
                               period_start=date(2026, 1, 1), period_end=date(2026, 6, 30))  # fmt: skip
    first = Meeting.objects.order_by("id").first()
    c = login(jw.org)
    pages = ["/joint/meetings/", "/joint/reviews/", "/joint/circulars/", f"/joint/meetings/{first.pk}/"]
    counts = {}
    for p in pages:
        assert c.get(p).status_code == 200
        with CaptureQueriesContext(connection) as q:
            c.get(p)
        counts[p] = len(q)
    _grow(jw, 6, 2)
    services.decision_record(actor=jw.org, meeting=first, text="追加", assignments=[
        {"title": f"追加{i}", "due_date": date(2026, 6, 1), "owner_unit": jw.audit_unit} for i in range(4)])  # fmt: skip
    services.review_create(
        actor=jw.org, title="联审二", purpose="rank", unit=jw.tree.county_a, cadres=[jw.cadre2.pk]
    )
    services.circular_generate(actor=jw.org, audience="congress", unit=jw.tree.county_a,
                               period_start=date(2026, 1, 1), period_end=date(2026, 6, 30))  # fmt: skip
    for p in pages:
        with CaptureQueriesContext(connection) as q:
            assert c.get(p).status_code == 200
        assert len(q) <= counts[p], (p, counts[p], len(q))


def _api(user):
    user.is_integration = True
    user.save(update_fields=["is_integration"])
    _, raw = token_issue(actor=None, user=user, name="测试")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return c


def test_api_meetings_with_decisions_and_assignment_status(jw, clock):
    with clock(2026, 4, 10):
        m = make_meeting(jw, agencies=[jw.audit], attendees=[])
        services.decision_record(actor=jw.org, meeting=m, text="专项监督", assignments=[
            {"title": "报送清单", "due_date": date(2026, 5, 1), "owner_unit": jw.audit_unit}])  # fmt: skip
        other = make_meeting(jw, title="法院专题会", kind="ad_hoc", agencies=[jw.court], attendees=[])
    with clock(2026, 5, 10):
        api = _api(jw.org)
        rows = api.get("/api/v1/meetings/").json()["results"]
        assert {r["id"] for r in rows} == {m.pk, other.pk}
        one = api.get(f"/api/v1/meetings/{m.pk}/").json()
        a = one["decisions"][0]["assignments"][0]
        assert a["status"] == "overdue" and a["owner"] == "甲县审计局" and one["agencies"] == ["甲县审计局"]
        agency = _api(jw.auditor)
        assert [r["id"] for r in agency.get("/api/v1/meetings/").json()["results"]] == [m.pk]
        assert agency.get(f"/api/v1/meetings/{other.pk}/").status_code == 404
        assert _api(jw.outsider).get("/api/v1/meetings/").json()["results"] == []
        assert _api(jw.outsider).get(f"/api/v1/meetings/{m.pk}/").status_code == 404
        assert api.post("/api/v1/meetings/", {}, format="json").status_code == 405
        with CaptureQueriesContext(connection) as q:
            api.get("/api/v1/meetings/")
        n = len(q)
        _grow(jw, 4, 10)
        with CaptureQueriesContext(connection) as q:
            api.get("/api/v1/meetings/")
        assert len(q) <= n
