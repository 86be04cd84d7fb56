"""The set-based parts of the nightly scan give what the row-by-row ones gave: the grades computed
through a temporary table (PostgreSQL) equal the single upsert's; a batch of to-dos and audit
events equals one `workitem_create` / `audit_record` per row, with the audit chain intact."""

from datetime import date

import pytest
from django.db import connection

from qinglian.archive import grading
from qinglian.archive.models import PersonGrade, Warning
from qinglian.archive.scan import archive_scan
from qinglian.archive.tests.test_scan import at, troubled_person
from qinglian.audit.models import AuditEvent
from qinglian.audit.services import audit_record, audit_record_many
from qinglian.audit.verify import verify_chain
from qinglian.workitems.models import Notification, WorkItem
from qinglian.workitems.services import workitem_create, workitems_create_many

DAY = date(2026, 6, 15)


def prepared(tree, make_cadre, record):
    """People in every situation the grade and the rules distinguish."""
    people = [troubled_person(tree, make_cadre, record, n) for n in range(1, 5)]
    clean = make_cadre(tree.dept_a3, "无记录")
    old = make_cadre(tree.dept_a2, "旧记录")
    record(old, "handling.admonishment", date(2023, 3, 1))  # older than the recent years: weighted
    record(old, "commendation", date(2025, 9, 1))
    record(old, "appraisal.basically_competent", date(2026, 1, 20), period_year=2025)
    heavy = make_cadre(tree.village, "多次处分")
    record(heavy, "party.warning", date(2025, 12, 1))
    record(heavy, "gov.demerit", date(2026, 2, 1))
    record(heavy, "handling.inquiry", date(2026, 4, 1))
    return [*people, clean, old, heavy]


