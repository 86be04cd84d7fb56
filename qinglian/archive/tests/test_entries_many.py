"""`entries_record_many`: the same entries and audit events as `entry_record` row by row, all or
nothing, and a number of queries that does not grow with the rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qinglian.accounts.models import User
from qinglian.archive.models import ArchiveEntry
from qinglian.archive.services import EntryRowsInvalid, entries_record_many, entry_record
from qinglian.audit.models import AuditEvent
from qinglian.audit.verify import verify_chain

pytestmark = pytest.mark.django_db
SKIP = {"id", "supersedes", "closes"}  # ids differ; neither is set by a plain new fact


def _batches(model, n: int) -> int:
    """The INSERT statements `bulk_create` needs for n new rows on this database."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    size = min(2000, max(connection.ops.bulk_batch_size(fields, [None] * n), 1))
    return -(-n // size)


@pytest.fixture
def frozen():
    """The clock stopped after the fixtures exist (their role assignments start now): the two write
    paths then stamp the same times."""
    with time_machine.travel(timezone.now() + timedelta(seconds=1), tick=False):
        yield


@pytest.fixture
def people(tree, make_user, make_cadre):
    class P:
        pass

    p = P()
    p.tree = tree
    p.case = make_user("case_management", tree.county_a, username="anguan")
    p.agency = make_user("taskforce_agency", None, unit=tree.dept_a2, username="shenji")
    p.a = make_cadre(tree.dept_a1, "王一")
    p.b = make_cadre(tree.dept_a3, "李二")
    p.c = make_cadre(tree.dept_b1, "赵三")  # county B: outside the case office's scope
    return p


def _rows(p) -> list[tuple[object, dict]]:
    """(actor, row) pairs over kinds of every shape: rule periods, a period of the decision, a
    sealed pending state, an outside fact pending review (from a case office and from an agency),
    a unit entry."""
    d = date(2026, 10, 12)
    doc = {"decided_by": "县纪委常委会", "decision_document": "甲纪处〔2026〕3号"}
    return [
        (p.case, {"kind": "party.warning", "person": p.a, "summary": " 违规收受礼金 ", "occurred_on": d, **doc}),
        (p.case, {"kind": "gov.demerit", "person": p.b, "summary": "违规发放补贴", "occurred_on": d - timedelta(30),
                  "effective_on": d, "period_months": 30, **doc}),
        (p.case, {"kind": "handling.admonishment", "person": p.a, "summary": "诫勉", "occurred_on": d,
                  "decided_by": "县纪委"}),
        (p.case, {"kind": "org.removal", "person": p.b, "summary": "免职", "occurred_on": d, "period_months": 18,
                  "decided_by": "县委组织部"}),
        (p.case, {"kind": "case.opened", "person": p.a, "summary": "立案审查", "occurred_on": d}),
        (p.case, {"kind": "external.audit_finding", "person": p.b, "summary": "审计发现问题", "occurred_on": d,
                  "source_app": "test", "source_type": "t", "source_id": 7, "source_agency": p.tree.dept_a2,
                  "source_reference": "审计〔2026〕1号"}),
        (p.case, {"kind": "unit.audit_finding", "unit": p.tree.dept_a1, "summary": "单位审计问题", "occurred_on": d}),
        (p.agency, {"kind": "external.court_judgment", "person": p.c, "summary": "民事判决", "occurred_on": d,
                    "source_agency": p.tree.dept_a2}),
        (p.agency, {"kind": "external.civil_case", "person": p.a, "summary": "民事诉讼当事人", "occurred_on": d}),
    ]  # fmt: skip


def _entry_values(entries) -> list[dict]:
    fields = [f.attname for f in ArchiveEntry._meta.concrete_fields if f.name not in SKIP]
    return [{f: getattr(ArchiveEntry.objects.get(pk=e.pk), f) for f in fields} for e in entries]


def _event_values(entries) -> list[dict]:
    out = []
    for e in entries:
        ev = AuditEvent.objects.get(
            action="archive.record", object_type="archive.archiveentry", object_id=str(e.pk)
        )
        out.append({f: getattr(ev, f) for f in ("at", "actor_id", "actor_name", "role", "action", "object_type",
                                                "object_repr", "person_id", "unit_id", "reason", "source_ip",
                                                "extra")})  # fmt: skip
    return out


def test_many_records_the_same_entries_and_audit_events_as_entry_record_row_by_row(
    people, frozen, tmp_path, django_capture_on_commit_callbacks
):
    pairs = _rows(people)
    with django_capture_on_commit_callbacks() as one_by_one_hooks:
        one_by_one = [entry_record(actor=actor, **row) for actor, row in pairs]
    many = []
    with django_capture_on_commit_callbacks() as many_hooks:
        for actor in (people.case, people.agency):  # the bulk call is per actor
            many += entries_record_many(actor=actor, rows=[r for a, r in pairs if a == actor])
    assert len(many) == len(one_by_one) == 9
    expected, got = _entry_values(one_by_one), _entry_values(many)
    for e, g in zip(expected, got, strict=True):
        assert e == g
    # The shapes did differ: the comparison covers periods, pending review and sealing.
    assert [v["review"] for v in got] == ["not_needed"] * 5 + ["pending", "not_needed", "pending", "pending"]
    assert [v["sensitivity"] for v in got] == ["normal"] * 4 + [
        "sealed",
        "sealed",
        "normal",
        "sealed",
        "sealed",
    ]
    assert got[0]["summary"] == "违规收受礼金" and got[1]["influence_end"] == date(2029, 4, 11)
    assert _event_values(one_by_one) == _event_values(many)
    # Hooks: one per (person, unit) among the entries that count; none for those pending review.
    assert len(one_by_one_hooks) == 6 and len(many_hooks) == 3  # a×3 and b×2 collapse to one each
    assert verify_chain(checkpoint_path=tmp_path / "cp").ok


def test_one_bad_row_writes_nothing_and_every_bad_row_is_listed(people, frozen):
    rows = [r for a, r in _rows(people) if a == people.case]
    before = AuditEvent.objects.count()
    bad = [
        *rows,
        {**rows[0], "summary": "  "},  # 8
        {**rows[0], "decision_document": ""},  # 9
        {**rows[1], "period_months": 60},  # 10: more than the 48-month cap
        {**rows[0], "person": people.c},  # 11: outside the actor's scope
        {**rows[0], "kind": "no.such.kind"},  # 12
        {**rows[6], "occurred_on": timezone.localdate() + timedelta(days=1)},  # 13: in the future
    ]
    with pytest.raises(EntryRowsInvalid) as caught:
        entries_record_many(actor=people.case, rows=bad)
    assert [(i + 1, f) for i, f, _ in caught.value.rows] == [
        (8, "summary"), (9, "decision_document"), (10, "period_months"), (11, "permission"), (12, "kind"),
        (13, "occurred_on"), (13, "effective_on")]  # fmt: skip
    assert isinstance(caught.value, ValidationError)
    assert "第 11 条：该人员或单位不在您的管理范围内" in caught.value.messages
    assert "第 12 条：未知的记录类型“no.such.kind”" in caught.value.messages
    assert not ArchiveEntry.objects.exists() and AuditEvent.objects.count() == before
    # The same rows one by one are refused the same way.
    with pytest.raises(PermissionDenied):
        entry_record(actor=people.case, **bad[10])
    with pytest.raises(ValidationError, match="合并执行的处分期间不得超过"):
        entry_record(actor=people.case, **bad[9])
    # An actor with no right to a kind at all: every row is refused.
    with pytest.raises(EntryRowsInvalid, match="您的角色不能录入"):
        entries_record_many(actor=people.agency, rows=[rows[0]])
    with pytest.raises(TypeError):
        entries_record_many(actor=people.case, rows=[{**rows[0], "closes": None}])
    assert not ArchiveEntry.objects.exists()


def test_queries_do_not_grow_with_the_rows(people, make_cadre, frozen, django_assert_max_num_queries):
    cadres = [people.a, people.b] + [make_cadre(people.tree.dept_a2, f"干部{i}") for i in range(8)]
    for c in cadres:
        c.refresh_from_db()  # units not loaded: the bulk path loads them in one query

    def rows(n):
        out = []
        for i in range(n):
            person = cadres[i % len(cadres)]
            if i % 4 == 0:  # a kind with a rule period: computed once per (kind, date)
                out.append({"kind": "handling.admonishment", "person": person, "summary": f"诫勉{i}",
                            "occurred_on": date(2026, 10, 12), "decided_by": "县纪委"})  # fmt: skip
            else:  # period-less kinds, on dates spread over the year
                kind = ("external.audit_finding", "external.petition", "case.opened")[i % 3]
                out.append({"kind": kind, "person": person, "summary": f"事项{i}",
                            "occurred_on": date(2026, 1, 1) + timedelta(days=i)})  # fmt: skip
        return out

    def fresh_actor():  # no cached scope: each call pays for reading the roles
        return User.objects.get(pk=people.case.pk)

    with CaptureQueriesContext(connection) as ten:
        assert len(entries_record_many(actor=fresh_actor(), rows=rows(10))) == 10
    # Only the audit events' inserts may be split further, where the database caps the parameters
    # of one statement (SQLite: 999); PostgreSQL writes 200 rows in one statement.
    extra = _batches(AuditEvent, 200) - 1
    with django_assert_max_num_queries(len(ten) + extra):
        assert len(entries_record_many(actor=fresh_actor(), rows=rows(200))) == 200
    assert ArchiveEntry.objects.count() == 210
    assert AuditEvent.objects.filter(action="archive.record").count() == 210
