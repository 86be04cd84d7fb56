"""Writes on work items: create, complete, cancel, reassign, recompute deadlines, and the scan.

Other apps create and close their to-dos through these functions and decide themselves who may
trigger them (the pages of this app check it with `access.can_complete` / `access.can_cancel`).

Reminders: an item with `remind_days=(3, 1)` gets a reminder when 3, then 1, days are left before
its due date: working days (due date included, today excluded, `core.workdays.working_days_between`)
for a deadline in working days, calendar days otherwise. A scan that runs late sends only the
closest reminder. The day after the due date an open item is overdue: it is marked escalated
once, its assignees get an "overdue" notice and the members of the escalation unit (督办单位) an
"escalation" notice. Closed items get nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from qinglian.audit.services import audit_record
from qinglian.core import workdays
from qinglian.workitems.models import Notification, WorkItem
from qinglian.workitems.notify import notify
from qinglian.workitems.selectors import unit_members

MAX_DUE_DAYS = 3650
MAX_REMIND_DAYS = 30
_KIND = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_UNCHANGED = object()


@dataclass(frozen=True)
class ScanResult:
    reminders: int  # reminder notifications written
    escalated: int  # items newly marked overdue and escalated
    notifications: int  # all notifications written
    recomputed: int  # provisional deadlines recomputed because their years became known


# --- helpers ------------------------------------------------------------------------------------


def _local_date(value) -> date:
    return timezone.localdate(value) if isinstance(value, datetime) else value


def _deadline(start: date, mode: str, days: int | None, fixed: date | None) -> workdays.Deadline:
    if mode == WorkItem.DueMode.WORKING_DAYS:
        return workdays.add_working_days(start, days)
    if mode == WorkItem.DueMode.CALENDAR_DAYS:
        return workdays.add_calendar_days(start, days)
    return workdays.Deadline(fixed, False, f"指定期限{fixed:%Y-%m-%d}")


def _remind_from(due: date, mode: str, remind_days: list[int]) -> date | None:
    """The earliest day on which `days_left(today) <= max(remind_days)`."""
    if not remind_days:
        return None
    n = max(remind_days)
    if mode != WorkItem.DueMode.WORKING_DAYS:
        return due - timedelta(days=n)
    if n == 0:
        return due
    d, counted = due, 0
    while True:  # the n-th working day counting back from the due date (included) ...
        if workdays.is_working_day(d):
            counted += 1
            if counted == n:
                break
        d -= timedelta(days=1)
    d -= timedelta(days=1)  # ... then the working day before it (days off in between still leave n)
    while not workdays.is_working_day(d):
        d -= timedelta(days=1)
    return d


def _days_left(item: WorkItem, today: date) -> int:
    if item.due_mode == WorkItem.DueMode.WORKING_DAYS:
        return workdays.working_days_between(today, item.due_date)
    return (item.due_date - today).days


def _unit_label(item: WorkItem) -> str:
    return "个工作日" if item.due_mode == WorkItem.DueMode.WORKING_DAYS else "天"


def _clean_remind_days(remind_days) -> list[int]:
    try:
        values = sorted({int(v) for v in remind_days or ()}, reverse=True)
    except (TypeError, ValueError):
        raise ValidationError({"remind_days": "提醒天数须为整数"}) from None
    if any(v < 0 or v > MAX_REMIND_DAYS for v in values):
        raise ValidationError({"remind_days": f"提醒天数须在0至{MAX_REMIND_DAYS}之间"})
    return values


def _recipients(item: WorkItem, members: dict[int, set[int]]) -> set[int]:
    if item.assignee_user_id:
        return {item.assignee_user_id}
    return set(members.get(item.assignee_unit_id, ()))


def _notification(item, user_id, kind, message, now, days_before=0) -> Notification:
    return Notification(
        item=item, user_id=user_id, kind=kind, days_before=days_before, message=message[:300], created_at=now
    )


def _set_due(item: WorkItem, deadline: workdays.Deadline) -> None:
    item.due_date = deadline.date
    item.due_provisional = deadline.provisional
    item.due_basis = deadline.basis_note[:255]
    item.remind_from = _remind_from(item.due_date, item.due_mode, item.remind_days)


def _locked(item: WorkItem) -> WorkItem:
    return WorkItem.objects.select_for_update().get(pk=item.pk)


def _require_open(item: WorkItem) -> None:
    if item.status != WorkItem.Status.OPEN:
        raise ValidationError({"status": f"该待办{item.get_status_display()}，不能再办理"})


# --- services -----------------------------------------------------------------------------------


@transaction.atomic
def workitem_create(
    *,
    actor,
    subject: models.Model,
    kind: str,
    title: str,
    assignee_user=None,
    assignee_unit=None,
    start: date | None = None,
    due_working_days: int | None = None,
    due_calendar_days: int | None = None,
    due_date: date | None = None,
    remind_days=(3, 1),
    escalate_to=None,
    request=None,
) -> WorkItem:
    """Open a to-do about `subject`. Exactly one of the three due arguments; `start` defaults to
    today; `escalate_to` defaults to the supervising body (监督主体) of the assignee unit, or of
    the assignee user's unit."""
    if not isinstance(subject, models.Model) or subject.pk is None:
        raise ValidationError({"subject": "待办事项必须关联一个已保存的业务对象"})
    if not isinstance(kind, str) or len(kind) > 64 or not _KIND.match(kind):
        raise ValidationError({"kind": "待办类型代码无效（如 intake.acknowledge）"})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写事项名称"})
    if len(title) > 200:
        raise ValidationError({"title": "事项名称过长（不超过200个字）"})
    if assignee_user is None and assignee_unit is None:
        raise ValidationError({"assignee_user": "请指定承办人或承办单位"})
    given = [v is not None for v in (due_working_days, due_calendar_days, due_date)]
    if sum(given) != 1:
        raise ValidationError({"due_date": "请指定办理期限：工作日天数、自然日天数或具体日期，三者选一"})
    start = _local_date(start) if start is not None else timezone.localdate()
    if due_date is not None:
        mode, days, fixed = WorkItem.DueMode.FIXED, None, _local_date(due_date)
        if fixed < start:
            raise ValidationError({"due_date": "办理期限不能早于起算日期"})
    else:
        mode = WorkItem.DueMode.WORKING_DAYS if given[0] else WorkItem.DueMode.CALENDAR_DAYS
        days, fixed = (due_working_days if given[0] else due_calendar_days), None
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DUE_DAYS:
            raise ValidationError({"due_date": f"期限天数须为1至{MAX_DUE_DAYS}之间的整数"})
    if escalate_to is None:
        if assignee_unit is not None:
            escalate_to = assignee_unit.supervisor
        elif assignee_user.unit_id:
            escalate_to = assignee_user.unit.supervisor
    item = WorkItem(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        kind=kind,
        title=title,
        assignee_user=assignee_user,
        assignee_unit=assignee_unit,
        escalate_to=escalate_to,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        start_date=start,
        due_mode=mode,
        due_days=days,
        remind_days=_clean_remind_days(remind_days),
    )
    _set_due(item, _deadline(start, mode, days, fixed))
    item.save()
    audit_record(
        actor=actor,
        action="workitem.create",
        obj=item,
        unit_id=item.assignee_unit_id,
        request=request,
        extra={
            "kind": kind,
            "subject": f"{item.content_type.app_label}.{item.content_type.model}:{item.object_id}",
            "due_date": f"{item.due_date:%Y-%m-%d}",
            "due_provisional": item.due_provisional,
        },
    )
    _notify_assigned(item, actor)
    return item


