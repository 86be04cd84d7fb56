"""Reads of the audit log shared by the log page, the export and other apps."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from qinglian.audit.chain import GENESIS
from qinglian.audit.models import AuditEvent, AuditHead


def _day_start(day: date) -> datetime:
    # Dates on the page are Asia/Shanghai calendar days.
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def event_list(
    *,
    username: str = "",
    person_id: int | None = None,
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Events, newest first. `action` matches a prefix ("audit." finds every audit action);
    `date_to` is inclusive."""
    events = AuditEvent.objects.all()
    if username:
        events = events.filter(actor_name=username)
    if person_id is not None:
        events = events.filter(person_id=person_id)
    if action:
        events = events.filter(action__startswith=action)
    if date_from:
        events = events.filter(at__gte=_day_start(date_from))
    if date_to:
        events = events.filter(at__lt=_day_start(date_to + timedelta(days=1)))
    return events.order_by("-seq")


def chain_head() -> tuple[int, str]:
    """(seq, hash) of the newest event; (0, genesis) for an empty log."""
    return AuditHead.objects.filter(pk=1).values_list("seq", "hash").first() or (0, GENESIS)
