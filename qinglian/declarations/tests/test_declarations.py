"""Personal-matters reports: validation messages, draft → submit → locked → change report version,
relatives flow, the annual to-dos, scope (details only for org_supervision and the cadre), the
pages, the API, bad input and list query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from qinglian.accounts.services import role_assign
from qinglian.api.services import token_issue
from qinglian.audit.models import AuditEvent
from qinglian.declarations import services
from qinglian.declarations.items import KINDS, clean_row, credit_code_valid
from qinglian.declarations.models import Declaration, Item
from qinglian.declarations.selectors import declared_items, latest_submitted
from qinglian.declarations.services import RowErrors, RowInput
from qinglian.declarations.tests.factories import cadre_in, submitted_declaration
from qinglian.people.models import Relative
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db


def _credit(body17: str = "91349899MA2Y7D7K3") -> str:
    from qinglian.declarations.items import CREDIT_CHARS, CREDIT_WEIGHTS

    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(body17, CREDIT_WEIGHTS, strict=True))
    return body17 + CREDIT_CHARS[(31 - total % 31) % 31]


GOOD_CREDIT = _credit()
HOUSE = {"owner": "self", "address": "甲县城关镇幸福路1号3栋201室", "use": "residential", "area": "98.5",
         "share": "100", "acquired_on": "2015-06-01"}  # fmt: skip
JOB = {"relation": "spouse", "name": "李某", "employer": "甲县人民医院", "credit_code": "", "job": "护士"}


def _link(make_user, cadre, username):
    user = make_user(None, unit=cadre.unit, username=username)
    cadre.user = user
    cadre.save(update_fields=["user"])
    role_assign(actor=None, user=user, role="cadre_self", anchor=None, reason="本人")
    return user


@pytest.fixture
def s(tree, make_user):
    boss = cadre_in(tree.dept_a1, "王副局长", post_title="副局长")
    other = cadre_in(tree.dept_a1, "赵副局长")
    far = cadre_in(tree.dept_b1, "乙县副局长")
    return {
        "org": make_user("org_supervision", tree.county_a, unit=tree.county_a),
        "outsider": make_user("org_supervision", tree.county_b, unit=tree.county_b),
        "jw": make_user("discipline_supervision", tree.county_a, unit=tree.jw_a),
        "leader": make_user("leadership", tree.county_a, unit=tree.county_a),
        "boss": boss, "boss_user": _link(make_user, boss, "wangfujuzhang"),
        "other": other, "other_user": _link(make_user, other, "zhaofujuzhang"), "far": far,
    }  # fmt: skip


def _file(user, rows, *, kind="annual", reason="", submit=True):
    d = services.declaration_start(user=user, kind=kind, reason=reason)
    fn = services.declaration_submit if submit else services.declaration_save
    return fn(user=user, declaration=d, rows=[RowInput(k, dict(v), str(i)) for i, (k, v) in enumerate(rows)])


# --- validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "changes", "field", "message"),
    [
        ("real_estate", {"area": "-20"}, "area", "面积不能为负数"),
        ("real_estate", {"share": "120"}, "share", "份额不能超过100%"),
        ("real_estate", {"share": "-5"}, "share", "份额不能为负数"),
        ("real_estate", {"area": "九十"}, "area", "建筑面积（平方米）请填写数字"),
        ("real_estate", {"acquired_on": "2999-01-01"}, "acquired_on", "取得日期不能晚于今天"),
        ("real_estate", {"acquired_on": "2020-13-45"}, "acquired_on", "取得日期请按“年-月-日”填写，如 2025-06-30"),
        ("securities", {"owner": "self", "security_type": "stock", "account": "A123", "amount": "-1"}, "amount",
         "金额不能为负数"),
        ("passport", {"number": "12345", "issued_on": "2019-01-01", "expires_on": "2029-01-01"}, "number",
         "护照号码格式不正确（应为E或G开头的9位，如 E12345678、EA1234567）"),
        ("passport", {"number": "E12345678", "issued_on": "2019-01-01", "expires_on": "2018-01-01"}, "expires_on",
         "有效期至应晚于签发日期"),
        ("hkmt_permit", {"permit_type": "hk_macau", "number": "X1234", "issued_on": "2019-01-01",
                         "expires_on": "2029-01-01"}, "number", "通行证号码格式不正确（应为C、L或T开头的9位，如 C12345678）"),
        ("family_business", {"relation": "child", "name": "王某", "business_name": "某公司",
                             "credit_code": GOOD_CREDIT[:-1] + ("0" if GOOD_CREDIT[-1] != "0" else "1")},
         "credit_code", "统一社会信用代码格式或校验位不正确，请核对"),
        ("family_business", {"relation": "child", "name": "王某", "business_name": "某公司", "credit_code": "123"},
         "credit_code", "统一社会信用代码应为18位"),
        ("family_business", {"relation": "child", "name": "王某", "business_name": "某公司", "credit_code": GOOD_CREDIT,
                             "share": "100.5"}, "share", "份额不能超过100%"),
        ("family_jobs", {"relation": "uncle", "name": "王某", "employer": "某单位"}, "relation", "请选择有效的关系"),
        ("fees", {"fee_type": "lecture", "payer": "某大学", "amount": "1e400"}, "amount", "金额过大，请核对单位（元）"),
    ],
)  # fmt: skip
def test_impossible_values_get_chinese_messages(kind, changes, field, message):
    raw = (HOUSE if kind == "real_estate" else {}) | changes
    _, errors = clean_row(KINDS[kind], raw, strict=False)
    assert errors == {field: message}


def test_the_fourteen_kinds_of_the_contract():
    from qinglian.declarations.items import FAMILY_KINDS, PROPERTY_KINDS

    assert FAMILY_KINDS == ("marriage", "passport", "hkmt_permit", "child_foreign_spouse", "child_hkmt_spouse",
                            "family_abroad", "family_jobs", "family_prosecution")  # fmt: skip
    assert PROPERTY_KINDS == (
        "salary",
        "fees",
        "real_estate",
        "securities",
        "family_business",
        "overseas_assets",
    )
    for kind in KINDS.values():
        names = {f.name for f in kind.fields}
        assert set(kind.key) <= names and set(kind.values) <= names and kind.key, kind.code
    assert KINDS["securities"].key == ("account",) and KINDS["family_business"].key == ("credit_code",)
    assert KINDS["passport"].key == ("number",) and KINDS["family_jobs"].key == ("relation", "name")


def test_values_are_stored_as_plain_json():
    data, errors = clean_row(KINDS["real_estate"], HOUSE, strict=True)
    assert not errors and data["area"] == "98.50" and data["share"] == "100"
    data, _ = clean_row(KINDS["securities"], {"owner": "spouse", "security_type": "fund", "account": "F-1",
                                              "amount": "120,000"}, strict=True)  # fmt: skip
    assert data["amount"] == "120000.00"
    data, _ = clean_row(KINDS["passport"], {"number": "ea1234567", "issued_on": "2019-01-01",
                                            "expires_on": "2029-01-01", "trips": "2"}, strict=True)  # fmt: skip
    assert data["number"] == "EA1234567" and data["trips"] == 2
    assert credit_code_valid(GOOD_CREDIT) and not credit_code_valid(GOOD_CREDIT.lower())


def test_a_draft_accepts_empty_fields_but_submission_requires_them():
    _, errors = clean_row(KINDS["real_estate"], {"address": "某地"}, strict=False)
    assert errors == {}
    _, errors = clean_row(KINDS["real_estate"], {"address": "某地"}, strict=True)
    assert errors["area"] == "请填写建筑面积（平方米）" and errors["owner"] == "请选择产权人"
    _, errors = clean_row(KINDS["marriage"], {"status": "married"}, strict=True)
    assert errors == {"spouse_name": "已婚的请填写配偶姓名"}


# --- workflow ---------------------------------------------------------------------------------------


def test_draft_submit_lock_and_a_change_report_makes_the_next_version(s):
    user = s["boss_user"]
    d = _file(user, [("real_estate", HOUSE)], submit=False)
    assert d.status == "draft" and d.version is None and d.year == timezone.localdate().year - 1
    assert latest_submitted(s["boss"]) is None
    d = services.declaration_submit(user=user, declaration=d, rows=[RowInput("real_estate", HOUSE, "a"),
                                    RowInput("securities", {"owner": "self", "security_type": "stock",
                                                            "account": "A0001", "amount": "5000"}, "b")])  # fmt: skip
    assert d.locked and d.version == 1
    with pytest.raises(ValidationError, match="已提交并锁定"):
        services.declaration_save(user=user, declaration=d, rows=[])
    with pytest.raises(ValidationError, match="已经提交"):
        services.declaration_start(user=user, kind="annual")
    with pytest.raises(ValidationError, match="变化事由"):
        services.declaration_start(user=user, kind="change")
    change = services.declaration_start(user=user, kind="change", reason="新购车位一个")
    assert change.previous_id == d.pk and change.items.count() == 2  # starts from version 1
    assert services.declaration_start(user=user, kind="change", reason="再点一次") == change  # one draft
    parking = {"owner": "self", "address": "甲县城关镇幸福路1号地下车位18号", "use": "parking", "area": "12",
               "share": "100"}  # fmt: skip
    rows = [RowInput(i.kind, i.data, str(i.pk)) for i in change.items.all()] + [
        RowInput("real_estate", parking, "n")
    ]
    v2 = services.declaration_submit(user=user, declaration=change, rows=rows)
    assert v2.version == 2 and v2.kind == "change"
    assert latest_submitted(s["boss"]) == v2
    assert latest_submitted(s["boss"], as_of=d.submitted_at) == d
    assert d.items.count() == 2 and v2.items.count() == 3  # the old version is untouched
    items = declared_items(v2)
    estates = [i for i in items if i.kind == "real_estate"]
    assert {i.key["address"] for i in estates} == {HOUSE["address"], parking["address"]}
    assert estates[0].values == {"area": "98.50", "share": "100", "use": "residential", "owner": "self"}
    securities = next(i for i in items if i.kind == "securities")
    assert securities.key == {"account": "A0001"} and securities.values["amount"] == "5000.00"
    assert "房产" in estates[0].label and isinstance(estates[0].item_id, int)


def test_a_bad_row_saves_nothing_and_names_every_bad_row(s):
    user = s["boss_user"]
    d = _file(user, [("real_estate", HOUSE)], submit=False)
    rows = [RowInput("real_estate", HOUSE | {"area": "-1"}, "a"), RowInput("real_estate", HOUSE, "b"),
            RowInput("passport", {"number": "bad"}, "c")]  # fmt: skip
    with pytest.raises(RowErrors) as exc:
        services.declaration_save(user=user, declaration=d, rows=rows)
    assert set(exc.value.rows) == {("real_estate", "a"), ("passport", "c")}
    assert "有2行填写有误" in exc.value.messages[0]
    assert [i.data["area"] for i in d.items.all()] == ["98.50"]  # unchanged


def test_only_the_cadre_writes_the_report(s):
    d = _file(s["boss_user"], [("real_estate", HOUSE)], submit=False)
    with pytest.raises(PermissionDenied):
        services.declaration_save(user=s["other_user"], declaration=d, rows=[])
    with pytest.raises(PermissionDenied):
        services.declaration_start(user=s["org"], kind="annual")


def test_declared_jobs_flow_into_the_relatives_registry(s):
    from qinglian.people.cadre_services import relative_save

    known = relative_save(actor=None, cadre=s["boss"], data={"relation": "child", "name": "王小明",
                          "birth_date": date(2000, 1, 1), "source": "verified"})  # fmt: skip
    child_job = {"relation": "child", "name": "王小明", "employer": "某科技公司", "credit_code": GOOD_CREDIT,
                 "job": "工程师"}  # fmt: skip
    abroad = {
        "relation": "child",
        "name": "王小明",
        "country": "新加坡",
        "status": "resident",
        "since": "2022-09-01",
    }
    _file(s["boss_user"], [("family_jobs", JOB), ("family_jobs", child_job), ("family_abroad", abroad)])
    spouse = Relative.objects.get(cadre=s["boss"], relation="spouse")
    assert (spouse.name, spouse.employer_name, spouse.job, spouse.source) == (
        "李某",
        "甲县人民医院",
        "护士",
        "declared",
    )
    known.refresh_from_db()
    assert known.employer_name == "某科技公司" and known.employer_credit_code == GOOD_CREDIT
    assert known.birth_date == date(2000, 1, 1) and known.source == "verified"  # nothing else lost
    assert known.abroad and not known.emigrated
    assert Relative.objects.filter(cadre=s["boss"]).count() == 2


def test_annual_todos_are_opened_once_and_closed_by_the_submission(s, tree):
    today = date(timezone.localdate().year, 1, 2)
    year = today.year - 1
    n = services.annual_todos_open(today=today)
    assert n == 3  # the three deputy-director-level cadres of the fixture
    assert services.annual_todos_open(today=today) == 0
    item = WorkItem.objects.get(object_id=str(s["boss"].pk), kind="declarations.annual")
    assert item.due_date == date(year + 1, 1, 31) and item.assignee_user == s["boss_user"]
    far_item = WorkItem.objects.get(object_id=str(s["far"].pk))
    assert far_item.assignee_user is None and far_item.assignee_unit == tree.dept_b1
    _file(s["boss_user"], [("real_estate", HOUSE)])
    item.refresh_from_db()
    assert item.status != "open"
    assert services.annual_todos_open(today=date(year + 1, 2, 1)) == 0  # after the deadline: none


# --- scope: details only for org_supervision and the cadre ---------------------------------------------


def test_staff_and_cadre_scope_on_the_pages(s, client, login):
    d = _file(s["boss_user"], [("real_estate", HOUSE)])
    url = f"/declarations/reports/{d.pk}/"
    login(s["org"])
    r = client.get(url)
    assert r.status_code == 200 and "幸福路1号" in r.content.decode()
    assert AuditEvent.objects.filter(action="declaration.view", object_id=str(d.pk)).exists()
    for who, code in (("outsider", 404), ("jw", 403), ("leader", 403)):
        client.logout()
        login(s[who])
        assert client.get(url).status_code == code, who
    client.logout()
    login(s["other_user"])
    assert client.get(url).status_code == 403  # no staff capability
    assert client.get(f"/declarations/mine/{d.pk}/").status_code == 404  # someone else's
    client.logout()
    login(s["boss_user"])
    r = client.get(f"/declarations/mine/{d.pk}/")
    assert (
        r.status_code == 200
        and "幸福路1号" in r.content.decode()
        and "已提交（第1版，已锁定）" in r.content.decode()
    )


def test_locked_report_cannot_be_changed_through_the_page(s, client, login):
    d = _file(s["boss_user"], [("real_estate", HOUSE)])
    login(s["boss_user"])
    r = client.post(f"/declarations/mine/{d.pk}/edit/", {"action": "save", "real_estate-x-address": "改了"})
    assert r.status_code == 302 and r["Location"].endswith(f"/declarations/mine/{d.pk}/")
    assert Item.objects.get(declaration=d).data["address"] == HOUSE["address"]


# --- pages ----------------------------------------------------------------------------------------------


def _post_rows(rows, **extra):
    data = dict(extra)
    for token, (kind, values) in enumerate(rows):
        for k, v in values.items():
            data[f"{kind}-t{token}-{k}"] = v
    return data


def test_the_form_saves_a_draft_refuses_impossible_values_and_submits(s, client, login):
    login(s["boss_user"])
    assert "填报" in client.get("/declarations/mine/").content.decode()
    r = client.post("/declarations/mine/start/", {"kind": "annual"})
    d = Declaration.objects.get(cadre=s["boss"])
    assert r["Location"] == f"/declarations/mine/{d.pk}/edit/"
    page = client.get(r["Location"]).content.decode()
    assert page.count('aria-label="添加一行') == 14
    bad = client.post(r["Location"], _post_rows([("real_estate", HOUSE | {"area": "-3", "share": "150"})],
                                                action="save"))  # fmt: skip
    body = bad.content.decode()
    assert bad.status_code == 400 and "面积不能为负数" in body and "份额不能超过100%" in body
    assert not d.items.exists()
    ok = client.post(r["Location"], _post_rows([("real_estate", HOUSE), ("family_jobs", JOB)], action="save"))
    assert ok.status_code == 302 and d.items.count() == 2
    no_pledge = client.post(r["Location"], _post_rows([("real_estate", HOUSE)], action="submit"))
    assert no_pledge.status_code == 400 and "请勾选本人承诺" in no_pledge.content.decode()
    d.refresh_from_db()
    assert not d.locked
    done = client.post(r["Location"], _post_rows([("real_estate", HOUSE)], action="submit", pledge="1"))
    d.refresh_from_db()
    assert done.status_code == 302 and d.locked and d.items.count() == 1
    mine = client.get("/declarations/mine/").content.decode()
    assert "第1版" in mine and "填报事项变化报告" in mine


def test_row_check_and_new_row_as_the_cadre_types(s, client, login):
    d = _file(s["boss_user"], [], submit=False)
    login(s["boss_user"])
    r = client.get(f"/declarations/mine/{d.pk}/rows/real_estate/")
    assert r.status_code == 200 and "房产地址" in r.content.decode()
    url = f"/declarations/mine/{d.pk}/rows/real_estate/abc123/check/"
    r = client.post(url, {"real_estate-abc123-area": "-5", "real_estate-abc123-share": "100"})
    body = r.content.decode()
    assert r.status_code == 200 and "面积不能为负数" in body and "本行有1处需要修改" in body
    r = client.post(url, {"real_estate-abc123-area": "88"})
    assert "本行填写无误" in r.content.decode()
    assert client.get(f"/declarations/mine/{d.pk}/rows/nonsense/").status_code == 404
    removed = client.get(f"/declarations/mine/{d.pk}/rows/real_estate/", {"remove": "1"})
    assert removed.status_code == 200 and removed.content == b""
    assert not d.items.exists()  # checking saves nothing


def test_pages_for_a_cadre_without_a_linked_record(make_user, client, login):
    login(make_user("cadre_self"))
    assert "没有关联干部信息" in client.get("/declarations/mine/").content.decode()
    assert client.post("/declarations/mine/start/", {"kind": "annual"}).status_code == 302


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_staff_lists_search_paginate_with_a_fixed_number_of_queries(s, tree, client, login):
    for i in range(3):
        submitted_declaration(tree.dept_a2, cadre=cadre_in(tree.dept_a2, f"测试{i}"))
    login(s["org"])
    small = (_count(client, "/declarations/"), _count(client, "/declarations/reports/"))
    for i in range(30):
        submitted_declaration(tree.dept_a2, cadre=cadre_in(tree.dept_a2, f"更多{i}"))
    assert (_count(client, "/declarations/"), _count(client, "/declarations/reports/")) == small
    page = client.get("/declarations/", {"status": "missing"}).content.decode()
    assert "王副局长" in page and "乙县副局长" not in page
    assert "更多0" not in client.get("/declarations/", {"status": "missing"}).content.decode()
    submitted = client.get("/declarations/", {"status": "submitted", "q": "测试0"}).content.decode()
    assert 'aria-label="查看测试0的最新报告"' in submitted and "王副局长" not in submitted
    found = client.get("/declarations/reports/", {"q": "测试1"}).content.decode()
    assert "测试1" in found and "更多1" not in found
    assert client.get("/declarations/reports/", {"year": "abc", "page": "-4"}).status_code == 200


def test_garbage_input_never_gives_a_server_error(s, client, login):
    d = _file(s["boss_user"], [], submit=False)
    login(s["boss_user"])
    junk = {"action": "submit", "pledge": "1", "real_estate-zz-area": "\x00", "real_estate-zz-share": "NaN",
            "passport-q1-number": "x" * 5000, "securities-a-amount": "Infinity", "marriage-m-status": "x" * 300,
            "weird-key": "1"}  # fmt: skip
    r = client.post(f"/declarations/mine/{d.pk}/edit/", junk)
    assert r.status_code in (400, 200)
    d.refresh_from_db()
    assert not d.locked
    assert client.post("/declarations/mine/start/", {"kind": "\x00"}).status_code in (302, 400)
    assert client.get("/declarations/mine/abc/").status_code == 404
    login(s["org"])
    assert client.get("/declarations/", {"year": "99999999999", "q": "x" * 300}).status_code == 200


# --- API ------------------------------------------------------------------------------------------------


def _api(user):
    user.is_integration = True
    user.save(update_fields=["is_integration"])
    _, raw = token_issue(actor=None, user=user, name="测试")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return c


def test_api_gives_details_to_the_cadre_and_org_supervision_only(s, make_user, tree):
    d = _file(s["boss_user"], [("real_estate", HOUSE)])
    cadre_api = _api(s["boss_user"])
    data = cadre_api.get("/api/v1/declarations/").json()
    assert [r["id"] for r in data["results"]] == [d.pk] and "items" not in data["results"][0]
    mine = cadre_api.get(f"/api/v1/declarations/{d.pk}/").json()
    assert (
        mine["items"][0]["key"] == {"address": HOUSE["address"]}
        and mine["items"][0]["values"]["area"] == "98.50"
    )
    org = _api(s["org"])
    assert org.get("/api/v1/declarations/").json()["count"] == 1
    assert org.get(f"/api/v1/declarations/{d.pk}/").json()["items"][0]["kind"] == "real_estate"
    assert AuditEvent.objects.filter(action="declaration.view", object_id=str(d.pk)).exists()
    must_not_see = {
        "outsider": _api(s["outsider"]),
        "other cadre": _api(s["other_user"]),
    }
    for who, api in must_not_see.items():
        r = api.get(f"/api/v1/declarations/{d.pk}/")
        assert r.status_code == 404 and "items" not in r.json(), who
        assert api.get("/api/v1/declarations/").json()["count"] == 0, who
    for role in ("discipline_supervision", "leadership", "petitions_intake"):
        api = _api(make_user(role, tree.county_a))
        assert api.get(f"/api/v1/declarations/{d.pk}/").status_code == 403, role
    narrowed = make_user("org_supervision", tree.county_a)
    narrowed.is_integration = True
    narrowed.save(update_fields=["is_integration"])
    _, raw = token_issue(actor=None, user=narrowed, name="只限财政局", unit=tree.dept_a2)
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert c.get(f"/api/v1/declarations/{d.pk}/").status_code == 404  # the token's unit excludes it


def test_api_files_a_report_and_refuses_a_bad_one_whole(s):
    api = _api(s["other_user"])
    bad = api.post("/api/v1/declarations/", {"kind": "annual", "submit": True, "items": [
        {"kind": "real_estate", "data": HOUSE | {"area": "-1"}},
        {"kind": "real_estate", "data": HOUSE},
        {"kind": "passport", "data": {"number": "E1", "issued_on": "2019-01-01", "expires_on": "2029-01-01"}},
    ]}, format="json")  # fmt: skip
    assert bad.status_code == 400
    assert [(e["index"], list(e["errors"])) for e in bad.json()["items"]] == [(0, ["area"]), (2, ["number"])]
    assert not Declaration.objects.filter(cadre=s["other"]).exists()  # not even a draft
    ok = api.post("/api/v1/declarations/", {"kind": "annual", "submit": True,
                                            "items": [{"kind": "real_estate", "data": HOUSE}]}, format="json")  # fmt: skip
    assert ok.status_code == 201 and ok.json()["version"] == 1 and ok.json()["status"] == "submitted"
    assert _api(s["org"]).post("/api/v1/declarations/", {}, format="json").status_code == 403


def test_future_dates_are_refused_relative_to_today():
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    _, errors = clean_row(KINDS["family_abroad"], {"relation": "child", "name": "甲", "country": "英国",
                                                   "status": "resident", "since": tomorrow}, strict=True)  # fmt: skip
    assert errors == {"since": "起始日期不能晚于今天"}
