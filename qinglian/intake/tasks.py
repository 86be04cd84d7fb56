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
def front_exchange() -> int:
    """Every minute (qinglian/scheduling.py): with a split front (QINGLIAN_FRONT_URL), pull new
    submissions and push replies over HTTP; all-in-one, catch up on anything a lost task left."""
    if settings.QINGLIAN_FRONT_URL:
        return public_sync.exchange_http()
    return public_sync.exchange_local()
