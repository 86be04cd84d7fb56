"""Background work of the archive: thin wrappers around services."""

from __future__ import annotations

from django_tasks import task

from qinglian.archive.import_jobs import entry_import_run
from qinglian.archive.scan import archive_scan


@task()
def nightly_archive_scan() -> dict:
    """Every night at 01:30 (qinglian/scheduling.py): grades, restrictions, warning rules."""
    return archive_scan().summary()


@task()
def run_entry_import(job_id: int) -> str:
    """An uploaded entry import (archive.import_jobs)."""
    return entry_import_run(job_id=job_id)
