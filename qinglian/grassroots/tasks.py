"""Background jobs of the grassroots app: thin wrappers over services."""

from __future__ import annotations

from django_tasks import task


@task()
def schedule_dual_posts() -> int:
    """Daily: the 一肩挑 to-dos of the current year and half-year (services.dual_post_schedule)."""
    from qinglian.grassroots.services import dual_post_schedule

    return dual_post_schedule()
