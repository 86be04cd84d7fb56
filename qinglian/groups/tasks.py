"""Background jobs of supervision groups (thin wrappers over services)."""

from django_tasks import task

from qinglian.groups.services import memberships_recompute_all


@task()
def recompute_groups() -> dict:
    """Daily: ages change with the calendar, so age-based groups change too."""
    return memberships_recompute_all()
