"""Background jobs of the registries app: thin wrappers over the import service."""

from __future__ import annotations

from django_tasks import task


@task()
def run_snapshot_import(snapshot_id: int) -> str:
    from qinglian.registries.imports import snapshot_import

    return snapshot_import(snapshot_id=snapshot_id)


@task()
def cleanup_abandoned_imports() -> int:
    """Daily: fail imports abandoned by a dead worker and drop rows left by dead snapshots."""
    from qinglian.registries.imports import cleanup_abandoned

    return cleanup_abandoned()
