"""Appending to the audit log. Services and access helpers call `audit_record`; views do not."""

from __future__ import annotations

import json
import tempfile
from typing import IO

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from qinglian.audit import selectors
from qinglian.audit.chain import GENESIS, compute_hash
from qinglian.audit.checkpoints import Checkpoint, checkpoint_append, checkpoint_make
from qinglian.audit.models import AuditEvent, AuditHead
from qinglian.audit.verify import VerifyResult, verify_chain


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


def _locked_head() -> AuditHead:
    """The head row, locked until the end of the transaction: appends queue here, one at a time.

    The row is created by a data migration, so two first writers cannot both create it. It is only
    missing after a test flush empties every table; then get_or_create recreates it (still safe:
    on PostgreSQL the loser of the insert race waits on the unique key, then reads and locks).
    """
    try:
        return AuditHead.objects.select_for_update().get(pk=1)
    except AuditHead.DoesNotExist:
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        return head


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
    with transaction.atomic():
        head = _locked_head()
        event = _chained(head.seq + 1, timezone.now(), head.hash, actor=actor, action=action, obj=obj,
                         person_id=person_id, unit_id=unit_id, reason=reason, role=role, request=request,
                         extra=extra)  # fmt: skip
        event.save()
        AuditHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
    return event


def audit_record_many(events: list[dict], *, batch_size: int = 2000) -> list[AuditEvent]:
    """Append many events at once (a scan's thousands of raised warnings): the same rows, in the
    same order and with the same chain as calling `audit_record` with each dict's keyword
    arguments in turn, but the head is locked once, the hashes are chained in memory and the
    rows written with bulk inserts. Every event gets the same time."""
    if not events:
        return []
    now = timezone.now()
    with transaction.atomic():
        head = _locked_head()
        seq, prev = head.seq, head.hash
        rows = []
        for e in events:
            seq += 1
            event = _chained(seq, now, prev, actor=e.get("actor"), action=e["action"], obj=e.get("obj"),
                             person_id=e.get("person_id"), unit_id=e.get("unit_id"), reason=e.get("reason", ""),
                             role=e.get("role") or "", request=e.get("request"), extra=e.get("extra"))  # fmt: skip
            prev = event.hash
            rows.append(event)
        AuditEvent.objects.bulk_create(rows, batch_size=batch_size)
        AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev)
    return rows


def _chained(seq: int, at, prev: str, *, actor, action: str, obj, person_id, unit_id, reason: str, role: str,
             request, extra) -> AuditEvent:  # fmt: skip
    """One event, hashed onto `prev` (not saved): the one place that decides what an event holds,
    for `audit_record` and `audit_record_many` alike (the chain depends on it)."""
    object_type, object_id, object_repr = _object_fields(obj)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        seq=seq,
        at=at,
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
        prev_hash=prev,
    )
    event.hash = compute_hash(event, prev)
    return event


def audit_checkpoint() -> Checkpoint:
    """Append the current chain head (seq, hash, time, HMAC) to the checkpoint file outside the database.

    Not itself an audit event: an hourly row in the chain would only repeat what the file says.
    """
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first() or (0, GENESIS)
    checkpoint = checkpoint_make(seq=head[0], hash=head[1], at=timezone.now())
    checkpoint_append(checkpoint)
    return checkpoint


def chain_verify(*, actor, request=None) -> VerifyResult:
    """Verify the chain on a person's request and record who ran it and with what result."""
    result = verify_chain()
    audit_record(
        actor=actor,
        action="audit.verify",
        obj=("audit.chain", result.last_seq, "审计链校验"),
        request=request,
        extra=result.as_dict(),
    )
    return result


EXPORT_MAX_ROWS = 200_000
EXPORT_COLUMNS = [
    ("序号", "seq"),
    ("时间", "at"),
    ("操作人账号", "actor_name"),
    ("角色", "role"),
    ("动作", "action"),
    ("对象类型", "object_type"),
    ("对象编号", "object_id"),
    ("对象", "object_repr"),
    ("涉及人员", "person_id"),
    ("涉及单位", "unit_id"),
    ("事由", "reason"),
    ("来源地址", "source_ip"),
    ("详情", "extra"),
    ("哈希", "hash"),
]


def _filter_for_log(filters: dict) -> dict:
    return {
        k: (v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in filters.items()
        if v not in ("", None)
    }


def _xlsx_cell(sheet, value):
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith("="):  # text, never a formula (a logged value must not run in Excel)
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def audit_export(*, actor, filters: dict, reason: str, request=None) -> tuple[str, IO[bytes]]:
    """The filtered rows as an .xlsx file (name, open binary file). The export itself is audited.

    `filters` takes the keyword arguments of `selectors.event_list`.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写导出事由。"})
    events = selectors.event_list(**filters)
    with transaction.atomic():
        count = events.count()
        if count > EXPORT_MAX_ROWS:
            raise ValidationError(
                f"符合条件的记录有 {count} 条，超过单次导出上限 {EXPORT_MAX_ROWS} 条，请缩小筛选范围。"
            )
        audit_record(
            actor=actor,
            action="audit.export",
            obj=("audit.log", "", "审计日志导出"),
            reason=reason,
            request=request,
            extra={"filter": _filter_for_log(filters), "rows": count},
        )
    # Rows stream into a write-only workbook, spooled to disk when large.
    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计日志")
    sheet.append([title for title, _ in EXPORT_COLUMNS])
    local_tz = timezone.get_default_timezone()
    for event in events.order_by("seq").iterator(chunk_size=2000):
        row = []
        for _, name in EXPORT_COLUMNS:
            value = getattr(event, name)
            if name == "at":
                value = timezone.localtime(value, local_tz).replace(tzinfo=None)  # Excel has no time zones
            elif name == "extra":
                value = json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
            elif value is None:
                value = ""
            row.append(_xlsx_cell(sheet, value))
        sheet.append(row)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned to the caller)
    book.save(out)
    out.seek(0)
    stamp = timezone.localtime(timezone.now(), local_tz).strftime("%Y%m%d-%H%M%S")
    return f"audit-log-{stamp}.xlsx", out
