"""Background work of the appointments app: thin wrappers around services."""

from django_tasks import task


@task()
def reverse_scan_daily() -> int:
    """倒查: the daily repair of what the entry-recorded signal may have missed."""
    from qinglian.appointments.reverse import reverse_scan

    return reverse_scan()
