"""The detection run in the background."""

from __future__ import annotations

from django_tasks import task


@task()
def detect(run_id: int) -> int:
    from qinglian.selfreports import services
    from qinglian.selfreports.models import DetectionRun

    run = DetectionRun.objects.select_related("scope_unit", "started_by").get(pk=run_id)
    try:
        run = services.run_execute(run)
    except Exception as exc:  # noqa: BLE001 (the page shows the failure; the log has the trace)
        services.run_fail(run_id, exc)
        raise
    return run.pair_count
