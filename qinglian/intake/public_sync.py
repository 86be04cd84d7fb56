"""The core's side of the public-front exchange (ARCHITECTURE.md §5; bundles in qinglian/front/sync.py).

The core PULLS: it imports the front's signed `submissions` bundle (each public report becomes a
`Report` through `services.report_create(actor=None, channel="web")`, each reporter message a
`ReportMessage`), and answers with a signed `replies` bundle: what it has taken, status words and
staff messages sealed to each reporter's key, and the public directory of receiving bodies.

Three carriers, one code path: `exchange_local` (all-in-one: the front tables live in the same
database), `exchange_http` (the core calls the front; the front never calls in) and files carried
across a one-way gateway (`manage.py front_bundle`).
"""

from __future__ import annotations

import json
import logging
import urllib.request
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.audit.services import audit_record
from qinglian.core.crypto import keyed_hash
from qinglian.front import codes, crypto, keys
from qinglian.front import sync as bundles
from qinglian.front.models import SyncMark
from qinglian.front.services import open_file
from qinglian.intake import sealing, uploads
from qinglian.intake.models import ProblemType, Report, ReportMessage
from qinglian.intake.services import (
    IncomingFile,
    _clean_text,
    _supervising_body,
    attachment_add,
    message_text,
    report_create,
)
from qinglian.intake.states import PUBLIC_STATUS
from qinglian.people.models import Unit, UnitKind

log = logging.getLogger(__name__)
STATUS_CURSOR = "cursor:status"
DIRECTORY_CURSOR = "cursor:directory"
RECEIVING_KINDS = (UnitKind.DISCIPLINE_COMMISSION, UnitKind.TOWNSHIP_COMMITTEE)


# --- opaque unit codes (posters, the public directory) -------------------------------------------


def unit_code(unit: Unit) -> str:
    """An opaque, stable code for a unit (no database id in public addresses)."""
    return keyed_hash(f"unit:{unit.pk}", purpose="front-unit")[:16].lower()


def unit_code_remember(unit: Unit) -> str:
    code = unit_code(unit)
    SyncMark.objects.update_or_create(key=f"unit:{code}", defaults={"value": str(unit.pk)})
    return code


def unit_from_code(code) -> Unit | None:
    if not isinstance(code, str) or not code:
        return None
    mark = SyncMark.objects.filter(key=f"unit:{code[:20]}").first()
    return Unit.objects.filter(pk=mark.value, is_active=True).first() if mark else None


def receiving_unit_for(unit: Unit | None) -> Unit | None:
    if unit is not None:
        if unit.kind in RECEIVING_KINDS:
            return unit
        body = _supervising_body(unit)
        if body is not None:
            return body
    top = Unit.objects.filter(kind=UnitKind.DISCIPLINE_COMMISSION, is_active=True).order_by("depth", "pk")
    return top.first()


def directory() -> list[dict]:
    """The bodies a reporter may choose on the public page (names are public), and the units that
    have a poster (reached only through its QR code)."""
    units = list(
        Unit.objects.filter(kind__in=RECEIVING_KINDS, is_active=True)
        .order_by("depth", "path")
        .only("pk", "name")
    )
    listed = [{"code": unit_code(u), "name": u.name, "listed": True} for u in units]
    marks = dict(SyncMark.objects.filter(key__startswith="unit:").values_list("key", "value"))
    missing = [SyncMark(key=f"unit:{u['code']}", value=str(unit.pk))
               for u, unit in zip(listed, units, strict=True) if f"unit:{u['code']}" not in marks]  # fmt: skip
    SyncMark.objects.bulk_create(missing, ignore_conflicts=True)
    listed_codes = {u["code"] for u in listed}
    extra_ids = {int(v): k[5:] for k, v in marks.items() if k[5:] not in listed_codes}
    extra = [{"code": extra_ids[u.pk], "name": u.name, "listed": False}
             for u in Unit.objects.filter(pk__in=extra_ids, is_active=True).order_by("path").only("pk", "name")]  # fmt: skip
    return listed + extra


def _directory_if_changed(always: bool) -> dict:
    units = directory()
    digest = crypto.digest(json.dumps(units, ensure_ascii=False, sort_keys=True).encode())
    mark = SyncMark.objects.filter(key=DIRECTORY_CURSOR).first()
    if not always and mark is not None and mark.value == digest:
        return {}
    SyncMark.objects.update_or_create(key=DIRECTORY_CURSOR, defaults={"value": digest})
    return {"units": units}


