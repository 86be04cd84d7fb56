"""The pages: render, gate, scope, bad input without a 500, fixed query counts on lists."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qinglian.audit.models import AuditEvent
from qinglian.spotchecks.models import AgencyRequest, ReturnedItem, SampleRound, SpotCheck
from qinglian.spotchecks.services import agency_request_create, targeted_check_request
from qinglian.spotchecks.tests.conftest import xlsx
from qinglian.spotchecks.tests.test_workflow import RE_HEADERS


@pytest.fixture
def checks(tree, reviewer, make_cadre):
    return [
        targeted_check_request(
            actor=reviewer,
            cadre=make_cadre(tree.dept_a1 if i % 2 else tree.dept_a3, f"人{i}"),
            reason="拟提拔",
            source="appointments:1",
        )  # fmt: skip
        for i in range(6)
    ]


def test_list_pages_have_a_fixed_number_of_queries(client, login, reviewer, checks, tree, make_cadre):
    login(reviewer)
    counts = []
    for url in ["/spot-checks/", "/spot-checks/requests/", "/spot-checks/rounds/"]:
        with CaptureQueriesContext(connection) as first:
            assert client.get(url).status_code == 200
        counts.append((url, len(first)))
    for i in range(6):
        targeted_check_request(
            actor=reviewer, cadre=make_cadre(tree.dept_a2, f"新{i}"), reason="拟提拔", source="x:1"
        )
    agency_request_create(actor=reviewer, agency="finance", checks=checks[:2], reason="核查金融资产",
                          issuing_unit=tree.county_a)  # fmt: skip
    for url, n in counts:
        with CaptureQueriesContext(connection) as second:
            assert client.get(url).status_code == 200
        assert len(second) <= n + 1, url  # +1: a page with rows may add the pagination count


def test_outsider_sees_neither_list_rows_nor_the_check(client, login, make_user, checks, tree):
    outsider = make_user("org_supervision", tree.county_b)
    login(outsider)
    assert "人1" not in client.get("/spot-checks/").content.decode()
    assert client.get(f"/spot-checks/checks/{checks[0].pk}/").status_code == 404
    leader = make_user("leadership", tree.county_a)
    login(leader)
    assert client.get("/spot-checks/").status_code == 403


def test_check_page_is_audited_and_shows_the_decision_form(client, login, reviewer, checks):
    login(reviewer)
    page = client.get(f"/spot-checks/checks/{checks[0].pk}/").content.decode()
    assert "个人有关事项核查" in page and "尚未比对，不能认定" in page
    assert AuditEvent.objects.filter(action="spotchecks.check_view", object_id=str(checks[0].pk)).exists()


def test_draw_and_redraw_through_the_pages(client, login, reviewer, tree, make_cadre):
    for i in range(12):
        make_cadre(tree.dept_a1, f"处级{i}", post_level="division")
    login(reviewer)
    response = client.post("/spot-checks/rounds/new/", {"year": 2026, "scope_unit": tree.county_a.pk})
    rnd = SampleRound.objects.get()
    assert response.status_code == 302 and rnd.sample_size == 1
    page = client.get(f"/spot-checks/rounds/{rnd.pk}/").content.decode()
    assert rnd.seed in page
    assert client.post(f"/spot-checks/rounds/{rnd.pk}/redraw/", {"reason": ""}).status_code == 400
    assert (
        client.post(f"/spot-checks/rounds/{rnd.pk}/redraw/", {"reason": "范围有误重新抽"}).status_code == 302
    )
    assert SampleRound.objects.filter(status="superseded").count() == 1
    assert client.post("/spot-checks/rounds/new/", {"year": "abc", "scope_unit": "x"}).status_code == 400


def test_package_password_is_shown_once(client, login, reviewer, checks):
    login(reviewer)
    response = client.post("/spot-checks/requests/new/", {"agency": "real_estate", "reason": "拟提拔人选核查",
                                                          "checks": [checks[0].pk, checks[1].pk]})  # fmt: skip
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode()
    req = AgencyRequest.objects.get()
    detail = client.get(f"/spot-checks/requests/{req.pk}/").content.decode()
    assert password not in detail
    download = client.get(f"/spot-checks/requests/{req.pk}/file/")
    assert download.status_code == 200
    assert AuditEvent.objects.filter(action="spotchecks.request_download").exists()
    bad = client.post("/spot-checks/requests/new/", {"agency": "nowhere", "reason": "", "checks": []})
    assert bad.status_code == 400


def test_refused_return_shows_every_problem_and_writes_nothing(client, login, reviewer, checks, tree):
    req, _ = agency_request_create(actor=reviewer, agency="real_estate", checks=checks[:1], reason="拟提拔人选核查",
                                   issuing_unit=tree.county_a)  # fmt: skip
    login(reviewer)
    data = xlsx(RE_HEADERS, [["nope", "某", "地址", "10", "", ""]])
    response = client.post(f"/spot-checks/requests/{req.pk}/import/",
                           {"file": SimpleUploadedFile("r.xlsx", data)})  # fmt: skip
    assert response.status_code == 400
    assert "查无此人" in response.content.decode()
    assert not ReturnedItem.objects.exists()
    junk = client.post(
        f"/spot-checks/requests/{req.pk}/import/", {"file": SimpleUploadedFile("r.xlsx", b"junk")}
    )
    assert junk.status_code == 400 and "格式" in junk.content.decode()


def test_targeted_check_from_an_id_number(client, login, reviewer, tree, make_cadre):
    cadre = make_cadre(tree.dept_a1, "王五")
    login(reviewer)
    response = client.post("/spot-checks/targeted/new/", {"id_number": cadre.test_id_number, "source": "complaint",
                                                          "reference": "XF-1", "reason": "举报反映瞒报房产"})  # fmt: skip
    assert response.status_code == 302
    check = SpotCheck.objects.get(cadre=cadre)
    assert check.kind == "complaint"
    assert client.post("/spot-checks/targeted/new/", {"id_number": "123", "source": "other",
                                                      "reason": "x"}).status_code == 400  # fmt: skip


def test_decide_form_errors_are_400(client, login, reviewer, checks):
    login(reviewer)
    response = client.post(f"/spot-checks/checks/{checks[0].pk}/decide/", {"result": "consistent",
                                                                           "decider_name": "李"})  # fmt: skip
    assert response.status_code == 400 and "尚未比对" in response.content.decode()


def test_cadre_sees_only_own_check_after_it_asks(
    client, login, reviewer, cadre_with_account, make_user, tree
):
    cadre, user = cadre_with_account()
    check = targeted_check_request(actor=reviewer, cadre=cadre, reason="拟提拔", source="appointments:1")
    login(user)
    assert client.get(f"/spot-checks/mine/{check.pk}/").status_code == 404  # nothing to explain yet
    other_cadre, other_user = cadre_with_account(name="别人")
    SpotCheck.objects.filter(pk=check.pk).update(status="explaining")
    login(other_user)
    assert client.get(f"/spot-checks/mine/{check.pk}/").status_code == 404
    login(user)
    assert client.get(f"/spot-checks/mine/{check.pk}/").status_code == 200
    assert client.post(f"/spot-checks/mine/{check.pk}/", {"text": "短"}).status_code == 400
