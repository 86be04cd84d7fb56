"""Checks on files uploaded with a report, for every intake channel (public page, desk, API).

The checks themselves live in `qinglian.front.filecheck` (the public front runs them without the
intake app): type by CONTENT, extension must agree, markup/archives/programs refused, size and
count limits from settings. `strip_metadata` runs in the background (`intake.tasks`), never in
the request: `schedule_cleaning` after the attachments are stored.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError  # noqa: F401  (raised by the checks)

from qinglian.front.filecheck import (  # noqa: F401  (re-exported)
    ACCEPT,
    DOCX,
    EXTENSIONS,
    JPEG,
    PDF,
    PNG,
    TEXT,
    check_file,
    check_files,
    clean_name,
    max_file_bytes,
    max_files,
    metadata_note,
    sniff,
    strip_metadata,
)
from qinglian.intake.services import IncomingFile


def check_upload(name: str, data: bytes, content_type: str = "") -> IncomingFile:
    """Check one uploaded file; return it with a clean name and the content type its content shows.
    `content_type` (what the browser claimed) is ignored on purpose: the sender controls it."""
    f = check_file(name, data, content_type)
    return IncomingFile(name=f.name, data=f.data, content_type=f.content_type)


def check_uploads(files) -> list[IncomingFile]:
    """Check a list of (name, data, content_type): the count limit, then each file; every bad file
    is named in one ValidationError."""
    return [IncomingFile(name=f.name, data=f.data, content_type=f.content_type) for f in check_files(files)]


def attachment_clean(attachment_id: int) -> bool:
    """Background (intake.tasks.clean_attachment): strip an image attachment's metadata in place.
    Returns whether the stored file changed. A destroyed report's attachment is left alone."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from qinglian.intake import sealing
    from qinglian.intake.models import ReportAttachment

    att = ReportAttachment.objects.select_related("report").filter(pk=attachment_id).first()
    if att is None or att.cleaned_at is not None or att.report.is_destroyed:
        return False
    key = att.report.content_key
    with att.file.open("rb") as fh:
        data = sealing.open_bytes(fh.read(), wrapped_key=key)
    try:
        cleaned = strip_metadata(data, att.content_type)
    except Exception:  # an image Pillow cannot re-encode: keep the original, staff are told
        cleaned = data
    changed = cleaned != data
    if changed:
        old = att.file.name
        att.file.save(
            f"r{att.report_id}.bin", ContentFile(sealing.seal_bytes(cleaned, wrapped_key=key)), save=False
        )
        att.file.storage.delete(old)
    att.size = len(cleaned)
    att.cleaned_at = timezone.now()
    att.save(update_fields=["file", "size", "cleaned_at"])
    return changed


def schedule_cleaning(attachments) -> None:
    """After the transaction commits, clean each attachment in the background (not in the request)."""
    from django.db import transaction

    ids = [a.pk for a in attachments]
    if ids:
        transaction.on_commit(lambda: _enqueue_cleaning(ids))


def _enqueue_cleaning(ids):
    from qinglian.intake.tasks import clean_attachment

    for pk in ids:
        clean_attachment.enqueue(pk)
