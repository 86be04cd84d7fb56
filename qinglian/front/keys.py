"""Which keys each side holds (settings `QINGLIAN_FRONT_*`, README "Configuration").

Core: `QINGLIAN_FRONT_CORE_KEY` (seed of its box key, which opens submissions, and of its signing
key, which signs replies) and `QINGLIAN_FRONT_PUBLIC` (the front's verify key).
Front: `QINGLIAN_FRONT_KEY` (seed of its signing key and of its receipt-code hash key) and
`QINGLIAN_FRONT_CORE_PUBLIC` ("<box key>.<verify key>" of the core).
In the embedded all-in-one default both seeds are generated under DATA_DIR/keys and the public
halves are derived from them; `manage.py front_keys` prints what to give the other side.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from qinglian.front import crypto


def _need(value: str, name: str) -> str:
    if not value:
        raise ImproperlyConfigured(f"{name} is not set: the public-front exchange cannot run")
    return value


@lru_cache(maxsize=8)
def _front_sign(seed: str):
    return crypto.sign_key(seed, "front")


@lru_cache(maxsize=8)
def _core_box(seed: str):
    return crypto.box_key(seed, "core")


@lru_cache(maxsize=8)
def _core_sign(seed: str):
    return crypto.sign_key(seed, "core")


def front_signing_key():
    return _front_sign(_need(settings.QINGLIAN_FRONT_KEY, "QINGLIAN_FRONT_KEY"))


def front_verify_key():
    if settings.QINGLIAN_FRONT_PUBLIC:
        return crypto.verify_public(settings.QINGLIAN_FRONT_PUBLIC)
    return front_signing_key().public_key()


def core_box_key():
    return _core_box(_need(settings.QINGLIAN_FRONT_CORE_KEY, "QINGLIAN_FRONT_CORE_KEY"))


def core_signing_key():
    return _core_sign(_need(settings.QINGLIAN_FRONT_CORE_KEY, "QINGLIAN_FRONT_CORE_KEY"))


def _core_public_parts() -> tuple[str, str] | None:
    value = settings.QINGLIAN_FRONT_CORE_PUBLIC
    if not value:
        return None
    box, _, verify = value.partition(".")
    return box, verify


def core_box_public():
    parts = _core_public_parts()
    return crypto.box_public(parts[0]) if parts else core_box_key().public_key()


def core_verify_key():
    parts = _core_public_parts()
    return crypto.verify_public(parts[1]) if parts else core_signing_key().public_key()


def core_public_text() -> str:
    return f"{crypto.public_text(core_box_key())}.{crypto.public_text(core_signing_key())}"


def front_public_text() -> str:
    return crypto.public_text(front_signing_key())


@lru_cache(maxsize=8)
def _hash_key(seed: str) -> bytes:
    return hashlib.sha256(f"receipt-code:{seed}".encode()).digest()


def front_code_hash(code: str) -> str:
    """The front's keyed hash of a (normalised) receipt code: how it finds a submission."""
    key = _hash_key(_need(settings.QINGLIAN_FRONT_KEY, "QINGLIAN_FRONT_KEY"))
    return hmac.digest(key, code.encode(), "sha256").hex()


def ratelimit_key() -> bytes:
    """Key of the hashed rate-limit buckets (never stored with the raw address)."""
    return _hash_key(settings.SECRET_KEY + ":ratelimit")
