"""Fellegi–Sunter scoring with name-frequency-aware u probabilities.

For a candidate pair, each field falls into one comparison level; the pair's weight is

    log2(prior odds) + Σ log2(m(level) / u(level, pair))

and the score is the posterior probability 1 / (1 + 2^-weight).

- m(level) = P(level | same person). Starting values are fixed below (documented guesses for
  registry data: most true pairs agree exactly, a few per cent have a typo, a homophone or a
  transposed date); with `Params.em_iterations > 0` they are re-estimated by expectation-
  maximisation on the candidate pairs (u and the prior held fixed), as Splink does for m.
- u(level, pair) = P(level | different people) comes from the registry side's frequencies, so that
  "same name" counts for less when the name is common: u(name exact) = how many registry rows have
  this name / registry rows. Likewise homophones (same pinyin, other characters), a typo in the
  given name (the surname's frequency × the chance that two random given names differ by one
  character), a typo in the surname (the given name's frequency), and the county (its frequency).
  The birth-date levels' u come from a seeded random sample of left × right dates.
- prior: P(a random pair is a match), estimated from the exact-ID links as
  links / (left rows with an ID × right rows with an ID), unless given in Params.

This is what separates the 王伟 born 1985-03-12 in the cadre file from the seven 王伟 born the same
day among five million registry rows: the same name is worth little when the name is common; the
same county and the same gender then decide.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import OSA, Hamming, Levenshtein

NAME_LEVELS = ("exact", "homophone", "typo_given", "typo_surname", "other")
DATE_LEVELS = ("exact", "transposed", "one_digit", "same_year", "other", "missing")
COUNTY_LEVELS = ("same", "different", "missing")
GENDER_LEVELS = ("same", "different", "missing")

# Starting m probabilities (P(level | same person)); "missing" levels are neutral (weight 0).
M_DEFAULT: dict[str, dict[str, float]] = {
    "name": {"exact": 0.88, "homophone": 0.04, "typo_given": 0.04, "typo_surname": 0.01, "other": 0.03},
    "date": {"exact": 0.90, "transposed": 0.03, "one_digit": 0.03, "same_year": 0.02, "other": 0.02},
    "county": {"same": 0.85, "different": 0.15},
    "gender": {"same": 0.99, "different": 0.01},
}
M_FLOOR = 1e-4


def _cpdist(a: list[str], b: list[str], scorer) -> np.ndarray:
    if not a:
        return np.zeros(0, dtype=np.int32)
    return process.cpdist(a, b, scorer=scorer, workers=1).astype(np.int32)


def compare(pairs: pl.DataFrame) -> pl.DataFrame:
    """Add name_level, date_level, county_level, gender_level to a frame of joined pairs
    (columns *_l and *_r)."""
    pairs = pairs.with_columns(
        pl.col("date_int_l").cast(pl.Utf8).alias("date_str_l"),
        pl.col("date_int_r").cast(pl.Utf8).alias("date_str_r"),
    )
    pairs = pairs.with_columns(
        pl.when(pl.col("name_key_l") == pl.col("name_key_r"))
        .then(pl.lit("exact"))
        .when(pl.col("pinyin_l") == pl.col("pinyin_r"))
        .then(pl.lit("homophone"))
        .otherwise(None)
        .alias("name_level"),
        pl.when(pl.col("date_str_l").is_null() | pl.col("date_str_r").is_null())
        .then(pl.lit("missing"))
        .when(pl.col("date_str_l") == pl.col("date_str_r"))
        .then(pl.lit("exact"))
        .otherwise(None)
        .alias("date_level"),
    )
    # Edit distances only where the cheap tests did not decide (RapidFuzz, element-wise in C).
    open_names = pairs["name_level"].is_null()
    sub = pairs.filter(open_names).select("name_key_l", "name_key_r", "surname_l", "surname_r")
    lev = _cpdist(
        sub["name_key_l"].fill_null("").to_list(),
        sub["name_key_r"].fill_null("").to_list(),
        Levenshtein.distance,
    )
    same_surname = (sub["surname_l"] == sub["surname_r"]).fill_null(False).to_numpy()
    name_level = np.where(lev == 1, np.where(same_surname, "typo_given", "typo_surname"), "other")
    filled = pairs["name_level"].to_numpy().astype(object)
    filled[open_names.to_numpy()] = name_level
    pairs = pairs.with_columns(pl.Series("name_level", filled, dtype=pl.Utf8))

    open_dates = pairs["date_level"].is_null()
    sub = pairs.filter(open_dates).select("date_str_l", "date_str_r")
    a, b = sub["date_str_l"].to_list(), sub["date_str_r"].to_list()
    osa, ham = _cpdist(a, b, OSA.distance), _cpdist(a, b, Hamming.distance)
    same_year = (sub["date_str_l"].str.slice(0, 4) == sub["date_str_r"].str.slice(0, 4)).to_numpy()
    date_level = np.select(
        [(osa == 1) & (ham == 2), ham == 1, same_year], ["transposed", "one_digit", "same_year"], "other"
    )
    filled = pairs["date_level"].to_numpy().astype(object)
    filled[open_dates.to_numpy()] = date_level
    pairs = pairs.with_columns(pl.Series("date_level", filled, dtype=pl.Utf8))

    def eq_level(col: str) -> pl.Expr:
        return (
            pl.when(pl.col(f"{col}_l").is_null() | pl.col(f"{col}_r").is_null())
            .then(pl.lit("missing"))
            .when(pl.col(f"{col}_l") == pl.col(f"{col}_r"))
            .then(pl.lit("same"))
            .otherwise(pl.lit("different"))
            .alias(f"{col}_level")
        )

    return pairs.with_columns(eq_level("county"), eq_level("gender"))


def date_u(left: pl.DataFrame, right: pl.DataFrame, *, seed: int, size: int) -> dict[str, float]:
    """u of each birth-date level from a seeded random sample of left × right dates."""
    ld = left["date_int"].drop_nulls().cast(pl.Utf8)
    rd = right["date_int"].drop_nulls().cast(pl.Utf8)
    floor = 1.0 / max(right.height, 1)
    if not ld.len() or not rd.len():
        return {k: 1.0 for k in DATE_LEVELS}
    rng = np.random.default_rng(seed)
    a = ld.gather(np.sort(rng.integers(0, ld.len(), size))).to_list()
    b = rd.gather(np.sort(rng.integers(0, rd.len(), size))).to_list()
    osa = process.cdist(a, b, scorer=OSA.distance, workers=1)
    ham = process.cdist(a, b, scorer=Hamming.distance, workers=1)
    year_a = np.array([int(x[:4]) for x in a])[:, None]
    year_b = np.array([int(x[:4]) for x in b])[None, :]
    n = float(osa.size)
    exact = osa == 0
    transposed = (osa == 1) & (ham == 2)
    one_digit = ham == 1
    same_year = (year_a == year_b) & ~exact & ~transposed & ~one_digit
    counts = {
        "exact": exact.sum(),
        "transposed": transposed.sum(),
        "one_digit": one_digit.sum(),
        "same_year": same_year.sum(),
    }
    u = {k: max(v / n, floor) for k, v in counts.items()}
    u["other"] = max(1.0 - sum(u.values()), floor)
    u["missing"] = 1.0
    return u


def given_typo_rate(left: pl.DataFrame, right: pl.DataFrame, *, seed: int, size: int) -> dict[int, float]:
    """P(a random registry given name is one edit away from a left given name), by the length of
    the left given name (1, 2, 3+ characters): a one-character given name is one edit away from
    most others, a two-character one from few, so the same "typo" level is worth less for 孙强
    than for 许芳伟."""
    floor = 1.0 / max(right.height, 1)
    rg = right["given"].drop_nulls()
    rg = rg.filter(rg != "")
    out: dict[int, float] = {}
    rng = np.random.default_rng(seed + 1)
    for length in (1, 2, 3):
        lg = left["given"].drop_nulls()
        lg = lg.filter((lg.str.len_chars() == length) if length < 3 else (lg.str.len_chars() >= 3))
        if lg.len() < 2 or rg.len() < 2:
            out[length] = 0.05
            continue
        a = lg.gather(rng.integers(0, lg.len(), size)).to_list()
        b = rg.gather(rng.integers(0, rg.len(), size)).to_list()
        d = process.cdist(a, b, scorer=Levenshtein.distance, workers=1)
        out[length] = max(float((d == 1).mean()), floor)
    return out


FREQ_COLUMNS = ("name_key", "pinyin", "surname", "given", "county", "gender", "date_int")
MAX_PATTERN_LEN = 6


def _patterns(names: pl.LazyFrame) -> pl.LazyFrame:
    """(name_key, pattern) for every position of every name: 王伟 → *伟, 王*."""
    parts = [
        names.filter(pl.col("name_key").str.len_chars() > i).with_columns(
            (pl.col("name_key").str.slice(0, i) + pl.lit("*") + pl.col("name_key").str.slice(i + 1)).alias(
                "pattern"
            ),
            pl.lit(i == 0).alias("at_surname"),
        )
        for i in range(MAX_PATTERN_LEN)
    ]
    return pl.concat(parts)


def frequencies(right: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Registry-side term frequencies (counts) of names, pinyin, surnames, given names, counties,
    birth dates, and of one-character-wildcard patterns (王*: every 王 with a one-character given
    name), from which the number of registry rows one substitution away from a name follows."""
    out = {}
    for col in FREQ_COLUMNS:
        out[col] = right.group_by(col).agg(pl.len().alias(f"n_{col}")).drop_nulls(col)
    out["pattern"] = (
        _patterns(out["name_key"].lazy())
        .group_by("pattern")
        .agg(pl.col("n_name_key").sum().alias("n_pattern"))
        .collect()
    )
    return out