@transaction.atomic
def workitems_create_many(
    *,
    actor,
    kind: str,
    items: list[dict],
    start: date | None = None,
    due_working_days: int | None = None,
    due_calendar_days: int | None = None,
    remind_days=(3, 1),
    request=None,
) -> list[WorkItem]:
    """Open many to-dos of one kind with one deadline rule at once (a nightly scan's thousands of
    warnings). Each dict of `items` has `subject`, `title` and `assignee_unit` or `assignee_user`
    (and optionally `escalate_to`). The rows, audit events and notifications are those that
    `workitem_create` would write for each in turn, with the same checks (any failing item fails
    them all), but set-based: one deadline computation, bulk inserts, one audit append, one
    members query and one notification insert. Returns the items in the order given."""
    if not isinstance(kind, str) or len(kind) > 64 or not _KIND.match(kind):
        raise ValidationError({"kind": "待办类型代码无效（如 intake.acknowledge）"})
    if (due_working_days is None) == (due_calendar_days is None):
        raise ValidationError({"due_date": "请指定办理期限：工作日天数或自然日天数，二者选一"})
    mode = WorkItem.DueMode.WORKING_DAYS if due_working_days is not None else WorkItem.DueMode.CALENDAR_DAYS
    days = due_working_days if due_working_days is not None else due_calendar_days
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DUE_DAYS:
        raise ValidationError({"due_date": f"期限天数须为1至{MAX_DUE_DAYS}之间的整数"})
    if not items:
        return []
    start = _local_date(start) if start is not None else timezone.localdate()
    deadline = _deadline(start, mode, days, None)
    remind = _clean_remind_days(remind_days)
    created_by = actor if actor is not None and actor.is_authenticated else None
    rows = []
    for spec in items:
        subject = spec.get("subject")
        if not isinstance(subject, models.Model) or subject.pk is None:
            raise ValidationError({"subject": "待办事项必须关联一个已保存的业务对象"})
        title = (spec.get("title") or "").strip()
        if not title:
            raise ValidationError({"title": "请填写事项名称"})
        if len(title) > 200:
            raise ValidationError({"title": "事项名称过长（不超过200个字）"})
        user, unit = spec.get("assignee_user"), spec.get("assignee_unit")
        if user is None and unit is None:
            raise ValidationError({"assignee_user": "请指定承办人或承办单位"})
        escalate_to = spec.get("escalate_to")
        if escalate_to is None:
            if unit is not None:
                escalate_to = unit.supervisor
            elif user.unit_id:
                escalate_to = user.unit.supervisor
        item = WorkItem(
            content_type=ContentType.objects.get_for_model(subject),
            object_id=str(subject.pk),
            kind=kind,
            title=title,
            assignee_user=user,
            assignee_unit=unit,
            escalate_to=escalate_to,
            created_by=created_by,
            start_date=start,
            due_mode=mode,
            due_days=days,
            remind_days=list(remind),
        )
        _set_due(item, deadline)
        rows.append(item)
    WorkItem.objects.bulk_create(rows, batch_size=1000)
    from qinglian.audit.services import audit_record_many

    audit_record_many(
        [
            {
                "actor": actor,
                "action": "workitem.create",
                "obj": item,
                "unit_id": item.assignee_unit_id,
                "request": request,
                "extra": {
                    "kind": kind,
                    "subject": f"{item.content_type.app_label}.{item.content_type.model}:{item.object_id}",
                    "due_date": f"{item.due_date:%Y-%m-%d}",
                    "due_provisional": item.due_provisional,
                },
            }
            for item in rows
        ]
    )
    now = timezone.now()
    members = unit_members({item.assignee_unit_id for item in rows if not item.assignee_user_id})
    actor_id = getattr(actor, "pk", None)
    out = []
    for item in rows:
        message = f"新待办：{item.title}，办理期限{item.due_date:%Y年%m月%d日}" + (
            "（暂定）" if item.due_provisional else ""
        )
        out += [
            _notification(item, user_id, Notification.Kind.ASSIGNED, message, now)
            for user_id in sorted(_recipients(item, members))
            if user_id != actor_id
        ]
    notify(out)
    return rows


