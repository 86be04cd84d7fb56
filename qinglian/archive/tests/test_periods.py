from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from qinglian.archive.bars import person_bars
from qinglian.archive.periods import add_months, last_day_of
from qinglian.rules.models import Rule
from qinglian.rules.services import rule_param_set


def test_month_arithmetic_clamps_to_month_end():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 3, 15), 12) == date(2027, 3, 15)
    assert last_day_of(date(2026, 3, 15), 12) == date(2027, 3, 14)


# kind, months of influence (RULES.md), restriction checked
SANCTIONS = [
    ("party.warning", 12, "promotion"),
    ("party.serious_warning", 18, "promotion"),
    ("party.post_removal", 24, "promotion"),
    ("gov.warning", 6, "promotion"),
    ("gov.demerit", 12, "pay_step"),
    ("gov.major_demerit", 18, "pay_step"),
    ("gov.demotion", 24, "promotion"),
    ("gov.dismissal", 24, "promotion"),
    ("handling.admonishment", 6, "promotion"),
]


@pytest.mark.parametrize(("kind", "months", "restriction"), SANCTIONS)
def test_each_sanction_bars_exactly_for_its_period(person, record, kind, months, restriction):
    decided = date(2025, 3, 15)
    record(person, kind, decided)
    last = last_day_of(decided, months)
    inside = [b for b in person_bars(person, as_of=last) if restriction in b.restrictions]
    outside = person_bars(person, as_of=add_months(decided, months))
    before = person_bars(person, as_of=date(2025, 3, 14))
    assert inside and inside[0].effect == "object" and inside[0].until == last
    assert outside == [] and before == []


def test_gov_warning_does_not_bar_the_pay_step(person, record):
    record(person, "gov.warning", date(2026, 1, 10))
    bar = person_bars(person, as_of=date(2026, 2, 1))[0]
    assert "pay_step" not in bar.restrictions and "promotion" in bar.restrictions


def test_probation_counts_its_term_plus_two_years(person, record):
    record(person, "party.probation", date(2024, 6, 1), period_months=24)
    assert person_bars(person, as_of=date(2028, 5, 31))
    assert not person_bars(person, as_of=date(2028, 6, 1))
    with pytest.raises(ValidationError):
        record(person, "party.probation", date(2024, 6, 2))


def test_expulsion_is_permanent(person, record):
    record(person, "party.expulsion", date(2020, 1, 1))
    bar = person_bars(person, as_of=date(2040, 1, 1))[0]
    assert bar.permanent and "长期" in bar.explanation


def test_combined_government_sanctions_use_the_stated_period_up_to_48_months(person, record):
    record(person, "gov.demerit", date(2025, 1, 1), period_months=30)
    assert person_bars(person, as_of=date(2027, 6, 30))
    assert not person_bars(person, as_of=date(2027, 7, 1))
    with pytest.raises(ValidationError, match="48"):
        record(person, "gov.demerit", date(2025, 2, 1), period_months=49)


def test_organisational_handling_defaults_to_the_minimum_and_is_flagged_unsettled(person, record):
    record(person, "org.removal", date(2025, 5, 5))
    bar = person_bars(person, as_of=date(2026, 5, 4))[0]
    assert bar.unsettled and "依据待核实" in bar.explanation
    assert not person_bars(person, as_of=date(2026, 5, 5))


def test_open_case_postpones_until_closed(person, record):
    opened = record(person, "case.opened", date(2026, 1, 5))
    assert person_bars(person, as_of=date(2030, 1, 1))[0].effect == "postpone"
    record(person, "case.closed", date(2026, 9, 1), closes=opened)
    assert person_bars(person, as_of=date(2026, 8, 31))[0].effect == "postpone"
    assert person_bars(person, as_of=date(2026, 9, 1)) == []


def test_previous_year_basically_competent_bars_promotion_for_the_next_year(person, record):
    record(
        person,
        "appraisal.basically_competent",
        date(2026, 1, 20),
        occurred_on=date(2025, 12, 31),
        period_year=2025,
    )
    assert {"promotion"} == set(person_bars(person, as_of=date(2026, 12, 31))[0].restrictions)
    assert person_bars(person, as_of=date(2027, 1, 1)) == []


def test_pending_states_and_outside_facts_are_colourless(person, record):
    for kind in (
        "handling.inquiry",
        "verification.opened",
        "case.opened",
        "allegation.registered",
        "external.court_judgment",
    ):
        entry = record(person, kind, date(2026, 2, 2))
        assert entry.colour == "none" and not entry.kind.graded


def test_outside_fact_counts_only_after_review(person, record):
    entry = record(person, "external.traffic_offence", date(2026, 2, 2))
    assert entry.review == "pending" and entry.sensitivity == "sealed"


def test_revocation_on_appeal_stops_the_sanction_from_its_date(person, record):
    sanction = record(person, "party.warning", date(2025, 3, 1))
    record(
        person, "correction", date(2025, 9, 1), supersedes=sanction, revokes=True, summary="申诉后撤销处分"
    )
    assert person_bars(person, as_of=date(2025, 8, 31))
    assert person_bars(person, as_of=date(2025, 9, 1)) == []


def test_as_known_on_ignores_what_was_recorded_later(person, record):
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=timezone.get_current_timezone())):
        record(person, "gov.warning", date(2026, 2, 20))
    first_opinion_time = timezone.make_aware(datetime(2026, 2, 25, 9))
    assert person_bars(person, as_of=date(2026, 2, 25), known_on=first_opinion_time) == []
    assert person_bars(person, as_of=date(2026, 2, 25))  # as of that date, as known today


def test_parameter_change_does_not_move_existing_end_dates(person, record, tree, make_user):
    old = record(person, "gov.warning", date(2026, 1, 10))
    rule = Rule.objects.get(code="sanction.gov.warning")
    manager = make_user("case_management", tree.root)
    rule_param_set(
        actor=manager, rule=rule, key="months", value=9, effective_from=date(2026, 6, 1), reason="测试调整"
    )
    new = record(person, "gov.warning", date(2026, 7, 1))
    old.refresh_from_db()
    assert old.influence_end == date(2026, 7, 9) and new.influence_end == date(2027, 3, 31)


def test_sanction_needs_its_decision_document_and_decider(person):
    from qinglian.archive.services import entry_record

    with pytest.raises(ValidationError) as exc:
        entry_record(
            actor=None,
            person=person,
            kind="party.warning",
            summary="x",
            occurred_on=date(2026, 1, 1),
            check_permission=False,
        )
    assert {"decided_by", "decision_document"} <= set(exc.value.message_dict)
