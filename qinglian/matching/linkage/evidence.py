"""Short Chinese explanations of why two records were linked (built column-wise, no row loop)."""

from __future__ import annotations

import polars as pl


def _pair(a: str, b: str) -> pl.Expr:
    return pl.concat_str([pl.lit("（"), pl.col(a), pl.lit("/"), pl.col(b), pl.lit("）")])


def _date_pair() -> pl.Expr:
    return pl.concat_str(
        [
            pl.lit("（"),
            pl.col("birth_date_l").dt.strftime("%Y-%m-%d"),
            pl.lit("/"),
            pl.col("birth_date_r").dt.strftime("%Y-%m-%d"),
            pl.lit("）"),
        ]
    )


def name_evidence() -> pl.Expr:
    lvl = pl.col("name_level")
    return (
        pl.when((lvl == "exact") & (pl.col("name_l") == pl.col("name_r")))
        .then(pl.lit("姓名相同"))
        .when(lvl == "exact")
        .then(pl.concat_str([pl.lit("姓名相同（繁简或写法转换后）"), _pair("name_l", "name_r")]))
        .when(lvl == "homophone")
        .then(pl.concat_str([pl.lit("姓名同音不同字"), _pair("name_l", "name_r")]))
        .when(lvl == "typo_given")
        .then(pl.concat_str([pl.lit("名字相差一字"), _pair("name_l", "name_r")]))
        .when(lvl == "typo_surname")
        .then(pl.concat_str([pl.lit("姓氏不同、名字相同"), _pair("name_l", "name_r")]))
        .otherwise(pl.concat_str([pl.lit("姓名不同"), _pair("name_l", "name_r")]))
    )


def date_evidence() -> pl.Expr:
    lvl = pl.col("date_level")
    return (
        pl.when(lvl == "exact")
        .then(pl.lit("出生日期相同"))
        .when(lvl == "transposed")
        .then(pl.concat_str([pl.lit("出生日期两位数字颠倒"), _date_pair()]))
        .when(lvl == "one_digit")
        .then(pl.concat_str([pl.lit("出生日期相差一位数字"), _date_pair()]))
        .when(lvl == "same_year")
        .then(pl.concat_str([pl.lit("出生年份相同、月日不同"), _date_pair()]))
        .when(lvl == "missing")
        .then(pl.lit("出生日期缺失"))
        .otherwise(pl.concat_str([pl.lit("出生日期不同"), _date_pair()]))
    )


def other_evidence() -> list[pl.Expr]:
    county = (
        pl.when(pl.col("county_level") == "same")
        .then(pl.lit("区县相同"))
        .when(pl.col("county_level") == "different")
        .then(pl.lit("区县不同"))
        .otherwise(pl.lit("区县缺失"))
    )
    gender = pl.when(pl.col("gender_level") == "different").then(pl.lit("性别不同")).otherwise(None)
    ids = (
        pl.when(pl.col("id_hash_l").is_null() & pl.col("id_hash_r").is_null())
        .then(pl.lit("双方均无身份证号"))
        .when(pl.col("id_hash_r").is_null())
        .then(pl.lit("登记方无身份证号"))
        .otherwise(pl.lit("干部或亲属一方无身份证号"))
    )
    common = (
        pl.when((pl.col("name_level") == "exact") & (pl.col("n_same_name") >= 2))
        .then(pl.concat_str([pl.lit("登记方同名"), pl.col("n_same_name").cast(pl.Utf8), pl.lit("人")]))
        .otherwise(None)
    )
    return [county, gender, ids, common]


def name_method_evidence() -> pl.Expr:
    return pl.concat_str(
        [name_evidence(), date_evidence(), *other_evidence()], separator="、", ignore_nulls=True
    )


def id_method_evidence() -> pl.Expr:
    return (
        pl.when(pl.col("name_key_l") == pl.col("name_key_r"))
        .then(pl.lit("身份证号一致、姓名相同"))
        .otherwise(pl.concat_str([pl.lit("身份证号一致、姓名不同"), _pair("name_l", "name_r")]))
    )
