"""The hash over one audit row: HMAC-SHA256(key, previous hash + canonical content)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings

GENESIS = "0" * 64


def canonical(event) -> bytes:
    content = {
        "seq": event.seq,
        "at": event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "role": event.role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "person": event.person_id,
        "unit": event.unit_id,
        "reason": event.reason,
        "ip": event.source_ip,
        "extra": event.extra,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(event, prev_hash: str) -> str:
    key = settings.AUDIT_HMAC_KEY.encode()
    return hmac.new(key, prev_hash.encode() + b"|" + canonical(event), hashlib.sha256).hexdigest()


def checkpoint_mac(*, seq: int, hash: str, at: str) -> str:
    """HMAC over a checkpoint line, domain-separated from the row hashes."""
    key = settings.AUDIT_HMAC_KEY.encode()
    body = json.dumps({"seq": seq, "hash": hash, "at": at}, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, b"checkpoint|" + body, hashlib.sha256).hexdigest()
