"""Appending to the audit log. Services and access helpers call `audit_record`; views do not."""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone

from qinglian.audit.chain import compute_hash
from qinglian.audit.models import AuditEvent, AuditHead


def _object_fields(obj) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, str(obj.pk), str(obj)[:255]
    if isinstance(obj, tuple):  # ("label", id, repr) for things that are not model rows
        label, pk, text = obj
        return label, str(pk), str(text)[:255]
    raise TypeError(f"cannot audit object {obj!r}")


def client_ip(request) -> str | None:
    """The staff member's address. Never called for anonymous public submissions."""
    if request is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    person_id: int | None = None,
    unit_id: int | None = None,
    reason: str = "",
    role: str = "",
    request=None,
    extra: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain.

    `actor` is a user or None (the system, or an anonymous member of the public). The client
    address is kept only for signed-in staff; an anonymous reporter leaves no address.
    """
    object_type, object_id, object_repr = _object_fields(obj)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=user,
            actor_name=user.get_username() if user else "",
            role=role or (getattr(request, "active_role", "") if request is not None else ""),
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            person_id=person_id,
            unit_id=unit_id,
            reason=reason,
            source_ip=client_ip(request) if user else None,
            extra=extra or {},
            prev_hash=head.hash,
        )
        event.hash = compute_hash(event, head.hash)
        event.save()
        AuditHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
    return event
