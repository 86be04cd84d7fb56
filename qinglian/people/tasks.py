"""Background work of the people app: Excel imports (with progress)."""

from django_tasks import task

from qinglian.people.import_jobs import import_job_run


@task()
def run_import_job(job_id: int) -> str:
    return import_job_run(job_id=job_id)
