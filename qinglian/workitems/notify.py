"""Delivering notifications. The in-app row is always written; other channels are pluggable.

`settings.QINGLIAN_NOTIFY_BACKENDS` lists import paths of classes with a `send(notification)`
method (e.g. an SMS or intranet-mail gateway); none by default. Delivery runs after the
transaction commits, and a failing channel is logged without stopping the others.
"""

from __future__ import annotations

import abc
import logging

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from qinglian.workitems.models import Notification

log = logging.getLogger("qinglian.workitems.notify")


class NotificationBackend(abc.ABC):
    """Interface of a delivery channel (SMS and e-mail gateways implement it; none is on by default)."""

    @abc.abstractmethod
    def send(self, notification: Notification) -> None: ...


class LoggingBackend(NotificationBackend):
    """Writes each notification to the log (development, tests, and as an example)."""

    def send(self, notification: Notification) -> None:
        log.info(
            "notification %s to user %s about work item %s: %s",
            notification.kind,
            notification.user_id,
            notification.item_id,
            notification.message,
        )


def configured_backends() -> list[NotificationBackend]:
    return [import_string(path)() for path in settings.QINGLIAN_NOTIFY_BACKENDS]


def deliver(notifications: list[Notification]) -> None:
    for backend in configured_backends():
        for notification in notifications:
            try:
                backend.send(notification)
            except Exception:  # one channel failing must not stop the others, nor the scan
                log.exception("%s could not deliver notification %s", type(backend).__name__, notification.pk)


def notify(notifications: list[Notification]) -> list[Notification]:
    """Store the in-app rows not stored yet (one per item, user, kind, days before) and deliver
    the new ones on commit. Returns the new ones. Set-based: three queries at most."""
    if not notifications:
        return []
    keys = {(n.item_id, n.user_id, n.kind, n.days_before) for n in notifications}
    existing = set(
        Notification.objects.filter(
            item_id__in={k[0] for k in keys}, kind__in={k[2] for k in keys}
        ).values_list("item_id", "user_id", "kind", "days_before")
    )
    fresh, seen = [], set(existing)
    for n in notifications:
        key = (n.item_id, n.user_id, n.kind, n.days_before)
        if key not in seen:
            seen.add(key)
            fresh.append(n)
    if not fresh:
        return []
    # ignore_conflicts: a concurrent scan may have written the same row meanwhile.
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    if settings.QINGLIAN_NOTIFY_BACKENDS:
        stamp = fresh[0].created_at
        created = list(
            Notification.objects.filter(
                item_id__in={n.item_id for n in fresh}, created_at=stamp
            ).select_related("user", "item")
        )
        transaction.on_commit(lambda: deliver(created))
    return fresh
