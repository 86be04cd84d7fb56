"""Entry import jobs: the uploaded file is kept, then validated and written by a background task
(`archive.tasks.run_entry_import`) that reports its progress; the page polls the job. The import
itself is `imports.import_entries`: atomic, one bad row and nothing is written, every bad row
reported (on the page and as an xlsx report)."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability
from qinglian.archive.imports import import_entries
from qinglian.archive.models import EntryImportJob
from qinglian.audit.services import audit_record
from qinglian.core.excel import FileRejected, check_upload, error_report


@transaction.atomic
def entry_import_create(*, actor, filename: str, data: bytes, request=None) -> EntryImportJob:
    """Store the upload and queue it. Refuses straight away a file that is not an .xlsx."""
    if not has_capability(actor, "archive.import"):
        raise PermissionDenied("您的角色无权导入档案记录")
    check_upload(data)
    job = EntryImportJob(filename=filename[:255], sha256=hashlib.sha256(data).hexdigest(), created_by=actor)
    job.file.save(f"{job.sha256[:16]}.xlsx", ContentFile(data), save=False)
    job.save()
    audit_record(actor=actor, action="archive.import_upload", obj=job, request=request,
                 extra={"sha256": job.sha256, "bytes": len(data)})  # fmt: skip

    def enqueue():
        from qinglian.archive.tasks import run_entry_import

        run_entry_import.enqueue(job.pk)

    transaction.on_commit(enqueue)
    return job


def _progress(job_id: int):
    def report(done: int, total: int) -> None:
        EntryImportJob.objects.filter(pk=job_id).update(done=done, total=max(total, done))

    return report


def entry_import_run(*, job_id: int) -> str:
    """Run one queued job (the task calls this); returns its final status."""
    job = EntryImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return job.status
    EntryImportJob.objects.filter(pk=job.pk).update(status=EntryImportJob.Status.RUNNING)
    with job.file.open("rb") as fh:
        data = fh.read()
    fields: dict = {"finished_at": timezone.now()}
    try:
        result = import_entries(
            actor=job.created_by, data=data, filename=job.filename, progress=_progress(job.pk)
        )
    except FileRejected as exc:
        fields.update(status=EntryImportJob.Status.REJECTED, message=str(exc), error_count=1)
    except PermissionDenied as exc:  # e.g. the role was revoked between upload and run
        fields.update(
            status=EntryImportJob.Status.REJECTED, message=f"{exc}，未导入任何数据。", error_count=1
        )
    except Exception as exc:  # recorded for the user; nothing was written (the import is atomic)
        fields.update(
            status=EntryImportJob.Status.FAILED, message=f"系统错误：{type(exc).__name__}，未写入任何数据"
        )
        EntryImportJob.objects.filter(pk=job.pk).update(**fields)
        raise
    else:
        fields.update(total=result.total, done=result.total, error_count=len(result.errors), created=result.created,
                      unchanged=result.unchanged)  # fmt: skip
        if result.ok:
            fields.update(status=EntryImportJob.Status.DONE,
                          message=f"共 {result.total} 行：新增 {result.created} 条，已存在 {result.unchanged} 条。")  # fmt: skip
        else:
            fields.update(
                status=EntryImportJob.Status.REJECTED,
                message=f"发现 {len(result.errors)} 处错误，未导入任何数据。请按错误报告修改后重新上传。",
                errors=[e.__dict__ for e in result.errors[:1000]],
            )
            job.error_report.save(
                f"errors-{job.pk}.xlsx", ContentFile(error_report(result.errors)), save=False
            )
            fields["error_report"] = job.error_report.name
    EntryImportJob.objects.filter(pk=job.pk).update(**fields)
    return fields["status"]
