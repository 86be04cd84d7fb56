"""Background work of the workitems app: thin wrappers around services."""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from qinglian.workitems.services import workitems_scan


@task()
def scan_workitems() -> dict:
    """Every 15 minutes (qinglian/scheduling.py): reminders, overdue escalation (督办)."""
    return asdict(workitems_scan())
