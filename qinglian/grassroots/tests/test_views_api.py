"""Pages and `/api/v1/integrity-information/`: scope, bad input, query counts."""

from __future__ import annotations

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from qinglian.api.services import token_issue
from qinglian.grassroots import services
from qinglian.grassroots.models import Information
from qinglian.grassroots.tests.test_services import _submit, jpeg_with_exif, net  # noqa: F401

pytestmark = pytest.mark.django_db


def test_phone_submission_with_photo_and_bad_input(net, login):  # noqa: F811
    c = login(net.officer1)
    page = c.get("/grassroots/submit/")
    assert page.status_code == 200 and "报送廉情信息" in page.content.decode()
    bad = c.post("/grassroots/submit/", {"station": net.s1.pk, "category": "opinion", "title": "", "content": "x",
                                         "photos": SimpleUploadedFile("a.jpg", b"MZ\x90\x00binary", "image/jpeg")})  # fmt: skip
    assert bad.status_code == 400 and not Information.objects.exists()
    ok = c.post("/grassroots/submit/", {"station": net.s1.pk, "category": "opinion", "title": "低保评议不公开",
                                        "content": "群众反映低保评议未公示。",
                                        "photos": SimpleUploadedFile("p.jpg", jpeg_with_exif(), "image/jpeg")})  # fmt: skip
    assert ok.status_code == 302
    info = Information.objects.get()
    assert info.photos.count() == 1 and info.submitted_by == net.officer1
    other = c.post(
        "/grassroots/submit/", {"station": net.s2.pk, "category": "opinion", "title": "越权", "content": "x"}
    )
    assert other.status_code == 400 and Information.objects.count() == 1  # not one of the officer's stations


def test_triage_page_and_scope(net, login):  # noqa: F811
    info = _submit(net, photos=[("a.jpg", jpeg_with_exif(), "image/jpeg")])
    c = login(net.committee)
    detail = c.get(f"/grassroots/information/{info.pk}/")
    assert detail.status_code == 200 and "研判" in detail.content.decode()
    photo = info.photos.get()
    shown = c.get(f"/grassroots/information/{info.pk}/photos/{photo.pk}/")
    assert shown.status_code == 200 and shown.content.startswith(b"\xff\xd8")  # the JPEG itself
    with photo.file.open("rb") as fh:
        stored = fh.read()
    assert b"\xff\xd8" not in stored[:4] and b"JFIF" not in stored and b"Exif" not in stored  # encrypted at rest
    assert photo.read() == shown.content and photo.size == len(shown.content)
    bad = c.post(f"/grassroots/information/{info.pk}/triage/", {"outcome": "archive", "decided_by": "李书记"})
    assert bad.status_code == 400 and "指定" in bad.content.decode()
    ok = c.post(f"/grassroots/information/{info.pk}/triage/", {"outcome": "archive", "decided_by": "李书记",
                                                               "cadre": net.head.pk})  # fmt: skip
    assert ok.status_code == 302
    info.refresh_from_db()
    assert info.status == "archived" and info.entry.person == net.head
    login(net.outsider)
    assert c.get(f"/grassroots/information/{info.pk}/").status_code == 404
    assert c.get(f"/grassroots/information/{info.pk}/photos/{photo.pk}/").status_code == 404
    login(net.officer2)
    assert c.get(f"/grassroots/mine/{info.pk}/").status_code == 404
    login(net.officer1)
    assert c.get(f"/grassroots/mine/{info.pk}/").status_code == 200
    assert c.get(f"/grassroots/information/{info.pk}/").status_code == 403


def test_lists_use_a_fixed_number_of_queries(net, login, tree):  # noqa: F811
    c = login(net.committee)
    for i in range(3):
        _submit(net, title=f"信息{i}", photos=[("a.jpg", jpeg_with_exif(), "image/jpeg")])
    services.tasklist_create(actor=net.committee, year=2026, unit=tree.village)
    pages = ["/grassroots/information/?status=all", "/grassroots/stations/", "/grassroots/tasks/?year=2026",
             "/grassroots/dual-posts/"]  # fmt: skip
    counts = {}
    for p in pages:
        assert c.get(p).status_code == 200
        with CaptureQueriesContext(connection) as q:
            c.get(p)
        counts[p] = len(q)
    for i in range(3, 12):
        _submit(net, who=net.officer2, station=net.s2, title=f"信息{i}")
    services.tasklist_create(actor=net.committee, year=2026, unit=tree.t1_committee)
    for p in pages:
        with CaptureQueriesContext(connection) as q:
            assert c.get(p).status_code == 200
        assert len(q) <= counts[p], p