def _notify_assigned(item: WorkItem, actor) -> None:
    now = timezone.now()
    members = unit_members([item.assignee_unit_id]) if not item.assignee_user_id else {}
    message = f"新待办：{item.title}，办理期限{item.due_date:%Y年%m月%d日}" + (
        "（暂定）" if item.due_provisional else ""
    )
    actor_id = getattr(actor, "pk", None)
    notify(
        [
            _notification(item, user_id, Notification.Kind.ASSIGNED, message, now)
            for user_id in sorted(_recipients(item, members))
            if user_id != actor_id
        ]
    )


@transaction.atomic
def workitem_complete(*, actor, item: WorkItem, note: str = "", request=None) -> WorkItem:
    item = _locked(item)
    _require_open(item)
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": "办结说明过长（不超过2000个字）"})
    item.status = WorkItem.Status.DONE
    item.completed_at = timezone.now()
    item.close_note = note
    item.closed_by = actor if actor is not None and actor.is_authenticated else None
    item.save(update_fields=["status", "completed_at", "close_note", "closed_by"])
    audit_record(
        actor=actor, action="workitem.complete", obj=item, unit_id=item.assignee_unit_id, request=request
    )
    return item


@transaction.atomic
def workitem_cancel(*, actor, item: WorkItem, reason: str, request=None) -> WorkItem:
    item = _locked(item)
    _require_open(item)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写撤销理由"})
    if len(reason) > 2000:
        raise ValidationError({"reason": "撤销理由过长（不超过2000个字）"})
    item.status = WorkItem.Status.CANCELLED
    item.cancelled_at = timezone.now()
    item.close_note = reason
    item.closed_by = actor if actor is not None and actor.is_authenticated else None
    item.save(update_fields=["status", "cancelled_at", "close_note", "closed_by"])
    audit_record(
        actor=actor,
        action="workitem.cancel",
        obj=item,
        unit_id=item.assignee_unit_id,
        reason=reason,
        request=request,
    )
    return item


