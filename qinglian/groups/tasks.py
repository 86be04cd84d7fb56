"""Background jobs of supervision groups (thin wrappers over services)."""

from django_tasks import task

from qinglian.groups.plans import plan_generate
from qinglian.groups.services import memberships_recompute_all


@task()
def recompute_groups() -> dict:
    """Daily: ages change with the calendar, so age-based groups change too; then the plans'
    to-dos for the new members and the new periods."""
    return {"groups": memberships_recompute_all(), "plans": plan_generate()}
