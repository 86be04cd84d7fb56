"""Name normalisation: traditional→simplified folding and a toneless pinyin key.

Both work on the distinct names only (a registry of millions of rows has far fewer distinct names)
and with one `str.translate` per name, so folding five million names costs well under a second.

Traditional→simplified uses the character table of OpenCC (`TSCharacters.txt`, shipped with the
`opencc-python-reimplemented` package). Where OpenCC lists the character itself among its simplified
forms (乾→干/乾, 於→于/於), the character is kept: in names those are usually the character itself
(乾 in 乾坤, 於 as a surname), and a wrong fold would merge two different people's names.

The pinyin key (pypinyin, no tones, one reading per character) makes homophones meet: 王伟, 王维
and 汪伟 all have the key "wang wei". It is used for blocking and as a comparison level.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import polars as pl

# Separators and spaces that appear inside names in registry exports (middle dots of minority
# names are kept out of the comparison: 阿依古丽·买买提 = 阿依古丽买买提).
_DROP = dict.fromkeys(map(ord, " \t\u3000·•・．.-"), None)


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    text = resources.files("opencc").joinpath("dictionary", "TSCharacters.txt").read_text("utf-8")
    table: dict[int, str] = {}
    for line in text.splitlines():
        if "\t" not in line:
            continue
        trad, simplified = line.split("\t", 1)
        options = simplified.split()
        if len(trad) != 1 or not options or trad in options:
            continue
        if len(options[0]) == 1:
            table[ord(trad)] = options[0]
    # Full-width Latin letters and digits (rare in names, but registry exports have them).
    table.update({c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})
    table.update(_DROP)
    return table


@lru_cache(maxsize=1)
def s2t_table() -> dict[int, str]:
    """Simplified→traditional (first OpenCC candidate): used by the benchmark generator."""
    text = resources.files("opencc").joinpath("dictionary", "STCharacters.txt").read_text("utf-8")
    table: dict[int, str] = {}
    for line in text.splitlines():
        if "\t" not in line:
            continue
        simp, trad = line.split("\t", 1)
        options = trad.split()
        if len(simp) == 1 and options and len(options[0]) == 1 and options[0] != simp:
            table[ord(simp)] = options[0]
    return table


def fold(name: str | None) -> str | None:
    """One name, folded: no separators, simplified characters, half-width letters."""
    if name is None:
        return None
    return name.translate(_t2s_table())


@lru_cache(maxsize=1)
def _foldable_pattern() -> str:
    import re

    return "[" + "".join(re.escape(chr(c)) for c in sorted(_t2s_table())) + "]"


def fold_series(names: pl.Series) -> pl.Series:
    """Fold a column of names. Only the names with something to fold (a regex character class
    over the whole column, in Rust) go through Python, once per distinct value."""
    names = names.cast(pl.Utf8)
    mask = names.str.contains(_foldable_pattern()).fill_null(False)
    if not mask.any():
        return names.rename("folded")
    table = _t2s_table()
    todo = names.filter(mask)
    distinct = todo.unique()
    folded = todo.replace_strict(
        distinct, pl.Series([n.translate(table) for n in distinct.to_list()], dtype=pl.Utf8)
    )
    return names.scatter(mask.arg_true(), folded).rename("folded")


def pinyin_map(folded_names: pl.Series) -> pl.DataFrame:
    """Distinct folded names → toneless pinyin key ("wang wei"), one reading per character."""
    from pypinyin import Style, lazy_pinyin

    distinct_series = folded_names.drop_nulls().unique()
    distinct = distinct_series.to_list()
    chars = sorted(distinct_series.str.split("").explode().drop_nulls().unique().to_list())
    readings = {}
    for c in chars:
        reading = lazy_pinyin(c, style=Style.NORMAL, errors="default")
        readings[ord(c)] = (reading[0] if reading else c) + " "
    keys = [n.translate(readings).strip() for n in distinct]
    return pl.DataFrame(
        {"name_key": distinct, "pinyin": keys}, schema={"name_key": pl.Utf8, "pinyin": pl.Utf8}
    )


def pinyin_key(folded_names: pl.Series) -> pl.Series:
    mapping = pinyin_map(folded_names)
    return folded_names.to_frame("name_key").join(mapping, on="name_key", how="left", maintain_order="left")[
        "pinyin"
    ]