def substitution_neighbours(names: pl.Series, freq: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """For each distinct name: registry rows that differ from it in exactly one character of the
    given name (n_sub_given) or in the first character (n_sub_surname), same length: Σ over those
    positions of the rows matching the wildcard pattern − (positions) × rows with the name itself."""
    distinct = names.drop_nulls().unique().to_frame("name_key").lazy()
    per_pattern = _patterns(distinct).join(freq["pattern"].lazy(), on="pattern", how="left")
    counts = per_pattern.group_by("name_key").agg(
        pl.col("n_pattern").filter(~pl.col("at_surname")).fill_null(0).sum().alias("n_given_patterns"),
        pl.col("n_pattern").filter(pl.col("at_surname")).fill_null(0).sum().alias("n_surname_patterns"),
    )
    itself = pl.col("n_name_key").fill_null(0)
    return (
        counts.join(freq["name_key"].lazy(), on="name_key", how="left")
        .select(
            pl.col("name_key").alias("name_key_l"),
            (pl.col("n_given_patterns") - (pl.col("name_key").str.len_chars() - 1) * itself).alias(
                "n_sub_given"
            ),
            (pl.col("n_surname_patterns") - itself).alias("n_sub_surname"),
        )
        .collect()
    )


def transposition_neighbours(dates: pl.Series, freq: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """For each distinct YYYYMMDD: registry rows whose birth date is one adjacent transposition of
    it (1985-03-12 → 1958-03-12, 1985-03-21, ...; invalid dates simply have no rows)."""
    distinct = dates.drop_nulls().unique().to_frame("date_str_l").lazy()
    d = pl.col("date_str_l")
    parts = [
        distinct.with_columns(
            (d.str.slice(0, i) + d.str.slice(i + 1, 1) + d.str.slice(i, 1) + d.str.slice(i + 2)).alias(
                "date_str"
            )
        ).filter(pl.col("date_str") != d)
        for i in range(7)
    ]
    return (
        pl.concat(parts)
        .with_columns(pl.col("date_str").cast(pl.Int32).alias("date_int"))
        .join(freq["date_int"].lazy(), on="date_int", how="inner")
        .group_by("date_str_l")
        .agg(pl.col("n_date_int").sum().alias("n_transposed"))
        .collect()
    )


def attach_u(
    pairs: pl.DataFrame,
    freq: dict[str, pl.DataFrame],
    *,
    n_right: int,
    n_county: int,
    n_gender: int,
    n_dated: int,
    u_date: dict[str, float],
    q_given: dict[int, float],
) -> pl.DataFrame:
    """Per-pair u of the observed level of each field (frequencies looked up on the left value)."""
    for col in FREQ_COLUMNS:
        pairs = pairs.join(freq[col].rename({col: f"{col}_l"}), on=f"{col}_l", how="left").with_columns(
            pl.col(f"n_{col}").fill_null(0)
        )
    substituted = pairs.filter(
        pl.col("name_level").is_in(["typo_given", "typo_surname"])
        & (pl.col("name_key_l").str.len_chars() == pl.col("name_key_r").str.len_chars())
    )["name_key_l"]
    pairs = pairs.join(substitution_neighbours(substituted, freq), on="name_key_l", how="left")
    transposed = pairs.filter(pl.col("date_level") == "transposed")["date_str_l"]
    pairs = pairs.join(transposition_neighbours(transposed, freq), on="date_str_l", how="left")
    n = float(max(n_right, 1))
    one = 1.0 / n
    typo_by_length = (
        pl.col("n_surname")
        / n
        * pl.col("given_l").str.len_chars().clip(1, 3).replace_strict(q_given, return_dtype=pl.Float64)
    )
    same_length = pl.col("name_key_l").str.len_chars() == pl.col("name_key_r").str.len_chars()
    return (
        pairs.with_columns(
            pl.when(pl.col("name_level") == "exact")
            .then(pl.max_horizontal(pl.col("n_name_key") / n, one))
            .when(pl.col("name_level") == "homophone")
            .then(pl.max_horizontal((pl.col("n_pinyin") - pl.col("n_name_key")) / n, one))
            # One character substituted: the registry rows one substitution away from this name.
            .when((pl.col("name_level") == "typo_given") & same_length)
            .then(pl.max_horizontal(pl.col("n_sub_given") / n, one))
            .when((pl.col("name_level") == "typo_surname") & same_length)
            .then(pl.max_horizontal(pl.col("n_sub_surname") / n, one))
            # A character inserted or dropped: estimated from the surname and the sampled rate.
            .when(pl.col("name_level") == "typo_given")
            .then(pl.max_horizontal(typo_by_length, one))
            .when(pl.col("name_level") == "typo_surname")
            .then(pl.max_horizontal(pl.col("n_given") / n, one))
            .otherwise(1.0)
            .alias("u_name"),
            # Same birth date: how common that date is among registry rows with a date.
            pl.when(pl.col("date_level") == "exact")
            .then(pl.max_horizontal(pl.col("n_date_int") / max(n_dated, 1), one))
            # Two adjacent digits transposed: how many registry rows have one of this date's transpositions.
            .when(pl.col("date_level") == "transposed")
            .then(pl.max_horizontal(pl.col("n_transposed").fill_null(0) / max(n_dated, 1), one))
            .otherwise(pl.col("date_level").replace_strict(u_date, return_dtype=pl.Float64))
            .alias("u_date"),
            pl.when(pl.col("county_level") == "same")
            .then(pl.max_horizontal(pl.col("n_county") / max(n_county, 1), one))
            .when(pl.col("county_level") == "different")
            .then(pl.max_horizontal(1.0 - pl.col("n_county") / max(n_county, 1), one))
            .otherwise(1.0)
            .alias("u_county"),
            pl.when(pl.col("gender_level") == "same")
            .then(pl.max_horizontal(pl.col("n_gender") / max(n_gender, 1), one))
            .when(pl.col("gender_level") == "different")
            .then(pl.max_horizontal(1.0 - pl.col("n_gender") / max(n_gender, 1), one))
            .otherwise(1.0)
            .alias("u_gender"),
        )
        .drop(
            "n_pinyin",
            "n_surname",
            "n_given",
            "n_county",
            "n_gender",
            "n_date_int",
            "n_sub_given",
            "n_sub_surname",
            "n_transposed",
        )
        .rename({"n_name_key": "n_same_name"})
    )


FIELDS = (
    ("name", "name_level", "u_name"),
    ("date", "date_level", "u_date"),
    ("county", "county_level", "u_county"),
    ("gender", "gender_level", "u_gender"),
)


class _Encoded:
    """Levels as small integer codes and log2 u as floats, once: an EM iteration is then a few
    numpy passes (np.bincount) instead of a Polars expression per field."""

    def __init__(self, pairs: pl.DataFrame):
        self.codes: dict[str, np.ndarray] = {}
        self.log2_u = np.zeros(pairs.height)
        for field, level_col, u_col in FIELDS:
            names = list(M_DEFAULT[field])
            mapping = {name: i for i, name in enumerate(names)}
            # Levels without an m ("missing") get the code len(names): neutral, weight 0.
            codes = (
                pairs[level_col].replace_strict(mapping, default=len(names), return_dtype=pl.Int32).to_numpy()
            )
            self.codes[field] = codes
            present = codes < len(names)
            self.log2_u[present] -= np.log2(pairs[u_col].to_numpy()[present])

    def weights(self, m: dict[str, dict[str, float]], prior_log2: float) -> np.ndarray:
        w = self.log2_u + prior_log2
        for field, codes in self.codes.items():
            table = np.append(np.log2([m[field][name] for name in M_DEFAULT[field]]), 0.0)
            w = w + table[codes]
        return w


def _weights(pairs: pl.DataFrame, m: dict[str, dict[str, float]], prior_log2: float) -> np.ndarray:
    return _Encoded(pairs).weights(m, prior_log2)


def estimate(
    pairs: pl.DataFrame, prior: float, n_pairs: int, iterations: int, estimate_prior: bool
) -> tuple[dict[str, dict[str, float]], float]:
    """EM on the candidate pairs without a usable ID, u held fixed: re-estimates m and (optionally)
    the prior = expected matches / all pairs that could have been compared (`n_pairs`)."""
    m = {f: dict(levels) for f, levels in M_DEFAULT.items()}
    if not pairs.height or iterations <= 0:
        return m, prior
    encoded = _Encoded(pairs)
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp2(-encoded.weights(m, prior_log2(prior))))
        total = p.sum()
        if total <= 0:
            break
        for field, codes in encoded.codes.items():
            names = list(M_DEFAULT[field])
            sums = np.bincount(codes, weights=p, minlength=len(names) + 1)[: len(names)]
            denom = sums.sum()
            if denom <= 0:
                continue
            for i, name in enumerate(names):
                m[field][name] = max(float(sums[i] / denom), M_FLOOR)
        if estimate_prior and n_pairs:
            prior = float(total) / n_pairs
    return m, prior


def score(pairs: pl.DataFrame, m: dict[str, dict[str, float]], prior_log2: float) -> pl.DataFrame:
    w = _weights(pairs, m, prior_log2)
    return pairs.with_columns(pl.Series("weight", w), pl.Series("score", 1.0 / (1.0 + np.exp2(-w))))


def prior_log2(prior: float) -> float:
    prior = min(max(prior, 1e-15), 1 - 1e-9)
    return math.log2(prior / (1 - prior))