@transaction.atomic
def workitem_reassign(
    *,
    actor,
    item: WorkItem,
    assignee_user=None,
    assignee_unit=None,
    escalate_to=_UNCHANGED,
    reason: str = "",
    request=None,
) -> WorkItem:
    """Give an open item to another user and/or unit (the deadline stays). The new assignees are
    notified. `escalate_to` changes only when given (None removes it)."""
    item = _locked(item)
    _require_open(item)
    if assignee_user is None and assignee_unit is None:
        raise ValidationError({"assignee_user": "请指定新的承办人或承办单位"})
    before = {
        "user": item.assignee_user_id,
        "unit": item.assignee_unit_id,
        "escalate_to": item.escalate_to_id,
    }
    item.assignee_user = assignee_user
    item.assignee_unit = assignee_unit
    if escalate_to is not _UNCHANGED:
        item.escalate_to = escalate_to
    item.save(update_fields=["assignee_user", "assignee_unit", "escalate_to"])
    audit_record(
        actor=actor,
        action="workitem.reassign",
        obj=item,
        unit_id=item.assignee_unit_id,
        reason=reason,
        request=request,
        extra={
            "before": before,
            "after": {
                "user": item.assignee_user_id,
                "unit": item.assignee_unit_id,
                "escalate_to": item.escalate_to_id,
            },
        },
    )
    _notify_assigned(item, actor)
    return item


@transaction.atomic
def workitems_complete_for_subject(
    *, actor, subject: models.Model, kind: str | None = None, note: str = "", request=None
) -> int:
    """Complete the open items about `subject` (of `kind`, if given), e.g. when the workflow step
    they track is done. Returns how many were completed."""
    from qinglian.workitems.selectors import open_items_for

    items = list(open_items_for(subject, kind))
    for item in items:
        workitem_complete(actor=actor, item=item, note=note, request=request)
    return len(items)


def _recompute(items: list[WorkItem]) -> int:
    changed = []
    for item in items:
        deadline = workdays.add_working_days(item.start_date, item.due_days)
        if (deadline.date, deadline.provisional, deadline.basis_note[:255]) != (
            item.due_date,
            item.due_provisional,
            item.due_basis,
        ):
            _set_due(item, deadline)
            changed.append(item)
    WorkItem.objects.bulk_update(
        changed, ["due_date", "due_provisional", "due_basis", "remind_from"], batch_size=500
    )
    return len(changed)


