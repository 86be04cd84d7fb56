"""Sharing rules: an agency (its accounts and its API token) reads its own items and exactly what
the lead shares with it; the lead edits the rules, every change audited; list pages keep a fixed
number of queries."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from qinglian.audit.models import AuditEvent
from qinglian.taskforce import services
from qinglian.taskforce.models import MonthlyReport
from qinglian.taskforce.tests.conftest import row

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(tf):
    with time_machine.travel("2026-12-05 10:00 +0800", tick=False):
        court = services.report_submit(actor=tf.judge, agency=tf.court, month="2026-11", channel="api", rows=[
            (2, row(tf.a, row_type="traffic_offence", summary="醉酒驾驶机动车")),
            (3, row(tf.b, row_type="civil_case", summary="民间借贷纠纷被告")),
        ]).report  # fmt: skip
        audit = services.report_submit(actor=tf.auditor, agency=tf.audit, month="2026-11", channel="api",
                                       rows=[(2, row(tf.c, summary="违规发放补贴"))]).report  # fmt: skip
    tf.court_report, tf.audit_report = court, audit
    return tf


def _token_client(tf, agency):
    _, raw = services.agency_token_issue(actor=tf.lead, agency=agency, name="接口")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return c


def _summaries(client) -> set[str]:
    return {i["summary"] for i in client.get("/api/v1/task-force-shared-items/").json()["results"]}


def test_agency_token_reads_only_its_own_items_and_the_shared_types(filed, login):
    tf = filed
    token = _token_client(tf, tf.audit)
    assert _summaries(token) == {"违规发放补贴"}  # nothing of the court's is shared yet
    services.agency_sharing_set(actor=tf.lead, agency=tf.audit, row_types=["traffic_offence"], aggregates=[])
    assert _summaries(token) == {"违规发放补贴", "醉酒驾驶机动车"}  # never the civil case: not shared
    assert token.get("/api/v1/task-force-shared-items/?row_type=civil_case").json()["results"] == []
    item = next(
        i
        for i in token.get("/api/v1/task-force-shared-items/").json()["results"]
        if i["row_type"] == "traffic_offence"
    )
    assert item["person_id_masked"] == tf.a.id_masked and tf.a.test_id_number not in str(item)
    # The court's report itself (its figures) stays the court's.
    assert token.get(f"/api/v1/monthly-reports/{tf.court_report.pk}/").status_code == 404
    assert [r["id"] for r in token.get("/api/v1/monthly-reports/").json()["results"]] == [tf.audit_report.pk]
    # No archive, no people: the agency role reaches nothing else.
    assert token.get(f"/api/v1/archive-entries/?person={tf.a.pk}").status_code == 403
    assert token.get("/api/v1/cadres/").status_code == 403
    # The pages say the same.
    c = login(tf.auditor)
    page = c.get("/task-force/shared/").content.decode()
    assert "醉酒驾驶机动车" in page and "民间借贷纠纷" not in page and tf.a.id_masked in page
    assert c.get(f"/task-force/reports/{tf.court_report.pk}/").status_code == 404
    own = c.get(f"/task-force/reports/{tf.audit_report.pk}/").content.decode()
    assert "违规发放补贴" in own
    # Unshared again: gone.
    services.agency_sharing_set(actor=tf.lead, agency=tf.audit, row_types=[], aggregates=[])
    assert _summaries(token) == {"违规发放补贴"}


def test_an_account_linked_to_no_agency_reads_nothing(filed, login):
    tf = filed
    c = APIClient()
    c.force_authenticate(tf.stray)
    assert c.get("/api/v1/task-force-shared-items/").json()["results"] == []
    assert c.get("/api/v1/monthly-reports/").json()["results"] == []
    page = login(tf.stray).get("/task-force/shared/").content.decode()
    assert "尚未关联" in page and "醉酒" not in page


def test_aggregates_only_when_shared(filed, login):
    tf = filed
    c = login(tf.auditor)
    assert "未向本单位共享" in c.get("/task-force/aggregates/").content.decode()
    grid = c.get("/task-force/reports/").content.decode()
    assert "县审计局" in grid and "县人民法院" not in grid  # its own row only
    services.agency_sharing_set(actor=tf.lead, agency=tf.audit, row_types=[], aggregates=["monthly_counts",
                                                                                          "report_status"])  # fmt: skip
    page = c.get("/task-force/aggregates/").content.decode()
    assert "县人民法院" in page and "醉酒" not in page  # counts, not content
    assert "县人民法院" in c.get("/task-force/reports/").content.decode()


def test_staff_see_figures_and_only_clue_readers_see_content(filed, login):
    tf = filed
    lead_page = login(tf.lead).get(f"/task-force/reports/{tf.court_report.pk}/").content.decode()
    assert "交通违法" in lead_page and "醉酒驾驶机动车" not in lead_page  # sealed: org side sees figures only
    jw_page = login(tf.reviewer).get(f"/task-force/reports/{tf.court_report.pk}/").content.decode()
    assert "醉酒驾驶机动车" in jw_page and tf.a.id_masked in jw_page and tf.a.test_id_number not in jw_page
    assert AuditEvent.objects.filter(action="taskforce.report_read", actor=tf.reviewer).exists()


def test_only_the_lead_edits_sharing_rules_and_every_change_is_audited(tf, login):
    with pytest.raises(services.PermissionDenied):
        services.agency_sharing_set(actor=tf.reviewer, agency=tf.court, row_types=["petition"], aggregates=[])
    c = login(tf.auditor)
    assert (
        c.post(f"/task-force/agencies/{tf.court.pk}/sharing/", {"row_types": ["petition"]}).status_code == 403
    )
    c = login(tf.lead)
    bad = c.post(f"/task-force/agencies/{tf.court.pk}/sharing/", {"row_types": ["nope"]})
    assert bad.status_code == 400
    ok = c.post(f"/task-force/agencies/{tf.court.pk}/sharing/", {"row_types": ["petition", "audit_finding"],
                                                               "aggregates": ["monthly_counts"]})  # fmt: skip
    assert ok.status_code == 302
    tf.court.refresh_from_db()
    assert tf.court.shared_row_types == ["audit_finding", "petition"]
    event = AuditEvent.objects.filter(action="taskforce.sharing_change").latest("seq")
    assert event.actor == tf.lead and event.extra["before"] == {"row_types": [], "aggregates": []}
    assert event.extra["after"] == {
        "row_types": ["audit_finding", "petition"],
        "aggregates": ["monthly_counts"],
    }


def test_lead_links_accounts_and_issues_a_token_shown_once(tf, login, make_user):
    c = login(tf.lead)
    page = c.get(f"/task-force/agencies/{tf.court.pk}/")
    assert page.status_code == 200 and "fayuan1" in page.content.decode()
    plain = make_user("leadership", tf.tree.county_a, username="plain")
    bad = c.post(f"/task-force/agencies/{tf.court.pk}/members/", {"username": "plain"})
    assert bad.status_code == 400 and "没有“专班成员单位”角色" in bad.content.decode()
    taken = c.post(f"/task-force/agencies/{tf.court.pk}/members/", {"username": "shenji1"})
    assert taken.status_code == 400 and "已关联" in taken.content.decode()
    issued = c.post(f"/task-force/agencies/{tf.court.pk}/tokens/", {"name": "法院审判系统"})
    body = issued.content.decode()
    assert issued.status_code == 200 and "只显示这一次" in body and "ql_" in body
    again = c.get(f"/task-force/agencies/{tf.court.pk}/").content.decode()
    assert "只显示这一次" not in again
    from qinglian.api.models import ApiToken

    token = ApiToken.objects.get(user__username="tf-fayuan-api")
    assert token.user.taskforce_membership.agency == tf.court
    revoke = c.post(f"/task-force/agencies/{tf.court.pk}/tokens/{token.pk}/revoke/", {"reason": "系统更换"})
    assert revoke.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert plain.pk  # the plain account stayed unlinked


def test_row_type_rules(tf, login):
    c = login(tf.lead)
    bad = c.post("/task-force/row-types/new/", {"code": "x1", "name": "错误类型", "kind_code": "party.warning",
                                                 "order": 1})  # fmt: skip
    assert bad.status_code == 400
    ok = c.post("/task-force/row-types/new/", {"code": "honour_loss", "name": "失信被执行人", "kind_code": "external.other",
                                                "order": 95, "active": "on"})  # fmt: skip
    assert ok.status_code == 302
    from qinglian.taskforce.models import RowType

    assert not RowType.objects.get(code="honour_loss").counts  # unticked: information only


def test_list_pages_use_a_fixed_number_of_queries(filed, login, tf):
    services.agency_sharing_set(actor=tf.lead, agency=tf.audit, row_types=["traffic_offence", "civil_case"],
                                aggregates=["monthly_counts", "report_status"])  # fmt: skip
    pages = {
        "lead": ["/task-force/agencies/", "/task-force/row-types/", "/task-force/reports/", "/task-force/aggregates/",
                 f"/task-force/reports/{tf.court_report.pk}/"],
        "auditor": ["/task-force/shared/", "/task-force/reports/", f"/task-force/reports/{tf.audit_report.pk}/"],
        "reviewer": [f"/task-force/reports/{tf.court_report.pk}/"],
    }  # fmt: skip
    users = {"lead": tf.lead, "auditor": tf.auditor, "reviewer": tf.reviewer}
    counts = {}
    for who, urls in pages.items():
        c = login(users[who])
        for p in urls:
            assert c.get(p).status_code == 200, p
            with CaptureQueriesContext(connection) as q:
                c.get(p)
            counts[(who, p)] = len(q)
    with time_machine.travel("2026-12-06 10:00 +0800", tick=False):
        for i in range(3):
            services.report_submit(actor=tf.judge, agency=tf.court, month=f"2026-{8 + i:02d}", channel="api", rows=[
                (2, row(tf.a, row_type="traffic_offence", summary=f"酒驾{i}")),
                (3, row(tf.b, row_type="civil_case", summary=f"纠纷{i}")),
            ])  # fmt: skip
        services.report_submit(actor=tf.judge, agency=tf.court, month="2026-11", channel="api",
                               rows=[(n, row(tf.a, summary=f"补报{n}")) for n in range(2, 12)])  # fmt: skip
    assert MonthlyReport.objects.count() == 6
    for who, urls in pages.items():
        c = login(users[who])
        for p in urls:
            with CaptureQueriesContext(connection) as q:
                assert c.get(p).status_code == 200
            assert len(q) <= counts[(who, p)], (who, p, len(q), counts[(who, p)])


def test_staff_of_another_jurisdiction_do_not_reach_this_task_force(filed, login, make_user):
    tf = filed
    other_lead = make_user("org_supervision", tf.tree.county_b, username="lead_b")
    c = login(other_lead)
    assert c.get(f"/task-force/agencies/{tf.court.pk}/").status_code == 404
    assert c.get(f"/task-force/reports/{tf.court_report.pk}/").status_code == 404
    assert (
        c.post(f"/task-force/agencies/{tf.court.pk}/sharing/", {"row_types": ["petition"]}).status_code == 404
    )
    login(tf.lead)
    from qinglian.taskforce.models import RowType

    rt = RowType.objects.get(code="petition")
    assert "修改“信访人”" in c.get(f"/task-force/row-types/?edit={rt.pk}").content.decode()
    assert c.get(f"/task-force/reports/{tf.court_report.pk}/").status_code == 200
