"""Shared reads of the task force: the reporting grid and the monthly counts (both set-based:
one grouped query whatever the number of agencies and months)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, Min, Sum
from django.utils import timezone

from qinglian.taskforce.models import Agency, MonthlyReport, ReportItem, RowType


def months_back(today: date, n: int) -> list[date]:
    out, y, m = [], today.year, today.month
    for _ in range(n):
        out.append(date(y, m, 1))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return list(reversed(out))


@dataclass
class Cell:
    reports: int = 0
    rows: int = 0
    late: bool = False
    first_at: object = None
    last_id: int | None = None
    due: date | None = None
    missing: bool = False


@dataclass
class GridRow:
    agency: Agency
    cells: list[Cell] = field(default_factory=list)
    rows: int = 0


def report_grid(*, months: list[date], agencies, today: date, deadlines: dict[date, date]) -> list[GridRow]:
    """Agency × month: reports received, rows shared, late (the first report after the deadline),
    missing (no report and the deadline passed). `deadlines`: each month's reporting deadline."""
    agencies = list(agencies)
    stats = {
        (r["agency_id"], r["month"]): r
        for r in MonthlyReport.objects.filter(month__in=months, agency__in=agencies)
        .values("agency_id", "month")
        .annotate(n=Count("id"), rows=Sum("created"), first=Min("submitted_at"), last=Max("id"))
    }
    out = []
    for agency in agencies:
        row = GridRow(agency)
        for m in months:
            s = stats.get((agency.pk, m))
            cell = Cell(due=deadlines[m])
            if s:
                cell.reports, cell.rows, cell.first_at, cell.last_id = (
                    s["n"],
                    s["rows"] or 0,
                    s["first"],
                    s["last"],
                )
                cell.late = (
                    timezone.localdate(s["first"]) > cell.due
                )  # even the first came after the deadline
                row.rows += cell.rows
            elif not agency.is_lead and today > deadlines[m]:
                cell.missing = True
            row.cells.append(cell)
        out.append(row)
    return out


def monthly_counts(*, months: list[date], agencies) -> tuple[list[RowType], list[tuple[Agency, date, dict]]]:
    """Items filed per agency, month and row type (one grouped query)."""
    agencies = list(agencies)
    types = list(RowType.objects.all())
    counts: dict[tuple[int, date], dict[int, int]] = {}
    for r in (
        ReportItem.objects.filter(report__month__in=months, report__agency__in=agencies)
        .values("report__agency_id", "report__month", "row_type_id")
        .annotate(n=Count("id"))
    ):
        counts.setdefault((r["report__agency_id"], r["report__month"]), {})[r["row_type_id"]] = r["n"]
    rows = [(a, m, counts[(a.pk, m)]) for m in reversed(months) for a in agencies if (a.pk, m) in counts]
    return types, rows
