"""Background jobs of the jointwork app: thin wrappers over services."""

from __future__ import annotations

from django_tasks import task


@task()
def schedule_meetings() -> int:
    """Daily: the "hold the meeting" to-dos of the schedules due within their lead days
    (services.meetings_schedule)."""
    from qinglian.jointwork.services import meetings_schedule

    return meetings_schedule()