# --- import (front → core) -------------------------------------------------------------------


def _files(reference: str, blobs, *, report_number: str) -> list[IncomingFile]:
    """Open and re-check each file: the front faces the internet and is not trusted."""
    out = []
    for blob in blobs[: settings.QINGLIAN_PUBLIC_MAX_FILES]:
        name, ctype, data = open_file(reference, crypto.b64d(blob))
        try:
            out.append(uploads.check_upload(name, data, ctype))
        except ValidationError as exc:
            log.warning("front file refused for %s: %s", report_number, "; ".join(exc.messages))
    return out


def _import_submission(item: dict) -> None:
    ref = item["ref"]
    if Report.objects.filter(front_reference=ref).exists():
        return
    payload = json.loads(
        crypto.open_sealed(keys.core_box_key(), crypto.b64d(item["sealed"]), aad=ref.encode())
    )
    code = codes.normalise(payload.get("code"))
    if code is None or codes.reference_for(code) != ref:
        raise ValidationError("查询码与前置编号不符")
    problem = payload.get("problem_type") if payload.get("problem_type") in ProblemType.values else "other"
    unit = receiving_unit_for(unit_from_code(payload.get("unit")))
    if unit is None:
        raise ValidationError("没有受理机关")
    content = payload.get("content") if isinstance(payload.get("content"), dict) else {}
    identity = payload.get("identity") if isinstance(payload.get("identity"), dict) else None
    received = datetime.fromisoformat(payload["at"]) if isinstance(payload.get("at"), str) else None
    with transaction.atomic():
        report = report_create(
            actor=None, channel="web", receiving_unit=unit, content=content, identity=identity,
            problem_type=problem, received_at=min(received or timezone.now(), timezone.now()),
            receipt_code_hash=keyed_hash(code, purpose="receipt-code"), front_reference=ref,
        )  # fmt: skip
        attachments = [attachment_add(report=report, file=f)
                       for f in _files(ref, item.get("files", []), report_number=report.number)]  # fmt: skip
        uploads.schedule_cleaning(attachments)


def _import_message(item: dict) -> None:
    ref, sub_ref = item["ref"], item["submission"]
    mark_key = f"msg:{ref}"[:80]
    if SyncMark.objects.filter(key=mark_key).exists():
        return
    report = Report.objects.filter(front_reference=sub_ref).first()
    with transaction.atomic():
        SyncMark.objects.create(key=mark_key)
        if report is None or report.is_destroyed:
            return
        data = json.loads(
            crypto.open_sealed(keys.core_box_key(), crypto.b64d(item["sealed"]), aad=(sub_ref + ref).encode())
        )
        body = _clean_text(data.get("body"), "body", "留言内容", max_len=2000)
        at = min(datetime.fromisoformat(data["at"]), timezone.now())
        ReportMessage.objects.create(
            report=report, direction=ReportMessage.Direction.FROM_REPORTER,
            body=sealing.seal_bytes(body.encode(), wrapped_key=report.content_key).decode(),
            created_at=at, delivered_at=timezone.now(),
        )  # fmt: skip
        files = _files(sub_ref, item.get("files", []), report_number=report.number)
        attachments = [attachment_add(report=report, file=f) for f in files]
        uploads.schedule_cleaning(attachments)
        audit_record(actor=None, action="intake.report.message", obj=report, unit_id=report.receiving_unit_id,
                     extra={"direction": "from_reporter", "files": len(files)})  # fmt: skip


def import_submissions(data: bytes) -> list[str]:
    """Import a front's `submissions` bundle; returns the references now taken (to acknowledge).
    An item that cannot be imported (altered, malformed) is logged, audited and acknowledged, so
    that it does not block the others; it never becomes a report."""
    body = bundles.unpack(data, kind=bundles.SUBMISSIONS, verify_key=keys.front_verify_key())
    taken = []
    for item in body.get("items", []):
        if not isinstance(item, dict) or not isinstance(item.get("ref"), str):
            continue
        try:
            with transaction.atomic():
                if item.get("type") == "submission":
                    _import_submission(item)
                elif item.get("type") == "message" and isinstance(item.get("submission"), str):
                    _import_message(item)
                else:
                    continue
        except (ValidationError, ValueError, KeyError, TypeError, crypto.SealError) as exc:
            reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else type(exc).__name__
            log.warning("front item refused: %s", reason)
            audit_record(actor=None, action="intake.front.refused", extra={"reason": reason[:200]})
        taken.append(item["ref"])
    return taken


