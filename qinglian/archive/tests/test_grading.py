"""The grade scheme (archive.grade): examples, what does not count, one person and everyone."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from qinglian.archive.grading import (
    grade_distribution,
    grade_explanation,
    grades_refresh_all,
    person_grade_refresh,
)
from qinglian.archive.models import PersonGrade

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-06-15 10:00 +0800", tick=False):
        yield


def test_nothing_graded_is_100_and_good(person):
    g = person_grade_refresh(person.pk, TODAY)
    assert (g.score, g.grade, g.basis) == (Decimal("100.00"), "好", [])
    assert g.counts == {"red": 0, "blue": 0, "yellow": 0, "black": 0}


def test_recent_demerit_gives_70_fair(person, record):
    e = record(person, "gov.demerit", date(2025, 10, 15))
    g = person_grade_refresh(person.pk, TODAY)
    assert (g.score, g.grade) == (Decimal("70.00"), "一般")
    assert [(entry, float(points)) for entry, points in g.basis] == [(e.pk, -30.0)]
    assert grade_explanation(g)[1] == "记过（2025-10-15）：-30分"
    assert g.counts["black"] == 1


def test_two_reminder_talks_this_year_give_84(person, record):
    record(person, "handling.reminder_talk", date(2026, 1, 5))
    record(person, "handling.criticism", date(2026, 3, 5))
    g = person_grade_refresh(person.pk, TODAY)
    assert (g.score, g.grade) == (Decimal("84.00"), "一般")


def test_older_entries_count_half_and_old_ones_not_at_all(person, record):
    record(person, "handling.admonishment", date(2023, 6, 1))  # 3 years ago: -8 * 50%
    record(person, "gov.warning", date(2021, 6, 15))  # exactly 5 years ago: outside the window
    g = person_grade_refresh(person.pk, TODAY)
    assert (g.score, g.grade) == (Decimal("96.00"), "好")
    assert len(g.basis) == 1


def test_one_yellow_is_fairly_good_and_a_commendation_offsets_it(person, record):
    record(person, "handling.reminder_talk", date(2026, 1, 5))
    assert person_grade_refresh(person.pk, TODAY).grade == "较好"
    record(person, "commendation", date(2026, 2, 5))
    g = person_grade_refresh(person.pk, TODAY)
    assert (g.score, g.grade) == (Decimal("95.00"), "好")


def test_red_never_lifts_above_100(person, record):
    record(person, "commendation", date(2026, 2, 5))
    assert person_grade_refresh(person.pk, TODAY).score == Decimal("100.00")


def test_pending_and_external_entries_do_not_change_the_grade(person, record):
    record(person, "handling.reminder_talk", date(2026, 1, 5))
    before = person_grade_refresh(person.pk, TODAY)
    record(person, "case.opened", date(2026, 2, 1))
    record(person, "verification.opened", date(2026, 2, 2))
    record(person, "allegation.registered", date(2026, 2, 3))
    record(person, "external.court_judgment", date(2026, 2, 4))
    after = person_grade_refresh(person.pk, TODAY)
    assert (after.score, after.grade, after.basis) == (before.score, before.grade, before.basis)


def test_revoked_entry_no_longer_counts(person, record):
    sanction = record(person, "gov.demerit", date(2025, 10, 15))
    record(person, "correction", date(2026, 1, 10), supersedes=sanction, revokes=True)
    assert person_grade_refresh(person.pk, TODAY).score == Decimal("100.00")


def test_refresh_all_grades_everyone_in_one_statement(
    tree, make_cadre, record, django_assert_max_num_queries
):
    a = make_cadre(tree.dept_a1, "甲")
    b = make_cadre(tree.dept_a2, "乙")
    c = make_cadre(tree.dept_b1, "丙")
    record(a, "gov.demerit", date(2025, 10, 15))
    record(b, "handling.reminder_talk", date(2026, 1, 5))
    # The scheme and the kinds, one statement for everyone, whatever the number of people. On
    # PostgreSQL: a savepoint with five SET LOCAL; the scratch tables of who changed (everyone's
    # score, grade and fingerprint against the stored ones; analysed) and of those people's grades
    # (analysed); one UPDATE of what changed, one INSERT of what is missing, one DROP, release
    # (16 in all).
    with django_assert_max_num_queries(16):
        grades_refresh_all(TODAY)
    grades = dict(PersonGrade.objects.values_list("person_id", "grade"))
    assert grades == {a.pk: "一般", b.pk: "较好", c.pk: "好"}


def test_grade_distribution_as_known_on_a_past_day_ignores_later_entries(tree, make_cadre, record):
    a = make_cadre(tree.dept_a1, "甲")
    make_cadre(tree.dept_a2, "乙")
    record(a, "gov.demerit", date(2026, 6, 1))
    assert grade_distribution(date(2026, 6, 15)) == {"好": 1, "较好": 0, "一般": 1, "较差": 0}
    with time_machine.travel("2026-06-20 10:00 +0800", tick=False):
        record(a, "gov.demerit", date(2026, 6, 19))
        assert grade_distribution(date(2026, 6, 15))["一般"] == 1
        assert grade_distribution(date(2026, 6, 20))["较差"] == 1


def test_explanation_names_each_entry_and_the_rule(person, record):
    record(person, "gov.demerit", date(2025, 10, 15))
    lines = grade_explanation(person_grade_refresh(person.pk, TODAY))
    assert lines[0].startswith("一般（70分），依据") and "默认值，依据待核实" in lines[0]
    assert lines[1] == "记过（2025-10-15）：-30分"
