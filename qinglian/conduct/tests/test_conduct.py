"""Conduct outside working hours: versioned lists, findings that count only once confirmed after the
cadre was heard, family-event caps from the rule registry, scope (an outsider sees nothing), the
API, bad input, and list query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from qinglian.accounts.services import role_assign
from qinglian.api.services import token_issue
from qinglian.archive.models import ArchiveEntry
from qinglian.conduct import services
from qinglian.conduct.models import (
    CommunityRegistration,
    FamilyBriefing,
    FamilyEvent,
    Finding,
    ListVersion,
    Observer,
    Visit,
)
from qinglian.rules.models import Rule
from qinglian.rules.services import rule_param_set

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def s(tree, make_user, make_cadre):
    org = make_user("org_supervision", tree.county_a, unit=tree.county_a)
    jw = make_user("discipline_supervision", tree.county_a, unit=tree.jw_a)
    outsider = make_user("org_supervision", tree.county_b, unit=tree.county_b)
    boss = make_cadre(tree.dept_a1, "局长甲", is_top_leader=True, post_title="局长")
    far = make_cadre(tree.dept_b1, "乙县局长", is_top_leader=True)
    boss_user = make_user(None, unit=tree.dept_a1, username="boss")
    boss.user = boss_user
    boss.save(update_fields=["user"])
    role_assign(actor=None, user=boss_user, role="cadre_self", anchor=None, reason="本人")
    other_user = make_user(None, unit=tree.dept_a1, username="other")
    role_assign(actor=None, user=other_user, role="cadre_self", anchor=None, reason="本人")
    other = make_cadre(tree.dept_a1, "科员乙")
    other.user = other_user
    other.save(update_fields=["user"])
    return {"org": org, "jw": jw, "outsider": outsider, "boss": boss, "far": far, "boss_user": boss_user,
            "other_user": other_user}  # fmt: skip


def _event(user, **kw):
    data = {"kind": "wedding", "subject": "儿子 张某某 结婚", "event_date": TODAY() + timedelta(days=20),
            "venue": "县城某酒店", "tables": 10, "guests": 120, "cars": 3, "payer": "own"} | kw  # fmt: skip
    return services.family_event_file(user=user, **data)


# --- reference lists --------------------------------------------------------------------------------


def test_default_lists_follow_the_seeds():
    current = services.lists_current()
    assert len(current["leader_negative"].items) == 15
    assert len(current["family_negative"].items) == 10
    assert len(current["family_positive"].items) == 10
    assert any("婚丧" in i for i in current["leader_negative"].items)


def test_list_edit_makes_a_new_version_and_old_findings_keep_theirs(s):
    f = services.finding_record(actor=s["org"], cadre=s["boss"], list_kind="leader_negative", item_number=3,
                                occurred_on=TODAY(), facts="周末在茶楼打麻将，输赢数千元")  # fmt: skip
    old = services.list_current("leader_negative")
    items = ["改写后的第一条"] + old.items[1:]
    v2 = services.list_save(actor=s["org"], kind="leader_negative", items=items, reason="县委常委会调整")
    assert (
        v2.number == old.number + 1 and services.list_current("leader_negative").items[0] == "改写后的第一条"
    )
    f.refresh_from_db()
    assert f.list_version_id == old.pk and f.item_text == old.items[2]


@pytest.mark.parametrize(
    "items, reason, message",
    [
        ([], "理由", "至少要有一条"),
        (["甲", "甲"], "理由", "重复"),
        (["甲"], "", "修改理由"),
        (["x" * 256], "理由", "255"),
    ],
)
def test_list_edit_refuses_bad_input_and_keeps_the_list(s, items, reason, message):
    before = ListVersion.objects.count()
    with pytest.raises(ValidationError, match=message):
        services.list_save(actor=s["org"], kind="family_positive", items=items, reason=reason)
    assert ListVersion.objects.count() == before


def test_list_edit_page_bad_input_is_400_in_chinese_and_roles_without_manage_get_403(
    s, client, login, tree, make_user
):
    login(s["org"])
    r = client.post("/conduct/lists/family_positive/edit/", {"items": "", "reason": "x"})
    assert r.status_code == 400 and "该字段是必填项" in r.content.decode()
    current = services.list_current("family_positive")
    r = client.post(
        "/conduct/lists/family_positive/edit/", {"items": "\n".join(current.items), "reason": "x"}
    )
    assert r.status_code == 400 and "清单没有变化" in r.content.decode()
    r = client.post("/conduct/lists/family_positive/edit/", {"items": "一\n二", "reason": "精简"})
    assert r.status_code == 302 and services.list_current("family_positive").items == ["一", "二"]
    assert client.get("/conduct/lists/nonsense/edit/").status_code == 404
    login(make_user("leadership", tree.county_a))
    assert client.get("/conduct/lists/").status_code == 200
    assert (
        client.post("/conduct/lists/family_positive/edit/", {"items": "三", "reason": "x"}).status_code == 403
    )


# --- negative-list findings -------------------------------------------------------------------------


def test_finding_counts_only_once_confirmed_after_hearing(s):
    f = services.finding_record(actor=s["org"], cadre=s["boss"], list_kind="leader_negative", item_number=2,
                                occurred_on=TODAY() - timedelta(days=10), facts="为母亲祝寿摆宴30桌", source="家访")  # fmt: skip
    assert f.status == Finding.Status.RECORDED
    assert not ArchiveEntry.objects.filter(person=s["boss"]).exists()
    with pytest.raises(ValidationError, match="须先听取本人说明"):
        services.finding_decide(
            actor=s["jw"], finding=f, confirm=True, decider_name="县纪委常委会", note="属实"
        )
    services.finding_hear(actor=s["jw"], finding=f, explanation="亲戚较多，未考虑规模", heard_on=TODAY())
    assert not ArchiveEntry.objects.filter(person=s["boss"]).exists()  # heard is not decided
    services.finding_decide(
        actor=s["jw"], finding=f, confirm=True, decider_name="县纪委常委会", note="情况属实"
    )
    f.refresh_from_db()
    entry = ArchiveEntry.objects.get(person=s["boss"])
    assert f.status == Finding.Status.CONFIRMED and f.entry_id == entry.pk
    assert entry.kind.code == "conduct.finding" and entry.colour == "yellow"
    assert "第2项" in entry.summary and "违规操办婚丧喜庆事宜" in entry.summary
    assert "负面清单" in entry.summary and "中国共产党纪律处分条例" in entry.summary
    assert entry.decided_by == "县纪委常委会"
    with pytest.raises(ValidationError, match="已作出认定"):
        services.finding_decide(actor=s["jw"], finding=f, confirm=False, decider_name="x", note="x")


def test_dismissed_finding_leaves_the_file_untouched(s):
    f = services.finding_record(actor=s["org"], cadre=s["boss"], list_kind="family_negative", item_number=2,
                                occurred_on=TODAY(), facts="反映家属代收礼金")  # fmt: skip
    services.finding_hear(
        actor=s["org"], finding=f, explanation="系亲属间正常往来，已提供转账记录", heard_on=TODAY()
    )
    services.finding_decide(actor=s["org"], finding=f, confirm=False, decider_name="王某（干部监督科科长）",
                            note="经核实为亲属正常往来")  # fmt: skip
    f.refresh_from_db()
    assert f.status == Finding.Status.DISMISSED and f.entry is None
    assert not ArchiveEntry.objects.filter(person=s["boss"]).exists()


def test_finding_bad_input_and_outsider(s):
    with pytest.raises(ValidationError, match="请选择负面清单条目"):
        services.finding_record(actor=s["org"], cadre=s["boss"], list_kind="leader_negative", item_number=16,
                                occurred_on=TODAY(), facts="x")  # fmt: skip
    with pytest.raises(ValidationError, match="请选择负面清单"):  # the positive list is not a negative list
        services.finding_record(actor=s["org"], cadre=s["boss"], list_kind="family_positive", item_number=1,
                                occurred_on=TODAY(), facts="x")  # fmt: skip
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.finding_record(actor=s["org"], cadre=s["boss"], list_kind="leader_negative", item_number=1,
                                occurred_on=TODAY() + timedelta(days=1), facts="x")  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.finding_record(actor=s["outsider"], cadre=s["boss"], list_kind="leader_negative", item_number=1,
                                occurred_on=TODAY(), facts="x")  # fmt: skip
    assert not Finding.objects.exists()


def test_finding_pages_journey_and_outsider_gets_404(s, client, login):
    login(s["org"])
    page = client.get("/conduct/findings/new/", {"find": "局长甲"})
    assert page.status_code == 200 and f"?cadre={s['boss'].pk}" in page.content.decode()
    bad = client.post("/conduct/findings/new/", {"cadre": s["boss"].pk, "item": "leader_negative:1",
                                                 "occurred_on": "2026-13-01", "facts": "x"})  # fmt: skip
    assert bad.status_code == 400 and "有效的日期" in bad.content.decode() and not Finding.objects.exists()
    r = client.post("/conduct/findings/new/", {"cadre": s["boss"].pk, "item": "leader_negative:3",
                                               "occurred_on": TODAY().isoformat(), "facts": "打麻将赌博",
                                               "source": "明察暗访"})  # fmt: skip
    f = Finding.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/conduct/findings/{f.pk}/"
    early = client.post(
        f"/conduct/findings/{f.pk}/decide/", {"decision": "confirm", "decider_name": "甲", "note": "x"}
    )
    assert early.status_code == 400 and "须先听取本人说明" in early.content.decode()
    assert (
        client.post(
            f"/conduct/findings/{f.pk}/hear/", {"explanation": "承认", "heard_on": TODAY().isoformat()}
        ).status_code
        == 302
    )
    assert client.post(f"/conduct/findings/{f.pk}/decide/", {"decision": "confirm", "decider_name": "县委组织部部务会",
                                                             "note": "属实"}).status_code == 302  # fmt: skip
    assert client.get(f"/conduct/findings/{f.pk}/").content.decode().count("已认定") >= 1
    login(s["outsider"])
    assert client.get(f"/conduct/findings/{f.pk}/").status_code == 404
    assert (
        client.post(
            f"/conduct/findings/{f.pk}/hear/", {"explanation": "x", "heard_on": "2026-01-01"}
        ).status_code
        == 404
    )
    assert client.post("/conduct/findings/new/", {"cadre": s["boss"].pk, "item": "leader_negative:1",
                                                  "occurred_on": TODAY().isoformat(), "facts": "x"}).status_code == 404  # fmt: skip
    assert "局长甲" not in client.get("/conduct/findings/").content.decode()


# --- family-event pre-reports -----------------------------------------------------------------------


def test_family_event_within_caps_is_recorded_blue(s):
    event = _event(s["boss_user"])
    assert event.within_caps and event.breaches == []
    entry = ArchiveEntry.objects.get(person=s["boss"])
    assert entry.kind.code == "info.family_event" and entry.colour == "blue"
    assert "未超出规定" in entry.summary and "默认值，依据待核实" in entry.summary


def test_family_event_beyond_caps_is_accepted_and_flagged_with_the_rule(s):
    event = _event(s["boss_user"], tables=18, cars=8, guests=200)
    assert event.pk and event.flagged
    assert [b["key"] for b in event.breaches] == ["tables", "cars"]  # 200 guests is at the cap, not over
    assert "宴席桌数18桌，超过上限15桌" in event.breaches[0]["text"]
    assert "操办婚丧喜庆事宜" in event.rule_basis and "中国共产党纪律处分条例" in event.rule_basis
    assert "超出规定" in ArchiveEntry.objects.get(person=s["boss"]).summary


def test_caps_come_from_the_rule_registry(s):
    rule_param_set(actor=s["org"], rule=Rule.objects.get(code="conduct.family_event_caps"), key="tables", value="10",
                   effective_from=TODAY(), reason="本县规定不超过10桌")  # fmt: skip
    assert [b["key"] for b in _event(s["boss_user"], tables=12).breaches] == ["tables"]


def test_a_late_report_is_flagged_as_not_in_advance(s):
    event = _event(s["boss_user"], event_date=TODAY() - timedelta(days=2))
    assert [b["key"] for b in event.breaches] == ["advance"]


def test_family_event_bad_input_changes_nothing(s, client, login):
    with pytest.raises(ValidationError, match="费用说明"):
        _event(s["boss_user"], payer="other", payer_note="")
    with pytest.raises(ValidationError, match="一年以后"):
        _event(s["boss_user"], event_date=TODAY() + timedelta(days=400))
    with pytest.raises(PermissionDenied):  # staff are not the cadre
        _event(s["org"])
    login(s["boss_user"])
    r = client.post("/conduct/mine/new/", {"kind": "wedding", "subject": "x", "event_date": "明天", "venue": "v",
                                           "tables": "-1", "guests": "abc", "cars": "1", "payer": "own"})  # fmt: skip
    body = r.content.decode()
    assert r.status_code == 400 and "有效的日期" in body and "大于或等于0" in body and "整数" in body
    assert not FamilyEvent.objects.exists() and not ArchiveEntry.objects.exists()


def test_self_service_pages_show_the_result_only_to_the_cadre(s, client, login, tree):
    login(s["boss_user"])
    assert client.get("/conduct/mine/").status_code == 200
    r = client.post("/conduct/mine/new/", {"kind": "wedding", "subject": "女儿出嫁", "venue": "某酒店",
                                           "event_date": (TODAY() + timedelta(days=9)).isoformat(), "tables": "20",
                                           "guests": "150", "cars": "2", "payer": "own"})  # fmt: skip
    event = FamilyEvent.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/conduct/mine/{event.pk}/"
    page = client.get(r["Location"]).content.decode()
    assert "超出规定" in page and "宴席桌数20桌，超过上限15桌" in page
    login(s["other_user"])  # another cadre
    assert client.get(f"/conduct/mine/{event.pk}/").status_code == 404
    assert "女儿出嫁" not in client.get("/conduct/mine/").content.decode()
    login(s["org"])
    assert client.get(f"/conduct/family-events/{event.pk}/").status_code == 200
    assert client.get("/conduct/mine/").status_code == 403
    login(s["outsider"])
    assert client.get(f"/conduct/family-events/{event.pk}/").status_code == 404
    assert "局长甲" not in client.get("/conduct/family-events/").content.decode()


def test_cadre_without_a_record_is_told_so(client, login, make_user):
    user = make_user("cadre_self")
    login(user)
    assert "没有关联干部信息" in client.get("/conduct/mine/new/").content.decode()
    r = client.post("/conduct/mine/new/", {"kind": "funeral", "subject": "父亲", "venue": "v", "tables": "1",
                                           "event_date": TODAY().isoformat(), "guests": "1", "cars": "0",
                                           "payer": "own"})  # fmt: skip
    assert r.status_code == 403 and not FamilyEvent.objects.exists()


# --- visits, observers, double-registration, family lists --------------------------------------------


def test_visits_observers_registrations_and_briefing(s, client, login, tree):
    observer = services.observer_create(actor=s["org"], name="老李", background="退休干部", unit=tree.county_a,
                                        appointed_on=date(2026, 1, 5))  # fmt: skip
    services.visit_record(actor=s["org"], kind="observer", unit=tree.dept_a1, observer=observer, visited_on=TODAY(),
                          visitors="老李", findings="窗口服务态度较好", suggestions="延长午间办理时间")  # fmt: skip
    services.visit_record(actor=s["org"], kind="home", cadre=s["boss"], visited_on=TODAY(), visitors="组织部两人",
                          findings="家风良好")  # fmt: skip
    with pytest.raises(ValidationError, match="须选择被走访的干部"):
        services.visit_record(actor=s["org"], kind="home", unit=tree.dept_a1, visited_on=TODAY(), visitors="x",
                              findings="x")  # fmt: skip
    with pytest.raises(ValidationError, match="须选择在聘的观察员"):
        services.visit_record(actor=s["org"], kind="observer", unit=tree.dept_a1, visited_on=TODAY(), visitors="x",
                              findings="x")  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.visit_record(actor=s["outsider"], kind="home", cadre=s["boss"], visited_on=TODAY(), visitors="x",
                              findings="x")  # fmt: skip
    assert Visit.objects.count() == 2
    reg = services.registration_record(
        actor=s["org"], cadre=s["boss"], community="城东社区", registered_on=date(2026, 3, 1)
    )
    services.activity_record(
        actor=s["org"], registration=reg, held_on=date(2026, 3, 15), description="参加社区环境整治"
    )
    with pytest.raises(ValidationError, match="已在“城东社区”报到"):
        services.registration_record(
            actor=s["org"], cadre=s["boss"], community="城东社区", registered_on=TODAY()
        )
    with pytest.raises(ValidationError, match="不能早于报到日期"):
        services.activity_record(actor=s["org"], registration=reg, held_on=date(2026, 2, 1), description="x")
    b = services.briefing_record(actor=s["org"], cadre=s["boss"], recipient="配偶 李某", handed_on=TODAY(),
                                 red_lines="不得插手招生录取\n不得接受教辅材料商宴请", handed_by="县纪委 王某")  # fmt: skip
    login(s["org"])
    printed = client.get(f"/conduct/briefings/{b.pk}/print/").content.decode()
    assert "不得插手招生录取" in printed and services.list_current("family_positive").items[0] in printed
    assert "家属签收" in printed
    visits = client.get("/conduct/visits/", {"kind": "observer"}).content.decode()
    assert "延长午间办理时间" in visits and "家风良好" not in visits
    assert (
        "延长午间办理时间"
        not in client.get("/conduct/visits/", {"observer": observer.pk + 1}).content.decode()
    )
    assert f"observer={observer.pk}" in client.get("/conduct/observers/").content.decode()
    r = client.post(
        f"/conduct/registrations/{reg.pk}/activities/", {"held_on": "2026-13-40", "description": ""}
    )
    assert r.status_code == 400 and reg.activities.count() == 1
    login(s["outsider"])
    assert client.get(f"/conduct/briefings/{b.pk}/print/").status_code == 404
    assert client.get(f"/conduct/registrations/{reg.pk}/").status_code == 404
    assert "家风良好" not in client.get("/conduct/visits/").content.decode()
    assert "老李" not in client.get("/conduct/observers/").content.decode()


def test_visit_page_records_an_unannounced_check_by_unit_code(s, client, login, tree):
    login(s["org"])
    r = client.post("/conduct/visits/new/", {"kind": "unannounced", "unit_code": "B-D1", "visited_on": TODAY().isoformat(),
                                             "visitors": "x", "findings": "x"})  # fmt: skip
    assert r.status_code == 400 and "不在您的管理范围内" in r.content.decode()
    r = client.post("/conduct/visits/new/", {"kind": "unannounced", "unit_code": "A-D1", "visited_on": TODAY().isoformat(),
                                             "visitors": "暗访组", "findings": "工作日午间有人饮酒"})  # fmt: skip
    assert r.status_code == 302 and Visit.objects.get().unit == tree.dept_a1


# --- lists: paginated, fixed query count ------------------------------------------------------------


def _fill(s, tree, n, start=0):
    for i in range(start, start + n):
        services.finding_record(actor=s["org"], cadre=s["boss"], list_kind="leader_negative", item_number=1 + i % 15,
                                occurred_on=TODAY(), facts=f"事实{i}")  # fmt: skip
        services.visit_record(actor=s["org"], kind="home", cadre=s["boss"], visited_on=TODAY(), visitors="x",
                              findings=f"情况{i}")  # fmt: skip
        reg = services.registration_record(
            actor=s["org"], cadre=s["boss"], community=f"社区{i}", registered_on=TODAY()
        )
        services.activity_record(actor=s["org"], registration=reg, held_on=TODAY(), description="活动")
        services.briefing_record(actor=s["org"], cadre=s["boss"], recipient="配偶", red_lines="红线", handed_on=TODAY(),
                                 handed_by="x")  # fmt: skip
        services.observer_create(actor=s["org"], name=f"观察员{i}", background="退休干部", unit=tree.county_a,
                                 appointed_on=TODAY())  # fmt: skip
        _event(s["boss_user"], subject=f"事项{i}")


LIST_PAGES = ["/conduct/findings/", "/conduct/visits/", "/conduct/registrations/", "/conduct/briefings/",
              "/conduct/observers/", "/conduct/family-events/", "/conduct/", "/conduct/lists/"]  # fmt: skip


def _counts(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out = {}
    for url in LIST_PAGES:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        out[url] = len(ctx.captured_queries)
    return out


def test_list_pages_paginate_with_a_fixed_query_count(s, tree, client, login, django_assert_num_queries):
    login(s["org"])
    _fill(s, tree, 2)
    few = _counts(client)
    _fill(s, tree, 28, start=2)  # more than a page (25)
    many = _counts(client)
    assert few == many, (few, many)
    for url in LIST_PAGES:
        with django_assert_num_queries(many[url]):
            client.get(url)
    assert "第 1 / 2 页" in client.get("/conduct/findings/").content.decode()
    login(s["boss_user"])
    with django_assert_num_queries(_counts_one(client, "/conduct/mine/")):
        client.get("/conduct/mine/")
    assert FamilyBriefing.objects.count() == 30 and Observer.objects.count() == 30
    assert CommunityRegistration.objects.count() == 30


def _counts_one(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


# --- API ----------------------------------------------------------------------------------------------


def _api(user):
    user.is_integration = True
    user.save(update_fields=["is_integration"])
    _, raw = token_issue(actor=None, user=user, name="测试")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return c


def test_api_lists_own_reports_for_the_cadre_and_scoped_ones_for_staff(s, make_user, tree):
    mine = _event(s["boss_user"], tables=30)
    _event(s["other_user"], subject="其他干部的事项")
    cadre_api = _api(s["boss_user"])
    data = cadre_api.get("/api/v1/family-events/").json()
    assert [e["id"] for e in data["results"]] == [mine.pk]
    assert data["results"][0]["within_caps"] is False and data["results"][0]["breaches"][0]["key"] == "tables"
    created = cadre_api.post("/api/v1/family-events/", {"kind": "funeral", "subject": "父亲病故", "venue": "殡仪馆",
                                                        "event_date": TODAY().isoformat(), "tables": 5, "guests": 60,
                                                        "cars": 2, "payer": "own"}, format="json")  # fmt: skip
    assert created.status_code == 201 and created.json()["within_caps"] is True
    bad = cadre_api.post("/api/v1/family-events/", {"kind": "party", "tables": -1}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]
    assert FamilyEvent.objects.count() == 3
    staff = _api(make_user("leadership", tree.county_a))
    assert staff.get("/api/v1/family-events/").json()["count"] == 3
    assert staff.get("/api/v1/family-events/", {"flagged": "1"}).json()["count"] == 1
    assert staff.post("/api/v1/family-events/", {}, format="json").status_code == 403
    outsider = _api(make_user("org_supervision", tree.county_b))
    assert outsider.get("/api/v1/family-events/").json()["count"] == 0
    assert outsider.get(f"/api/v1/family-events/{mine.pk}/").status_code == 404
    assert _api(s["other_user"]).get(f"/api/v1/family-events/{mine.pk}/").status_code == 404
    assert _api(make_user("petitions_intake", tree.county_a)).get("/api/v1/family-events/").status_code == 403


def test_garbage_input_never_gives_a_server_error(s, client, login):
    f = services.finding_record(actor=s["org"], cadre=s["boss"], list_kind="leader_negative", item_number=1,
                                occurred_on=TODAY(), facts="x")  # fmt: skip
    reg = services.registration_record(
        actor=s["org"], cadre=s["boss"], community="城西社区", registered_on=TODAY()
    )
    login(s["org"])
    junk = {
        "kind": "x" * 300,
        "status": "\x00",
        "page": "-1",
        "flagged": "abc",
        "cadre": "abc",
        "find": "%" * 80,
    }
    for url in LIST_PAGES + ["/conduct/visits/new/", "/conduct/findings/new/", "/conduct/briefings/new/",
                             "/conduct/registrations/new/"]:  # fmt: skip
        assert client.get(url, junk).status_code in (200, 400, 404), (
            url
        )  # 400: the NUL character is refused at the door
    posts = {
        "/conduct/visits/new/": {"kind": "home", "observer": "abc", "visited_on": "x", "cadre": "999999"},
        "/conduct/findings/new/": {"item": "leader_negative:99", "occurred_on": "2026-02-30", "facts": ""},
        "/conduct/briefings/new/": {"cadre": str(s["boss"].pk), "handed_on": "0000-00-00"},
        "/conduct/registrations/new/": {"community": "x" * 500, "registered_on": ""},
        "/conduct/observers/new/": {"name": "", "appointed_on": "明天"},
        f"/conduct/findings/{f.pk}/hear/": {"explanation": "", "heard_on": "1900-01-01"},
        f"/conduct/findings/{f.pk}/decide/": {"decision": "maybe"},
        f"/conduct/registrations/{reg.pk}/activities/": {"held_on": "9999-99-99"},
        "/conduct/lists/leader_negative/edit/": {"items": "x\n" * 50, "reason": "y"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code in (400, 404), url
    assert Finding.objects.get().status == Finding.Status.RECORDED and not ArchiveEntry.objects.exists()
    assert services.list_current("leader_negative").number == 1


def test_conduct_rules_are_in_the_registry_pages(s, client, login):
    login(s["org"])
    caps = client.get("/rules/conduct.family_event_caps/").content.decode()
    assert "宴席桌数上限" in caps and "默认值，依据待核实" in caps
    assert "负面清单" in client.get("/rules/conduct.negative_list/").content.decode()
