"""How a person's ID number and name are stored: encrypted number, keyed hashes, masked form,
and search tokens (name, pinyin, initials)."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin, pinyin

from qinglian.core.crypto import decrypt, encrypt, keyed_hash
from qinglian.core.idnumber import IdNumber, mask

ID_PURPOSE = "id-number"


def id_fields(parsed: IdNumber | None) -> dict:
    """Column values for a (validated) ID number, or blanks when there is none."""
    if parsed is None:
        return {"id_number_enc": "", "id_number_hash": None, "id_masked": ""}
    number = parsed.number
    return {
        "id_number_enc": encrypt(number, purpose=ID_PURPOSE),
        "id_number_hash": keyed_hash(number),
        "id_masked": mask(number),
    }


def tail_hashes(number: str) -> dict:
    """Keyed hashes of the last 5 and 6 characters: search by them without storing them in clear.
    (The last four are visible in the masked form anyway.)"""
    return {
        "id_tail5_hash": keyed_hash(number[-5:], purpose="id-tail")[:16],
        "id_tail6_hash": keyed_hash(number[-6:], purpose="id-tail")[:16],
    }


def tail_hash(digits: str) -> str:
    return keyed_hash(digits, purpose="id-tail")[:16]


def reveal(enc: str) -> str:
    return decrypt(enc, purpose=ID_PURPOSE) if enc else ""


# Imports compute tokens for tens of thousands of names drawn from a few thousand surnames and
# given names: the pinyin look-ups (the costly part) are cached per surname and per given name,
# which gives exactly the same readings as converting each name anew.
@lru_cache(maxsize=8192)
def _surname_readings(char: str) -> tuple[str, ...]:
    return tuple(pinyin(char, heteronym=True, style=Style.NORMAL)[0])


@lru_cache(maxsize=65536)
def _given_name_pinyin(given: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(given, style=Style.NORMAL, errors="ignore"))


def name_tokens(name: str) -> set[str]:
    """Search tokens for a name: itself, the given name, and full pinyin and initials for every
    reading of the surname (polyphonic surnames: 单 shan/dan, 曾 zeng/ceng, 解 xie/jie...)."""
    name = name.strip()
    if not name:
        return set()
    tokens = {name.lower()}
    if len(name) > 1:
        tokens.add(name[1:].lower())
    first_readings = _surname_readings(name[0])
    rest = _given_name_pinyin(name[1:])
    for surname in dict.fromkeys(first_readings[:4]):
        syllables = [surname, *rest]
        if all(s.isascii() for s in syllables):
            tokens.add("".join(syllables).lower())
            tokens.add("".join(s[0] for s in syllables if s).lower())
    return {t[:64] for t in tokens if t}
