"""Background work of the intake app: thin wrappers around services."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from qinglian.intake import public_sync, uploads


@task()
def clean_attachment(attachment_id: int) -> bool:
    """Strip an uploaded image's metadata (EXIF position, camera, ...) after it is stored."""
    return uploads.attachment_clean(attachment_id)


@task()
def front_exchange_local() -> int:
    """All-in-one: take the public page's new submissions into the core at once."""
    return public_sync.exchange_local()


@task()
def front_exchange_http() -> int:
    """Split front: pull new submissions from the front and push replies (when configured)."""
    if not settings.QINGLIAN_FRONT_URL:
        return 0
    return public_sync.exchange_http()
