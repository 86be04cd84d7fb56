"""Background work of the archive: thin wrappers around services."""

from __future__ import annotations

from django_tasks import task

from qinglian.archive.scan import archive_scan


@task()
def nightly_archive_scan() -> dict:
    """Every night at 01:30 (qinglian/scheduling.py): grades, restrictions, warning rules."""
    return archive_scan().summary()
