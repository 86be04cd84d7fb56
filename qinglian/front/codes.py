"""Receipt codes (查询码): 20 characters of Crockford base32 (100 random bits), shown once.

The front keeps only a keyed hash of the code; the reporter's key pair is derived from it, and
the public half (the front reference) is what the core uses to seal replies to the reporter.
"""

from __future__ import annotations

import re
import secrets

from qinglian.front import crypto

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 20
_TRANSLATE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise(text) -> str | None:
    """The code as typed (any case, spaces, dashes, O for 0...) or None if it cannot be one."""
    if not isinstance(text, str) or len(text) > 80:
        return None
    code = re.sub(r"[\s\-_.·—]", "", text).upper().translate(_TRANSLATE)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def reporter_key(code: str):
    return crypto.box_key(f"receipt:{code}", "reporter")


def reference_for(code: str) -> str:
    """The front reference of a submission: 'w' + the reporter's public key (44 characters)."""
    return "w" + crypto.public_text(reporter_key(code))


def reporter_public(reference: str):
    if not isinstance(reference, str) or not reference.startswith("w") or len(reference) != 44:
        raise ValueError("front reference is not a reporter key")
    return crypto.box_public(reference[1:])
