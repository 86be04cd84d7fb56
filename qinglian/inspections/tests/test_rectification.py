"""Rectification: deadline from feedback (registry rule), three gates in order with evidence,
acceptance by the office only, the monthly circular of overdue items on a travelled clock, and
public-disclosure text that names units and problems but never people."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from qinglian.archive.models import ArchiveEntry
from qinglian.inspections import rectification, services
from qinglian.inspections.models import MonthlyRecord, Rectification, Round
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fed_back(office, tree, annual):
    with time_machine.travel(date(2026, 3, 1)):
        rnd = services.round_create(actor=office, plan=annual, number=1, kind="regular", start_date=date(2026, 3, 1),
                                    end_date=date(2026, 4, 1), targets=[tree.dept_a1, tree.dept_a3])  # fmt: skip
        Round.objects.filter(pk=rnd.pk).update(status=Round.Status.ONGOING)
        rnd.refresh_from_db()
    with time_machine.travel(date(2026, 4, 10)):
        services.round_move(
            actor=office, round=rnd, to=Round.Status.FEEDBACK, feedback_date=date(2026, 4, 10)
        )
    return rnd


@pytest.fixture
def item(office, tree, fed_back, make_cadre):
    make_cadre(tree.dept_a1, "钱局长")
    with time_machine.travel(date(2026, 4, 10)):
        f = services.finding_record(actor=office, round=fed_back, unit=tree.dept_a1,
                                    text="钱局长主持的专项资金分配未经集体研究")  # fmt: skip
        return services.finding_confirm(
            actor=office, finding=f, decided_by="巡察办主任 赵六", category="correct"
        )


@pytest.fixture
def contact(tree, make_user):
    return make_user("inspected_unit_contact", tree.dept_a1)


def test_deadline_is_two_months_after_feedback_by_the_rule(item):
    assert item.deadline == date(2026, 6, 10)
    assert WorkItem.objects.filter(kind="inspections.rectification", assignee_unit=item.owner_unit).exists()


def test_an_item_confirmed_after_its_deadline_opens_an_overdue_to_do(office, tree, fed_back):
    """Feedback on 10 April gives 10 June; a finding confirmed in July must still get its to-do
    (it used to fail after the commit, when the to-do's due date was before its start)."""
    with time_machine.travel(date(2026, 7, 20)):
        f = services.finding_record(actor=office, round=fed_back, unit=tree.dept_a1, text="会议记录不全")
        rect = services.finding_confirm(
            actor=office, finding=f, decided_by="巡察办主任 赵六", category="build"
        )
        todo = WorkItem.objects.get(kind="inspections.rectification", object_id=str(rect.pk))
    assert rect.deadline == date(2026, 6, 10) and todo.due_date == date(2026, 6, 10)


def test_three_gates_in_order_with_evidence_and_acceptance_by_the_office(office, contact, item, tree):
    from qinglian.inspections.models import Gate

    with pytest.raises(ValidationError):  # no plan yet
        rectification.gate_pass(actor=contact, rectification=item, gate=Gate.START, evidence="已部署")
    rectification.rectification_plan(actor=contact, rectification=item, plan="重新集体研究分配方案")
    with pytest.raises(ValidationError):  # out of order
        rectification.gate_pass(actor=contact, rectification=item, gate=Gate.ADVANCE, evidence="进展")
    with pytest.raises(ValidationError):  # evidence required
        rectification.gate_pass(actor=contact, rectification=item, gate=Gate.START, evidence="")
    rectification.gate_pass(actor=contact, rectification=item, gate=Gate.START, evidence="党组会议纪要")
    rectification.gate_pass(actor=contact, rectification=item, gate=Gate.ADVANCE, evidence="新方案已印发")
    with pytest.raises(PermissionDenied):  # the unit cannot accept its own rectification
        rectification.gate_pass(actor=contact, rectification=item, gate=Gate.ACCEPT, evidence="自验收")
    rectification.gate_pass(actor=office, rectification=item, gate=Gate.ACCEPT, evidence="现场核查，资料齐全")
    item.refresh_from_db()
    assert item.status == Rectification.Status.ACCEPTED and item.gates.count() == 3
    assert ArchiveEntry.objects.get(pk=item.closing_entry_id).kind.code == "unit.rectified"
    assert not WorkItem.objects.filter(kind="inspections.rectification", status="open").exists()


def test_contact_of_another_unit_cannot_touch_the_item(item, tree, make_user):
    other = make_user("inspected_unit_contact", tree.dept_a2)
    with pytest.raises(PermissionDenied):
        rectification.rectification_plan(actor=other, rectification=item, plan="x")


def test_monthly_circular_lists_overdue_items_once_a_month(office, item, tree):
    with time_machine.travel(date(2026, 6, 1)):
        rec = rectification.circular_issue(actor=None, organiser=tree.county_a)
        assert rec.overdue_count == 0  # not yet due
    with time_machine.travel(date(2026, 7, 1)):
        assert rectification.circulars_monthly() == 1
        rec = MonthlyRecord.objects.get(kind="circular", month=date(2026, 7, 1))
        assert rec.overdue_count == 1 and rec.document.template == "inspections.circular"
        assert rectification.circulars_monthly() == 0  # once a month


def test_monthly_supervision_and_meeting_records(office, tree):
    from django.utils import timezone

    today = timezone.localdate()
    rec = rectification.monthly_record(actor=office, organiser=tree.county_a, kind="meeting", held_on=today,
                                       text="整改推进会：听取三家单位整改进展")  # fmt: skip
    assert rec.month == today.replace(day=1) and rec.document.template == "inspections.monthly_record"
    with pytest.raises(ValidationError):  # the circular is generated, not typed
        rectification.monthly_record(
            actor=office, organiser=tree.county_a, kind="circular", held_on=today, text="x"
        )


def test_disclosure_names_units_and_problems_never_people(item, fed_back):
    text = rectification.disclosure_text(fed_back)
    assert "甲县教育局" in text and "专项资金分配未经集体研究" in text
    assert "钱局长" not in text and "赵六" not in text


def test_the_scheduled_task_issues_the_months_circulars(item, tree):
    from qinglian.inspections.tasks import monthly_circulars

    with time_machine.travel(date(2026, 8, 3)):
        assert monthly_circulars.call() == 1
        assert MonthlyRecord.objects.get(kind="circular", month=date(2026, 8, 1)).overdue_count == 1
