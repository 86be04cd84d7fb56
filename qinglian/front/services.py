"""Writes of the public front: a submission, a reporter's message. Everything is sealed before it
is stored (to the core's key, and to the reporter's own key for what the follow-up page shows);
nothing about the visitor (address, browser) is recorded."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from qinglian.front import codes, crypto, keys
from qinglian.front.models import FrontAttachment, FrontMessage, FrontSubmission


@dataclass(frozen=True)
class Upload:
    """A checked file (see qinglian.intake.uploads.check_upload)."""

    name: str
    data: bytes
    content_type: str


def _seal_file(reference: str, f) -> bytes:
    header = json.dumps({"name": f.name, "type": f.content_type}, ensure_ascii=False).encode()
    return crypto.seal(keys.core_box_public(), header + b"\n" + f.data, aad=reference.encode())


def open_file(reference: str, blob: bytes) -> tuple[str, str, bytes]:
    """Core side: (name, content type, bytes) of a sealed file."""
    data = crypto.open_sealed(keys.core_box_key(), blob, aad=reference.encode())
    header, _, body = data.partition(b"\n")
    meta = json.loads(header)
    return meta["name"], meta["type"], body


def _seal_for_reporter(reference: str, text: str) -> bytes:
    return crypto.seal(codes.reporter_public(reference), text.encode(), aad=reference.encode())


def open_for_reporter(code: str, reference: str, blob) -> str:
    return crypto.open_sealed(codes.reporter_key(code), bytes(blob), aad=reference.encode()).decode()


@transaction.atomic
def submission_create(*, report: dict, files=()) -> tuple[str, FrontSubmission]:
    """Store one public report, sealed to the core. Returns the receipt code (shown once, never
    stored) and the row. `report`: content, identity, problem_type, unit (an opaque unit code)."""
    code = codes.new_code()
    reference = codes.reference_for(code)
    now = timezone.now()
    payload = {"v": 1, "at": now.isoformat(), "code": code, **report}
    sealed = crypto.seal(
        keys.core_box_public(), json.dumps(payload, ensure_ascii=False).encode(), aad=reference.encode()
    )
    sub = FrontSubmission.objects.create(
        reference=reference, code_hash=keys.front_code_hash(code), sealed=sealed, created_at=now
    )
    FrontAttachment.objects.bulk_create(
        FrontAttachment(submission=sub, sealed=_seal_file(reference, f), created_at=now) for f in files
    )
    _after_commit()
    return code, sub


@transaction.atomic
def message_create(*, submission: FrontSubmission, code: str, body: str, files=()) -> FrontMessage:
    """The reporter answers or adds evidence through the receipt code."""
    now = timezone.now()
    ref = submission.reference
    msg_ref = "m" + secrets.token_urlsafe(24)
    payload = json.dumps({"v": 1, "at": now.isoformat(), "body": body}, ensure_ascii=False).encode()
    message = FrontMessage.objects.create(
        submission=submission, reference=msg_ref, direction=FrontMessage.Direction.FROM_REPORTER,
        for_core=crypto.seal(keys.core_box_public(), payload, aad=(ref + msg_ref).encode()),
        for_reporter=_seal_for_reporter(ref, json.dumps({"body": body, "files": len(files)}, ensure_ascii=False)),
        created_at=now,
    )  # fmt: skip
    FrontAttachment.objects.bulk_create(
        FrontAttachment(submission=submission, message=message, sealed=_seal_file(ref, f), created_at=now)
        for f in files
    )
    _after_commit()
    return message


def submission_find(code: str) -> FrontSubmission | None:
    return FrontSubmission.objects.filter(code_hash=keys.front_code_hash(code)).first()


def _after_commit():
    """All-in-one: the core takes what was just stored at once (intake.tasks), through the same
    bundle code path as a split front."""
    from django.conf import settings

    if settings.MODE == "core":
        from qinglian.front.local import enqueue_local_exchange

        transaction.on_commit(enqueue_local_exchange)


def follow_up(submission: FrontSubmission, code: str) -> dict:
    """What the reporter sees: the status in plain words and the messages, opened with the code."""
    ref = submission.reference
    status = "已收到，等待登记"
    if submission.status_sealed:
        status = open_for_reporter(code, ref, submission.status_sealed)
    messages = []
    for m in submission.messages.all():
        data = json.loads(open_for_reporter(code, ref, m.for_reporter))
        messages.append({"from_reporter": m.direction == m.Direction.FROM_REPORTER, "at": m.created_at,
                         "body": data["body"], "files": data.get("files", 0)})  # fmt: skip
    return {"status": status, "status_at": submission.status_at, "messages": messages,
            "submitted_at": submission.created_at}  # fmt: skip