@transaction.atomic
def workitems_recompute_due(*, year: int) -> int:
    """Recompute the provisional working-day deadlines of open items whose count touches `year`
    (after its holiday schedule was entered or changed). Returns how many changed."""
    items = list(
        WorkItem.objects.select_for_update().filter(
            status=WorkItem.Status.OPEN,
            due_provisional=True,
            due_mode=WorkItem.DueMode.WORKING_DAYS,
            start_date__lt=date(year, 12, 31),
            due_date__gte=date(year, 1, 1),
        )
    )
    changed = _recompute(items)
    if items:
        audit_record(
            actor=None,
            action="workitem.due_recompute",
            extra={"year": year, "candidates": len(items), "changed": changed},
        )
    return changed


def _recompute_known() -> int:
    """Provisional deadlines whose years have all become known meanwhile (e.g. entered in another
    process, or a newer calendar package): recompute them."""
    items = WorkItem.objects.filter(
        status=WorkItem.Status.OPEN, due_provisional=True, due_mode=WorkItem.DueMode.WORKING_DAYS
    ).only(
        "id", "start_date", "due_date", "due_days", "due_mode", "due_provisional", "due_basis", "remind_days"
    )
    stale = [
        item
        for item in items
        if not any(
            workdays.year_calendar(y).provisional
            for y in workdays.years_spanned(item.start_date, item.due_date)
        )
    ]
    return _recompute(stale)


@transaction.atomic
def workitems_scan(today: date | None = None) -> ScanResult:
    """Write due reminders and escalate overdue items, for all open items at once."""
    today = today or timezone.localdate()
    now = timezone.now()
    recomputed = _recompute_known()

    reminders: list[tuple[WorkItem, int, int]] = []
    for item in WorkItem.objects.filter(
        status=WorkItem.Status.OPEN, remind_from__lte=today, due_date__gte=today
    ).only("id", "title", "due_date", "due_mode", "remind_days", "assignee_user_id", "assignee_unit_id"):
        left = _days_left(item, today)
        offsets = [n for n in item.remind_days if left <= n]
        if offsets:
            reminders.append((item, min(offsets), left))

    overdue = list(
        WorkItem.objects.filter(
            status=WorkItem.Status.OPEN, due_date__lt=today, escalated_at__isnull=True
        ).select_related("escalate_to", "assignee_unit")
    )
    if overdue:
        WorkItem.objects.filter(pk__in=[i.pk for i in overdue], escalated_at__isnull=True).update(
            escalated_at=now
        )

    members = unit_members(
        {i.assignee_unit_id for i, _, _ in reminders if not i.assignee_user_id}
        | {i.assignee_unit_id for i in overdue if not i.assignee_user_id}
        | {i.escalate_to_id for i in overdue}
    )
    out: list[Notification] = []
    for item, n, left in reminders:
        message = f"待办“{item.title}”将于{item.due_date:%Y年%m月%d日}到期，还有{left}{_unit_label(item)}"
        out += [
            _notification(item, uid, Notification.Kind.REMINDER, message, now, days_before=n)
            for uid in sorted(_recipients(item, members))
        ]
    for item in overdue:
        message = f"待办“{item.title}”已于{item.due_date:%Y年%m月%d日}到期，尚未办结"
        out += [
            _notification(item, uid, Notification.Kind.OVERDUE, message, now)
            for uid in sorted(_recipients(item, members))
        ]
        who = item.assignee_unit.name if item.assignee_unit_id else "承办人"
        message = f"督办：{who}的待办“{item.title}”已逾期（期限{item.due_date:%Y年%m月%d日}）"
        out += [
            _notification(item, uid, Notification.Kind.ESCALATION, message, now)
            for uid in sorted(members.get(item.escalate_to_id, ()))
        ]
    written = notify(out)
    if overdue:
        audit_record(
            actor=None,
            action="workitem.escalate",
            extra={
                "items": [i.pk for i in overdue][:500],
                "count": len(overdue),
                "date": f"{today:%Y-%m-%d}",
            },
        )
    return ScanResult(
        reminders=sum(1 for n in written if n.kind == Notification.Kind.REMINDER),
        escalated=len(overdue),
        notifications=len(written),
        recomputed=recomputed,
    )
