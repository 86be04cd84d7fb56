"""Every write of the projects app: atomic, checked against the actor's capability and scope, audited.

Responsibility list (十廉清单): list_create → task_add → progress_report (monthly, by the lead unit,
with evidence files) → monthly_followup (a missing month becomes a to-do) → list_evaluate (year-end
score per task and per lead unit, by the registry's scheme) → accountability_propose /
accountability_decide (reverse accountability: nothing counts against a unit or a person until a
named person decides; only then does it reach the archive).

Special projects (专项监督): project_create (选题) → item_dispatch (派单: a to-do for the unit) →
item_report (the unit reports the item closed with evidence and figures) → item_verify (验单: pass,
or return with a reason and a new to-do) → project_close.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.core import workdays
from qinglian.front.filecheck import JPEG, PDF, PNG, check_files
from qinglian.projects import rules
from qinglian.projects.access import owns
from qinglian.projects.models import (
    AccountabilityProposal,
    DispatchItem,
    Evidence,
    ItemEvent,
    MissingReport,
    ProgressReport,
    Project,
    ResponsibilityList,
    ResponsibilityTask,
    TaskEvaluation,
    UnitEvaluation,
)
from qinglian.rules.registry import params
from qinglian.workitems.models import WorkItem
from qinglian.workitems.services import workitem_complete, workitem_create, workitems_complete_for_subject

MONTHLY_KIND = "projects.monthly_report"
ITEM_KIND = "projects.item"
MAX_FILES = 5


def _text(value, field: str, label: str, *, max_len: int, required: bool = True) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationError({field: f"{label}格式不正确"})
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"请填写{label}"})
    if len(value) > max_len:
        raise ValidationError({field: f"{label}不能超过{max_len}个字"})
    return value


def _require(actor, capability: str, unit, message: str = "该单位不在您的管理范围内") -> None:
    if actor is None:
        return  # the system (scheduled jobs, demo generator)
    if not has_capability(actor, capability) or not scope(actor, capability).contains(unit):
        raise PermissionDenied(message)


def month_start(d: date) -> date:
    return d.replace(day=1)


def next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _months(first: date, last: date) -> list[date]:
    out, m = [], month_start(first)
    while m <= last:
        out.append(m)
        m = next_month(m)
    return out


def _rule_values(code: str, as_of: date) -> dict:
    return {k: v.value for k, v in params(code, as_of=as_of).items()}


def _store_files(actor, files, *, report=None, item=None) -> int:
    """Check uploads by content and size (intake's checks), then store them. Returns the count."""
    files = list(files)
    if not files:
        return 0
    if len(files) > MAX_FILES:
        raise ValidationError({"files": f"每次最多上传{MAX_FILES}个佐证材料"})
    try:
        checked = check_files(files)
    except ValidationError as exc:
        raise ValidationError({"files": exc.messages}) from None
    now = timezone.now()
    ext = {JPEG: "jpg", PNG: "png", PDF: "pdf"}
    for f in checked:
        ev = Evidence(report=report, item=item, name=f.name[:120], content_type=f.content_type, size=len(f.data),
                      uploaded_by=actor, uploaded_at=now)  # fmt: skip
        owner = f"r{report.pk}" if report is not None else f"i{item.pk}"
        ev.file.save(f"{owner}.{ext.get(f.content_type, f.name.rsplit('.', 1)[-1].lower())}", ContentFile(f.data),
                     save=False)  # fmt: skip
        ev.save()
    return len(checked)


# --- responsibility list (十廉清单) -------------------------------------------------------------


@transaction.atomic
def list_create(*, actor, year: int, owner_unit, title: str = "", request=None) -> ResponsibilityList:
    _require(actor, "projects.manage", owner_unit)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": "年度无效"})
    if ResponsibilityList.objects.filter(owner_unit=owner_unit, year=year).exists():
        raise ValidationError({"year": f"{owner_unit.name}{year}年度的清单已存在"})
    title = (
        _text(title, "title", "名称", max_len=200, required=False) or f"{year}年度机关党员干部监督“十廉”清单"
    )
    rl = ResponsibilityList.objects.create(year=year, title=title, owner_unit=owner_unit, created_by=actor,
                                           created_at=timezone.now())  # fmt: skip
    audit_record(actor=actor, action="projects.list.create", obj=rl, unit_id=owner_unit.pk, request=request)
    return rl


@transaction.atomic
def task_add(*, actor, responsibility_list: ResponsibilityList, title: str, lead_unit, deadline: date,
             expected_evidence: str, content: str = "", partner_units=(), start_month: date | None = None,
             request=None) -> ResponsibilityTask:  # fmt: skip
    rl = responsibility_list
    _require(actor, "projects.manage", rl.owner_unit)
    if rl.status != ResponsibilityList.Status.ACTIVE:
        raise ValidationError({"title": "清单已年终评价，不能再增加任务"})
    errors = {}
    if lead_unit is None:
        errors["lead_unit"] = "请选择牵头单位"
    if not isinstance(deadline, date):
        errors["deadline"] = "请填写完成时限"
    elif deadline.year != rl.year:
        errors["deadline"] = f"完成时限须在{rl.year}年内"
    partner_units = [u for u in partner_units if lead_unit is None or u.pk != lead_unit.pk]
    if errors:
        raise ValidationError(errors)
    start = month_start(start_month or max(date(rl.year, 1, 1), timezone.localdate()))
    if start.year != rl.year or start > deadline:
        raise ValidationError({"start_month": "起始月份须在本年度内且不晚于完成时限"})
    number = (rl.tasks.aggregate(n=Max("number"))["n"] or 0) + 1
    task = ResponsibilityTask.objects.create(
        responsibility_list=rl, number=number, title=_text(title, "title", "任务", max_len=200),
        content=_text(content, "content", "任务内容", max_len=5000, required=False), lead_unit=lead_unit,
        start_month=start, deadline=deadline,
        expected_evidence=_text(expected_evidence, "expected_evidence", "应提供的佐证", max_len=500),
    )  # fmt: skip
    task.partner_units.set(partner_units)
    audit_record(actor=actor, action="projects.task.add", obj=task, unit_id=lead_unit.pk, request=request,
                 extra={"list": rl.pk, "partners": [u.pk for u in partner_units]})  # fmt: skip
    return task


def report_due_date(month: date) -> date:
    """The last day to report on `month` in time (the rule's due day of the next month)."""
    due_day = int(_rule_values(rules.MONTHLY, next_month(month))["due_day"])
    return next_month(month).replace(day=due_day)


@transaction.atomic
def progress_report(*, actor, task: ResponsibilityTask, month: date, state: str, note: str, files=(),
                    request=None) -> ProgressReport:  # fmt: skip
    """The lead unit's report on one month, with evidence files (checked by content and size)."""
    if actor is None or not owns(actor, task.lead_unit) or not has_capability(actor, "projects.report"):
        raise PermissionDenied("只有牵头单位可以报送该任务的进展")
    task = (
        ResponsibilityTask.objects.select_for_update().select_related("responsibility_list").get(pk=task.pk)
    )
    today = timezone.localdate()
    errors = {}
    if task.responsibility_list.status != ResponsibilityList.Status.ACTIVE:
        errors["month"] = "清单已年终评价，不再接收进展报告"
    if not isinstance(month, date):
        errors["month"] = "请选择月份"
    else:
        month = month_start(month)
        if month > month_start(today):
            errors["month"] = "不能报送未来月份的进展"
        elif month < task.start_month or month.year != task.responsibility_list.year:
            errors["month"] = "该月份不在任务跟进期内"
        elif task.reports.filter(month=month).exists():
            errors["month"] = f"{month:%Y年%m月}的进展已报送"
        elif task.completed_on and month > month_start(task.completed_on):
            errors["month"] = "该任务已报完成，无需继续报送"
    if state not in ProgressReport.State.values:
        errors["state"] = "请选择进展情况"
    try:
        note = _text(note, "note", "进展情况", max_len=5000)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    files = list(files)
    has_files = bool(files) or Evidence.objects.filter(report__task=task).exists()
    if state == ProgressReport.State.DONE and not has_files:
        errors["files"] = f"报完成须上传佐证材料（{task.expected_evidence}）"
    if errors:
        raise ValidationError(errors)
    report = ProgressReport.objects.create(task=task, month=month, state=state, note=note, reported_by=actor,
                                           reported_at=timezone.now(), late=today > report_due_date(month))  # fmt: skip
    n = _store_files(actor, files, report=report)
    if state == ProgressReport.State.DONE:
        task.completed_on = today
        task.save(update_fields=["completed_on"])
    # The report ends the to-do that chased this month (and, once done, every later one).
    chased = MissingReport.objects.filter(task=task)
    if state != ProgressReport.State.DONE:
        chased = chased.filter(month=month)
    for m in chased.select_related("workitem"):
        if m.workitem.status == WorkItem.Status.OPEN:
            workitem_complete(
                actor=actor, item=m.workitem, note=f"已报送{month:%Y年%m月}进展", request=request
            )
    audit_record(actor=actor, action="projects.progress.report", obj=task, unit_id=task.lead_unit_id, request=request,
                 extra={"month": month.isoformat(), "state": state, "files": n, "late": report.late})  # fmt: skip
    return report


def months_due(task: ResponsibilityTask, today: date) -> list[date]:
    """The months whose report was due by `today`: from the first month followed up to the deadline's
    month, not after the month the task was reported done, and only once the due day has passed."""
    last = month_start(min(task.deadline, date(task.responsibility_list.year, 12, 31)))
    if task.completed_on:
        last = min(last, month_start(task.completed_on))
    return [m for m in _months(task.start_month, last) if report_due_date(m) < today]


def monthly_followup(today: date | None = None) -> int:
    """Daily: every month a lead unit has not reported by the due day becomes a to-do for that unit
    (补报), once. The reports and the existing to-dos are read in two queries for all tasks."""
    today = today or timezone.localdate()
    catch_up = int(_rule_values(rules.MONTHLY, today)["catch_up_working_days"])
    tasks = list(
        ResponsibilityTask.objects.filter(
            responsibility_list__status=ResponsibilityList.Status.ACTIVE,
            responsibility_list__year__gte=today.year - 1,
            start_month__lte=today,
        ).select_related("responsibility_list", "responsibility_list__owner_unit", "lead_unit")
    )
    reported = set(ProgressReport.objects.filter(task__in=tasks).values_list("task_id", "month"))
    chased = set(MissingReport.objects.filter(task__in=tasks).values_list("task_id", "month"))
    created = 0
    for task in tasks:
        for m in months_due(task, today):
            if (task.pk, m) in reported or (task.pk, m) in chased:
                continue
            with transaction.atomic():
                item = workitem_create(
                    actor=None, subject=task, kind=MONTHLY_KIND, assignee_unit=task.lead_unit,
                    title=f"补报“十廉”清单任务进展：{task.title}（{m:%Y年%m月}）"[:200], start=today,
                    due_working_days=catch_up, escalate_to=task.responsibility_list.owner_unit,
                )  # fmt: skip
                MissingReport.objects.create(task=task, month=m, workitem=item, created_at=timezone.now())
            created += 1
    return created


def _task_score(task: ResponsibilityTask, p: dict, as_of: date, reports: list[ProgressReport],
                evidence: bool) -> TaskEvaluation:  # fmt: skip
    due = months_due(task, as_of)
    on_time = {r.month for r in reports if not r.late}
    n_due, n_ok = len(due), len([m for m in due if m in on_time])
    report_points = Decimal(p["report_points"]) * (Decimal(n_ok) / n_due if n_due else Decimal(1))
    done = task.completed_on is not None
    late = done and task.completed_on > task.deadline
    if done and not late:
        completion = Decimal(p["completion_points"])
    elif late:
        completion = max(Decimal(0), Decimal(p["completion_points"]) - Decimal(p["late_penalty"]))
    else:
        completion = Decimal(0)
    ev_points = Decimal(p["evidence_points"]) if evidence else Decimal(0)
    score = min(Decimal(100), report_points + completion + ev_points).quantize(Decimal("0.1"))
    parts = [
        f"报送分{report_points.quantize(Decimal('0.1'))}（按时报送{n_ok}/{n_due}个月）",
        "完成分{}（{}）".format(
            completion, "按期完成" if done and not late else "逾期完成" if late else "未完成"
        ),
        f"佐证分{ev_points}（{'有' if evidence else '无'}佐证材料）",
    ]
    return TaskEvaluation(task=task, months_due=n_due, months_reported=n_ok, completed=done and not late,
                          completed_late=late, has_evidence=evidence, score=score, explanation="；".join(parts))  # fmt: skip


@transaction.atomic
def list_evaluate(*, actor, responsibility_list: ResponsibilityList, as_of: date | None = None,
                  request=None) -> list[UnitEvaluation]:  # fmt: skip
    """Year-end evaluation: a score per task and per lead unit, by the registry's scheme as it stands
    on the evaluation day (the values are kept with the list so the result can be re-explained)."""
    rl = ResponsibilityList.objects.select_for_update().get(pk=responsibility_list.pk)
    _require(actor, "projects.manage", rl.owner_unit)
    if rl.status == ResponsibilityList.Status.EVALUATED:
        raise ValidationError({"status": "该清单已完成年终评价"})
    as_of = as_of or timezone.localdate()
    if as_of < date(rl.year, 12, 1):
        raise ValidationError({"status": f"年终评价自{rl.year}年12月起进行"})
    tasks = list(rl.tasks.select_related("responsibility_list", "lead_unit").order_by("number"))
    if not tasks:
        raise ValidationError({"status": "清单还没有任务"})
    p = _rule_values(rules.EVALUATION, as_of)
    by_task: dict[int, list[ProgressReport]] = {}
    for r in ProgressReport.objects.filter(task__in=tasks):
        by_task.setdefault(r.task_id, []).append(r)
    with_evidence = set(
        Evidence.objects.filter(report__task__in=tasks).values_list("report__task_id", flat=True)
    )
    evals = [_task_score(t, p, as_of, by_task.get(t.pk, []), t.pk in with_evidence) for t in tasks]
    TaskEvaluation.objects.bulk_create(evals)
    per_unit: dict[int, list[Decimal]] = {}
    for e in evals:
        per_unit.setdefault(e.task.lead_unit_id, []).append(e.score)
    units = [
        UnitEvaluation(responsibility_list=rl, unit_id=uid, n_tasks=len(scores),
                       score=(sum(scores) / len(scores)).quantize(Decimal("0.1")),
                       passed=sum(scores) / len(scores) >= Decimal(p["pass_score"]))
        for uid, scores in per_unit.items()
    ]  # fmt: skip
    UnitEvaluation.objects.bulk_create(units)
    rl.status, rl.evaluated_by, rl.evaluated_at = ResponsibilityList.Status.EVALUATED, actor, timezone.now()
    rl.rule_params = {k: str(v) for k, v in p.items()} | {"as_of": as_of.isoformat()}
    rl.save(update_fields=["status", "evaluated_by", "evaluated_at", "rule_params"])
    # Open chase-up to-dos of the year end with the evaluation.
    for m in MissingReport.objects.filter(
        task__in=tasks, workitem__status=WorkItem.Status.OPEN
    ).select_related("workitem"):
        workitem_complete(actor=actor, item=m.workitem, note="清单已年终评价", request=request)
    audit_record(actor=actor, action="projects.list.evaluate", obj=rl, unit_id=rl.owner_unit_id, request=request,
                 extra={"units": {str(u.unit_id): str(u.score) for u in units}, "rule": rl.rule_params})  # fmt: skip
    return units


def _evaluation_evidence(ev: UnitEvaluation) -> dict:
    rl = ev.responsibility_list
    tasks = (
        TaskEvaluation.objects.filter(task__responsibility_list=rl, task__lead_unit=ev.unit)
        .select_related("task")
        .order_by("task__number")
    )
    return {
        "list": rl.title, "year": rl.year, "unit": ev.unit.name, "unit_score": str(ev.score),
        "pass_score": rl.rule_params.get("pass_score"), "rule": rules.EVALUATION, "rule_params": rl.rule_params,
        "tasks": [{"number": t.task.number, "title": t.task.title, "deadline": t.task.deadline.isoformat(),
                   "score": str(t.score), "explanation": t.explanation} for t in tasks],
    }  # fmt: skip


@transaction.atomic
def accountability_propose(*, actor, evaluation: UnitEvaluation, reason: str, cadre=None,
                           request=None) -> AccountabilityProposal:  # fmt: skip
    """Propose reverse accountability for a lead unit that failed, with the evaluation as evidence.
    A proposal counts against nobody: it is a request for a named person's decision."""
    ev = UnitEvaluation.objects.select_related(
        "responsibility_list", "responsibility_list__owner_unit", "unit"
    ).get(pk=evaluation.pk)
    _require(actor, "projects.manage", ev.responsibility_list.owner_unit)
    if ev.passed:
        raise ValidationError({"evaluation": f"{ev.unit.name}年终评价达标，不能提出倒查问责"})
    if ev.proposals.filter(status=AccountabilityProposal.Status.PROPOSED).exists():
        raise ValidationError({"evaluation": "已有待决定的问责建议"})
    if cadre is not None and not cadre.unit.path.startswith(ev.unit.path):
        raise ValidationError({"cadre": f"责任人须为{ev.unit.name}的干部"})
    proposal = AccountabilityProposal.objects.create(
        evaluation=ev, cadre=cadre, reason=_text(reason, "reason", "问责理由", max_len=2000),
        evidence=_evaluation_evidence(ev), proposed_by=actor, proposed_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="projects.accountability.propose", obj=proposal, unit_id=ev.unit_id,
                 person_id=cadre.pk if cadre else None, request=request)  # fmt: skip
    return proposal


@transaction.atomic
def accountability_decide(*, actor, proposal: AccountabilityProposal, hold: bool, decided_by: str, note: str = "",
                          period_months: int | None = None, request=None) -> AccountabilityProposal:  # fmt: skip
    """The named person's decision. Held: the unit's file gets the responsibility-performance entry
    (naming the evaluation and the rule) and, if a person was named, the person's file gets
    `accountability` (问责) through the archive's own checks. Dismissed: nothing is recorded."""
    p = AccountabilityProposal.objects.select_for_update().get(pk=proposal.pk)
    ev = UnitEvaluation.objects.select_related(
        "responsibility_list", "responsibility_list__owner_unit", "unit"
    ).get(pk=p.evaluation_id)
    _require(actor, "projects.manage", ev.responsibility_list.owner_unit)
    if p.status != AccountabilityProposal.Status.PROPOSED:
        raise ValidationError({"status": "该建议已作出决定"})
    decided_by = _text(decided_by, "decided_by", "决定人", max_len=100)
    note = _text(note, "note", "决定意见", max_len=2000, required=not hold)
    today = timezone.localdate()
    rl = ev.responsibility_list
    if hold:
        from qinglian.archive.services import entry_record

        basis = (f"{rl.title}年终评价{ev.score}分（达标分{rl.rule_params.get('pass_score')}分，"
                 f"依据“{rules.EVALUATION}”计分办法），经{decided_by}决定予以倒查问责")  # fmt: skip
        p.unit_entry = entry_record(
            actor=actor, kind="unit.card_performance", unit=ev.unit, occurred_on=today, summary=basis,
            decided_by=decided_by, source_app="projects", source_type="accountability", source_id=str(p.pk),
            request=request,
        )  # fmt: skip
        if p.cadre_id:
            p.person_entry = entry_record(
                actor=actor, kind="accountability", person=p.cadre, occurred_on=today, summary=f"{basis}：{p.reason}"[
                    :2000], decided_by=decided_by, period_months=period_months, source_app="projects",
                source_type="accountability", source_id=str(p.pk), request=request,
            )  # fmt: skip
    p.status = AccountabilityProposal.Status.HELD if hold else AccountabilityProposal.Status.DISMISSED
    p.decided_by, p.decided_by_user, p.decided_at, p.decision_note = decided_by, actor, timezone.now(), note
    p.save()
    audit_record(actor=actor, action="projects.accountability.decide", obj=p, unit_id=ev.unit_id,
                 person_id=p.cadre_id, request=request, extra={"hold": hold, "decided_by": decided_by})  # fmt: skip
    return p


# --- special supervision projects (专项监督) ----------------------------------------------------


@transaction.atomic
def project_create(*, actor, kind: str, field: str, title: str, scope_text: str, targets: str, period_start: date,
                   period_end: date, owner_unit, request=None) -> Project:  # fmt: skip
    """选题: topic, field, scope, targets and period."""
    _require(actor, "projects.manage", owner_unit)
    errors = {}
    if kind not in Project.Kind.values:
        errors["kind"] = "请选择项目类型"
    if not isinstance(period_start, date) or not isinstance(period_end, date):
        errors["period_end"] = "请填写实施期"
    elif period_end < period_start:
        errors["period_end"] = "实施期止不能早于实施期起"
    values = {}
    for name, label, max_len in [("field", "监督领域", 60), ("title", "选题", 200), ("scope_text", "监督范围", 2000),
                                 ("targets", "监督对象", 2000)]:  # fmt: skip
        try:
            values[name] = _text(locals()[name], name, label, max_len=max_len)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    project = Project.objects.create(kind=kind, period_start=period_start, period_end=period_end,
                                     owner_unit=owner_unit, created_by=actor, created_at=timezone.now(), **values)  # fmt: skip
    audit_record(actor=actor, action="projects.project.create", obj=project, unit_id=owner_unit.pk, request=request,
                 extra={"kind": kind})  # fmt: skip
    return project


def _event(item, action, actor, note=""):
    ItemEvent.objects.create(item=item, action=action, actor=actor, at=timezone.now(), note=note)


def _item_todo(item: DispatchItem, actor, title: str, due: date):
    return workitem_create(actor=actor, subject=item, kind=ITEM_KIND, title=title[:200], assignee_unit=item.unit,
                           due_date=due, escalate_to=item.project.owner_unit)  # fmt: skip


@transaction.atomic
def item_dispatch(*, actor, project: Project, unit, matter: str, deadline: date, team: str = "",
                  request=None) -> DispatchItem:  # fmt: skip
    """派单: an item for a unit (and a team) with a deadline; it becomes the unit's to-do."""
    project = Project.objects.select_for_update().select_related("owner_unit").get(pk=project.pk)
    _require(actor, "projects.manage", project.owner_unit)
    errors = {}
    if project.status == Project.Status.CLOSED:
        errors["matter"] = "项目已验单完成，不能再派单"
    if unit is None:
        errors["unit"] = "请选择承办单位"
    elif actor is not None and not scope(actor, "projects.manage").contains(unit):
        errors["unit"] = f"“{unit.name}”不在您的派单范围内"
    if not isinstance(deadline, date):
        errors["deadline"] = "请填写办理期限"
    elif deadline < timezone.localdate():
        errors["deadline"] = "办理期限不能早于今天"
    try:
        matter = _text(matter, "matter", "派单事项", max_len=2000)
        team = _text(team, "team", "协同力量", max_len=100, required=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    number = (project.items.aggregate(n=Max("number"))["n"] or 0) + 1
    item = DispatchItem.objects.create(project=project, number=number, unit=unit, team=team, matter=matter,
                                       deadline=deadline, dispatched_by=actor, dispatched_at=timezone.now())  # fmt: skip
    item.workitem = _item_todo(item, actor, f"专项监督派单：{project.title}（第{number}单）", deadline)
    item.save(update_fields=["workitem"])
    if project.status == Project.Status.TOPIC:
        project.status = Project.Status.DISPATCHED
        project.save(update_fields=["status"])
    _event(item, DispatchItem.Status.DISPATCHED, actor, matter)
    audit_record(actor=actor, action="projects.item.dispatch", obj=item, unit_id=unit.pk, request=request,
                 extra={"project": project.pk, "deadline": deadline.isoformat()})  # fmt: skip
    return item


def _count(value, field: str, label: str, errors: dict) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        errors[field] = f"{label}须为整数"
        return 0
    if n < 0 or n > 1_000_000:
        errors[field] = f"{label}须在0至1000000之间"
    return n


@transaction.atomic
def item_report(*, actor, item: DispatchItem, result: str, problems_found, problems_rectified, money_recovered,
                people_handled, files=(), request=None) -> DispatchItem:  # fmt: skip
    """The unit reports the item closed (报结), with evidence files and its figures."""
    if actor is None or not has_capability(actor, "projects.report") or not owns(actor, item.unit):
        raise PermissionDenied("只有承办单位可以报结该事项")
    item = DispatchItem.objects.select_for_update().select_related("project").get(pk=item.pk)
    errors = {}
    if item.status not in (DispatchItem.Status.DISPATCHED, DispatchItem.Status.RETURNED):
        errors["result"] = f"该事项{item.get_status_display()}，不能报结"
    try:
        result = _text(result, "result", "办理情况", max_len=5000)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    found = _count(problems_found, "problems_found", "发现问题数", errors)
    rectified = _count(problems_rectified, "problems_rectified", "整改问题数", errors)
    handled = _count(people_handled, "people_handled", "处理人数", errors)
    if "problems_found" not in errors and "problems_rectified" not in errors and rectified > found:
        errors["problems_rectified"] = "整改问题数不能多于发现问题数"
    try:
        money = Decimal(str(money_recovered if money_recovered not in (None, "") else 0))
        if not money.is_finite() or money < 0 or money >= Decimal("1e12"):
            raise InvalidOperation
        money = money.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["money_recovered"] = "挽回资金须为不小于0的金额（元）"
        money = Decimal(0)
    files = list(files)
    if not files and not item.files.exists():
        errors["files"] = "报结须上传佐证材料"
    if errors:
        raise ValidationError(errors)
    n = _store_files(actor, files, item=item)
    item.result, item.problems_found, item.problems_rectified = result, found, rectified
    item.money_recovered, item.people_handled = money, handled
    item.status, item.reported_by, item.reported_at = DispatchItem.Status.REPORTED, actor, timezone.now()
    item.save()
    workitems_complete_for_subject(
        actor=actor, subject=item, kind=ITEM_KIND, note="已报结，待验单", request=request
    )
    _event(item, DispatchItem.Status.REPORTED, actor, result)
    audit_record(actor=actor, action="projects.item.report", obj=item, unit_id=item.unit_id, request=request,
                 extra={"files": n, "found": found, "rectified": rectified, "money": str(money), "people": handled})  # fmt: skip
    return item


@transaction.atomic
def item_verify(*, actor, item: DispatchItem, passed: bool, reason: str = "", request=None) -> DispatchItem:
    """验单: pass, or return with a reason (the unit gets a new to-do to redo and report again)."""
    item = (
        DispatchItem.objects.select_for_update()
        .select_related("project", "project__owner_unit", "unit")
        .get(pk=item.pk)
    )
    _require(actor, "projects.verify", item.project.owner_unit, "您无权验收该项目的派单")
    if item.status != DispatchItem.Status.REPORTED:
        raise ValidationError({"reason": f"该事项{item.get_status_display()}，不在待验单状态"})
    reason = _text(
        reason, "reason", "退回理由" if not passed else "验单意见", max_len=2000, required=not passed
    )
    now = timezone.now()
    if passed:
        item.status, item.verified_by, item.verified_at = DispatchItem.Status.VERIFIED, actor, now
        item.return_reason = ""
    else:
        item.status, item.return_reason = DispatchItem.Status.RETURNED, reason
        item.times_returned += 1
        due = max(item.deadline, workdays.add_working_days(timezone.localdate(), 5).date)
        item.workitem = _item_todo(
            item, actor, f"专项监督验单退回：{item.project.title}（第{item.number}单）", due
        )
    item.save()
    _event(item, DispatchItem.Status.VERIFIED if passed else DispatchItem.Status.RETURNED, actor, reason)
    audit_record(actor=actor, action="projects.item.verify" if passed else "projects.item.return", obj=item,
                 unit_id=item.unit_id, reason=reason, request=request)  # fmt: skip
    return item


@transaction.atomic
def project_close(*, actor, project: Project, request=None) -> Project:
    project = Project.objects.select_for_update().select_related("owner_unit").get(pk=project.pk)
    _require(actor, "projects.manage", project.owner_unit)
    if project.status == Project.Status.CLOSED:
        raise ValidationError({"status": "项目已验单完成"})
    if not project.items.exists():
        raise ValidationError({"status": "项目还没有派单"})
    open_n = project.items.exclude(status=DispatchItem.Status.VERIFIED).count()
    if open_n:
        raise ValidationError({"status": f"还有{open_n}项派单未通过验单"})
    project.status, project.closed_at = Project.Status.CLOSED, timezone.now()
    project.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="projects.project.close", obj=project, unit_id=project.owner_unit_id,
                 request=request)  # fmt: skip
    return project


def can_manage(user, unit) -> bool:
    return has_capability(user, "projects.manage") and scope(user, "projects.manage").contains(unit)


def can_verify(user, unit) -> bool:
    return has_capability(user, "projects.verify") and scope(user, "projects.verify").contains(unit)
