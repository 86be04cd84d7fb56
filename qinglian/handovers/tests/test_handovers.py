"""Departure handover (离任交接): checklist versions, the closing rule, the three bodies' parts,
the audit agency's explicit access, findings and due process, the departure database, documents."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qinglian.archive.models import ArchiveEntry
from qinglian.handovers import services
from qinglian.handovers.defaults import DEFAULT_ITEMS
from qinglian.handovers.models import AuditFinding, ChecklistVersion, HandoverCase, HandoverItem
from qinglian.people.services import unit_create
from qinglian.workitems.models import WorkItem


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-06-15 10:00 +0800", tick=False):
        yield


class S:
    pass


@pytest.fixture
def s(tree, make_user, make_cadre):
    x = S()
    x.tree = tree
    x.audit_bureau = unit_create(actor=None, code="A-SJJ", name="甲县审计局", kind="government_dept", level="county",
                                 parent=tree.county_a)  # fmt: skip
    x.org = make_user("org_supervision", tree.county_a, unit=tree.county_a)
    x.jw = make_user("discipline_supervision", tree.county_a, unit=tree.jw_a)
    x.leader = make_user("leadership", tree.county_a)
    x.agency = make_user("taskforce_agency", None, unit=x.audit_bureau)
    x.other_agency = make_user("taskforce_agency", None, unit=tree.dept_a2)
    x.org_b = make_user("org_supervision", tree.county_b, unit=tree.county_b)
    x.boss = make_cadre(tree.dept_a3, "王局长", is_top_leader=True, post_title="局长")
    x.successor = make_cadre(tree.dept_a3, "李接任", post_title="副局长")
    x.staff = make_cadre(tree.dept_a3, "赵科员")
    return x


def _parts(s):
    return {
        "discipline": {"unit": s.tree.jw_a, "person": "陈纪检"},
        "organisation": {"unit": s.tree.county_a, "person": "刘组工"},
        "audit": {"unit": s.audit_bureau, "person": "孙审计"},
    }


def _open(s, **kw):
    args = {"actor": s.org, "departing": s.boss, "successor": s.successor, "successor_name": "",
            "departed_on": date(2026, 6, 1), "reason": "transfer", "parts": _parts(s)} | kw  # fmt: skip
    return services.case_open(**args)


def _finish_items(s, case):
    for item in case.items.all():
        services.item_update(actor=s.org, item=item, status="done", handed_over=f"已移交{item.title}清单")


def _finish_parts(s, case):
    for part in case.parts.all():
        actor = s.agency if part.body == "audit" else s.jw if part.body == "discipline" else s.org
        services.part_update(actor=actor, part=part, person=part.person, duty=part.duty, due_on=part.due_on,
                             done_on=date(2026, 6, 10), result="已履职")  # fmt: skip


def _report_audit(s, case):
    return services.departure_audit_save(actor=s.agency, case=case, auditor_unit=s.audit_bureau,
                                         started_on=date(2026, 6, 2), reported_on=date(2026, 6, 12),
                                         report_number="甲审经责报〔2026〕3号", conclusion="总体规范")  # fmt: skip


# --- checklist -----------------------------------------------------------------------------------


def test_a_case_gets_the_six_default_items_and_the_three_bodies(s):
    case = _open(s)
    assert [i.title for i in case.items.order_by("position")] == [i["title"] for i in DEFAULT_ITEMS]
    assert len(DEFAULT_ITEMS) == 6
    assert sorted(case.parts.values_list("body", flat=True)) == ["audit", "discipline", "organisation"]
    part = case.parts.get(body="audit")
    assert (part.unit, part.person) == (s.audit_bureau, "孙审计") and part.duty
    assert case.successor_name == "李接任" and case.number == "LR2026-0001"
    assert case.due_on == date(2026, 7, 1)  # 30 days, from the rule registry


def test_checklist_edit_is_versioned_and_old_cases_keep_their_list(s):
    old = _open(s)
    items = [
        {"title": "未完成的重大事项", "guidance": ""},
        {"title": "财务与资产"},
        {"title": "数据与信息系统账号"},
    ]
    version = services.checklist_save(actor=s.org, items=items, reason="增加信息系统交接")
    assert version.number == 2
    other = _open(s, departed_on=date(2026, 6, 5))
    assert other.checklist == version and other.items.count() == 3
    assert old.items.count() == 6 and old.checklist.number == 1
    assert ChecklistVersion.objects.get(number=1).items == DEFAULT_ITEMS


def test_checklist_refuses_bad_lists(s):
    with pytest.raises(ValidationError, match="重复"):
        services.checklist_save(actor=s.org, items=[{"title": "甲"}, {"title": "甲"}], reason="x")
    with pytest.raises(ValidationError, match="至少"):
        services.checklist_save(actor=s.org, items=[{"title": " "}], reason="x")
    with pytest.raises(ValidationError, match="理由"):
        services.checklist_save(actor=s.org, items=[{"title": "甲"}], reason="")
    with pytest.raises(PermissionDenied):
        services.checklist_save(actor=s.jw, items=[{"title": "甲"}], reason="x")
    assert ChecklistVersion.objects.count() == 1


def test_checklist_page_edit_by_org_supervision_only(s, client, login):
    login(s.org)
    r = client.post("/handovers/checklist/edit/", {"items": "甲事项｜要求\n乙事项", "reason": "调整"})
    assert r.status_code == 302
    assert services.checklist_current().items == [{"title": "甲事项", "guidance": "要求"},
                                                  {"title": "乙事项", "guidance": ""}]  # fmt: skip
    login(s.jw)
    assert client.get("/handovers/checklist/edit/").status_code == 403
    assert client.get("/handovers/checklist/").status_code == 200


# --- the closing rule ----------------------------------------------------------------------------


def test_case_cannot_be_signed_or_closed_while_an_item_is_open(s):
    case = _open(s)
    items = list(case.items.order_by("position"))
    for item in items[:-1]:
        services.item_update(actor=s.org, item=item, status="done", handed_over="已交接")
    with pytest.raises(ValidationError, match="风险与问题"):
        services.case_sign(actor=s.org, case=case, signer_name="李接任", signed_on=date(2026, 6, 10))
    _finish_parts(s, case)
    _report_audit(s, case)
    with pytest.raises(ValidationError) as exc:
        services.case_close(actor=s.org, case=case)
    assert any("未完成的交接事项" in m and "6.风险与问题" in m for m in exc.value.messages)
    case.refresh_from_db()
    assert case.status == HandoverCase.Status.OPEN
    # an item that does not apply needs the reason
    with pytest.raises(ValidationError, match="理由"):
        services.item_update(actor=s.org, item=items[-1], status="na")
    services.item_update(actor=s.org, item=items[-1], status="na", remark="本单位无遗留信访矛盾")
    services.case_sign(actor=s.org, case=case, signer_name="李接任", signed_on=date(2026, 6, 10))
    case = services.case_close(actor=s.org, case=case, note="交接完毕")
    assert case.status == HandoverCase.Status.CLOSED and case.closed_by == s.org


def test_items_cannot_be_reopened_after_sign_off_so_a_closed_case_has_none_open(s):
    case = _open(s)
    _finish_items(s, case)
    services.case_sign(actor=s.org, case=case, signer_name="李接任", signed_on=date(2026, 6, 10))
    with pytest.raises(ValidationError, match="状态"):
        services.item_update(actor=s.org, item=case.items.first(), status="open")


def test_closing_also_waits_for_parts_audit_and_findings(s):
    case = _open(s)
    _finish_items(s, case)
    services.case_sign(actor=s.org, case=case, signer_name="李接任", signed_on=date(2026, 6, 10))
    obstacles = services.closing_obstacles(case)
    assert any("纪委监委、组织部、审计机关" in o for o in obstacles)
    assert any("审计报告" in o for o in obstacles)
    _finish_parts(s, case)
    _report_audit(s, case)
    f = services.finding_record(
        actor=s.agency, case=case, subject="unit", category="finance", description="超标准接待"
    )
    with pytest.raises(ValidationError, match="未作认定"):
        services.case_close(actor=s.org, case=case)
    services.finding_hear(actor=s.agency, finding=f, explanation="已整改", heard_on=date(2026, 6, 13))
    services.finding_decide(
        actor=s.org, finding=f, confirm=False, decider_name="部务会", note="已整改到位，不予认定"
    )
    assert services.case_close(actor=s.org, case=case).status == "closed"
    assert not WorkItem.objects.filter(kind="handovers.handover", status="open").exists()


def test_sign_off_must_be_by_the_successor_named_on_the_case(s):
    case = _open(s)
    _finish_items(s, case)
    with pytest.raises(ValidationError, match="李接任"):
        services.case_sign(actor=s.org, case=case, signer_name="王局长", signed_on=date(2026, 6, 10))
    with pytest.raises(ValidationError, match="晚于今天"):
        services.case_sign(actor=s.org, case=case, signer_name="李接任", signed_on=date(2026, 7, 1))


def test_only_a_top_leader_has_a_departure_handover(s):
    with pytest.raises(ValidationError, match="一把手"):
        _open(s, departing=s.staff)
    with pytest.raises(ValidationError, match="审计机关"):
        _open(s, parts={"discipline": _parts(s)["discipline"]})


# --- roles and scope -----------------------------------------------------------------------------


def test_org_b_and_leadership_cannot_write(s):
    case = _open(s)
    with pytest.raises(PermissionDenied):
        services.item_update(actor=s.org_b, item=case.items.first(), status="done", handed_over="x")
    with pytest.raises(PermissionDenied):
        services.case_close(actor=s.leader, case=case)
    with pytest.raises(PermissionDenied):
        _open(s, actor=s.org_b)


def test_discipline_records_its_part_but_cannot_manage_items(s, client, login):
    case = _open(s)
    part = case.parts.get(body="discipline")
    login(s.jw)
    r = client.post(f"/handovers/parts/{part.pk}/", {f"p{part.pk}-person": "陈纪检", f"p{part.pk}-duty": "监督交接",
                    f"p{part.pk}-due_on": "2026-07-31", f"p{part.pk}-done_on": "2026-06-12",
                    f"p{part.pk}-result": "出具廉政意见"})  # fmt: skip
    assert r.status_code == 302
    part.refresh_from_db()
    assert part.done_on == date(2026, 6, 12) and part.result == "出具廉政意见"
    assert client.post(f"/handovers/items/{case.items.first().pk}/", {"status": "done"}).status_code == 403
    organisation = case.parts.get(body="organisation")
    with pytest.raises(PermissionDenied, match="组织部"):
        services.part_update(actor=s.jw, part=organisation, person="x", duty="y", due_on=date(2026, 7, 1))


def test_audit_agency_reaches_only_cases_naming_its_unit(s, client, login):
    """taskforce_agency has scope kind SHARING: no unit subtree. Its access is explicit — the
    cases whose audit body is its own unit — and limited to the audit pages."""
    case = _open(s)
    login(s.agency)
    assert client.get("/handovers/").status_code == 403  # no handovers.view
    assert client.get(f"/handovers/cases/{case.pk}/").status_code == 403
    r = client.get("/handovers/audits/")
    assert r.status_code == 200 and case.number in r.content.decode()
    assert client.get(f"/handovers/audits/{case.pk}/").status_code == 200
    r = client.post(
        f"/handovers/audits/{case.pk}/save/", {"auditor_unit": "A-SJJ", "started_on": "2026-06-02"}
    )
    assert r.status_code == 302
    r = client.post(f"/handovers/audits/{case.pk}/findings/",
                    {"subject": "unit", "category": "assets", "description": "固定资产账实不符", "amount": "12,000.5"})  # fmt: skip
    assert r.status_code == 302
    f = case.findings.get()
    assert f.amount == 12000.5 and f.recorded_by == s.agency
    # the agency hears the unit's reply but cannot decide: decisions are the staff's
    assert (
        client.post(
            f"/handovers/findings/{f.pk}/hear/", {"explanation": "账已调整", "heard_on": "2026-06-14"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/handovers/findings/{f.pk}/decide/", {"confirm": "yes", "decider_name": "x", "note": "y"}
        ).status_code
        == 403
    )
    # another agency (its unit is not the audit body) sees nothing
    login(s.other_agency)
    assert case.number not in client.get("/handovers/audits/").content.decode()
    assert client.get(f"/handovers/audits/{case.pk}/").status_code == 404
    assert (
        client.post(
            f"/handovers/findings/{f.pk}/hear/", {"explanation": "x", "heard_on": "2026-06-14"}
        ).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        services.finding_record(
            actor=s.other_agency, case=case, subject="unit", category="other", description="x"
        )


def test_a_user_outside_the_scope_does_not_see_the_case(s, client, login):
    case = _open(s)
    login(s.org_b)
    assert client.get(f"/handovers/cases/{case.pk}/").status_code == 404
    assert client.get(f"/handovers/audits/{case.pk}/").status_code == 404
    assert case.number not in client.get("/handovers/").content.decode()
    login(s.leader)
    assert client.get(f"/handovers/cases/{case.pk}/").status_code == 200
    assert client.get(f"/handovers/audits/{case.pk}/").status_code == 403


# --- findings and due process --------------------------------------------------------------------


def test_unit_finding_reaches_the_unit_file_only_after_hearing_and_a_named_decision(s):
    case = _open(s)
    _report_audit(s, case)
    f = services.finding_record(actor=s.agency, case=case, subject="unit", category="finance",
                                description="违规发放津贴补贴", amount="35000")  # fmt: skip
    assert not ArchiveEntry.objects.filter(source_app="handovers").exists()
    with pytest.raises(ValidationError, match="须先听取"):
        services.finding_decide(actor=s.org, finding=f, confirm=True, decider_name="部务会", note="属实")
    services.finding_hear(actor=s.agency, finding=f, explanation="被审计单位认可", heard_on=date(2026, 6, 13))
    with pytest.raises(ValidationError, match="认定人"):
        services.finding_decide(actor=s.org, finding=f, confirm=True, decider_name=" ", note="属实")
    with pytest.raises(PermissionDenied):
        services.finding_decide(actor=s.agency, finding=f, confirm=True, decider_name="审计局", note="属实")
    f = services.finding_decide(
        actor=s.org, finding=f, confirm=True, decider_name="县委组织部部务会", note="属实"
    )
    entry = f.entry
    assert entry.kind.code == "unit.audit_finding" and entry.person is None and entry.unit == s.tree.dept_a3
    assert entry.colour == "yellow" and entry.decided_by == "县委组织部部务会"
    assert (
        case.number in entry.summary
        and "甲审经责报〔2026〕3号" in entry.summary
        and "经济责任审计规定" in entry.summary
    )
    with pytest.raises(ValidationError, match="已作出认定"):
        services.finding_decide(actor=s.org, finding=f, confirm=False, decider_name="x", note="y")


def test_person_finding_goes_to_the_commission_as_a_colourless_fact_pending_review(s):
    case = _open(s)
    _report_audit(s, case)
    f = services.finding_record(actor=s.agency, case=case, subject="person", category="decisions",
                                description="未经集体研究决定大额资金使用")  # fmt: skip
    services.finding_hear(actor=s.org, finding=f, explanation="本人称系紧急情况", heard_on=date(2026, 6, 13))
    f = services.finding_decide(
        actor=s.jw, finding=f, confirm=True, decider_name="纪委常委会", note="移送审核"
    )
    entry = f.entry
    assert entry.person == s.boss and entry.kind.code == "external.audit_finding"
    assert entry.colour == "none" and entry.review == ArchiveEntry.Review.PENDING
    assert entry.sensitivity == ArchiveEntry.Sensitivity.SEALED


def test_dismissed_finding_writes_nothing(s):
    case = _open(s)
    _report_audit(s, case)
    f = services.finding_record(
        actor=s.org, case=case, subject="person", category="other", description="疑似问题"
    )
    services.finding_hear(actor=s.org, finding=f, explanation="已说明", heard_on=date(2026, 6, 13))
    f = services.finding_decide(actor=s.org, finding=f, confirm=False, decider_name="部务会", note="查无实据")
    assert f.status == AuditFinding.Status.DISMISSED and f.entry is None
    assert not ArchiveEntry.objects.filter(person=s.boss).exists()


def test_audit_input_is_checked(s):
    case = _open(s)
    with pytest.raises(ValidationError, match="先登记离任审计"):
        services.finding_record(
            actor=s.agency, case=case, subject="unit", category="finance", description="x"
        )
    with pytest.raises(ValidationError, match="文号"):
        services.departure_audit_save(actor=s.agency, case=case, auditor_unit=s.audit_bureau,
                                      started_on=date(2026, 6, 2), reported_on=date(2026, 6, 3))  # fmt: skip
    with pytest.raises(ValidationError, match="早于进点"):
        services.departure_audit_save(actor=s.agency, case=case, auditor_unit=s.audit_bureau, started_on=date(2026, 6, 2),
                                      reported_on=date(2026, 6, 1), report_number="x", conclusion="y")  # fmt: skip
    _report_audit(s, case)
    for bad in ("-5", "abc", "1e20", "NaN"):
        with pytest.raises(ValidationError, match="金额"):
            services.finding_record(actor=s.agency, case=case, subject="unit", category="finance", description="x",
                                    amount=bad)  # fmt: skip


# --- pages: bad input, the database, documents ---------------------------------------------------


def test_bad_input_gets_messages_not_500(s, client, login):
    case = _open(s)
    login(s.org)
    r = client.post(f"/handovers/cases/{case.pk}/sign/", {"signer_name": "李接任", "signed_on": "not-a-date"})
    assert r.status_code == 400
    r = client.post(f"/handovers/cases/{case.pk}/sign/", {"signer_name": "李接任", "signed_on": "2026-06-10"})
    assert r.status_code == 400 and "尚有未完成的交接事项" in r.content.decode()
    r = client.post(f"/handovers/cases/{case.pk}/close/", {"note": "x"})
    assert r.status_code == 400 and "尚有未完成的交接事项" in r.content.decode()
    r = client.post(
        f"/handovers/items/{case.items.first().pk}/", {"status": "bogus", "handed_over": "x" * 6000}
    )
    assert r.status_code == 302
    assert client.post(f"/handovers/items/{case.items.first().pk}/", {"status": "done"}).status_code == 302
    assert case.items.filter(status=HandoverItem.Status.OPEN).count() == 6
    r = client.post(
        "/handovers/new/", {"cadre": s.boss.pk, "reason": "transfer", "departed_on": "2027-01-01"}
    )
    assert r.status_code == 400
    assert client.get("/handovers/?year=abcd&status=%00x&q=" + "长" * 80).status_code in (200, 400)


def test_case_new_page_opens_a_case(s, client, login):
    login(s.org)
    r = client.get(f"/handovers/new/?cadre={s.boss.pk}")
    assert r.status_code == 200 and 'value="A-SJJ"' in r.content.decode()  # the audit bureau is offered
    data = {"cadre": s.boss.pk, "reason": "promotion", "departed_on": "2026-06-01", "successor": s.successor.pk,
            "audit_required": "on", "discipline_unit": "A-JW", "discipline_person": "陈纪检",
            "organisation_unit": "A", "organisation_person": "刘组工", "audit_unit": "A-SJJ",
            "audit_person": "孙审计"}  # fmt: skip
    r = client.post("/handovers/new/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    case = HandoverCase.objects.get()
    assert case.successor == s.successor and case.parts.get(body="audit").unit == s.audit_bureau
    r = client.post("/handovers/new/", data | {"audit_unit": "NOPE", "departed_on": "2026-06-02"})
    assert r.status_code == 400 and "单位代码不存在" in r.content.decode()
    r = client.get(f"/handovers/cases/{case.pk}/")
    assert r.status_code == 200 and "王局长" in r.content.decode()


def _many(s, make_cadre, n, start=0):
    for i in range(start, start + n):
        boss = make_cadre(
            s.tree.dept_a1 if i % 2 else s.tree.dept_a3, f"离任{i}号", is_top_leader=True, post_title="局长"
        )
        _open(
            s,
            departing=boss,
            successor=None,
            successor_name=f"接任{i}",
            departed_on=date(2025 + i % 2, 1 + i % 5, 1 + i % 28),
        )


def test_departure_database_search_filters_and_fixed_query_count(s, client, login, make_cadre):
    login(s.org)
    _many(s, make_cadre, 3)
    client.get("/handovers/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/handovers/").status_code == 200
    _many(s, make_cadre, 30, start=3)
    with CaptureQueriesContext(connection) as lots:
        r = client.get("/handovers/?page=2")
    assert r.status_code == 200
    assert len(lots.captured_queries) <= len(few.captured_queries) + 1
    body = client.get("/handovers/?q=离任7号").content.decode()
    assert "离任7号" in body and "离任8号" not in body
    body = client.get("/handovers/?q=教育局 接任9").content.decode()
    assert "离任9号" in body and "离任8号" not in body
    body = client.get("/handovers/?year=2025").content.decode()
    assert "离任4号" in body and "离任5号" not in body
    case = HandoverCase.objects.get(departing_name="离任5号")
    _report_audit(s, case)
    services.finding_record(actor=s.agency, case=case, subject="unit", category="finance", description="x")
    body = client.get("/handovers/?findings=yes").content.decode()
    assert "离任5号" in body and "离任4号" not in body


def test_handover_record_document_in_docx_and_pdf(s, client, login):
    case = _open(s)
    _finish_items(s, case)
    login(s.org)
    r = client.post(f"/handovers/cases/{case.pk}/document/")
    assert r.status_code == 302
    from qinglian.documents.models import Document

    docs = Document.objects.filter(template="handovers.record", subject_id=str(case.pk))
    assert sorted(d.format for d in docs) == ["docx", "pdf"]
    import docx

    text = "\n".join(p.text for p in docx.Document(docs.get(format="docx").file.path).paragraphs)
    assert "王局长同志离任交接清单" in text or "王局长" in text
    assert "离任交接清单" in client.get(f"/handovers/cases/{case.pk}/").content.decode()


# --- the cadre side ------------------------------------------------------------------------------


def test_successor_signs_his_own_case_and_others_cannot_see_it(s, client, login, make_user):
    from qinglian.accounts.services import role_assign

    case = _open(s)
    _finish_items(s, case)
    succ_user = make_user(None, unit=s.tree.dept_a3)
    role_assign(actor=None, user=succ_user, role="cadre_self", anchor=None, reason="本人")
    s.successor.user = succ_user
    s.successor.save(update_fields=["user"])
    stranger = make_user("cadre_self", None)
    login(stranger)
    assert client.get(f"/handovers/mine/{case.pk}/").status_code == 404
    login(succ_user)
    assert case.number in client.get("/handovers/mine/").content.decode()
    r = client.post(f"/handovers/mine/{case.pk}/", {"signer_name": "李接任", "signed_on": "2026-06-11"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "signed" and case.signed_by == succ_user


# --- the demo generator --------------------------------------------------------------------------


def test_demo_generator_makes_cases_in_every_state(db, make_user, make_cadre):
    from qinglian.demo.handovers_gen import generate

    mk = lambda code, name, kind, parent: unit_create(actor=None, code=code, name=name, kind=kind,  # noqa: E731
                                                      level="county", parent=parent)  # fmt: skip
    county = mk("QL-DH", "东湖县", "jurisdiction", None)
    mk("QL-DH-JW", "东湖县纪委监委", "discipline_commission", county)
    zzb = mk("QL-DH-ZZB", "东湖县委组织部", "party_dept", county)
    sjj = mk("QL-DH-SJJ", "东湖县审计局", "government_dept", county)
    for n in range(8):
        dept = mk(f"QL-DH-D{n}", f"东湖县第{n}局", "government_dept", county)
        make_cadre(dept, f"局长{n}", is_top_leader=True, post_title="局长")
        make_cadre(dept, f"副局长{n}", post_title="副局长")
    users = {"zuzhi": make_user("org_supervision", county, unit=zzb, username="zuzhi"),
             "jiancha": make_user("discipline_supervision", county, username="jiancha"),
             "zhuanban": make_user("taskforce_agency", None, unit=sjj, username="zhuanban")}  # fmt: skip
    summary = generate(users=users, n=8, seed=7)
    assert summary.cases == 8 == HandoverCase.objects.count()
    assert summary.by_status.get("open", 0) >= 2 and summary.by_status.get("closed", 0) >= 1
    assert all(not services.open_items(c) for c in HandoverCase.objects.filter(status="closed"))
    assert (
        ArchiveEntry.objects.filter(source_app="handovers").count() == summary.unit_entries + summary.referred
    )


def test_audit_list_and_api_list_have_a_fixed_query_count(s, client, login, make_cadre):
    from rest_framework.test import APIClient

    _many(s, make_cadre, 2)
    for case in HandoverCase.objects.all():
        _report_audit(s, case)
    login(s.agency)
    client.get("/handovers/audits/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/handovers/audits/").status_code == 200
    from qinglian.api.services import token_issue

    s.org.is_integration = True
    s.org.save(update_fields=["is_integration"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(actor=None, user=s.org, name='测试')[1]}")
    api.get("/api/v1/handovers/")
    with CaptureQueriesContext(connection) as api_few:
        assert api.get("/api/v1/handovers/").json()["count"] == 2
    _many(s, make_cadre, 12, start=2)
    for case in HandoverCase.objects.filter(audit__isnull=True):
        _report_audit(s, case)
        services.finding_record(
            actor=s.agency, case=case, subject="unit", category="finance", description="x"
        )
    with CaptureQueriesContext(connection) as lots:
        r = client.get("/handovers/audits/")
    assert r.status_code == 200 and r.content.decode().count("/handovers/audits/") >= 14
    assert len(lots.captured_queries) <= len(few.captured_queries) + 1
    with CaptureQueriesContext(connection) as api_lots:
        assert api.get("/api/v1/handovers/").json()["count"] == 14
    assert len(api_lots.captured_queries) <= len(api_few.captured_queries) + 1
