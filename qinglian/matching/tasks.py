"""Background jobs of the matching app: thin wrappers over services."""

from __future__ import annotations

from django_tasks import task


@task()
def execute_run(run_id: int) -> str:
    """Execute a queued run (services.run_execute)."""
    from qinglian.matching.models import MatchRun
    from qinglian.matching.services import run_execute

    run = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.QUEUED).first()
    if run is None:
        return "not queued"
    return run_execute(run).status


@task()
def nightly_run() -> str:
    """Nightly: an incremental run (its linkage runs in full, refitting the model, when a registry
    snapshot or the link thresholds changed; the rules always run in full)."""
    from django.core.exceptions import ValidationError

    from qinglian.matching.models import MatchRun
    from qinglian.matching.services import run_execute, run_request

    try:
        run = run_request(actor=None, kind=MatchRun.Kind.INCREMENTAL, enqueue=False)
    except ValidationError:
        return "busy"
    return run_execute(run).status
