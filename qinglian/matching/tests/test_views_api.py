"""Pages and `/api/v1/matches/`: scope (a user who must not see a hit or a registry row), bad
input, audit of reads, fixed query counts on the list pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from qinglian.api.services import token_issue
from qinglian.audit.models import AuditEvent
from qinglian.matching import services
from qinglian.matching.models import Hit, LinkDecision, MatchRun, PersonLink, SectorMapping
from qinglian.matching.tests.conftest import company, registry_person, role

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 20)


def _run(world):
    run = services.run_request(actor=world.admin, kind=MatchRun.Kind.FULL, enqueue=False)
    run = services.run_execute(run, as_of=AS_OF)
    assert run.status == "succeeded", run.error
    return run


def _api(user):
    user.is_integration = True
    user.save(update_fields=["is_integration"])
    _, raw = token_issue(actor=None, user=user, name="测试")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return c


def test_hit_pages_scope_and_actions(world, login):
    _run(world)
    hit = Hit.objects.get()
    c = login(world.reviewer)
    page = c.get("/matching/")
    assert page.status_code == 200 and "赵建国" in page.content.decode()
    detail = c.get(f"/matching/hits/{hit.pk}/")
    body = detail.content.decode()
    assert (
        detail.status_code == 200
        and "甲县丽华商贸有限公司" in body
        and "市场监管局企业登记 2026-10-01 第2行" in body
    )
    assert AuditEvent.objects.filter(action="matching.hit_view", object_id=str(hit.pk)).exists()
    bad = c.post(f"/matching/hits/{hit.pk}/dismiss/", {"note": ""})
    assert bad.status_code == 302
    hit.refresh_from_db()
    assert hit.status == "new"
    ok = c.post(f"/matching/hits/{hit.pk}/confirm/", {"note": "核实属实"})
    assert ok.status_code == 302
    hit.refresh_from_db()
    assert hit.status == "handled" and hit.entry is not None
    login(world.outsider)
    assert c.get("/matching/").content.decode().count("赵建国") == 0
    assert c.get(f"/matching/hits/{hit.pk}/").status_code == 404
    assert c.post(f"/matching/hits/{hit.pk}/acknowledge/").status_code == 404
    login(world.leader)
    assert c.get(f"/matching/hits/{hit.pk}/").status_code == 200
    assert c.post(f"/matching/hits/{hit.pk}/acknowledge/").status_code == 403


def test_registry_rows_only_when_linked_in_scope(world, login):
    _run(world)
    c = login(world.reviewer)
    graph = c.get(f"/matching/graph/cadre/{world.chief.pk}/")
    body = graph.content.decode()
    assert graph.status_code == 200 and "甲县丽华商贸有限公司" in body and "第2行" in body
    assert AuditEvent.objects.filter(action="registries.read").exists()
    comp = c.get(f"/matching/graph/company/{world.co.pk}/")
    assert comp.status_code == 200 and "孙丽华" in comp.content.decode()
    # A company none of whose people is linked: not shown at all.
    stranger = company(world.snap, 30, "无关公司", "91330100MA00000030")
    role(world.snap, 30, registry_person(world.snap, 30, "路人甲"), stranger)
    assert c.get(f"/matching/graph/company/{stranger.pk}/").status_code == 404
    login(world.outsider)
    assert c.get(f"/matching/graph/company/{world.co.pk}/").status_code == 404
    assert c.get(f"/matching/graph/cadre/{world.chief.pk}/").status_code == 404


def test_every_graph_edge_names_its_source_row(world, login):
    from qinglian.matching import selectors

    _run(world)
    graph = selectors.person_graph(viewer=world.reviewer, cadre=world.chief)
    by_target = {e["target"]: e for e in graph["edges"]}
    # The link edge (spouse on file → registry person) carries the person's registry row.
    link = by_target[f"person:{world.p_spouse.pk}"]
    assert (link["registry"], link["snapshot"], link["row"]) == ("市场监管局企业登记", world.snap.pk, 2)
    assert "第2行" in link["origin"] and "比对运行" in link["origin"]
    company_edge = by_target[f"company:{world.co.pk}"]
    assert (company_edge["snapshot"], company_edge["row"]) == (world.snap.pk, world.role.row_number)
    for e in graph["edges"]:
        assert e["origin"] and (e["row"] is not None or e["registry"] == "")
    comp = selectors.company_graph(viewer=world.reviewer, company=world.co)
    link = next(e for e in comp["edges"] if e["target"] == f"person:{world.p_spouse.pk}")
    assert (link["snapshot"], link["row"]) == (world.snap.pk, 2)
    page = login(world.reviewer).get(f"/matching/graph/cadre/{world.chief.pk}/").content.decode()
    assert f"市场监管局企业登记 2026-10-01（快照{world.snap.pk}）第2行" in page


def test_review_queue_and_decision(world, login):
    p = registry_person(world.snap, 9, "钱小明", born=date(1990, 6, 7))
    _run(world)
    link = PersonLink.objects.get(registry_person_id=p.pk)
    c = login(world.reviewer)
    assert link.status == "uncertain"  # same name and birth date, no ID on the registry side
    assert f"/matching/links/{link.pk}/" in c.get("/matching/review/").content.decode()
    page = c.get(f"/matching/links/{link.pk}/")
    assert page.status_code == 200 and "钱小明" in page.content.decode()
    bad = c.post(f"/matching/links/{link.pk}/", {"decision": "reject", "reason": ""})
    assert bad.status_code == 400 and not LinkDecision.objects.exists()
    ok = c.post(f"/matching/links/{link.pk}/", {"decision": "reject", "reason": "出生地不同"})
    assert ok.status_code == 302 and LinkDecision.objects.get().decision == "reject"
    login(world.outsider)
    assert c.get(f"/matching/links/{link.pk}/").status_code == 404


def test_runs_and_sectors_pages(world, login):
    _run(world)
    c = login(world.admin)
    assert c.get("/matching/runs/").status_code == 200
    run = MatchRun.objects.get()
    assert "市场监管局企业登记" in c.get(f"/matching/runs/{run.pk}/").content.decode()
    assert c.get(f"/matching/runs/{run.pk}/?format=json").json()["status"] == "succeeded"
    before = SectorMapping.objects.count()  # the shipped defaults
    assert before > 0 and "住房建设" in c.get("/matching/sectors/").content.decode()
    bad = c.post("/matching/sectors/", {"industry_prefix": "中文", "sector": "建设"})
    assert bad.status_code == 400 and SectorMapping.objects.count() == before
    ok = c.post("/matching/sectors/", {"industry_prefix": "e47", "sector": "住房城乡建设"})
    assert (
        ok.status_code == 302
        and SectorMapping.objects.filter(industry_prefix="E47", sector="住房城乡建设").exists()
    )
    row = SectorMapping.objects.get(industry_prefix="E47")
    assert c.post("/matching/sectors/", {"delete": row.pk}).status_code == 302
    assert SectorMapping.objects.count() == before
    r = c.post("/matching/runs/new/", {"kind": "bogus"})
    assert r.status_code == 302 and MatchRun.objects.count() == 1
    login(world.leader)
    assert c.get("/matching/sectors/").status_code == 403
    assert c.post("/matching/runs/new/", {"kind": "full"}).status_code == 403


def test_lists_use_a_fixed_number_of_queries(world, login, make_cadre):
    _run(world)
    c = login(world.reviewer)
    pages = ["/matching/?status=all", "/matching/review/", "/matching/runs/"]
    counts = {}
    for p in pages:
        assert c.get(p).status_code == 200
        with CaptureQueriesContext(connection) as q:
            c.get(p)
        counts[p] = len(q)
    # More hits and runs: the same number of queries (the cadres themselves are legal representatives).
    for i in range(4):
        cadre = make_cadre(world.tree.dept_a3, f"干部{i}", post_level="division")
        p = registry_person(world.snap, 40 + i, cadre.name, number=cadre.test_id_number)
        role(world.snap, 40 + i, p, company(world.snap, 40 + i, f"公司{i}", f"9133010000000000{i:02d}"))
    _run(world)
    assert Hit.objects.count() == 5
    for p in pages:
        with CaptureQueriesContext(connection) as q:
            assert c.get(p).status_code == 200
        assert len(q) <= counts[p], p


def test_api_hits_links_and_decision(world):
    p = registry_person(world.snap, 9, "钱小明", born=date(1990, 6, 7))
    _run(world)
    hit = Hit.objects.get()
    api = _api(world.reviewer)
    rows = api.get("/api/v1/matches/hits/").json()["results"]
    assert [r["id"] for r in rows] == [hit.pk] and rows[0]["evidence"][2]["source"]["row"] == 2
    links = api.get("/api/v1/matches/links/").json()["results"]
    assert len(links) == 3
    link = PersonLink.objects.get(registry_person_id=p.pk)
    bad = api.post(
        f"/api/v1/matches/links/{link.pk}/decision/", {"decision": "maybe", "reason": "x"}, format="json"
    )
    assert bad.status_code == 400
    ok = api.post(f"/api/v1/matches/links/{link.pk}/decision/", {"decision": "confirm", "reason": "核对户籍"},
                  format="json")  # fmt: skip
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed"
    out = _api(world.outsider)
    assert out.get("/api/v1/matches/hits/").json()["results"] == []
    assert out.get(f"/api/v1/matches/hits/{hit.pk}/").status_code == 404
    assert out.get("/api/v1/matches/links/").json()["results"] == []
    assert out.get(f"/api/v1/matches/links/{link.pk}/").status_code == 404
    assert api.get(f"/api/v1/matches/links/{link.pk}/").json()["registry_person_id"] == p.pk
    assert AuditEvent.objects.filter(action="matching.link_view", object_id=str(link.pk)).count() == 1
    assert api.get("/api/v1/matches/links/abc/").status_code == 404
    assert api.get("/api/v1/matches/hits/?status=nonsense").status_code == 200
    assert out.post(f"/api/v1/matches/links/{link.pk}/decision/", {"decision": "reject", "reason": "x"},
                    format="json").status_code == 404  # fmt: skip
    leader = _api(world.leader)
    assert leader.post(f"/api/v1/matches/links/{link.pk}/decision/", {"decision": "reject", "reason": "x"},
                       format="json").status_code == 403  # fmt: skip


def test_unit_region_page_scope_audit_and_bad_input(world, login, django_assert_num_queries):
    from qinglian.matching.models import UnitRegion

    c = login(world.admin)
    assert c.get("/matching/regions/").status_code == 200
    ok = c.post("/matching/regions/", {"unit_code": "A", "region_code": "330106"})
    assert ok.status_code == 302
    row = UnitRegion.objects.get(unit=world.tree.county_a)
    assert row.region_code == "330106" and row.updated_by == world.admin
    event = AuditEvent.objects.get(action="matching.region_set")
    assert event.extra["old"] == "" and event.extra["new"] == "330106"
    # Changing keeps one row per unit; the audit names the old value.
    c.post("/matching/regions/", {"unit_code": "A", "region_code": "3301"})
    assert UnitRegion.objects.get().region_code == "3301"
    assert AuditEvent.objects.filter(action="matching.region_set").latest("pk").extra["old"] == "330106"
    # Bad input: a clear message, nothing changed.
    for data, message in (({"unit_code": "A", "region_code": "33a1"}, "2、4或6位数字"),
                          ({"unit_code": "A", "region_code": "331"}, "2、4或6位数字"),
                          ({"unit_code": "NOPE", "region_code": "33"}, "没有这个单位代码"),
                          ({"unit_code": "B", "region_code": "33"}, "不在您的管理范围内")):  # fmt: skip
        bad = c.post("/matching/regions/", data)
        assert bad.status_code == 400 and message in bad.content.decode(), data
    assert UnitRegion.objects.get().region_code == "3301"
    assert c.post("/matching/regions/", {"delete": "abc"}).status_code == 404
    # A list page with a fixed number of queries, whatever the number of rows.
    for unit in (world.tree.dept_a1, world.tree.dept_a2, world.tree.township):
        services.unit_region_set(actor=world.admin, unit=unit, region_code="330106")
    with django_assert_num_queries(11):
        page = c.get("/matching/regions/")
    assert page.content.decode().count("<td>330106</td>") == 3
    # The manager of county B neither sees nor deletes county A's rows; leadership may not edit.
    login(world.outsider)
    assert "甲县" not in c.get("/matching/regions/").content.decode()
    assert c.post("/matching/regions/", {"delete": str(row.pk)}).status_code == 404
    assert UnitRegion.objects.filter(pk=row.pk).exists()
    login(world.leader)
    assert c.get("/matching/regions/").status_code == 403
    login(world.admin)
    assert c.post("/matching/regions/", {"delete": str(row.pk)}).status_code == 302
    assert not UnitRegion.objects.filter(pk=row.pk).exists()
    assert AuditEvent.objects.filter(action="matching.region_delete", object_id=str(row.pk)).exists()
