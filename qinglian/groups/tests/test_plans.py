"""Plans: to-dos per member or unit on a travelled clock, evidence to complete, coverage and scope."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from qinglian.groups.models import Measure, MeasureBatch, MeasureTask, SupervisionGroup
from qinglian.groups.plans import period_for, plan_generate, tasks_complete
from qinglian.groups.services import memberships_recompute_all
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db


def test_periods():
    assert period_for("quarterly", date(2026, 11, 24)).key == "2026Q4"
    assert period_for("quarterly", date(2026, 11, 24)).end == date(2026, 12, 31)
    assert period_for("monthly", date(2027, 2, 3)).end == date(2027, 2, 28)
    assert period_for("yearly", date(2026, 1, 1)).key == "2026"


@pytest.fixture
def young_people(tree, make_cadre):
    a = make_cadre(tree.dept_a1, "小甲", born=date(1996, 1, 1))
    b = make_cadre(tree.dept_a1, "小乙", born=date(1997, 1, 1))
    c = make_cadre(tree.dept_a3, "小丙", born=date(1998, 1, 1))
    memberships_recompute_all()
    return a, b, c


def test_quarterly_member_measure_makes_one_task_per_member_and_one_todo_per_unit(young_people, tree):
    measure = Measure.objects.get(group__code="young", name__startswith="廉语")
    with time_machine.travel(date(2026, 11, 24)):
        plan_generate(date(2026, 11, 24))
        plan_generate(date(2026, 11, 24))  # idempotent
    tasks = MeasureTask.objects.filter(measure=measure)
    assert tasks.count() == 3 and set(tasks.values_list("period", flat=True)) == {"2026Q4"}
    batches = MeasureBatch.objects.filter(measure=measure)
    assert sorted(b.unit.name for b in batches) == ["甲县教育局", "甲县水利局"]
    item = WorkItem.objects.get(object_id=str(batches.get(unit=tree.dept_a1).pk), kind="groups.measure")
    assert item.due_date == date(2026, 12, 31) and "2项" in item.title
    plan_generate(date(2027, 1, 5))  # next quarter: new tasks
    assert MeasureTask.objects.filter(measure=measure, period="2027Q1").count() == 3


def test_unit_measure_makes_one_task_per_unit(young_people):
    measure = Measure.objects.get(group__code="young", name__startswith="廉课")
    plan_generate(date(2026, 11, 24))
    assert MeasureTask.objects.filter(measure=measure, cadre__isnull=True).count() == 2


def test_on_entry_measure_reaches_only_new_members_once(young_people, tree, make_cadre):
    measure = Measure.objects.get(group__code="young", name__startswith="廉礼")
    plan_generate(date(2026, 11, 24))
    # the group's initial members did not "enter" it: no flood of on-entry tasks at installation
    assert not MeasureTask.objects.filter(measure=measure).exists()
    plan_generate(date(2026, 11, 25))
    assert not MeasureTask.objects.filter(measure=measure).exists()
    make_cadre(tree.dept_a2, "新人", born=date(2000, 5, 5))
    memberships_recompute_all()
    plan_generate(date(2026, 11, 26))
    new = MeasureTask.objects.get(measure=measure, cadre__name="新人")
    assert new.due_date == date(2026, 12, 26)


def test_completion_needs_evidence_and_closes_the_todo(young_people, tree, make_user):
    officer = make_user("org_supervision", tree.county_a)
    measure = Measure.objects.get(group__code="young", name__startswith="廉语")
    plan_generate(date(2026, 11, 24))
    batch = MeasureBatch.objects.get(measure=measure, unit=tree.dept_a1)
    tasks = list(batch.tasks.all())
    with pytest.raises(ValidationError):
        tasks_complete(actor=officer, tasks=tasks, done_on=date(2026, 11, 20), note="")
    assert not batch.tasks.filter(status="done").exists()
    tasks_complete(actor=officer, tasks=tasks[:1], done_on=date(2026, 11, 20), note="已发送寄语")
    assert WorkItem.objects.get(pk=batch.workitem_id).status == "open"
    tasks_complete(actor=officer, tasks=tasks[1:], done_on=date(2026, 11, 20),
                   file=SimpleUploadedFile("e.pdf", b"%PDF-1.4 x", content_type="application/pdf"))  # fmt: skip
    assert WorkItem.objects.get(pk=batch.workitem_id).status == "done"


def test_someone_outside_the_unit_cannot_record(young_people, tree, make_user):
    outsider = make_user("org_supervision", tree.county_b)
    plan_generate(date(2026, 11, 24))
    task = MeasureTask.objects.filter(unit=tree.dept_a1).first()
    with pytest.raises(PermissionDenied):
        tasks_complete(actor=outsider, tasks=[task], done_on=date(2026, 11, 20), note="越权")


def test_batch_page_and_coverage(young_people, tree, make_user, login):
    plan_generate(date(2026, 11, 24))
    batch = MeasureBatch.objects.filter(unit=tree.dept_a1, measure__name__startswith="廉语").get()
    client = login(make_user("stationed_group", tree.pz1))  # supervises dept A1
    page = client.get(f"/groups/batches/{batch.pk}/")
    assert page.status_code == 200 and "小甲" in page.content.decode()
    ids = list(batch.tasks.values_list("pk", flat=True))
    bad = client.post(f"/groups/batches/{batch.pk}/", {"tasks": ids, "done_on": "2026-11-20", "note": ""})
    assert bad.status_code == 400 and "须提供佐证" in bad.content.decode()
    ok = client.post(
        f"/groups/batches/{batch.pk}/", {"tasks": ids, "done_on": "2026-11-20", "note": "已落实"}
    )
    assert ok.status_code == 302
    other = MeasureBatch.objects.filter(unit=tree.dept_a3).first()
    assert client.get(f"/groups/batches/{other.pk}/").status_code == 404  # dept A3 is not supervised by PZ1
    leader = login(make_user("org_supervision", tree.county_a))
    MeasureTask.objects.filter(unit=tree.dept_a3).update(due_date=date(2026, 10, 31))  # its period has passed
    coverage = leader.get("/groups/young/coverage/")
    assert coverage.status_code == 200
    text = coverage.content.decode()
    assert "小丙" in text and "小甲" not in text  # only the overdue, undone tasks are listed


def test_plan_and_group_exist_for_defaults():
    assert SupervisionGroup.objects.get(code="young").measures.count() == 4
