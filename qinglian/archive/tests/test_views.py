"""The archive pages: scope and sealing, the access audit, the timeline, the entry form, the review
and void queues, the unit and county pages, and fixed query counts."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qinglian.archive.models import ArchiveEntry, EntryVoid, Warning
from qinglian.archive.services import entry_void_request
from qinglian.audit.models import AuditEvent

PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-06-15 10:00 +0800", tick=False):
        yield


@pytest.fixture
def villager(tree, make_cadre):
    return make_cadre(tree.village, "村干部", born=date(1970, 1, 1))


@pytest.fixture
def outsider_cadre(tree, make_cadre):
    return make_cadre(tree.dept_a3, "水利局干部", born=date(1972, 2, 2))


def url(cadre) -> str:
    return f"/archive/people/{cadre.pk}/"


def test_township_committee_cannot_open_a_person_outside_its_township(
    tree, make_user, login, villager, outsider_cadre
):
    client = login(make_user("township_committee", tree.township))
    assert client.get(url(villager)).status_code == 200
    assert client.get(url(outsider_cadre)).status_code == 404
    assert client.get("/archive/people/999999/").status_code == 404


def test_opening_a_file_is_audited_with_the_person(tree, make_user, login, person):
    user = make_user("leadership", tree.county_a)
    login(user).get(url(person))
    event = AuditEvent.objects.get(action="archive.view_person", person_id=person.pk)
    assert event.actor == user and event.unit_id == person.unit_id


def test_a_user_without_archive_view_is_refused(tree, make_user, login, person):
    client = login(make_user("inspection_office", tree.county_a))
    assert client.get(url(person)).status_code == 403
    assert not AuditEvent.objects.filter(action="archive.view_person").exists()


def test_leadership_sees_nothing_of_sealed_entries_and_discipline_does(
    tree, make_user, login, person, record
):
    record(person, "case.opened", date(2026, 5, 1), summary="涉嫌违纪立案审查")
    record(person, "appraisal.competent", date(2026, 1, 20), period_year=2025, summary="2025年度称职")
    leader = login(make_user("leadership", tree.county_a)).get(url(person)).content.decode()
    assert "2025年度称职" in leader
    assert "立案" not in leader and "密封" not in leader
    assert "无颜色（状态/待核实） 0" in leader  # the colourless count does not include the sealed entry
    discipline = login(make_user("discipline_supervision", tree.county_a)).get(url(person)).content.decode()
    assert "涉嫌违纪立案审查" in discipline and "密封" in discipline
    assert "至该事项办结不得" in discipline  # the open case bars until closed


def test_timeline_marks_pending_hides_voided_and_strikes_through_superseded(
    tree, make_user, login, person, record
):
    first = record(person, "gov.demerit", date(2025, 9, 1), summary="原处分")
    revoked = record(
        person, "correction", date(2026, 3, 1), supersedes=first, revokes=True, summary="申诉后撤销"
    )
    pending = record(person, "commendation", date(2026, 4, 1), summary="外单位表彰")
    ArchiveEntry.objects.filter(pk=pending.pk).update(review=ArchiveEntry.Review.PENDING)
    gone = record(person, "info.training", date(2026, 2, 1), summary="录错的人")
    ArchiveEntry.objects.filter(pk=gone.pk).update(voided_at="2026-06-01T00:00:00+08:00")
    page = login(make_user("discipline_supervision", tree.county_a)).get(url(person)).content.decode()
    assert "录错的人" not in page
    assert f'id="entry-{first.pk}" class="ql-superseded"' in page
    assert f'href="#entry-{revoked.pk}"' in page and "撤销" in page
    assert "待审核，暂不计入" in page
    assert "ql-dot ql-dot-black" in page and "ql-dot ql-dot-red" in page
    assert "目前没有影响使用的记录" in page  # the revoked demerit no longer bars


def test_restrictions_show_their_end_date_and_grade_shows_not_computed(
    tree, make_user, login, person, record
):
    record(person, "gov.demerit", date(2026, 3, 15))
    page = login(make_user("leadership", tree.county_a)).get(url(person)).content.decode()
    assert "至2027年03月14日不得" in page  # 记过: 12 months
    assert "尚未计算" in page


def test_grade_is_explained_when_computed(tree, make_user, login, person, record):
    from qinglian.archive.grading import person_grade_refresh

    record(person, "gov.demerit", date(2025, 10, 15))
    person_grade_refresh(person.pk, date(2026, 6, 15))
    page = login(make_user("leadership", tree.county_a)).get(url(person)).content.decode()
    assert "一般" in page and "记过（2025-10-15）：-30分" in page


def test_filters_by_colour_kind_and_period(tree, make_user, login, person, record):
    record(person, "handling.criticism", date(2026, 5, 1), summary="今年批评教育")
    record(person, "appraisal.excellent", date(2022, 1, 10), period_year=2021, summary="2021优秀")
    client = login(make_user("leadership", tree.county_a))
    page = client.get(url(person), {"colour": "yellow"}).content.decode()
    assert "今年批评教育" in page and "2021优秀" not in page
    page = client.get(url(person), {"period": "1y"}).content.decode()
    assert "今年批评教育" in page and "2021优秀" not in page
    page = client.get(url(person), {"kind": "appraisal.excellent"}).content.decode()
    assert "2021优秀" in page and "今年批评教育" not in page
    assert client.get(url(person), {"colour": "purple"}).status_code == 200  # a bad filter is ignored


def test_warnings_on_the_person_are_shown_unless_they_rest_on_sealed_entries(
    tree, make_user, login, person, record
):
    case = record(person, "case.opened", date(2026, 5, 1))
    w = Warning.objects.create(rule="archive.black_risk", person=person, unit=person.unit, key=f"x{person.pk}",
                               explanation="即将变黑：立案审查中", raised_on=date(2026, 6, 1),
                               raised_at="2026-06-01T08:00:00+08:00")  # fmt: skip
    w.entries.add(case)
    Warning.objects.create(rule="archive.influence_ending", person=person, unit=person.unit, key=f"y{person.pk}",
                           explanation="影响期即将届满", raised_on=date(2026, 6, 1),
                           raised_at="2026-06-01T08:00:00+08:00")  # fmt: skip
    leader = login(make_user("leadership", tree.county_a)).get(url(person)).content.decode()
    assert "影响期即将届满" in leader and "即将变黑" not in leader
    discipline = login(make_user("discipline_supervision", tree.county_a)).get(url(person)).content.decode()
    assert "即将变黑" in discipline


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_person_page_query_count_does_not_grow_with_entries(
    tree, make_user, login, person, record, make_cadre, django_assert_num_queries
):
    other = make_cadre(tree.dept_a1, "另一人", born=date(1976, 4, 4))
    for p in (person, other):
        record(p, "gov.demerit", date(2026, 1, 10))
    for i in range(40):
        record(person, "info.training", date(2025, 1, 1 + i % 28), summary=f"培训{i}")
        record(person, "appraisal.competent", date(2020, 1, 1 + i % 28), period_year=2019, summary=f"考核{i}")
    client = login(make_user("discipline_supervision", tree.county_a))
    small, large = _queries(client, url(other)), _queries(client, url(person))
    assert small == large
    with django_assert_num_queries(large):
        client.get(url(person))


def test_people_profile_links_to_the_archive_file_for_archive_viewers(tree, make_user, login, person):
    page = (
        login(make_user("org_supervision", tree.county_a))
        .get(f"/people/cadres/{person.pk}/")
        .content.decode()
    )
    assert f'href="/archive/people/{person.pk}/"' in page
    page = (
        login(make_user("inspection_office", tree.county_a))
        .get(f"/people/cadres/{person.pk}/")
        .content.decode()
    )
    assert "/archive/people/" not in page


# --- entry form --------------------------------------------------------------------------------


def new_entry(cadre) -> str:
    return f"/archive/people/{cadre.pk}/entries/new/"


def test_case_management_records_a_sanction_with_its_document(tree, make_user, login, person):
    client = login(make_user("case_management", tree.county_a))
    response = client.post(new_entry(person), {
        "kind": "gov.demerit", "occurred_on": "2026-05-20", "effective_on": "2026-06-01",
        "summary": "违规收受礼金", "decided_by": "县监委", "decision_document": "东监处〔2026〕3号",
    })  # fmt: skip
    assert response.status_code == 302
    entry = ArchiveEntry.objects.get(person=person)
    assert (entry.colour, entry.influence_end) == ("black", date(2027, 5, 31))
    page = client.get(url(person)).content.decode()
    assert "ql-dot ql-dot-black" in page and "至2027年05月31日不得" in page


def test_a_sanction_without_a_decision_document_is_refused_in_chinese(tree, make_user, login, person):
    client = login(make_user("case_management", tree.county_a))
    response = client.post(new_entry(person), {
        "kind": "gov.demerit", "occurred_on": "2026-05-20", "summary": "违规", "decided_by": "县监委",
    })  # fmt: skip
    assert response.status_code == 400
    assert "须有决定文书" in response.content.decode()
    assert not ArchiveEntry.objects.exists()


def test_the_form_offers_only_kinds_the_role_may_record(tree, make_user, login, person):
    client = login(make_user("org_supervision", tree.county_a))
    page = client.get(new_entry(person)).content.decode()
    assert "appraisal.competent" in page and "gov.demerit" not in page
    response = client.post(new_entry(person), {
        "kind": "gov.demerit", "occurred_on": "2026-05-20", "summary": "越权", "decided_by": "x",
        "decision_document": "y",
    })  # fmt: skip
    assert response.status_code == 400 and "请选择您有权录入的记录类型" in response.content.decode()
    assert not ArchiveEntry.objects.exists()


def test_leadership_has_no_kind_to_record(tree, make_user, login, person):
    page = login(make_user("leadership", tree.county_a)).get(new_entry(person)).content.decode()
    assert "没有可录入的" in page


def test_bad_input_gives_400_with_messages_not_500(tree, make_user, login, person):
    client = login(make_user("case_management", tree.county_a))
    response = client.post(new_entry(person), {"kind": "party.probation", "occurred_on": "2026-13-01",
                                                "summary": "", "period_months": "abc"})  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 400
    assert "日期格式应为 YYYY-MM-DD" in body and "请填写事实摘要" in body and "请填写整数月数" in body
    response = client.post(new_entry(person), {"kind": "party.probation", "occurred_on": "2026-05-01",
                                                "summary": "留党察看", "decided_by": "县纪委",
                                                "decision_document": "x", "period_months": "5"})  # fmt: skip
    assert response.status_code == 400 and "察看期限" in response.content.decode()
    response = client.post(
        new_entry(person), {"kind": "info.other", "occurred_on": "2027-01-01", "summary": "x"}
    )
    assert response.status_code == 400


def test_attachment_must_be_pdf_or_image_by_content(tree, make_user, login, person):
    client = login(make_user("case_management", tree.county_a))
    data = {"kind": "gov.warning", "occurred_on": "2026-05-20", "summary": "警告", "decided_by": "县监委"}
    fake = SimpleUploadedFile("decision.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(new_entry(person), {**data, "attachment": fake})
    assert response.status_code == 400 and "只能是 PDF、JPEG 或 PNG" in response.content.decode()
    real = SimpleUploadedFile("decision.pdf", PDF, content_type="application/pdf")
    assert client.post(new_entry(person), {**data, "attachment": real}).status_code == 302
    entry = ArchiveEntry.objects.get(person=person)
    assert entry.attachment
    response = client.get(f"/archive/entries/{entry.pk}/attachment/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_closing_entry_ends_an_open_case(tree, make_user, login, person, record):
    case = record(person, "case.opened", date(2026, 4, 1))
    client = login(make_user("case_management", tree.county_a))
    response = client.post(new_entry(person), {"kind": "case.closed", "occurred_on": "2026-06-01",
                                                "summary": "审查结束", "closes": str(case.pk)})  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.ended_at is not None


def test_township_committee_records_unit_clue_only_in_its_township(tree, make_user, login):
    client = login(make_user("township_committee", tree.township))
    ok = client.post(f"/archive/units/{tree.village.pk}/entries/new/",
                     {"kind": "unit.clue", "occurred_on": "2026-06-01", "summary": "村务公开不及时"})  # fmt: skip
    assert ok.status_code == 302
    assert ArchiveEntry.objects.get(unit=tree.village, person__isnull=True).colour == "yellow"
    assert client.get(f"/archive/units/{tree.dept_a3.pk}/entries/new/").status_code == 404


# --- review and void ---------------------------------------------------------------------------


def test_reviewer_accepts_or_returns_outside_facts(tree, make_user, login, person, record):
    fact = record(person, "external.audit_finding", date(2026, 5, 1), summary="审计发现违规发放补贴")
    appraisal = record(person, "appraisal.excellent", date(2026, 1, 5), period_year=2025, summary="优秀")
    ArchiveEntry.objects.filter(pk=appraisal.pk).update(review=ArchiveEntry.Review.PENDING)
    org = login(make_user("org_supervision", tree.county_a))
    queue = org.get("/archive/review/").content.decode()
    assert "优秀" in queue and "审计发现" not in queue  # sealed outside facts only for sealed readers
    assert org.post(f"/archive/review/{fact.pk}/", {"decision": "accept"}).status_code == 404
    discipline = login(make_user("discipline_supervision", tree.county_a))
    assert "审计发现违规发放补贴" in discipline.get("/archive/review/").content.decode()
    response = discipline.post(f"/archive/review/{fact.pk}/", {"decision": "reject", "note": ""})
    assert response.status_code == 400 and "退回时请写明理由" in response.content.decode()
    assert discipline.post(f"/archive/review/{fact.pk}/", {"decision": "accept"}).status_code == 302
    fact.refresh_from_db()
    assert fact.review == ArchiveEntry.Review.ACCEPTED


def test_review_queue_is_refused_to_roles_without_review(tree, make_user, login):
    assert login(make_user("leadership", tree.county_a)).get("/archive/review/").status_code == 403


def test_void_needs_a_second_person(tree, make_user, login, person):
    recorder = make_user("case_management", tree.county_a)
    client = login(recorder)
    client.post(new_entry(person), {"kind": "gov.warning", "occurred_on": "2026-05-20", "summary": "录错人员的警告",
                                    "decided_by": "县监委", "decision_document": "x号"})  # fmt: skip
    entry = ArchiveEntry.objects.get(person=person)
    response = client.post(f"/archive/entries/{entry.pk}/void/", {"reason": ""})
    assert response.status_code == 400 and "请写明作废理由" in response.content.decode()
    assert client.post(f"/archive/entries/{entry.pk}/void/", {"reason": "录错人员"}).status_code == 302
    void = EntryVoid.objects.get(entry=entry)
    response = client.post(f"/archive/voids/{void.pk}/", {"decision": "approve"})
    assert response.status_code == 403 and "不能审批" in response.content.decode()
    second = login(make_user("discipline_supervision", tree.county_a))
    assert "录错人员" in second.get("/archive/voids/").content.decode()
    assert second.post(f"/archive/voids/{void.pk}/", {"decision": "approve"}).status_code == 302
    assert "录错人员的警告" not in second.get(url(person)).content.decode()
    assert second.get(f"/archive/entries/{entry.pk}/void/").status_code == 404


def test_void_approval_outside_scope_is_404(tree, make_user, login, make_cadre, record):
    far = make_cadre(tree.dept_b1, "乙县干部", born=date(1981, 1, 1))
    entry = record(far, "info.other", date(2026, 1, 1))
    void = entry_void_request(actor=make_user("org_supervision", tree.county_b), entry=entry, reason="录错")
    client = login(make_user("discipline_supervision", tree.county_a))
    assert client.post(f"/archive/voids/{void.pk}/", {"decision": "approve"}).status_code == 404
    assert "乙县干部" not in client.get("/archive/voids/").content.decode()


# --- unit and overview -------------------------------------------------------------------------


def test_unit_page_shows_trend_data_and_unit_entries(tree, make_user, login, person, record):
    record(person, "handling.criticism", date(2026, 5, 1))
    from qinglian.archive.services import entry_record

    entry_record(actor=None, unit=tree.dept_a1, kind="unit.inspection_finding", occurred_on=date(2026, 4, 1),
                 summary="巡察发现公务接待不规范", check_permission=False)  # fmt: skip
    client = login(make_user("leadership", tree.county_a))
    page = client.get(f"/archive/units/{tree.dept_a1.pk}/").content.decode()
    assert 'id="trend-data"' in page and "2026Q2" in page
    assert "巡察发现公务接待不规范" in page
    assert client.get(f"/archive/units/{tree.dept_b1.pk}/").status_code == 404


def test_overview_lists_warnings_in_scope_and_acts_on_them(tree, make_user, login, person, make_cadre):
    far = make_cadre(tree.dept_b1, "乙县干部", born=date(1981, 1, 1))
    mine = Warning.objects.create(rule="archive.influence_ending", person=person, unit=person.unit, key="a",
                                  explanation="影响期将在20天后届满", raised_on=date(2026, 6, 1),
                                  raised_at="2026-06-01T08:00:00+08:00")  # fmt: skip
    Warning.objects.create(rule="archive.influence_ending", person=far, unit=far.unit, key="b",
                           explanation="乙县的预警", raised_on=date(2026, 6, 1),
                           raised_at="2026-06-01T08:00:00+08:00")  # fmt: skip
    client = login(make_user("discipline_supervision", tree.county_a))
    page = client.get("/archive/").content.decode()
    assert "影响期将在20天后届满" in page and "乙县的预警" not in page and 'id="heatmap-data"' in page
    assert "影响期将在20天后届满" not in client.get("/archive/", {"status": "handled"}).content.decode()
    assert client.post(f"/archive/warnings/{mine.pk}/act/", {"action": "acknowledge"}).status_code == 302
    mine.refresh_from_db()
    assert mine.status == Warning.Status.ACKNOWLEDGED
    client.post(f"/archive/warnings/{mine.pk}/act/", {"action": "dismiss", "note": ""})
    mine.refresh_from_db()
    assert mine.status == Warning.Status.ACKNOWLEDGED  # dismissing needs a reason
    client.post(f"/archive/warnings/{mine.pk}/act/", {"action": "dismiss", "note": "已核实无问题"})
    mine.refresh_from_db()
    assert mine.status == Warning.Status.DISMISSED
    leader = login(make_user("leadership", tree.county_a))
    assert "影响期将在20天后届满" in leader.get("/archive/").content.decode()
    assert leader.post(f"/archive/warnings/{mine.pk}/act/", {"action": "acknowledge"}).status_code == 403


def test_overview_query_count_is_fixed(tree, make_user, login, make_cadre, django_assert_num_queries):
    client = login(make_user("discipline_supervision", tree.county_a))
    first = _queries(client, "/archive/")
    for i in range(12):
        c = make_cadre(tree.dept_a1, f"人员{i}", born=date(1980, 1, 1 + i))
        Warning.objects.create(rule="archive.influence_ending", person=c, unit=c.unit, key=f"k{i}",
                               explanation=f"预警{i}", raised_on=date(2026, 6, 1),
                               raised_at="2026-06-01T08:00:00+08:00")  # fmt: skip
    with django_assert_num_queries(first + 1):  # + the paginator's count, skipped when the list is empty
        client.get("/archive/")


def test_navigation_offers_the_overview_and_the_review_queue(tree, make_user, login):
    page = login(make_user("discipline_supervision", tree.county_a)).get("/").content.decode()
    assert "廉政档案总览" in page and "待审核记录" in page
    page = login(make_user("leadership", tree.county_a)).get("/").content.decode()
    assert "廉政档案总览" in page and "待审核记录" not in page


def test_timeline_escapes_what_users_typed(tree, make_user, login, person, record):
    record(
        person, "info.other", date(2026, 1, 5), summary='<script>alert("x")</script>', decided_by="<b>甲</b>"
    )
    page = login(make_user("leadership", tree.county_a)).get(url(person)).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<b>甲</b>" not in page


def test_county_page_has_a_heat_map_of_its_units_and_peers_stay_in_scope(
    tree, make_user, login, person, record
):
    record(person, "gov.demerit", date(2026, 3, 1))
    record(person, "case.opened", date(2026, 5, 1))
    discipline = login(make_user("discipline_supervision", tree.county_a))
    page = discipline.get(f"/archive/units/{tree.county_a.pk}/").content.decode()
    heat = json.loads(re.search(r'id="heatmap-data" type="application/json">(.*?)</script>', page).group(1))
    assert any(u["name"].startswith("甲县教育局（") for u in heat["units"])
    assert heat["metrics"] == ["黄点", "黑点", "单位记录"]
    assert "另有密封记录 1 条" in page
    page = discipline.get(f"/archive/units/{tree.dept_a1.pk}/").content.decode()
    assert 'data-testid="peers"' in page and "甲县财政局" in page and "乙县教育局" not in page
    stationed = login(make_user("stationed_group", tree.pz1))
    page = stationed.get(f"/archive/units/{tree.dept_a1.pk}/").content.decode()
    assert "甲县水利局" not in page  # a peer outside the stationed group's departments
    leader = login(make_user("leadership", tree.county_a))
    assert "另有密封记录" not in leader.get(f"/archive/units/{tree.county_a.pk}/").content.decode()


def test_demo_generator_gives_everyone_five_appraisals_with_computed_periods(tree, make_cadre):
    from qinglian.demo.archive_gen import generate

    cadres = [make_cadre(tree.dept_a1, f"演示{i}", born=date(1970 + i, 1, 1)) for i in range(30)]
    out = generate(seed=1, today=date(2026, 6, 15), scan=False)
    assert out.entries == ArchiveEntry.objects.count() > 150
    for c in cadres:
        years = sorted(ArchiveEntry.objects.filter(person=c, kind__code__startswith="appraisal.")
                       .values_list("period_year", flat=True))  # fmt: skip
        assert years == [2021, 2022, 2023, 2024, 2025]
    basic = ArchiveEntry.objects.filter(kind__code="appraisal.basically_competent").first()
    if basic is not None:
        assert basic.influence_end == date(basic.period_year + 1, 12, 31)
    assert generate(seed=1, today=date(2026, 6, 15), scan=False).entries == 0  # idempotent


def test_reader_without_sealed_access_sees_only_that_matters_are_pending(
    client, tree, make_user, login, person, record
):
    from datetime import date

    record(person, "case.opened", date(2026, 1, 5), summary="立案审查：涉嫌违规插手工程")
    login(make_user("org_supervision", tree.county_a))
    page = client.get(f"/archive/people/{person.pk}/").content.decode()
    assert "有待核实事项" in page and "插手工程" not in page and "立案" not in page
    login(make_user("discipline_supervision", tree.county_a))
    page = client.get(f"/archive/people/{person.pk}/").content.decode()
    assert "插手工程" in page and "有待核实事项，暂缓" not in page
