"""Integrity opinions: drafted verdicts, review, approval, freezing, re-explanation, the letter."""

import io
import time
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document as Docx
from openpyxl import Workbook

from qinglian.archive.models import OpinionRequest
from qinglian.archive.opinions import (
    PENDING_PUBLIC,
    candidates_from_excel,
    opinion_approve,
    opinion_reexplain,
    opinion_request_create,
    opinion_review,
    public_reasons,
)
from qinglian.archive.services import entry_void_decide, entry_void_request
from qinglian.audit.models import AuditEvent
from qinglian.core.idnumber import DEMO_REGION, make
from qinglian.documents.models import Document
from qinglian.rules.models import Rule
from qinglian.rules.services import rule_param_set

AS_OF = date(2026, 6, 30)


@pytest.fixture
def users(tree, make_user):
    return {
        "requester": make_user("org_supervision", tree.county_a),
        "reviewer": make_user("discipline_supervision", tree.county_a, unit=tree.jw_a),
        "leader": make_user("case_management", tree.county_a, unit=tree.jw_a),
        "outsider": make_user("org_supervision", tree.county_b),
    }


@pytest.fixture
def batch(tree, make_cadre, record, users):
    """One prepared candidate per situation (names say which)."""
    c = {name: make_cadre(tree.dept_a1, name) for name in
         ("清白", "诫勉", "处分期满", "立案", "函询", "基本称职", "撤销处分", "作废记录")}  # fmt: skip
    record(c["诫勉"], "handling.admonishment", date(2026, 3, 1))
    record(c["处分期满"], "gov.warning", date(2025, 1, 10))
    record(c["立案"], "case.opened", date(2026, 5, 1))
    record(c["函询"], "handling.inquiry", date(2026, 4, 1))
    record(c["基本称职"], "appraisal.basically_competent", date(2026, 1, 20), occurred_on=date(2025, 12, 31),
           period_year=2025)  # fmt: skip
    revoked = record(c["撤销处分"], "party.warning", date(2026, 2, 1))
    record(
        c["撤销处分"], "correction", date(2026, 4, 1), supersedes=revoked, revokes=True, summary="申诉后撤销"
    )
    misfiled = record(c["作废记录"], "party.warning", date(2026, 2, 1))
    void = entry_void_request(actor=users["requester"], entry=misfiled, reason="录错人员")
    entry_void_decide(actor=users["reviewer"], void=void, approve=True)
    c["乙县"] = make_cadre(tree.dept_b1, "乙县干部")
    return c


def _ask(users, batch, tree, purpose="promotion"):
    names = ["清白", "诫勉", "处分期满", "立案", "函询", "基本称职", "撤销处分", "作废记录"]
    candidates = [batch[n].pk for n in names[:4]] + [batch[n].test_id_number for n in names[4:]]
    candidates += [make(DEMO_REGION, date(1990, 1, 1), 999), batch["乙县"].test_id_number]
    return opinion_request_create(
        actor=users["requester"], purpose=purpose, as_of=AS_OF, title="2026年科级干部提拔",
        candidates=candidates, requesting_unit=tree.county_a,
    )  # fmt: skip


@pytest.fixture
def ask(users, batch, tree):
    return lambda **kw: _ask(users, batch, tree, **kw)


def _verdicts(req):
    return {c.position: c.draft_verdict for c in req.candidates.all()}


def test_batch_of_prepared_candidates_gets_the_expected_draft_verdicts(ask):
    req = ask()
    assert _verdicts(req) == {
        1: "clear",  # clean file
        2: "object",  # admonished within 6 months
        3: "clear",  # sanction period over
        4: "postpone",  # open case
        5: "postpone",  # unanswered inquiry
        6: "object",  # previous year 基本称职
        7: "clear",  # sanction revoked on appeal
        8: "clear",  # the only entry was voided
        9: "not_found",  # unknown ID number
        10: "not_found",  # outside the requester's scope
    }
    admonished = req.candidates.get(position=2)
    assert "诫勉" in admonished.draft_reasons[0]["text"] and admonished.draft_reasons[0]["rule"]
    assert "诫勉" in public_reasons(admonished.reasons)[0]


def test_previous_year_appraisal_objects_to_promotion_but_not_to_awards(ask):
    req = ask(purpose="awards")
    assert _verdicts(req)[6] == "clear" and _verdicts(req)[2] == "object"


def test_pending_matters_reach_the_requester_only_as_matters_to_verify(ask):
    req = ask()
    case = req.candidates.get(position=4)
    assert "立案" in case.draft_reasons[0]["text"]
    assert public_reasons(case.reasons) == [PENDING_PUBLIC]


def test_full_id_numbers_are_never_stored_and_not_found_is_never_clear(ask, batch):
    req = ask()
    stored = " ".join(c.given_as for c in req.candidates.all())
    assert batch["函询"].test_id_number not in stored and batch["乙县"].test_id_number not in stored
    assert "*" in req.candidates.get(position=5).given_as
    outsider = req.candidates.get(position=10)
    assert outsider.cadre is None and outsider.verdict == "not_found"


