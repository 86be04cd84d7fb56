"""Abuse limits that need no outside service.

Rate limits live only in the cache, under keys that are an HMAC of (purpose, client address,
time window) with a server key: the raw address is never stored (not in the database, the audit
log, the logs or even the cache) and each key expires with its window. The challenge is a small
sum whose answer is bound to a signed, time-limited token; a token is good once.
"""

from __future__ import annotations

import hmac
import secrets
import time

from django.core.cache import cache

from qinglian.front import keys

CHALLENGE_MAX_AGE = 2 * 3600


def _bucket(request, purpose: str, window: int) -> str:
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    slot = int(time.time() // window)
    mac = hmac.digest(keys.ratelimit_key(), f"{purpose}|{address}|{slot}".encode(), "sha256").hex()[:32]
    return f"ql-rl:{mac}"


def hit(request, purpose: str, *, limit: int, window: int) -> bool:
    """Count one event; False once more than `limit` happened in this window."""
    key = _bucket(request, purpose, window)
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count <= limit


def exceeded(request, purpose: str, *, limit: int, window: int) -> bool:
    return (cache.get(_bucket(request, purpose, window)) or 0) >= limit


def _mac(text: str) -> str:
    return hmac.digest(keys.ratelimit_key(), f"challenge|{text}".encode(), "sha256").hex()[:32]


def challenge_new() -> tuple[str, str]:
    """(question, token) — a sum a person does at a glance."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_urlsafe(12)
    stamp = str(int(time.time()))
    return f"{a} 加 {b} 等于几？", f"{stamp}.{nonce}.{_mac(f'{stamp}.{nonce}.{a + b}')}"


def challenge_check(token, answer) -> str | None:
    """None if the answer is right (and the token fresh and unused), else a Chinese message."""
    if not isinstance(token, str) or not isinstance(answer, str) or token.count(".") != 2 or len(token) > 120:
        return "验证题已失效，请重新作答"
    stamp, nonce, mac = token.split(".")
    if not stamp.isdigit() or not (0 <= time.time() - int(stamp) <= CHALLENGE_MAX_AGE):
        return "验证题已过期，请重新作答"
    answer = answer.strip()
    if not answer.isdigit() or len(answer) > 3:
        return "请用数字回答验证题"
    if not hmac.compare_digest(_mac(f"{stamp}.{nonce}.{int(answer)}"), mac):
        return "验证题答案不对，请重新作答"
    if not cache.add(f"ql-ch:{_mac(nonce)}", 1, CHALLENGE_MAX_AGE):
        return "验证题已用过，请重新作答"
    return None
