"""Field encryption and keyed hashes.

Sealed values (ID numbers, reporter identities...) are encrypted with Fernet keys derived per
purpose from the field key, so that a key can be discarded for one purpose (e.g. a destroyed
report) without touching the others. Exact matching uses an HMAC of the normalised value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@lru_cache(maxsize=64)
def _fernet(purpose: str, master: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"qinglian-field", info=purpose.encode()
    ).derive(master.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(value: str, *, purpose: str) -> str:
    return _fernet(purpose, settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str, *, purpose: str) -> str:
    try:
        return _fernet(purpose, settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("密文无法解密：密钥不符或数据已损坏") from exc


def encrypt_bytes(data: bytes, *, purpose: str) -> bytes:
    """A file's content encrypted at rest (photos, uploads) with the purpose's derived key."""
    return _fernet(purpose, settings.FIELD_ENCRYPTION_KEY).encrypt(data)


def decrypt_bytes(token: bytes, *, purpose: str) -> bytes:
    try:
        return _fernet(purpose, settings.FIELD_ENCRYPTION_KEY).decrypt(token)
    except InvalidToken as exc:
        raise ValueError("密文无法解密：密钥不符或数据已损坏") from exc


@lru_cache(maxsize=64)
def _hash_key(purpose: str, secret: str) -> bytes:
    return hashlib.sha256(f"{purpose}:{secret}".encode()).digest()


def keyed_hash(value: str, *, purpose: str = "id-number") -> str:
    """HMAC-SHA256 hex of a normalised value; the same input gives the same hash in every table.
    (Imports hash every row several times: the key is derived once per purpose, the HMAC is the
    one-shot C implementation.)"""
    return hmac.digest(
        _hash_key(purpose, settings.ID_HASH_KEY), value.strip().upper().encode(), "sha256"
    ).hex()
