"""Fingerprints of report content for repeat detection, computed without keeping clear text.

The text is cut into character 3-grams (Chinese has no spaces), each 3-gram is replaced by its keyed
hash (so the stored signature cannot be matched against guessed texts without the key), and a
MinHash signature (datasketch) is kept. Locality-sensitive hashing splits the signature into bands;
two reports sharing any band are candidates, and the estimated Jaccard similarity decides.
"""

from __future__ import annotations

import hashlib
import re
import struct

import numpy as np
from datasketch import MinHash

from qinglian.core.crypto import keyed_hash

NUM_PERM = 64
BANDS = 16  # 16 bands of 4 rows: pairs above ~0.5 Jaccard collide in some band with high probability
ROWS = NUM_PERM // BANDS
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    return _PUNCT.sub("", (text or "").lower())


def name_hash(name: str) -> str:
    name = normalise(name)
    return keyed_hash(name, purpose="intake-subject-name") if name else ""


def signature(text: str) -> MinHash | None:
    text = normalise(text)
    if len(text) < 3:
        return None
    m = MinHash(num_perm=NUM_PERM, seed=7)
    grams = {text[i : i + 3] for i in range(len(text) - 2)}
    m.update_batch([keyed_hash(g, purpose="intake-shingle").encode() for g in grams])
    return m


def to_bytes(m: MinHash | None) -> bytes | None:
    return None if m is None else m.hashvalues.astype("<u8").tobytes()


def from_bytes(data: bytes | memoryview | None) -> MinHash | None:
    if not data:
        return None
    # Set the values on a fresh MinHash rather than passing `hashvalues=`: datasketch 2 then
    # demands the hashing scheme, which a stored signature does not carry (same seed, same scheme).
    m = MinHash(num_perm=NUM_PERM, seed=7)
    m.hashvalues = np.frombuffer(bytes(data), dtype="<u8").astype(np.uint64)
    return m


def bands(m: MinHash | None) -> list[int]:
    """Signed 64-bit band keys (band number mixed in), one per band."""
    if m is None:
        return []
    values = m.hashvalues
    out = []
    for b in range(BANDS):
        chunk = struct.pack(f"<H{ROWS}Q", b, *(int(v) for v in values[b * ROWS : (b + 1) * ROWS]))
        out.append(struct.unpack("<q", hashlib.blake2b(chunk, digest_size=8).digest())[0])
    return out


def similarity(a: MinHash | None, b: MinHash | None) -> float:
    if a is None or b is None:
        return 0.0
    return float(a.jaccard(b))
