"""The responsibility list (十廉清单): monthly follow-up on a travelled clock, year-end evaluation by
the registry's scheme, reverse accountability only after a named person's decision."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from qinglian.archive.models import ArchiveEntry
from qinglian.projects import rules, selectors, services
from qinglian.projects.access import access_task
from qinglian.projects.models import MissingReport, ProgressReport, TaskEvaluation, UnitEvaluation
from qinglian.projects.tests.conftest import pdf_bytes
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d):
    return time_machine.travel(datetime(y, m, d, 10, 0, tzinfo=TZ), tick=False)


def _pdf(name="佐证.pdf"):
    return [(name, pdf_bytes(name), "application/pdf")]


def _report(user, task, month, state="on_track", files=()):
    return services.progress_report(
        actor=user, task=task, month=month, state=state, note="按计划推进", files=files
    )


@pytest.fixture
def year_list(pj):
    t = pj.tree
    with at(2027, 1, 8):
        rl = services.list_create(actor=pj.zuzhi, year=2027, owner_unit=t.county_a)
        agency_task = services.task_add(
            actor=pj.zuzhi, responsibility_list=rl, title="开展干部廉洁从业情况审计", lead_unit=t.dept_a3,
            partner_units=[t.jw_a], deadline=date(2027, 6, 30), expected_evidence="审计报告",
        )  # fmt: skip
        slow_task = services.task_add(
            actor=pj.zuzhi, responsibility_list=rl, title="村级小微权力清单公开", lead_unit=t.township,
            deadline=date(2027, 9, 30), expected_evidence="公开照片",
        )  # fmt: skip
        late_task = services.task_add(
            actor=pj.zuzhi, responsibility_list=rl, title="一肩挑述责述廉", lead_unit=t.township,
            deadline=date(2027, 3, 31), expected_evidence="述责述廉记录",
        )  # fmt: skip
    return rl, agency_task, slow_task, late_task


def test_missing_monthly_report_becomes_a_todo_on_a_travelled_clock(pj, year_list):
    rl, agency_task, slow_task, late_task = year_list
    with at(2027, 2, 3):
        _report(pj.agency, agency_task, date(2027, 1, 1))
    with at(2027, 2, 5):  # the due day itself: nothing is missing yet
        assert services.monthly_followup() == 0
    with at(2027, 2, 6):
        assert services.monthly_followup() == 2  # the township's two tasks, January
        assert services.monthly_followup() == 0  # once only
    todos = WorkItem.objects.filter(kind=services.MONTHLY_KIND)
    assert {w.assignee_unit for w in todos} == {pj.tree.township}
    assert all(w.status == "open" and "2027年01月" in w.title for w in todos)
    with at(2027, 2, 10):
        report = _report(pj.township, slow_task, date(2027, 1, 1))
    assert report.late
    chased = MissingReport.objects.get(task=slow_task).workitem
    chased.refresh_from_db()
    assert chased.status == "done"
    assert MissingReport.objects.get(task=late_task).workitem.status == "open"


def test_year_end_evaluation_scores_tasks_and_lead_units(pj, year_list, make_cadre):
    rl, agency_task, slow_task, late_task = year_list
    t = pj.tree
    for month in range(1, 6):  # January-May on time (by the 5th of the next month)
        with at(2027, month + 1, 3):
            _report(pj.agency, agency_task, date(2027, month, 1))
    with at(2027, 6, 20):
        _report(pj.agency, agency_task, date(2027, 6, 1), "done", _pdf("审计报告.pdf"))
    with at(2027, 2, 10):
        _report(pj.township, slow_task, date(2027, 1, 1))  # late, and nothing after
    with at(2027, 4, 3):
        _report(pj.township, late_task, date(2027, 3, 1))
    with at(2027, 4, 10):
        _report(pj.township, late_task, date(2027, 4, 1), "done", _pdf())
    with at(2027, 11, 30), pytest.raises(ValidationError):
        services.list_evaluate(actor=pj.zuzhi, responsibility_list=rl)  # not before December
    with at(2027, 12, 15):
        with pytest.raises(PermissionDenied):
            services.list_evaluate(actor=pj.outsider, responsibility_list=rl)
        units = services.list_evaluate(actor=pj.zuzhi, responsibility_list=rl)
        with pytest.raises(ValidationError):
            services.list_evaluate(actor=pj.zuzhi, responsibility_list=rl)
    scores = {e.task_id: e for e in TaskEvaluation.objects.all()}
    # 6/6 months on time (30) + on time (50) + evidence (20)
    assert scores[agency_task.pk].score == Decimal("100.0") and scores[agency_task.pk].months_due == 6
    # 0/9 on time, not done, no evidence
    assert scores[slow_task.pk].score == Decimal("0.0") and scores[slow_task.pk].months_due == 9
    # January-March due (the deadline's month at most): 1/3 on time (10) + late (50 - 20) + evidence (20)
    assert (
        scores[late_task.pk].score == Decimal("60.0")
        and scores[late_task.pk].months_due == 3
        and scores[late_task.pk].completed_late
    )
    by_unit = {u.unit_id: u for u in units}
    assert by_unit[t.dept_a3.pk].score == Decimal("100.0") and by_unit[t.dept_a3.pk].passed
    assert by_unit[t.township.pk].score == Decimal("30.0") and not by_unit[t.township.pk].passed
    rl.refresh_from_db()
    assert rl.status == "evaluated" and rl.rule_params["pass_score"] == "60"

    # Reverse accountability: a proposal records the evidence and counts against nobody ...
    head = make_cadre(t.township, "周镇长")
    with pytest.raises(ValidationError):
        services.accountability_propose(actor=pj.zuzhi, evaluation=by_unit[t.dept_a3.pk], reason="x")
    with at(2027, 12, 20):
        proposal = services.accountability_propose(
            actor=pj.zuzhi, evaluation=by_unit[t.township.pk], reason="两项任务落实不力", cadre=head
        )
    assert proposal.evidence["unit_score"] == "30.0" and len(proposal.evidence["tasks"]) == 2
    assert proposal.evidence["rule"] == rules.EVALUATION
    assert not ArchiveEntry.objects.filter(unit=t.township).exists()
    assert not ArchiveEntry.objects.filter(person=head).exists()
    with pytest.raises(ValidationError):  # a decision needs a named person
        services.accountability_decide(actor=pj.zuzhi, proposal=proposal, hold=True, decided_by=" ")
    # ... until a named person decides.
    with at(2027, 12, 22):
        decided = services.accountability_decide(actor=pj.zuzhi, proposal=proposal, hold=True,
                                                 decided_by="县委组织部部务会", note="予以问责")  # fmt: skip
    assert decided.status == "held" and decided.decided_by == "县委组织部部务会"
    assert decided.unit_entry.kind_id and decided.unit_entry.unit == t.township
    assert "30.0" in decided.unit_entry.summary and rules.EVALUATION in decided.unit_entry.summary
    assert decided.person_entry.person == head and decided.person_entry.colour == "yellow"
    assert decided.person_entry.decided_by == "县委组织部部务会"
    with pytest.raises(ValidationError):
        services.accountability_decide(
            actor=pj.zuzhi, proposal=proposal, hold=False, decided_by="某人", note="x"
        )


def test_dismissed_proposal_records_nothing(pj, year_list):
    rl, *_ = year_list
    with at(2027, 12, 15):
        units = services.list_evaluate(actor=pj.zuzhi, responsibility_list=rl)
    failed = next(u for u in units if not u.passed)
    p = services.accountability_propose(actor=pj.zuzhi, evaluation=failed, reason="未按期推进")
    with pytest.raises(ValidationError):  # dismissing needs the reasons
        services.accountability_decide(actor=pj.zuzhi, proposal=p, hold=False, decided_by="李部长")
    p = services.accountability_decide(actor=pj.zuzhi, proposal=p, hold=False, decided_by="李部长",
                                       note="客观原因导致，不予问责")  # fmt: skip
    assert p.status == "dismissed" and p.unit_entry is None and not ArchiveEntry.objects.exists()


def test_scheme_is_configurable_in_the_rule_registry(pj, year_list):
    from qinglian.rules.models import Rule
    from qinglian.rules.services import rule_param_set

    rl, *_ = year_list
    admin = pj.zuzhi  # org_supervision holds rules.manage
    rule_param_set(actor=admin, rule=Rule.objects.get(code=rules.EVALUATION), key="pass_score", value="0",
                   effective_from=date(2027, 1, 1), reason="测试：达标分调整")  # fmt: skip
    rule_param_set(actor=admin, rule=Rule.objects.get(code=rules.EVALUATION), key="report_points", value="100",
                   effective_from=date(2027, 1, 1), reason="测试：报送分调整")  # fmt: skip
    with at(2027, 12, 15):
        units = services.list_evaluate(actor=pj.zuzhi, responsibility_list=rl)
    assert all(u.passed for u in units)
    # No month was reported: the reporting part is 0 of 100, whatever else.
    assert set(TaskEvaluation.objects.values_list("score", flat=True)) == {Decimal("0.0")}
    rl.refresh_from_db()
    assert rl.rule_params["report_points"] == "100"


def test_only_the_lead_unit_reports_and_bad_files_leave_nothing(pj, year_list):
    rl, agency_task, slow_task, _ = year_list
    with at(2027, 2, 3):
        with pytest.raises(PermissionDenied):
            _report(pj.agency_b, agency_task, date(2027, 1, 1))
        with pytest.raises(PermissionDenied):
            _report(pj.agency, slow_task, date(2027, 1, 1))
        with pytest.raises(ValidationError) as exc:
            _report(pj.agency, agency_task, date(2027, 1, 1), files=[("a.pdf", b"MZ\x90\x00evil", "")])
        assert "files" in exc.value.message_dict
        with pytest.raises(ValidationError):  # done needs evidence
            _report(pj.agency, agency_task, date(2027, 1, 1), "done")
        with pytest.raises(ValidationError):  # not a future month
            _report(pj.agency, agency_task, date(2027, 3, 1))
        assert not ProgressReport.objects.exists()
        _report(pj.agency, agency_task, date(2027, 1, 1))
        with pytest.raises(ValidationError):  # once per month
            _report(pj.agency, agency_task, date(2027, 1, 1))
    # Scope: the agency sees its own task only; the township sees neither of the agency's.
    assert access_task(pj.agency, agency_task.pk) == agency_task
    services.task_add(actor=pj.zuzhi, responsibility_list=rl, title="配合任务", lead_unit=pj.tree.dept_a1,
                      partner_units=[pj.tree.dept_a3], deadline=date(2027, 6, 30), expected_evidence="报告")  # fmt: skip
    partnered = rl.tasks.get(title="配合任务")
    assert access_task(pj.agency, partnered.pk) == partnered  # a partner unit reads the task ...
    with at(2027, 2, 4), pytest.raises(PermissionDenied):
        _report(pj.agency, partnered, date(2027, 1, 1))  # ... but only the lead unit reports
    with pytest.raises(Http404):
        access_task(pj.agency_b, partnered.pk)
    for user, task in [(pj.agency, slow_task), (pj.agency_b, agency_task), (pj.township, agency_task),
                       (pj.outsider, agency_task)]:  # fmt: skip
        with pytest.raises(Http404):
            access_task(user, task.pk)
    assert list(selectors.my_tasks(viewer=pj.agency, year=2027)) == [agency_task]
    assert list(selectors.my_tasks(viewer=pj.agency_b, year=2027)) == []
    assert UnitEvaluation.objects.count() == 0
