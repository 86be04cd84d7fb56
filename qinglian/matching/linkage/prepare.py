"""Input checking and the derived columns every later step uses (computed once per side)."""

from __future__ import annotations

import polars as pl

from .normalise import fold_series, pinyin_map

REQUIRED = ("id", "name", "id_hash", "birth_date", "county")

# Two-character surnames (复姓) in use today; everything else has a one-character surname.
COMPOUND_SURNAMES = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 端木 独孤 南宫 西门 "
    "轩辕 呼延 万俟 闻人 澹台 公冶 宗政 濮阳 太叔 申屠 钟离 拓跋 百里 东郭 第五"
).split()


class InputError(ValueError):
    """A frame does not have the columns or types the engine needs (message in Chinese)."""


def _check(df: pl.DataFrame, side: str) -> pl.DataFrame:
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise InputError(f"{side}缺少列：{', '.join(missing)}")
    if df["id"].null_count():
        raise InputError(f"{side}的 id 不能为空")
    if df["id"].n_unique() != df.height:
        raise InputError(f"{side}的 id 有重复")
    cols = [
        pl.col("id").cast(pl.Int64),
        pl.col("name").cast(pl.Utf8),
        pl.col("id_hash").cast(pl.Utf8),
        pl.col("birth_date").cast(pl.Date),
        pl.col("county").cast(pl.Utf8),
        (pl.col("gender").cast(pl.Utf8) if "gender" in df.columns else pl.lit(None, pl.Utf8)).alias("gender"),
    ]
    try:
        return df.select(cols)
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{side}的列类型不正确：{exc}") from exc


def prepare(df: pl.DataFrame, side: str) -> pl.DataFrame:
    """Add name_key (folded), surname, given, pinyin and the date parts used by blocking."""
    df = _check(df, side)
    df = df.with_columns(fold_series(df["name"]).alias("name_key"))
    df = df.with_columns(
        pl.when(pl.col("name_key") == "").then(None).otherwise(pl.col("name_key")).alias("name_key"),
        pl.when(pl.col("id_hash").str.strip_chars() == "")
        .then(None)
        .otherwise(pl.col("id_hash"))
        .alias("id_hash"),
        pl.when(pl.col("county").str.strip_chars() == "")
        .then(None)
        .otherwise(pl.col("county").str.strip_chars())
        .alias("county"),
    )
    mapping = pinyin_map(df["name_key"])
    compound = pl.col("name_key").str.slice(0, 2).is_in(COMPOUND_SURNAMES) & (
        pl.col("name_key").str.len_chars() > 2
    )
    surname_len = pl.when(compound).then(2).otherwise(1)
    return (
        df.join(mapping, on="name_key", how="left", maintain_order="left")
        .with_columns(
            pl.col("name_key").str.slice(0, surname_len).alias("surname"),
            pl.col("name_key").str.slice(surname_len).alias("given"),
            # YYYYMMDD as an integer: blocking and frequencies on ints (formatting five million
            # dates as strings costs more than the joins); strings only for compared pairs.
            (
                pl.col("birth_date").dt.year().cast(pl.Int32) * 10000
                + pl.col("birth_date").dt.month().cast(pl.Int32) * 100
                + pl.col("birth_date").dt.day().cast(pl.Int32)
            ).alias("date_int"),
            pl.col("birth_date").dt.year().alias("year"),
        )
        .with_columns(
            (pl.col("date_int") % 10000).alias("mmdd"),
            (pl.col("date_int") // 100000 * 100 + pl.col("date_int") % 100).alias("dec_day"),
        )
        # Row order must not matter: everything downstream (samples, EM sums) sees rows by id.
        .sort("id")
        .with_row_index("_i")
    )
