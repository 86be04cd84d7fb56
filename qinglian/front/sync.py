"""Bundles between the public front and the core: signed JSON, items sealed inside.

- `submissions` bundle (front → core, signed by the front): new submissions and reporter messages
  with their attachments, each sealed to the core's box key.
- `replies` bundle (core → front, signed by the core): references the core has taken (the front
  then deletes their ciphertext), status words and staff messages sealed to each reporter's key,
  the public directory of receiving bodies.

The same bundles travel by HTTP (the core calls the front's /sync/ endpoint, never the reverse)
or as files across a one-way gateway (management command `front_bundle`). Importing is idempotent:
a replayed bundle adds nothing. A bundle whose signature does not verify, or of the wrong kind,
or too old, is refused whole.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from qinglian.front import crypto, keys
from qinglian.front.models import FrontAttachment, FrontMessage, FrontSubmission, FrontUnit

FORMAT = "qinglian-front-bundle"
MAX_AGE = timedelta(days=30)  # files may wait at a gateway; replays are harmless anyway
PULL_MAX_AGE = timedelta(minutes=5)
SUBMISSIONS, REPLIES, PULL = "submissions", "replies", "pull"


class BundleError(ValueError):
    pass


def pack(kind: str, body: dict, signing_key) -> bytes:
    payload = json.dumps(
        {"format": FORMAT, "v": 1, "kind": kind, "id": secrets.token_hex(16),
         "created": timezone.now().isoformat(), **body},
        ensure_ascii=False, sort_keys=True,
    ).encode()  # fmt: skip
    signature = crypto.sign(signing_key, b"%s\n%s\n" % (FORMAT.encode(), kind.encode()) + payload)
    return json.dumps({"payload": crypto.b64e(payload), "signature": crypto.b64e(signature)}).encode()


def unpack(data: bytes, *, kind: str, verify_key, max_age: timedelta = MAX_AGE) -> dict:
    try:
        outer = json.loads(data)
        payload = crypto.b64d(outer["payload"])
        signature = crypto.b64d(outer["signature"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BundleError("数据包格式不正确") from exc
    if not crypto.verify(verify_key, signature, b"%s\n%s\n" % (FORMAT.encode(), kind.encode()) + payload):
        raise BundleError("数据包签名无效：来源不符或内容已被改动")
    body = json.loads(payload)
    if body.get("format") != FORMAT or body.get("kind") != kind or body.get("v") != 1:
        raise BundleError("数据包类型不符")
    created = datetime.fromisoformat(body["created"])
    now = timezone.now()
    if created > now + timedelta(minutes=5) or now - created > max_age:
        raise BundleError("数据包已过期")
    return body


# --- front side -------------------------------------------------------------------------------


def export_submissions(*, limit: int = 50) -> bytes:
    """Everything the core has not taken yet (at most `limit` submissions per bundle)."""
    subs = list(FrontSubmission.objects.filter(taken_at__isnull=True).exclude(sealed=None)[:limit])
    files = {}
    for a in FrontAttachment.objects.filter(submission__in=subs, message=None):
        files.setdefault(a.submission_id, []).append(crypto.b64e(bytes(a.sealed)))
    items = [
        {"type": "submission", "ref": s.reference, "sealed": crypto.b64e(bytes(s.sealed)),
         "files": files.get(s.pk, [])}
        for s in subs
    ]  # fmt: skip
    messages = list(
        FrontMessage.objects.filter(taken_at__isnull=True, direction=FrontMessage.Direction.FROM_REPORTER)
        .exclude(for_core=None)
        .select_related("submission")[: limit * 4]
    )
    mfiles = {}
    for a in FrontAttachment.objects.filter(message__in=messages):
        mfiles.setdefault(a.message_id, []).append(crypto.b64e(bytes(a.sealed)))
    items += [
        {"type": "message", "ref": m.reference, "submission": m.submission.reference,
         "sealed": crypto.b64e(bytes(m.for_core)), "files": mfiles.get(m.pk, [])}
        for m in messages
    ]  # fmt: skip
    return pack(SUBMISSIONS, {"items": items}, keys.front_signing_key())


@transaction.atomic
def apply_replies(data: bytes) -> dict:
    """Apply a core's replies bundle at the front. Returns counts."""
    body = unpack(data, kind=REPLIES, verify_key=keys.core_verify_key())
    now = timezone.now()
    taken = [r for r in body.get("taken", []) if isinstance(r, str)]
    n_taken = FrontSubmission.objects.filter(reference__in=taken, taken_at__isnull=True).update(
        taken_at=now, sealed=None
    )
    n_taken += FrontMessage.objects.filter(reference__in=taken, taken_at__isnull=True).update(
        taken_at=now, for_core=None
    )
    FrontAttachment.objects.filter(submission__reference__in=taken, message=None).delete()
    FrontAttachment.objects.filter(message__reference__in=taken).delete()
    subs = {s.reference: s for s in FrontSubmission.objects.filter(
        reference__in={i.get("submission") for i in body.get("items", [])})}  # fmt: skip
    statuses = messages = 0
    for item in body.get("items", []):
        sub = subs.get(item.get("submission"))
        if sub is None:
            continue  # not (or no longer) at this front
        at = datetime.fromisoformat(item["at"])
        sealed = crypto.b64d(item["sealed"])
        if item.get("type") == "status":
            if sub.status_at is None or at >= sub.status_at:
                FrontSubmission.objects.filter(pk=sub.pk).update(status_sealed=sealed, status_at=at)
                sub.status_at = at
                statuses += 1
        elif item.get("type") == "message":
            _, created = FrontMessage.objects.get_or_create(
                reference=item["ref"],
                defaults={"submission": sub, "direction": FrontMessage.Direction.TO_REPORTER,
                          "for_reporter": sealed, "created_at": at, "taken_at": at},
            )  # fmt: skip
            messages += created
    if "units" in body:
        units = [u for u in body["units"] if isinstance(u, dict)]
        FrontUnit.objects.exclude(code__in=[u["code"] for u in units]).delete()
        for pos, u in enumerate(units):
            FrontUnit.objects.update_or_create(
                code=u["code"],
                defaults={"name": u["name"][:100], "position": pos, "listed": u.get("listed", True)},
            )
    return {"taken": n_taken, "statuses": statuses, "messages": messages}
