"""Import jobs: the uploaded file is kept, validated and written by a background task that reports
its progress; the page polls the job. A rejected file leaves an error report to download."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability
from qinglian.audit.services import audit_record
from qinglian.core.excel import FileRejected, check_upload, error_report
from qinglian.people.imports import import_cadres, import_posts, import_relatives, import_units
from qinglian.people.models import ImportJob

IMPORTERS = {
    ImportJob.Kind.UNITS: import_units,
    ImportJob.Kind.CADRES: import_cadres,
    ImportJob.Kind.POSTS: import_posts,
    ImportJob.Kind.RELATIVES: import_relatives,
}
# The capability each kind of import needs (the upload page offers only the kinds a user holds).
IMPORT_CAPABILITY = {
    ImportJob.Kind.UNITS: "units.manage",
    ImportJob.Kind.CADRES: "people.manage",
    ImportJob.Kind.POSTS: "people.manage",
    ImportJob.Kind.RELATIVES: "people.manage",
}


def import_job_create(*, actor, kind: str, filename: str, data: bytes, request=None) -> ImportJob:
    """Store the upload and queue it. Refuses a file that is not an .xlsx straight away."""
    if kind not in IMPORTERS:
        raise FileRejected("不支持的导入类型")
    if actor is not None and not has_capability(actor, IMPORT_CAPABILITY[kind]):
        raise PermissionDenied("您的角色无权导入此类数据")
    check_upload(data)
    job = ImportJob(
        kind=kind, filename=filename[:255], sha256=hashlib.sha256(data).hexdigest(), created_by=actor
    )
    job.file.save(f"{job.sha256[:16]}.xlsx", ContentFile(data), save=False)
    job.save()
    audit_record(
        actor=actor,
        action="import.upload",
        obj=job,
        request=request,
        extra={"kind": kind, "sha256": job.sha256, "bytes": len(data)},
    )

    def enqueue():
        from qinglian.people.tasks import run_import_job

        run_import_job.enqueue(job.pk)

    transaction.on_commit(enqueue)
    return job


def _progress(job_id: int):
    def report(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(done=done, total=max(total, done))

    return report


def import_job_run(*, job_id: int) -> str:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return job.status
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    with job.file.open("rb") as fh:
        data = fh.read()
    fields: dict = {"finished_at": timezone.now()}
    try:
        result = IMPORTERS[job.kind](
            actor=job.created_by, data=data, filename=job.filename, progress=_progress(job.pk)
        )
    except FileRejected as exc:
        fields.update(status=ImportJob.Status.REJECTED, message=str(exc), error_count=1)
    except PermissionDenied as exc:  # e.g. the role was revoked between upload and run
        fields.update(status=ImportJob.Status.REJECTED, message=f"{exc}，未导入任何数据。", error_count=1)
    except Exception as exc:  # recorded for the user; nothing was written (the import is atomic)
        fields.update(
            status=ImportJob.Status.FAILED, message=f"系统错误：{type(exc).__name__}，未写入任何数据"
        )
        ImportJob.objects.filter(pk=job.pk).update(**fields)
        raise
    else:
        fields.update(
            total=result.total,
            done=result.total,
            error_count=len(result.errors),
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        )
        if result.ok:
            fields.update(
                status=ImportJob.Status.DONE,
                message=(
                    f"共 {result.total} 行：新增 {result.created}，更新 {result.updated}，未变化 {result.unchanged}。"
                ),
            )
        else:
            fields.update(
                status=ImportJob.Status.REJECTED,
                message=f"发现 {len(result.errors)} 处错误，未导入任何数据。请按错误报告修改后重新上传。",
                errors=[e.__dict__ for e in result.errors[:1000]],
            )
            job.error_report.save(
                f"errors-{job.pk}.xlsx", ContentFile(error_report(result.errors)), save=False
            )
            fields["error_report"] = job.error_report.name
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    return fields["status"]
