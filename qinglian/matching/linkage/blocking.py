"""Candidate pairs: which (left, right) rows are compared at all.

Exact ID: an equi-join on the keyed hash, where both sides have one. Pairs where both sides have
a hash and the hashes differ are never candidates (they are different people).

Every other pair has no usable ID on at least one side and becomes a candidate when it shares one
of these keys (each an equi-join, so the work grows with the number of pairs that share a key, not
with left × right):

- pinyin of the folded name + birth year    exact names, traditional characters, homophones
- pinyin + month and day                    a transposition inside the year (1985 → 1958)
- pinyin + first three year digits + day    a transposition across year and month (1980-12 → 1981-02)
- surname + exact birth date                a one-character typo in the given name
- given name + exact birth date             a one-character typo in the surname
- pinyin + county, where a birth date is missing on either side

Transpositions of two adjacent digits of YYYYMMDD always keep one of year, month-day or
(decade, day) intact, so the second and third keys together with the first catch every one.
"""

from __future__ import annotations

import polars as pl

# (keys, only rows that have a birth date?)
NAME_BLOCKS: tuple[tuple[tuple[str, ...], bool], ...] = (
    (("pinyin", "year"), True),
    (("pinyin", "mmdd"), True),
    (("pinyin", "dec_day"), True),
    (("surname", "date_int"), True),
    (("given", "date_int"), True),
)


def _pairs(left: pl.DataFrame, right: pl.DataFrame, keys: tuple[str, ...]) -> pl.DataFrame:
    lk = left.select("_i", *keys).drop_nulls(list(keys))
    rk = right.select("_i", *keys).drop_nulls(list(keys))
    if "given" in keys:
        lk, rk = lk.filter(pl.col("given") != ""), rk.filter(pl.col("given") != "")
    return lk.join(rk, on=list(keys), how="inner", suffix="_r").select(
        pl.col("_i").alias("li"), pl.col("_i_r").alias("ri")
    )


def id_pairs(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    return (
        left.select("_i", "id_hash")
        .drop_nulls("id_hash")
        .join(right.select("_i", "id_hash").drop_nulls("id_hash"), on="id_hash", how="inner", suffix="_r")
        .select(pl.col("_i").alias("li"), pl.col("_i_r").alias("ri"))
    )


def name_pairs(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    """Candidates without a usable ID pair: (all left × right without ID) ∪ (left without ID × right with ID)."""
    right_noid = right.filter(pl.col("id_hash").is_null())
    left_noid = left.filter(pl.col("id_hash").is_null())
    right_id = right.filter(pl.col("id_hash").is_not_null())
    parts = []
    for lside, rside in ((left, right_noid), (left_noid, right_id)):
        if not lside.height or not rside.height:
            continue
        for keys, _dated in NAME_BLOCKS:
            parts.append(_pairs(lside, rside, keys))
        # A birth date missing on either side: the name's pinyin and the county must agree.
        l_nodate = lside.filter(pl.col("birth_date").is_null())
        r_nodate = rside.filter(pl.col("birth_date").is_null())
        if l_nodate.height:
            parts.append(_pairs(l_nodate, rside, ("pinyin", "county")))
        if r_nodate.height:
            parts.append(_pairs(lside, r_nodate, ("pinyin", "county")))
    if not parts:
        return pl.DataFrame(schema={"li": pl.UInt32, "ri": pl.UInt32})
    return pl.concat(parts).unique().sort("li", "ri")