# --- export (core → front) -------------------------------------------------------------------


def _reply_ref(message_id: int) -> str:
    return "s" + keyed_hash(f"msg:{message_id}", purpose="front-reply")[:40]


def export_replies(taken: list[str], *, full_directory: bool = True) -> tuple[bytes, callable]:
    """The `replies` bundle and a function to call once it has been delivered."""
    mark = SyncMark.objects.filter(key=STATUS_CURSOR).first()
    since = datetime.fromisoformat(mark.value) if mark and mark.value else None
    reports = Report.objects.filter(front_reference__isnull=False).only(
        "front_reference", "status", "status_changed_at", "destroyed_at"
    )
    if since is not None:
        reports = reports.filter(status_changed_at__gte=since)
    items, newest = [], since
    for r in reports.order_by("status_changed_at")[:5000]:
        word = PUBLIC_STATUS.get(r.status, "已受理，正在办理")
        sealed = crypto.seal(
            codes.reporter_public(r.front_reference), word.encode(), aad=r.front_reference.encode()
        )
        items.append({"type": "status", "submission": r.front_reference, "at": r.status_changed_at.isoformat(),
                      "sealed": crypto.b64e(sealed)})  # fmt: skip
        newest = r.status_changed_at if newest is None else max(newest, r.status_changed_at)
    pending = list(
        ReportMessage.objects.filter(direction=ReportMessage.Direction.TO_REPORTER, delivered_at__isnull=True,
                                     report__front_reference__isnull=False, report__destroyed_at__isnull=True)
        .select_related("report")[:2000]
    )  # fmt: skip
    for m in pending:
        ref = m.report.front_reference
        text = json.dumps({"body": message_text(m)}, ensure_ascii=False).encode()
        items.append({"type": "message", "ref": _reply_ref(m.pk), "submission": ref, "at": m.created_at.isoformat(),
                      "sealed": crypto.b64e(crypto.seal(codes.reporter_public(ref), text, aad=ref.encode()))})  # fmt: skip
    body = {"taken": taken, "items": items, **_directory_if_changed(full_directory)}
    data = bundles.pack(bundles.REPLIES, body, keys.core_signing_key())

    def delivered():
        now = timezone.now()
        ReportMessage.objects.filter(pk__in=[m.pk for m in pending]).update(delivered_at=now)
        if newest is not None:
            SyncMark.objects.update_or_create(key=STATUS_CURSOR, defaults={"value": newest.isoformat()})

    return data, delivered


# --- carriers --------------------------------------------------------------------------------


def exchange_local(rounds: int = 20) -> int:
    """All-in-one: the same bundles, handed over in-process. Returns how many items were taken."""
    total = 0
    for _ in range(rounds):
        taken = import_submissions(bundles.export_submissions())
        replies, delivered = export_replies(taken, full_directory=False)
        bundles.apply_replies(replies)
        delivered()
        total += len(taken)
        if not taken:
            break
    return total


def _http_post(url: str, data: bytes) -> bytes:
    req = urllib.request.Request(url, data=data, method="POST",  # noqa: S310 (configured https URL)
                                 headers={"Content-Type": "application/octet-stream"})  # fmt: skip
    with urllib.request.urlopen(req, timeout=60) as resp:  # noqa: S310
        return resp.read()


def exchange_http(base_url: str | None = None, *, transport=_http_post, rounds: int = 20) -> int:
    """Split front: the core calls the front (pull, then push); the front never calls the core."""
    base = (base_url or settings.QINGLIAN_FRONT_URL).rstrip("/")
    if not base:
        raise ValidationError("未配置外网前置地址（QINGLIAN_FRONT_URL）")
    total = 0
    for _ in range(rounds):
        pull = bundles.pack(bundles.PULL, {}, keys.core_signing_key())
        taken = import_submissions(transport(f"{base}/sync/pull", pull))
        replies, delivered = export_replies(taken)
        transport(f"{base}/sync/push", replies)
        delivered()
        total += len(taken)
        if not taken:
            break
    return total


def import_file(data: bytes) -> tuple[bytes, callable]:
    """One-way gateway: import a submissions file; returns the replies file to carry back."""
    return export_replies(import_submissions(data))
