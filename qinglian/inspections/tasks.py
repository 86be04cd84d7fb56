"""Background work of inspections: the monthly circular of overdue rectification items."""

from __future__ import annotations

from django_tasks import task


@task()
def monthly_circulars() -> int:
    from qinglian.inspections.rectification import circulars_monthly

    return circulars_monthly()
