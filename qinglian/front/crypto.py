"""The public front's cryptography: hybrid encryption to a public key, signatures, key derivation.

- `seal(public, data)`: X25519 with a fresh ephemeral key, HKDF-SHA256, AES-256-GCM. Whoever holds
  only the public key (the front) can write but never read back.
- Submissions and reporter messages are sealed to the CORE's box key; replies and status words
  are sealed to the REPORTER's key, derived from the receipt code: the front stores them but can
  open them only while the reporter is presenting the code.
- Bundles between core and front are signed with Ed25519 (`sign`, `verify`).

Private keys are derived from seeds (any random string, see settings `QINGLIAN_FRONT_*`), so that
one secret per side is configured like every other secret of the platform.
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = b"\x01"
RAW = {"encoding": serialization.Encoding.Raw, "format": serialization.PublicFormat.Raw}


class SealError(ValueError):
    """Ciphertext that does not open: wrong key, or altered."""


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64d(text: str) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not text")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _hkdf(material: bytes, *, info: bytes, salt: bytes | None = None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(material)


def box_key(seed: str | bytes, purpose: str) -> X25519PrivateKey:
    seed = seed.encode() if isinstance(seed, str) else seed
    return X25519PrivateKey.from_private_bytes(_hkdf(seed, info=f"qinglian-box:{purpose}".encode()))


def sign_key(seed: str | bytes, purpose: str) -> Ed25519PrivateKey:
    seed = seed.encode() if isinstance(seed, str) else seed
    return Ed25519PrivateKey.from_private_bytes(_hkdf(seed, info=f"qinglian-sign:{purpose}".encode()))


def public_text(key) -> str:
    return b64e(key.public_key().public_bytes(**RAW))


def box_public(text: str) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(b64d(text))


def verify_public(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(b64d(text))


def seal(recipient: X25519PublicKey, data: bytes, *, aad: bytes = b"") -> bytes:
    ephemeral = X25519PrivateKey.generate()
    eph_pub = ephemeral.public_key().public_bytes(**RAW)
    rec_pub = recipient.public_bytes(**RAW)
    key = _hkdf(ephemeral.exchange(recipient), salt=eph_pub + rec_pub, info=b"qinglian-front-seal-v1")
    nonce = os.urandom(12)
    return VERSION + eph_pub + nonce + AESGCM(key).encrypt(nonce, data, aad)


def open_sealed(private: X25519PrivateKey, blob: bytes, *, aad: bytes = b"") -> bytes:
    if not isinstance(blob, bytes | bytearray | memoryview) or len(blob) < 1 + 32 + 12 + 16:
        raise SealError("密文格式不正确")
    blob = bytes(blob)
    if blob[:1] != VERSION:
        raise SealError("密文版本不支持")
    eph_pub, nonce, ct = blob[1:33], blob[33:45], blob[45:]
    rec_pub = private.public_key().public_bytes(**RAW)
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(eph_pub))
        key = _hkdf(shared, salt=eph_pub + rec_pub, info=b"qinglian-front-seal-v1")
        return AESGCM(key).decrypt(nonce, ct, aad)
    except (InvalidTag, ValueError) as exc:
        raise SealError("密文无法解密：密钥不符或数据已被改动") from exc


def sign(private: Ed25519PrivateKey, data: bytes) -> bytes:
    return private.sign(data)


def verify(public: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        public.verify(signature, data)
        return True
    except InvalidSignature:
        return False


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
