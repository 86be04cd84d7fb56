"""Per-report keys for sealed report data.

Each report gets two random Fernet keys, stored wrapped by the field key (core.crypto) under
purposes of their own: the *content key* seals what was reported (text, attachments, messages),
the *identity key* seals who reported it. Reading the content never needs the identity key, and
destroying a report (a report about the commission's own head, once forwarded) is discarding
both wrapped keys and the ciphertexts: the backup copies of the ciphertext become unreadable too.

Clue texts written by staff (summaries, inquiry replies, verification findings) are sealed with
the purpose key "intake-clue": they are not the reporter's words and are never destroyed.
"""

from __future__ import annotations

import json

from cryptography.fernet import Fernet, InvalidToken

from qinglian.core import crypto

CONTENT = "intake-report-content"
IDENTITY = "intake-reporter-identity"
CLUE = "intake-clue"


class Destroyed(Exception):
    """The report's keys were discarded: its content can no longer be read."""


def new_wrapped_key(purpose: str) -> str:
    return crypto.encrypt(Fernet.generate_key().decode(), purpose=purpose)


def _fernet(wrapped: str, purpose: str) -> Fernet:
    if not wrapped:
        raise Destroyed("本件内容已按规定销毁")
    return Fernet(crypto.decrypt(wrapped, purpose=purpose).encode())


def seal_bytes(data: bytes, *, wrapped_key: str, purpose: str = CONTENT) -> bytes:
    return _fernet(wrapped_key, purpose).encrypt(data)


def open_bytes(token: bytes, *, wrapped_key: str, purpose: str = CONTENT) -> bytes:
    try:
        return _fernet(wrapped_key, purpose).decrypt(token)
    except InvalidToken as exc:
        raise ValueError("密文无法解密：密钥不符或数据已损坏") from exc


def seal_json(value: dict, *, wrapped_key: str, purpose: str = CONTENT) -> str:
    data = json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
    return seal_bytes(data, wrapped_key=wrapped_key, purpose=purpose).decode()


def open_json(token: str, *, wrapped_key: str, purpose: str = CONTENT) -> dict:
    if not token:
        return {}
    return json.loads(open_bytes(token.encode(), wrapped_key=wrapped_key, purpose=purpose))


def seal_text(value: str) -> str:
    """Staff-written clue text (not destroyed with a report)."""
    return crypto.encrypt(value, purpose=CLUE) if value else ""


def open_text(token: str) -> str:
    return crypto.decrypt(token, purpose=CLUE) if token else ""