def test_bad_candidates_are_all_reported_and_nothing_is_created(users, batch, tree):
    good = batch["清白"].test_id_number
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        opinion_request_create(
            actor=users["requester"], purpose="promotion", as_of=AS_OF, title="x",
            candidates=[good, bad_check, "12345", good], requesting_unit=tree.county_a,
        )  # fmt: skip
    messages = exc.value.message_dict["candidates"]
    assert any("校验位" in m for m in messages) and any("重复" in m for m in messages)
    assert not OpinionRequest.objects.exists()


def test_requester_outside_the_requesting_unit_is_refused(users, batch, tree):
    with pytest.raises(ValidationError) as exc:
        opinion_request_create(
            actor=users["outsider"], purpose="promotion", as_of=AS_OF, title="x",
            candidates=[batch["清白"].pk], requesting_unit=tree.county_a,
        )  # fmt: skip
    assert "requesting_unit" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        opinion_request_create(
            actor=users["reviewer"], purpose="promotion", as_of=AS_OF, title="x",
            candidates=[batch["清白"].pk], requesting_unit=tree.county_a,
        )  # fmt: skip


def _excel(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号"])
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_excel_rows_are_validated_atomically_and_names_must_match(users, batch, tree):
    with pytest.raises(ValidationError) as exc:
        candidates_from_excel(_excel([("清白", batch["清白"].test_id_number), ("", "x"), ("某", "")]))
    assert len(exc.value.message_dict["candidates"]) == 2
    rows = candidates_from_excel(
        _excel([("清白", batch["清白"].test_id_number), ("张冠李戴", batch["诫勉"].test_id_number)])
    )
    with pytest.raises(ValidationError, match="姓名"):
        opinion_request_create(actor=users["requester"], purpose="promotion", as_of=AS_OF, title="x",
                               candidates=rows, requesting_unit=tree.county_a)  # fmt: skip
    rows = candidates_from_excel(
        _excel([("清白", batch["清白"].test_id_number), ("诫勉", batch["诫勉"].test_id_number)])
    )
    req = opinion_request_create(actor=users["requester"], purpose="promotion", as_of=AS_OF, title="x",
                                 candidates=rows, requesting_unit=tree.county_a)  # fmt: skip
    assert _verdicts(req) == {1: "clear", 2: "object"}
    assert req.candidates.get(position=1).given_as.startswith("清白 ")


def test_changing_a_verdict_needs_a_written_reason(ask, users):
    req = ask()
    with pytest.raises(ValidationError, match="理由"):
        opinion_review(actor=users["reviewer"], request=req, changes={2: ("clear", "  ")}, dissents={})
    assert OpinionRequest.objects.get(pk=req.pk).status == "drafted"
    assert req.candidates.get(position=2).verdict == "object"
    opinion_review(actor=users["reviewer"], request=req, changes={2: ("clear", "诫勉系误录，已另行更正")},
                   dissents={6: "建议暂缓"})  # fmt: skip
    changed = req.candidates.get(position=2)
    assert (
        changed.verdict == "clear" and changed.draft_verdict == "object" and "误录" in changed.change_reason
    )
    assert req.candidates.get(position=6).dissent == "建议暂缓"
    with pytest.raises(ValidationError):
        opinion_review(
            actor=users["reviewer"], request=req, changes={9: ("clear", "查无此人也同意")}, dissents={}
        )


def test_requester_cannot_review_and_approver_must_not_be_the_reviewer(ask, users):
    req = ask()
    with pytest.raises(PermissionDenied):
        opinion_review(actor=users["requester"], request=req, changes={}, dissents={})
    with pytest.raises(ValidationError, match="审核"):
        opinion_approve(actor=users["leader"], request=req, approver_name="王书记")
    opinion_review(actor=users["leader"], request=req, changes={}, dissents={})
    with pytest.raises(PermissionDenied, match="审核人"):
        opinion_approve(actor=users["leader"], request=req, approver_name="王书记")
    with pytest.raises(PermissionDenied):
        opinion_approve(actor=users["requester"], request=req, approver_name="王书记")
    assert OpinionRequest.objects.get(pk=req.pk).status == "reviewed"


def test_issued_opinion_is_frozen(ask, users):
    req = ask()
    opinion_review(actor=users["reviewer"], request=req, changes={}, dissents={})
    with pytest.raises(ValidationError, match="签发领导"):
        opinion_approve(actor=users["leader"], request=req, approver_name=" ")
    req = opinion_approve(actor=users["leader"], request=req, approver_name="王书记")
    assert req.status == "issued" and req.issued_at and req.approver_name == "王书记"
    with pytest.raises(ValidationError, match="已签发"):
        opinion_review(actor=users["reviewer"], request=req, changes={2: ("clear", "改")}, dissents={})
    with pytest.raises(ValidationError, match="已签发"):
        opinion_approve(actor=users["leader"], request=req, approver_name="李书记")
    assert req.candidates.get(position=2).verdict == "object"
    steps = AuditEvent.objects.filter(object_id=str(req.pk), action__startswith="opinion.").values_list(
        "action", flat=True
    )
    assert set(steps) == {"opinion.request", "opinion.review", "opinion.issue"}
    issued = AuditEvent.objects.get(action="opinion.issue", object_id=str(req.pk))
    assert len(issued.extra["person_ids"]) == 8


def test_reexplanation_gives_the_same_drafts_after_new_entries_and_parameter_changes(
    ask, users, batch, record
):
    req = ask()
    before = [(c.draft_verdict, [r["text"] for r in c.draft_reasons]) for c in req.candidates.all()]
    record(
        batch["清白"], "party.warning", date(2026, 6, 1)
    )  # recorded after the draft, effective before as_of
    rule_param_set(actor=users["leader"], rule=Rule.objects.get(code="handling.admonishment"), key="months",
                   value=1, effective_from=date(2020, 1, 1), reason="测试调整")  # fmt: skip
    again = opinion_reexplain(req)
    assert [(d.verdict, [r["text"] for r in d.reasons]) for d in again] == before
    fresh = ask()
    assert _verdicts(fresh)[1] == "object"  # a new request knows the new sanction


def test_letter_is_issued_as_docx_and_pdf_with_the_summary_and_details(ask, users, tree):
    req = ask()
    opinion_review(actor=users["reviewer"], request=req, changes={}, dissents={6: "建议结合实绩综合考虑"})
    req = opinion_approve(actor=users["leader"], request=req, approver_name="王书记")
    docs = {d.format: d for d in Document.objects.filter(batch=req.document_batch)}
    assert set(docs) == {"docx", "pdf"} and docs["docx"].issuing_unit == tree.jw_a
    assert docs["docx"].subject_id == str(req.pk)
    with docs["docx"].file.open("rb") as fh:
        d = Docx(fh)
    text = "\n".join(p.text for p in d.paragraphs)
    cells = [cell.text for t in d.tables for row in t.rows for cell in row.cells]
    assert "关于清白等10名同志党风廉政情况的意见回复" in text.replace(" ", "")
    assert "甲县" in text and "甲县纪委监委" in text
    assert ["序号", "姓名", "单位职务", "意见"] == cells[:4]
    assert "诫勉" in cells and "有影响" in cells and "暂缓（有待核实事项）" in cells
    assert "建议结合实绩综合考虑" in text
    assert "4．立案：暂缓（有待核实事项）。" in text  # the candidate named 立案 has an open case
    assert "立案审查调查" not in text and "函询（待回复）" not in text


def test_two_hundred_candidates_draft_in_seconds_with_constant_queries(tree, make_cadre, record, users):
    cadres = [make_cadre(tree.dept_a2, f"候选{i}", born=date(1970 + i % 30, 1 + i % 12, 1 + i % 28))
              for i in range(200)]  # fmt: skip
    for i in range(0, 200, 10):
        record(cadres[i], "handling.admonishment", date(2026, 3, 1))
        record(cadres[i + 1], "case.opened", date(2026, 3, 1))
        record(cadres[i + 2], "gov.warning", date(2026, 3, 1))

    def run(chosen):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            req = opinion_request_create(
                actor=users["requester"], purpose="promotion", as_of=AS_OF, title="批量",
                candidates=[c.test_id_number for c in chosen], requesting_unit=tree.county_a,
            )  # fmt: skip
            elapsed = time.perf_counter() - started
        reads = [q for q in ctx.captured_queries if "INSERT INTO" not in q["sql"].upper()]
        return req, elapsed, len(reads)

    run(cadres[:1])  # warm the requester's scope cache (one query per request, whatever its size)
    small, _, small_reads = run(cadres[:10])
    big, elapsed, big_reads = run(cadres)
    assert elapsed < 5
    assert big_reads == small_reads
    assert big.candidates.filter(draft_verdict="object").count() == 40
    assert big.candidates.filter(draft_verdict="postpone").count() == 20


def test_a_cadre_id_outside_scope_is_not_found_and_another_commission_cannot_review(
    users, batch, tree, make_user
):
    req = opinion_request_create(
        actor=users["requester"], purpose="promotion", as_of=AS_OF, title="x",
        candidates=[batch["乙县"].pk, 99999999, batch["清白"].pk], requesting_unit=tree.county_a,
    )  # fmt: skip
    assert _verdicts(req) == {1: "not_found", 2: "not_found", 3: "clear"}
    other_commission = make_user("discipline_supervision", tree.county_b)
    with pytest.raises(PermissionDenied):
        opinion_review(actor=other_commission, request=req, changes={}, dissents={})