def snapshot():
    return {
        g.person_id: (g.score, g.grade, g.counts, sorted(map(tuple, g.basis)))
        for g in PersonGrade.objects.all()
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the temporary-table path is PostgreSQL's")
def test_grades_through_the_temporary_table_equal_the_single_upsert(tree, make_cadre, record):
    with at(DAY):
        people = prepared(tree, make_cadre, record)
        s = grading.scheme(DAY)
        values, graded = grading._values(DAY, s), grading.graded_ids()
        PersonGrade.objects.all().delete()
        assert grading._upsert_statement("", values, graded) == len(people)
        before = snapshot()
        PersonGrade.objects.all().delete()
        assert grading.grades_refresh_all(DAY) == len(people)  # all inserted
        assert snapshot() == before
        assert len({g.grade for g in PersonGrade.objects.all()}) >= 2
        # Steady state: nothing changed, nothing written; one row off: only it is rewritten.
        assert grading.grades_refresh_all(DAY) == 0
        PersonGrade.objects.filter(person=people[0]).update(score=1, grade="较差", basis=[])
        assert grading.grades_refresh_all(DAY) == 1
        assert snapshot() == before
        # A person without a grade row gets one (the INSERT half), the others stay.
        PersonGrade.objects.filter(person=people[-1]).delete()
        assert grading.grades_refresh_all(DAY) == 1
        assert snapshot() == before


def test_scan_stores_warnings_to_dos_and_audit_in_bulk_like_one_by_one(tree, make_cadre, record, make_user):
    member = make_user("discipline_supervision", tree.pz1)
    with at(DAY):
        prepared(tree, make_cadre, record)
        seq_before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
        result = archive_scan()
    warnings = list(Warning.objects.select_related("unit").order_by("pk"))
    items = WorkItem.objects.select_related("assignee_unit").in_bulk([w.workitem_id for w in warnings])
    for w in warnings:
        w.workitem = items[w.workitem_id]
    assert result.new_warnings == len(warnings) >= 8
    events = list(AuditEvent.objects.filter(seq__gt=seq_before).order_by("seq"))
    raised = [e for e in events if e.action == "archive.warning_raise"]
    created = [e for e in events if e.action == "workitem.create"]
    # The order of one-by-one calls: every raise, then every to-do, then the scan's own event.
    assert [e.action for e in events] == (
        ["archive.warning_raise"] * len(warnings) + ["workitem.create"] * len(warnings) + ["archive.scan"]
    )
    assert [int(e.object_id) for e in raised] == [w.pk for w in warnings]
    for w, e in zip(warnings, raised, strict=True):
        assert (e.person_id, e.unit_id, e.extra["rule"], e.extra["key"]) == (
            w.person_id,
            w.unit_id,
            w.rule,
            w.key,
        )
        assert sorted(e.extra["entries"]) == sorted(w.entries.values_list("pk", flat=True))
    for w, e in zip(warnings, created, strict=True):
        item = w.workitem
        assert int(e.object_id) == item.pk and e.unit_id == item.assignee_unit_id
        assert e.extra == {"kind": "archive.warning", "subject": f"archive.warning:{w.pk}",
                           "due_date": f"{item.due_date:%Y-%m-%d}", "due_provisional": item.due_provisional}  # fmt: skip
    # The to-do of each warning equals the one `workitem_create` writes for the same arguments.
    for w in warnings:
        item = w.workitem
        with at(DAY):
            ref = workitem_create(actor=None, subject=w.unit, kind="archive.warning", title=item.title,
                                  assignee_unit=item.assignee_unit, due_working_days=10, start=DAY)  # fmt: skip
        fields = ("kind", "title", "assignee_unit_id", "assignee_user_id", "escalate_to_id", "start_date",
                  "due_date", "due_mode", "due_days", "due_provisional", "due_basis", "remind_days",
                  "remind_from", "status")  # fmt: skip
        assert {f: getattr(item, f) for f in fields} == {f: getattr(ref, f) for f in fields}
    by_pz1 = [w for w in warnings if w.workitem.assignee_unit_id == tree.pz1.pk]
    assert by_pz1 and all(w.workitem.escalate_to_id is None for w in by_pz1)
    assert {w.workitem.assignee_unit_id for w in warnings if w.unit_id == tree.village.pk} == {
        tree.t1_committee.pk
    }
    assert {w.workitem.assignee_unit_id for w in warnings if w.unit_id == tree.dept_a3.pk} <= {tree.jw_a.pk}
    # The members of the assignee unit are notified, once per to-do.
    notified = Notification.objects.filter(user=member, kind="assigned", item__kind="archive.warning")
    assert notified.filter(item__in=[w.workitem for w in by_pz1]).count() == len(by_pz1)
    assert verify_chain().ok


def test_audit_record_many_chains_exactly_like_audit_record(tree):
    audit_record(actor=None, action="test.before", obj=tree.pz1)
    rows = audit_record_many(
        [{"actor": None, "action": "test.bulk", "obj": u, "unit_id": u.pk, "reason": "批量", "extra": {"n": i}}
         for i, u in enumerate([tree.dept_a1, tree.dept_a2, tree.village])]
    )  # fmt: skip
    after = audit_record(actor=None, action="test.after")
    stored = list(AuditEvent.objects.filter(action="test.bulk").order_by("seq"))
    assert [e.seq for e in stored] == [r.seq for r in rows] == list(range(rows[0].seq, rows[0].seq + 3))
    assert [e.object_repr for e in stored] == [str(tree.dept_a1), str(tree.dept_a2), str(tree.village)]
    assert [e.extra for e in stored] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert stored[0].prev_hash == AuditEvent.objects.get(action="test.before").hash
    assert after.prev_hash == stored[-1].hash and after.seq == stored[-1].seq + 1
    assert verify_chain().ok
    assert audit_record_many([]) == []


def test_workitems_create_many_checks_every_item_and_writes_nothing_on_a_bad_one(tree):
    from django.core.exceptions import ValidationError

    good = {"subject": tree.dept_a1, "title": "事项一", "assignee_unit": tree.dept_a1}
    count = WorkItem.objects.count()
    for bad in ({"subject": tree.dept_a2, "title": " ", "assignee_unit": tree.dept_a2},
                {"subject": tree.dept_a2, "title": "无承办"},
                {"subject": tree.dept_a2, "title": "长" * 201, "assignee_unit": tree.dept_a2}):  # fmt: skip
        with pytest.raises(ValidationError):
            workitems_create_many(actor=None, kind="test.bulk", items=[good, bad], due_working_days=5)
    with pytest.raises(ValidationError):
        workitems_create_many(actor=None, kind="Bad Kind", items=[good], due_working_days=5)
    with pytest.raises(ValidationError):
        workitems_create_many(
            actor=None, kind="test.bulk", items=[good], due_working_days=5, due_calendar_days=5
        )
    assert WorkItem.objects.count() == count
    items = workitems_create_many(actor=None, kind="test.bulk", items=[good], due_calendar_days=7, start=DAY)
    assert items[0].pk and items[0].due_date == date(2026, 6, 22) and items[0].escalate_to_id == tree.pz1.pk


def _same(c):
    return (c.rule, c.key, c.unit_id, c.person_id, sorted(c.entry_ids), c.explanation, c.params, c.name)


@pytest.mark.parametrize("backtest", [False, True])
def test_the_counting_table_gives_the_same_grades_restrictions_and_warnings(
    tree, make_cadre, record, backtest
):
    """The scan reads one temporary table of the entries that count; reading the entry table
    directly, rule by rule (as the incremental path still does), gives the same results."""
    from qinglian.archive import scan as scan_module
    from qinglian.archive.warnings import _context, _evaluate

    with at(DAY):
        prepared(tree, make_cadre, record)
        gone = make_cadre(tree.dept_a1, "已离任")
        record(gone, "case.opened", date(2026, 5, 2))
        gone.status = "retired"
        gone.save(update_fields=["status"])
        unit_only = record(None, "unit.clue", date(2026, 5, 3), unit=tree.dept_a2)
        assert unit_only.person_id is None
        day = DAY  # (entries are recorded today: a backtest of an earlier day would see none)
        known_on = grading.known_end(day) if backtest else None
        direct = _evaluate(_context(day, known_on))
        direct_restricted = scan_module.restricted_people(day)
        direct_grades = grading.grade_distribution(day, known_on=known_on)
        with connection.cursor() as cur:
            cur.execute(
                grading._select("", grading.graded_ids()), grading._values(day, grading.scheme(day, known_on))
            )
            direct_rows = {r[0]: (_money(r[1]), r[2]) for r in cur.fetchall()}
        result = archive_scan(day, backtest=backtest)
    assert direct and {c.rule for c in direct} >= {"warning.black_risk", "warning.repeated_reports"}
    assert sorted(map(_same, result.warnings)) == sorted(map(_same, direct))
    assert result.restricted_people == direct_restricted > 0
    if backtest:
        assert result.grade_distribution == direct_grades
    else:
        assert {g.person_id: (_money(g.score), g.grade) for g in PersonGrade.objects.all()} == direct_rows
    assert len({grade for _, grade in direct_rows.values()}) >= 2


def _money(v):
    from decimal import Decimal

    return Decimal(str(v)).quantize(Decimal("0.01"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the fingerprint is PostgreSQL's")
def test_the_nightly_rebuilds_a_basis_the_calendar_changed_even_at_the_same_score(tree, make_cadre, record):
    """The nightly compares everyone's score, grade and basis fingerprint with the stored grade and
    rebuilds only the bases that differ: a commendation that becomes "older" counts half (3 → 1.5
    points) while the score stays at the ceiling of 100 — the basis must still be rewritten."""
    later = date(2026, 7, 15)  # the recent window's start passes 2024-07-01 between the two days
    with at(DAY):
        person = make_cadre(tree.dept_a1, "只有表彰")
        record(person, "commendation", date(2024, 7, 1))
        others = prepared(tree, make_cadre, record)
        grading.grades_refresh_all(DAY)
        grade = PersonGrade.objects.get(person=person)
        assert (grade.score, [p for _, p in grade.basis]) == (100, [3.0])
        assert grading.grades_refresh_all(DAY) == 0  # steady: the incremental path's fingerprints agree
    with at(later):
        written = grading.grades_refresh_all(later)
        grade.refresh_from_db()
        assert (grade.score, grade.grade, [p for _, p in grade.basis]) == (100, "好", [1.5])
        after = snapshot()
        # The same as rebuilding every grade with the single statement.
        PersonGrade.objects.all().delete()
        s = grading.scheme(later)
        grading._upsert_statement("", grading._values(later, s), grading.graded_ids())
        assert snapshot() == after
        assert 1 <= written < len(others) + 1
