"""Background jobs of the task force: thin wrappers over services."""

from __future__ import annotations

from django_tasks import task


@task()
def scan_missing_reports() -> int:
    """Daily (idempotent): to-dos for agencies whose last month's report is missing at the deadline."""
    from qinglian.taskforce.services import missing_reports_scan

    return missing_reports_scan()
