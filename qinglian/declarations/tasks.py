"""Periodic work of personal-matters reports (scheduled in qinglian/scheduling.py)."""

from __future__ import annotations

from django_tasks import task


@task()
def open_annual_reports() -> int:
    """Daily in January: a to-do for every reporter to file last year's annual report by 31 January
    (idempotent: reporters who have the to-do or have submitted get none; a reporter who becomes
    one during January gets it the next morning)."""
    from qinglian.declarations.services import annual_todos_open

    return annual_todos_open()