def test_pages_render_for_the_commission(net, login, tree):  # noqa: F811
    c = login(net.committee)
    tl = services.tasklist_create(actor=net.committee, year=2026, unit=tree.village)
    for p in ["/grassroots/powers/", "/grassroots/powers/edit/", "/grassroots/zones/", "/grassroots/stations/new/",
              f"/grassroots/stations/{net.s1.pk}/", f"/grassroots/tasks/{tl.pk}/"]:  # fmt: skip
        assert c.get(p).status_code == 200, p
    r = c.post("/grassroots/powers/edit/", {"number": 46, "area_number": 11, "area": "社会事务管理", "name": "新增事项",
                                            "effective_from": "2026-01-01", "note": "增加一项"})  # fmt: skip
    assert r.status_code == 302
    assert "新增事项" in c.get(r["Location"]).content.decode()
    r = c.post("/grassroots/dual-posts/", {"cadre": net.head.pk, "since": "2026-01-01"})
    assert r.status_code == 302
    r = c.post("/grassroots/dual-posts/", {"cadre": net.head.pk, "since": "2026-01-01"})
    assert r.status_code == 400  # already registered for the village
    task = tl.tasks.first()
    login(net.officer1)
    assert c.get(f"/grassroots/mine/tasks/{tl.pk}/").status_code == 200
    r = c.post(f"/grassroots/mine/tasks/items/{task.pk}/done/", {"evidence": "已完成，见台账"})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None
    login(net.officer2)
    assert c.post(f"/grassroots/mine/tasks/items/{task.pk}/done/", {"evidence": "x"}).status_code == 404


def _api(user):
    user.is_integration = True
    user.save(update_fields=["is_integration"])
    _, raw = token_issue(actor=None, user=user, name="测试")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return c


def test_api_station_submits_and_sees_only_its_village(net):  # noqa: F811
    other = _submit(net, who=net.officer2, station=net.s2, title="乙村信息")
    api = _api(net.officer1)
    photo = base64.b64encode(jpeg_with_exif()).decode()
    r = api.post("/api/v1/integrity-information/", {"station": net.s1.pk, "category": "org_life", "title": "支部未按时开会",
                 "content": "三季度主题党日未开展。", "photos": [{"name": "p.jpg", "data": photo}]}, format="json")  # fmt: skip
    assert r.status_code == 201, r.content
    assert r.json()["photos"] == 1
    ids = [row["id"] for row in api.get("/api/v1/integrity-information/").json()["results"]]
    assert ids == [r.json()["id"]] and other.pk not in ids
    assert api.get(f"/api/v1/integrity-information/{other.pk}/").status_code == 404
    wrong = api.post("/api/v1/integrity-information/", {"station": net.s2.pk, "category": "org_life", "title": "越权",
                     "content": "x"}, format="json")  # fmt: skip
    assert wrong.status_code == 400 and "联络站" in str(wrong.json())
    bad = api.post("/api/v1/integrity-information/", {"station": net.s1.pk, "category": "org_life", "title": "坏图",
                   "content": "x", "photos": [{"name": "p.jpg", "data": "!!notbase64"}]}, format="json")  # fmt: skip
    assert bad.status_code == 400
    assert Information.objects.count() == 2
    staff = _api(net.committee)
    assert len(staff.get("/api/v1/integrity-information/").json()["results"]) == 2
    assert staff.post("/api/v1/integrity-information/", {}, format="json").status_code == 403
    assert _api(net.outsider).get("/api/v1/integrity-information/").json()["results"] == []


def test_zones_groups_and_task_lists_are_created_on_pages(net, login, tree, make_user):  # noqa: F811
    from qinglian.grassroots.models import TaskList, Zone, ZoneGroup

    commission = make_user("discipline_supervision", tree.county_a)
    c = login(commission)
    assert "新建协作区" in c.get("/grassroots/zones/").content.decode()
    # Bad input: nothing written, the form comes back with the reason.
    r = c.post("/grassroots/zones/new/", {"name": "", "office": tree.jw_a.pk})
    assert r.status_code == 400 and not Zone.objects.exists()
    r = c.post("/grassroots/zones/new/", {"name": "第二协作区", "office": tree.village.pk})
    assert r.status_code == 400 and "纪委监委" in r.content.decode() and not Zone.objects.exists()
    r = c.post("/grassroots/zones/new/", {"name": "第二协作区", "office": tree.jw_a.pk})
    assert r.status_code == 302
    zone = Zone.objects.get()
    assert zone.office == tree.jw_a
    r = c.post(f"/grassroots/zones/{zone.pk}/groups/new/", {"name": "第一协作组"})
    assert r.status_code == 400 and "请至少选择一个乡镇" in r.content.decode()
    r = c.post(f"/grassroots/zones/{zone.pk}/groups/new/", {"name": "第一协作组", "townships": [tree.township.pk]})
    assert r.status_code == 302
    assert list(ZoneGroup.objects.get().townships.all()) == [tree.township]
    assert "第一协作组" in c.get("/grassroots/zones/").content.decode()

    r = c.post("/grassroots/tasks/new/", {"year": 2026, "unit": tree.dept_a1.pk})  # not a task-list unit
    assert r.status_code == 400 and not TaskList.objects.exists()
    r = c.post("/grassroots/tasks/new/", {"year": 2026, "unit": tree.t1_committee.pk})
    assert r.status_code == 302
    tl = TaskList.objects.get()
    assert tl.unit == tree.t1_committee and tl.tasks.filter(common__isnull=False).count() >= 20
    r = c.post("/grassroots/tasks/new/", {"year": 2026, "unit": tree.t1_committee.pk})
    assert r.status_code == 400 and "已建立" in r.content.decode()

    # Another county's commission sees neither the zone nor the task list's unit.
    outsider = make_user("discipline_supervision", tree.county_b)
    c = login(outsider)
    assert c.get(f"/grassroots/zones/{zone.pk}/groups/new/").status_code == 404
    r = c.post("/grassroots/tasks/new/", {"year": 2026, "unit": tree.t1_committee.pk})
    assert r.status_code == 400 and TaskList.objects.count() == 1
