"""Background jobs of the projects app: thin wrappers over services."""

from __future__ import annotations

from django_tasks import task


@task()
def responsibility_followup() -> int:
    """Daily: a month a lead unit has not reported on by the due day becomes its to-do
    (services.monthly_followup)."""
    from qinglian.projects.services import monthly_followup

    return monthly_followup()
