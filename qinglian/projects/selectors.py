"""Reads shared by the pages and the API: scoped lists with a fixed number of queries, and the figures.

The figures (problems found, rectified, money recovered, people handled: what seed 000 reports)
count verified items only: an item's figures stand once 验单 has accepted them.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from qinglian.accounts.scopes import scope
from qinglian.projects.access import own_units_q
from qinglian.projects.models import DispatchItem, Project, ResponsibilityList, ResponsibilityTask

VERIFIED = Q(status=DispatchItem.Status.VERIFIED)
FIGURES = ("problems_found", "problems_rectified", "money_recovered", "people_handled")


def _figure_aggregates(prefix: str = "", extra: Q | None = None) -> dict:
    cond = Q(**{f"{prefix}status": DispatchItem.Status.VERIFIED})
    if extra is not None:
        cond &= extra
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=2))
    return {
        "n_items": Count(f"{prefix}id" if prefix else "id", distinct=bool(prefix)),
        "n_verified": Count(f"{prefix}id" if prefix else "id", filter=cond, distinct=bool(prefix)),
        "n_reported": Count(
            f"{prefix}id" if prefix else "id",
            filter=Q(**{f"{prefix}status": "reported"}),
            distinct=bool(prefix),
        ),  # fmt: skip
        "n_returned": Count(
            f"{prefix}id" if prefix else "id",
            filter=Q(**{f"{prefix}status": "returned"}),
            distinct=bool(prefix),
        ),  # fmt: skip
        "found": Coalesce(Sum(f"{prefix}problems_found", filter=cond), 0),
        "rectified": Coalesce(Sum(f"{prefix}problems_rectified", filter=cond), 0),
        "money": Coalesce(Sum(f"{prefix}money_recovered", filter=cond), zero),
        "people": Coalesce(Sum(f"{prefix}people_handled", filter=cond), 0),
    }


def project_rows(*, viewer, search: str = "", kind: str = "", status: str = "") -> QuerySet[Project]:
    """Projects whose organising unit the viewer oversees (unaggregated: page first, then count)."""
    rows = Project.objects.filter(scope(viewer, "projects.view").units_q("owner_unit__"))
    if search:
        rows = rows.filter(
            Q(title__icontains=search) | Q(field__icontains=search) | Q(targets__icontains=search)
        )
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("owner_unit").order_by("-created_at", "-id")


def with_figures(projects) -> list[Project]:
    """Attach the figures to one page of projects (one grouped query over that page's items)."""
    projects = list(projects)
    rows = (
        DispatchItem.objects.filter(project__in=projects).values("project").annotate(**_figure_aggregates())
    )
    by_project = {r["project"]: r for r in rows}
    empty = {"n_items": 0, "n_verified": 0, "n_reported": 0, "n_returned": 0, "found": 0, "rectified": 0,
             "money": Decimal(0), "people": 0}  # fmt: skip
    for p in projects:
        p.figures = {k: by_project.get(p.pk, empty).get(k, v) for k, v in empty.items()}
    return projects


def figures(*, viewer) -> dict:
    """Overall figures over every project the viewer oversees, and per kind (two queries)."""
    items = DispatchItem.objects.filter(scope(viewer, "projects.view").units_q("project__owner_unit__"))
    total = items.aggregate(**_figure_aggregates())
    per_kind = {r["project__kind"]: r for r in items.values("project__kind").annotate(**_figure_aggregates())}
    n_projects = dict(
        Project.objects.filter(scope(viewer, "projects.view").units_q("owner_unit__"))
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    return {"total": total, "per_kind": per_kind, "n_projects": n_projects}


def my_items(*, viewer, status: str = "") -> QuerySet[DispatchItem]:
    """The dispatched items of the viewer's own units (projects.report), never another unit's."""
    rows = DispatchItem.objects.filter(own_units_q(viewer))
    if status == "open":
        rows = rows.filter(status__in=[DispatchItem.Status.DISPATCHED, DispatchItem.Status.RETURNED])
    elif status:
        rows = rows.filter(status=status)
    return rows.select_related("project", "unit").order_by("deadline", "id")


def my_tasks(*, viewer, year: int) -> QuerySet[ResponsibilityTask]:
    return (
        ResponsibilityTask.objects.filter(own_units_q(viewer, "lead_unit__"), responsibility_list__year=year)
        .select_related("responsibility_list", "lead_unit")
        .annotate(n_reports=Count("reports"))
        .order_by("deadline", "id")
    )


def list_rows(*, viewer) -> QuerySet[ResponsibilityList]:
    return (
        ResponsibilityList.objects.filter(scope(viewer, "projects.view").units_q("owner_unit__"))
        .select_related("owner_unit")
        .annotate(n_tasks=Count("tasks"), n_done=Count("tasks", filter=Q(tasks__completed_on__isnull=False)))
        .order_by("-year", "owner_unit__path")
    )


def task_rows(rl: ResponsibilityList, *, search: str = "") -> QuerySet[ResponsibilityTask]:
    rows = rl.tasks.all()
    if search:
        rows = rows.filter(Q(title__icontains=search) | Q(lead_unit__name__icontains=search))
    return (
        rows.select_related("lead_unit", "evaluation")
        .prefetch_related("partner_units")
        .annotate(
            n_reports=Count("reports", distinct=True),
            n_late=Count("reports", filter=Q(reports__late=True), distinct=True),
        )  # fmt: skip
        .order_by("number")
    )
