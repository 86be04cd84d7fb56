"""Plans of supervision groups: measures generate to-dos per member or unit, completion needs evidence.

`plan_generate` runs daily (and can be run for any day: tests travel the clock). For each active
measure it works out the period (this month, quarter or year, or "newly entered" for measures taken
on entering the group), then, set-based:

1. the batches — one per responsible unit and period — that do not exist yet (a few hundred rows);
2. the tasks — one per member (or per member unit) — with one INSERT … SELECT;
3. one to-do (workitems) per new batch, assigned to the responsible unit, due at the period's end.

A task is done only with evidence (a note and/or a file); when every task of a batch is done, its
to-do is completed. Overdue to-dos escalate through workitems like any other.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from qinglian.accounts.scopes import scope
from qinglian.audit.services import audit_record
from qinglian.groups.models import Frequency, Measure, MeasureBatch, MeasureTask, Membership, Stage
from qinglian.workitems.services import workitem_complete, workitem_create

STAGE_STATUSES = {
    Stage.PRE: ("serving",),
    Stage.IN_OFFICE: ("serving",),
    Stage.AFTER: ("left", "transferred"),
    Stage.RETIRED: ("retired",),
}


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date


def period_for(frequency: str, today: date) -> Period:
    if frequency == Frequency.MONTHLY:
        last = calendar.monthrange(today.year, today.month)[1]
        return Period(f"{today:%Y-%m}", today.replace(day=1), today.replace(day=last))
    if frequency == Frequency.QUARTERLY:
        q = (today.month - 1) // 3
        start = date(today.year, 3 * q + 1, 1)
        end_month = 3 * q + 3
        return Period(
            f"{today.year}Q{q + 1}",
            start,
            date(today.year, end_month, calendar.monthrange(today.year, end_month)[1]),
        )
    if frequency == Frequency.YEARLY:
        return Period(f"{today.year}", date(today.year, 1, 1), date(today.year, 12, 31))
    return Period(f"E{today:%Y-%m-%d}", today, today)  # on entry: today's entrants


def _responsible_sql(measure: Measure) -> tuple[str, list]:
    if measure.responsible == Measure.Responsible.FIXED and measure.responsible_unit_id:
        return "%s", [measure.responsible_unit_id]
    if measure.responsible == Measure.Responsible.SUPERVISOR:
        return "COALESCE(u.supervisor_id, c.unit_id)", []
    return "c.unit_id", []


_FROM = (
    f"FROM {Membership._meta.db_table} mm JOIN people_cadre c ON c.id = mm.cadre_id"
    " JOIN people_unit u ON u.id = c.unit_id"
)
_STAY_KEY = "'M' || CAST(mm.id AS VARCHAR(12))"  # an on-entry task belongs to one stay in the group


def _conditions(measure: Measure) -> tuple[str, list]:
    """WHERE of the members a measure reaches now (aliases: mm membership, c cadre, u unit)."""
    statuses = STAGE_STATUSES[measure.stage]
    sql = f"mm.group_id = %s AND mm.until IS NULL AND c.status IN ({', '.join(['%s'] * len(statuses))})"
    params = [measure.group_id, *statuses]
    if measure.frequency == Frequency.ON_ENTRY:
        # Only stays that began after the measure existed and after the group's first computation
        # (its initial members did not "enter" it), and that have not had it yet.
        sql += (
            f" AND mm.since >= %s AND mm.since > (SELECT MIN(f.since) FROM {Membership._meta.db_table} f"  # noqa: S608
            " WHERE f.group_id = mm.group_id)"
            " AND NOT EXISTS (SELECT 1 FROM groups_measuretask t"
            f" WHERE t.measure_id = %s AND t.cadre_id = c.id AND t.period = {_STAY_KEY})"
        )
        params += [connection.ops.adapt_datetimefield_value(measure.created_at), measure.pk]
    return sql, params


@transaction.atomic
def _generate_measure(measure: Measure, today: date) -> tuple[int, int]:
    period = period_for(measure.frequency, today)
    on_entry = measure.frequency == Frequency.ON_ENTRY
    due = today + timedelta(days=measure.due_days) if on_entry else period.end
    responsible, rparams = _responsible_sql(measure)
    cond, cparams = _conditions(measure)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT {responsible} {_FROM} WHERE {cond}", [*rparams, *cparams])  # noqa: S608
        units = [row[0] for row in cursor.fetchall() if row[0]]
    existing = set(
        MeasureBatch.objects.filter(measure=measure, period=period.key).values_list("unit_id", flat=True)
    )
    new_batches = [
        MeasureBatch(measure=measure, unit_id=u, period=period.key, due_date=due, created_at=now)
        for u in units
        if u not in existing
    ]
    MeasureBatch.objects.bulk_create(new_batches)
    table = MeasureTask._meta.db_table
    columns = (
        "batch_id, measure_id, cadre_id, unit_id, period, due_date, status, evidence_note, evidence_file"
    )
    batch_join = (
        f"JOIN groups_measurebatch b ON b.measure_id = %s AND b.period = %s AND b.unit_id = {responsible}"
    )
    join_params = [measure.pk, period.key, *rparams]
    due_value = connection.ops.adapt_datefield_value(due)
    if measure.target == Measure.Target.MEMBER:
        task_period, pparams = (_STAY_KEY, []) if on_entry else ("%s", [period.key])
        sql = (
            f"INSERT INTO {table} ({columns}) SELECT b.id, %s, c.id, c.unit_id, {task_period}, %s, 'open', '', ''"  # noqa: S608 (table and column names are ours)
            f" {_FROM} {batch_join} WHERE {cond}"
        )
        params = [measure.pk, *pparams, due_value, *join_params, *cparams]
        if not on_entry:
            sql += f" AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.measure_id = %s AND t.cadre_id = c.id AND t.period = %s)"  # noqa: S608 (table and column names are ours)
            params += [measure.pk, period.key]
    else:
        sql = (
            f"INSERT INTO {table} ({columns}) SELECT DISTINCT b.id, %s, CAST(NULL AS BIGINT), c.unit_id, %s, %s, 'open', '', ''"  # noqa: S608 (table and column names are ours)
            f" {_FROM} {batch_join} WHERE {cond} AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.measure_id = %s"
            " AND t.cadre_id IS NULL AND t.unit_id = c.unit_id AND t.period = %s)"
        )
        params = [measure.pk, period.key, due_value, *join_params, *cparams, measure.pk, period.key]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        tasks = cursor.rowcount
    for batch in MeasureBatch.objects.filter(pk__in=[b.pk for b in new_batches]).select_related("unit"):
        count = batch.tasks.count()
        if not count:
            batch.delete()
            continue
        item = workitem_create(
            actor=None, subject=batch, kind="groups.measure", assignee_unit=batch.unit, due_date=batch.due_date,
            start=min(today, batch.due_date), title=f"{measure.group.name}·{measure.name}（{_period_label(period)}，{count}项）",
        )  # fmt: skip
        MeasureBatch.objects.filter(pk=batch.pk).update(workitem=item)
    return len(new_batches), tasks


def _period_label(period: Period) -> str:
    if period.key.startswith("E"):
        return f"{period.start:%Y年%m月%d日}新进入"
    if "Q" in period.key:
        return period.key.replace("Q", "年第") + "季度"
    if "-" in period.key:
        return f"{period.start:%Y年%m月}"
    return f"{period.key}年"


def plan_generate(today: date | None = None) -> dict:
    """Generate the to-dos of every active measure for `today` (idempotent: run it as often as you like)."""
    today = today or timezone.localdate()
    result = {}
    for measure in Measure.objects.filter(active=True, group__active=True).select_related("group"):
        batches, tasks = _generate_measure(measure, today)
        result[measure.pk] = {"batches": batches, "tasks": tasks}
    audit_record(
        actor=None, action="groups.plan_generate", extra={"day": today.isoformat(), "measures": result}
    )
    return result


@transaction.atomic
def tasks_complete(
    *, actor, tasks: list[MeasureTask], done_on: date, note: str = "", file=None, request=None
) -> int:
    """Record that the measure reached these members (or units), with evidence. Completes the
    batch's to-do when nothing of it is left open."""
    note = (note or "").strip()
    if not tasks:
        raise ValidationError({"tasks": "请选择已落实的人员"})
    if not note and not file:
        raise ValidationError({"note": "须提供佐证：填写落实情况说明或上传佐证材料"})
    if len(note) > 500:
        raise ValidationError({"note": "说明不超过500字"})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "落实日期不能晚于今天"})
    record_scope = scope(actor, "groups.record")
    for t in tasks:
        if not record_scope.contains(t.unit):
            raise PermissionDenied("所选人员不在您的管理范围内")
        if t.status == MeasureTask.Status.DONE:
            raise ValidationError({"tasks": "所选人员中有已落实的，请刷新后重试"})
    stored = None
    for t in tasks:
        t.status, t.done_on, t.done_by, t.evidence_note = MeasureTask.Status.DONE, done_on, actor, note
        if file and stored is None:
            t.evidence_file.save(file.name, file, save=False)
            stored = t.evidence_file.name
        elif stored:
            t.evidence_file.name = stored
        t.save(update_fields=["status", "done_on", "done_by", "evidence_note", "evidence_file"])
    batch_ids = {t.batch_id for t in tasks}
    for batch in MeasureBatch.objects.filter(pk__in=batch_ids).select_related("workitem"):
        if not batch.tasks.filter(status=MeasureTask.Status.OPEN).exists():
            MeasureBatch.objects.filter(pk=batch.pk).update(completed_at=timezone.now())
            if batch.workitem and batch.workitem.status == batch.workitem.Status.OPEN:
                workitem_complete(actor=actor, item=batch.workitem, note="措施已全部落实", request=request)
    audit_record(actor=actor, action="groups.tasks_complete", request=request,
                 extra={"tasks": [t.pk for t in tasks], "done_on": done_on.isoformat(), "file": bool(file)})  # fmt: skip
    return len(tasks)
