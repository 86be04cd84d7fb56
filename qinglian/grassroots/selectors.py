"""Reads shared by the pages and the API: scoped lists with a fixed number of queries."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from qinglian.accounts.scopes import scope
from qinglian.grassroots.access import visible_q
from qinglian.grassroots.models import DualPost, Information, Photo, Station, TaskList


def information_list(*, viewer, status: str = "", station: Station | None = None) -> QuerySet[Information]:
    rows = Information.objects.filter(visible_q(viewer))
    if status:
        rows = rows.filter(status=status)
    if station is not None:
        rows = rows.filter(station=station)
    return rows.select_related("station", "unit", "submitted_by").order_by("-submitted_at", "-id")


def with_photo_counts(items) -> list[Information]:
    """Attach `n_photos` to one page of items (one query; the list's count stays a plain COUNT)."""
    items = list(items)
    pairs = Photo.objects.filter(information__in=items).values("information").annotate(n=Count("id"))
    counts = {row["information"]: row["n"] for row in pairs}
    for i in items:
        i.n_photos = counts.get(i.pk, 0)
    return items


def station_list(*, viewer) -> QuerySet[Station]:
    today = timezone.localdate()
    active = Q(members__until__isnull=True) | Q(members__until__gte=today)
    return (
        Station.objects.filter(visible_q(viewer))
        .select_related("unit", "unit__parent")
        .annotate(n_members=Count("members", filter=active, distinct=True))
        .order_by("unit__path")
    )


def dual_post_list(*, viewer) -> QuerySet[DualPost]:
    return (
        DualPost.objects.filter(scope(viewer, "grassroots.view").units_q("village__"))
        .select_related("cadre", "village")
        .annotate(n_open=Count("duties", filter=Q(duties__workitem__status="open")))
        .order_by("village__path", "-since")
    )


def task_completion(*, viewer, year: int, today: date) -> QuerySet[TaskList]:
    """Per unit: tasks, done, done late, overdue (one query)."""
    return (
        TaskList.objects.filter(visible_q(viewer), year=year)
        .select_related("unit")
        .annotate(
            n_total=Count("tasks"),
            n_done=Count("tasks", filter=Q(tasks__done_at__isnull=False)),
            n_overdue=Count("tasks", filter=Q(tasks__done_at__isnull=True, tasks__due_date__lt=today)),
            n_own=Count("tasks", filter=Q(tasks__common__isnull=True)),
        )
        .order_by("unit__path")
    )


def tasklist_page_rows(*, viewer, year: int) -> QuerySet[TaskList]:
    """The lists of a year in scope, unaggregated: the page view pages them first, then counts."""
    return TaskList.objects.filter(visible_q(viewer), year=year).select_related("unit").order_by("unit__path")


def with_completion(lists, today: date) -> list[TaskList]:
    """Attach n_total / n_done / n_overdue / n_own to one page of lists (one grouped query over
    that page's tasks only, instead of aggregating every list before paging)."""
    from qinglian.grassroots.models import Task

    lists = list(lists)
    rows = (
        Task.objects.filter(task_list__in=lists)
        .values("task_list")
        .annotate(
            n_total=Count("id"),
            n_done=Count("id", filter=Q(done_at__isnull=False)),
            n_overdue=Count("id", filter=Q(done_at__isnull=True, due_date__lt=today)),
            n_own=Count("id", filter=Q(common__isnull=True)),
        )
    )
    by_list = {r["task_list"]: r for r in rows}
    for tl in lists:
        r = by_list.get(tl.pk, {})
        for key in ("n_total", "n_done", "n_overdue", "n_own"):
            setattr(tl, key, r.get(key, 0))
    return lists
