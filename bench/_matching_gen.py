"""Seeded ground truth for the cross-matching benchmark (issue 10, "Performance and accuracy").

    .venv/bin/python bench/_matching_gen.py OUT_DIR [--scale 0.1] [--seed N]

Fixed parameters (at --scale 1): 200,000 cadres and 600,000 relatives (the left side, 800,000
people); 5,000,000 company-role rows (legal representatives, shareholders, managers: the registry
persons, the right side) over 2,000,000 companies, and 1,000,000 procurement awards; 30,000 planted
true person links, half with the ID number on both sides and half with no ID number on the registry
side. Of the links without an ID: 20 % with a one-character typo or homophone in the name (half
each), 10 % written in traditional characters, 10 % with two adjacent digits of the birth date
transposed (into another valid date); the remaining 60 % agree on name and birth date. The county
of a planted registry row is the person's own county in 80 % of links.

Surnames follow the real frequencies of the 100 commonest Chinese surnames (table below); given
names are one (15 %) or two characters from a pool of about 390 common given-name characters with
Zipf weights (calibrated so that the commonest names are about as common as in real registers). Every other registry person is a different person drawn from the same distributions, so
that many share name and birth year with a cadre or relative without being them (the generator
counts them: the issue asks for at least 50,000).

ID numbers are valid 18-digit numbers (GB 11643, `qinglian.core.idnumber.make`, region codes of
the fictional prefecture 3498xx), unique across everyone; the frames carry only their keyed hash
(HMAC-SHA256 with a benchmark key), like the registries app stores them.

Output (Parquet, one directory, both sides read the same files): left.parquet (id, name, id_hash,
birth_date, county, gender, kind, cadre_id, unit_id), right.parquet (id, name, id_hash, birth_date,
county, gender, company_id, role, share_pct), companies.parquet, awards.parquet, truth.parquet
(left_id, right_id, variant), meta.json.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qinglian.core.idnumber import CHECK_CHARS, WEIGHTS  # noqa: E402
from qinglian.matching.linkage.normalise import s2t_table  # noqa: E402

# The 100 commonest surnames, in the order of the Ministry of Public Security's household-register
# statistics (公安部治安管理局, April 2007: 王 92.881 M = 7.25 %, 李 92.074 M = 7.19 %, 张 87.502 M =
# 6.83 %; ten surnames above 20 M, twelve between 10 M and 20 M; the top 100 cover 84.77 % of the
# population). Shares in per cent: ranks 1–10 as published in that release (rounded), ranks 11–100
# interpolated geometrically inside its published bands (rank 22 ≈ 10 M, rank 100 ≈ 2.7 M, 0.21 %,
# as in the 2019 全国姓名报告 where 万 enters the top 100 with 2.75 M). The generator draws from
# these shares normalised to 100 %.
SURNAMES_TOP10 = [
    ("王", 7.25),
    ("李", 7.19),
    ("张", 6.83),
    ("刘", 5.04),
    ("陈", 4.25),
    ("杨", 2.91),
    ("黄", 2.23),
    ("赵", 2.17),
    ("吴", 2.09),
    ("周", 1.99),
]
SURNAMES_11_100 = (
    "徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭"
    "陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)


def surname_table() -> tuple[list[str], np.ndarray]:
    names = [s for s, _ in SURNAMES_TOP10] + list(SURNAMES_11_100)
    assert len(names) == 100 and len(set(names)) == 100
    band_11_22 = np.geomspace(1.52, 0.80, 12)  # 20 M .. 10 M of 1.281 bn
    band_23_100 = np.geomspace(0.78, 0.21, 78)
    shares = np.array([p for _, p in SURNAMES_TOP10] + list(band_11_22) + list(band_23_100))
    return names, shares / shares.sum()


# Common given-name characters (the commonest first), and extra characters used only as homophone
# or typo substitutes. Given names are one character (15 %) or two, drawn with Zipf weights
# (exponent 0.6): the commonest one-character given name then covers about 0.6 % of a surname's
# bearers — the same order as the real 张伟 (about 0.3 % of all 张, 2019 全国姓名报告), so that
# the same full name is about as common as it is in a real registry of this size.
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国文辉力鹏飞斌宇浩凯俊峰波林海鑫佳婷雪梅"
    "琳晶燕丹慧颖春云晓亮志成东新永金荣德福庆宁欣怡晨阳光辰子涵轩梓萱博睿思雨嘉瑞泽晗诗琪欢丰"
    "松柏青山川江河秋冬梦倩蕾薇琦璐莹露瑶岚琴彬锋毅雷龙虎鹤兵卫民生利昌盛旭升振兴宏"
    "立忠孝仁义礼智信安康泰和顺吉祥寿喜乐美好婉淑贤惠捷聪灿烂"
    "天地日星霜露冰水石木森树花草竹菊荷莲桃李杏梨枫柳杨桐"
    "银铜铁钢锦绣绮罗纱绫缎丝橙绿蓝紫白朱彤赤翠碧苍"
    "一二三四五六七八九十百千万元正中大小长远深广厚宽岳峻峙嵩崇巍峥嵘"
    "家庭门堂宫楼阁亭台园苑圃田野村庄镇城都邦"
    "夏南西北前后左右上下内外开启发展进步达通畅"
    "才学识艺术武双全诚勤俭朴素清廉直公坚敢果断沉稳"
    "爱恋情念想望盼希冀愿意气神魂灵哲圣良彦豪"
    "湖溪泉涌浪澜澄澈洁净淳瀚渊源"
    "娇媚妍婵媛嫣妮娅婧姝妙姗伶俐雅馨香芬芝蓉蕙"
    "翔鸿雁鹰凤凰麟豹骏驰腾跃彩珠琼璇璟瑾珊玲珑"
)
GIVEN_ZIPF = 0.6
SINGLE_GIVEN = 0.15
EXTRA_CHARS = "维玮炜薇卫巍蔚方放舫纳民闽珉婧菁京经力立莉利俐黎蔷墙蕾雷君钧峻骏均艺毅逸益怡宜仪谊奕"

BENCH_HASH_KEY = b"qinglian-bench-matching"


def given_pool() -> tuple[list[str], np.ndarray]:
    chars = list(dict.fromkeys(GIVEN_CHARS))
    ranks = np.arange(1, len(chars) + 1)
    weights = 1.0 / ranks**GIVEN_ZIPF
    return chars, weights / weights.sum()


def _str(values) -> pl.Series:
    return pl.Series(list(values), dtype=pl.Utf8)


def _weighted(rng, n, p) -> np.ndarray:
    return rng.choice(len(p), size=n, p=p)


def make_names(rng, n: int) -> np.ndarray:
    surnames, sp = surname_table()
    chars, cp = given_pool()
    s = np.array(surnames, dtype=object)[_weighted(rng, n, sp)]
    c = np.array(chars, dtype=object)
    g1 = c[_weighted(rng, n, cp)]
    g2 = c[_weighted(rng, n, cp)]
    single = rng.random(n) < SINGLE_GIVEN
    return np.where(single, s + g1, s + g1 + g2)


def dates_from_years(rng, years: np.ndarray) -> np.ndarray:
    """Uniform day within each year (numpy datetime64[D])."""
    start = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    length = np.where((years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0)), 366, 365)
    return start + (rng.random(len(years)) * length).astype(int)


def id_numbers(regions: np.ndarray, births: np.ndarray, male: np.ndarray) -> list[str]:
    """Valid, unique 18-digit numbers: sequence = rank within (region, birth date, sex)."""
    frame = pl.DataFrame({"region": regions, "birth": births, "male": male}).with_row_index("i")
    frame = frame.with_columns(pl.int_range(pl.len()).over("region", "birth", "male").alias("k"))
    if frame["k"].max() >= 500:
        raise ValueError("too many people for one region and day")
    frame = frame.with_columns(
        (pl.col("k") * 2 + pl.col("male").cast(pl.Int64)).alias("seq"),
    ).with_columns(
        (
            pl.col("region")
            + pl.col("birth").dt.strftime("%Y%m%d")
            + pl.col("seq").cast(pl.Utf8).str.zfill(3)
        ).alias("first17")
    )
    digits = np.frombuffer("".join(frame["first17"].to_list()).encode(), dtype=np.uint8).reshape(-1, 17) - 48
    check = (digits.astype(np.int64) @ np.array(WEIGHTS)) % 11
    chars = np.array(list(CHECK_CHARS))[check]
    return (frame["first17"] + pl.Series(chars)).to_list()


def keyed(numbers: list[str]) -> list[str]:
    key = hashlib.sha256(BENCH_HASH_KEY).digest()
    return [hmac.digest(key, n.encode(), "sha256").hex() for n in numbers]


def transpose_date(rng, d: date) -> date:
    """Swap two adjacent different digits of YYYYMMDD so that the result is another valid date."""
    s = d.strftime("%Y%m%d")
    positions = list(rng.permutation(7))
    for p in positions:
        if s[p] == s[p + 1]:
            continue
        t = s[:p] + s[p + 1] + s[p] + s[p + 2 :]
        try:
            new = date(int(t[:4]), int(t[4:6]), int(t[6:]))
        except ValueError:
            continue
        if date(1900, 1, 1) <= new <= date(2025, 12, 31):
            return new
    return d  # no valid transposition (rare): caller drops it


def homophone_or_typo(
    rng,
    name: str,
    homophones: dict[str, list[str]],
    chars: list[str],
    surnames: list[str],
    want_homophone: bool,
) -> str | None:
    idx = list(rng.permutation(len(name)))
    if want_homophone:
        for i in idx:
            options = [c for c in homophones.get(name[i], []) if c != name[i]]
            if options:
                return name[:i] + options[rng.integers(len(options))] + name[i + 1 :]
        return None
    from pypinyin import Style, lazy_pinyin

    i = idx[0]
    pool = surnames if i == 0 else chars
    for _ in range(20):
        c = pool[rng.integers(len(pool))]
        if c != name[i] and lazy_pinyin(c, style=Style.NORMAL) != lazy_pinyin(name[i], style=Style.NORMAL):
            return name[:i] + c + name[i + 1 :]
    return None


def homophone_table() -> dict[str, list[str]]:
    from pypinyin import Style, lazy_pinyin

    surnames, _ = surname_table()
    chars = list(dict.fromkeys(GIVEN_CHARS + EXTRA_CHARS + "".join(surnames)))
    by_sound: dict[str, list[str]] = {}
    for c in chars:
        by_sound.setdefault(lazy_pinyin(c, style=Style.NORMAL)[0], []).append(c)
    return {c: by_sound[lazy_pinyin(c, style=Style.NORMAL)[0]] for c in chars}


def generate(out: Path, *, scale: float = 1.0, seed: int = 20261124) -> dict:
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    n_cadres = int(200_000 * scale)
    n_relatives = int(600_000 * scale)
    n_left = n_cadres + n_relatives
    n_rows = int(5_000_000 * scale)
    n_awards = int(1_000_000 * scale)
    n_companies = int(2_000_000 * scale)
    n_planted = int(30_000 * scale)
    n_units = max(50, int(5_000 * scale))
    counties = np.array([f"3498{i:02d}" for i in range(1, 100)])
    county_p = 1.0 / np.arange(1, 100) ** 0.5
    county_p /= county_p.sum()

    # Left: cadres, then relatives (spouse, child, parent, sibling) of random cadres.
    cadre_years = rng.integers(1962, 2001, n_cadres)
    cadre_county = counties[_weighted(rng, n_cadres, county_p)]
    rel_cadre = rng.integers(0, n_cadres, n_relatives)
    relation = rng.choice(
        np.array(["spouse", "child", "parent", "sibling"]), n_relatives, p=[0.25, 0.3, 0.3, 0.15]
    )
    base = cadre_years[rel_cadre]
    offset = np.select(
        [relation == "spouse", relation == "child", relation == "parent"],
        [
            rng.integers(-5, 6, n_relatives),
            rng.integers(22, 36, n_relatives),
            -rng.integers(20, 36, n_relatives),
        ],
        rng.integers(-8, 9, n_relatives),
    )
    rel_years = np.clip(base + offset, 1925, 2020)
    left_years = np.concatenate([cadre_years, rel_years])
    left_birth = dates_from_years(rng, left_years)
    left_names = make_names(rng, n_left)
    # Children (and half the siblings) carry the cadre's surname.
    same_surname = np.concatenate(
        [
            np.zeros(n_cadres, bool),
            (relation == "child") | ((relation == "sibling") & (rng.random(n_relatives) < 0.5)),
        ]
    )
    cadre_surname = np.array([n[0] for n in left_names[:n_cadres]], dtype=object)
    rel_idx = np.flatnonzero(same_surname) - n_cadres
    left_names[n_cadres + rel_idx] = cadre_surname[rel_cadre[rel_idx]] + np.array(
        [n[1:] for n in left_names[n_cadres + rel_idx]], dtype=object
    )
    left_county = np.concatenate(
        [
            cadre_county,
            np.where(
                rng.random(n_relatives) < 0.7,
                cadre_county[rel_cadre],
                counties[_weighted(rng, n_relatives, county_p)],
            ),
        ]
    )
    left_male = rng.random(n_left) < 0.5
    left_has_id = np.concatenate([np.ones(n_cadres, bool), rng.random(n_relatives) < 0.85])

    # Registry-only people (different from everyone on the left), then the role rows.
    n_people = int(n_rows * 0.8) - n_planted
    reg_years = np.clip(np.round(rng.normal(1975, 12, n_people)).astype(int), 1935, 2003)
    reg_birth = dates_from_years(rng, reg_years)
    reg_names = make_names(rng, n_people)
    reg_county = counties[_weighted(rng, n_people, county_p)]
    reg_male = rng.random(n_people) < 0.6

    # ID numbers for everyone at once (unique); region = the county of birth registration.
    all_regions = np.concatenate([left_county, reg_county])
    all_births = np.concatenate([left_birth, reg_birth])
    all_male = np.concatenate([left_male, reg_male])
    numbers = id_numbers(all_regions, all_births, all_male)
    hashes = np.array(keyed(numbers), dtype=object)
    left_hash, reg_hash = hashes[:n_left], hashes[n_left:]

    left = pl.DataFrame(
        {
            "id": np.arange(1, n_left + 1, dtype=np.int64),
            "name": left_names.astype(str),
            "id_hash": _str(np.where(left_has_id, left_hash, None)),
            "birth_date": left_birth,
            "county": left_county,
            "gender": np.where(left_male, "male", "female"),
            "kind": np.where(np.arange(n_left) < n_cadres, "cadre", "relative"),
            "cadre_id": np.concatenate([np.arange(1, n_cadres + 1), rel_cadre + 1]).astype(np.int64),
            "relation": np.concatenate([np.full(n_cadres, "self"), relation]),
            "unit_id": np.concatenate(
                [rng.integers(1, n_units + 1, n_cadres), np.zeros(n_relatives, int)]
            ).astype(np.int64),
        },
        schema_overrides={"id_hash": pl.Utf8},
    ).with_columns(pl.when(pl.col("unit_id") == 0).then(None).otherwise(pl.col("unit_id")).alias("unit_id"))

    # Planted links: distinct left people; the first half need an ID on the left.
    with_id = np.flatnonzero(left_has_id)
    half = n_planted // 2
    id_half = rng.choice(with_id, half, replace=False)
    rest = np.setdiff1d(np.arange(n_left), id_half)
    noid_half = rng.choice(rest, n_planted - half, replace=False)
    k = n_planted - half
    s2t = s2t_table()
    # Each variant goes to people it can apply to: traditional characters to names that change when
    # written traditionally, a homophone to names with a character that has one, a transposition to
    # birth dates with two adjacent digits whose swap is another valid date.
    homophones = homophone_table()
    noid_names = [left_names[i] for i in noid_half]
    noid_births = [left_birth[i].astype(object) for i in noid_half]
    can = {
        "traditional": [n.translate(s2t) != n for n in noid_names],
        "homophone": [any(len(homophones.get(c, [])) > 1 for c in n) for n in noid_names],
        "transposed": [transpose_date(np.random.default_rng(0), b) != b for b in noid_births],
        "typo": [True] * k,
    }
    variants = np.array(["clean"] * k, dtype=object)
    taken: set[int] = set()
    order = rng.permutation(k)
    for variant in ("traditional", "homophone", "transposed", "typo"):
        chosen = [i for i in order if can[variant][i] and i not in taken][: int(k * 0.1)]
        variants[chosen] = variant
        taken.update(chosen)

    chars, _ = given_pool()
    surnames, _ = surname_table()
    p_names, p_births, p_variant = [], [], []
    for li, variant in zip(noid_half, variants, strict=True):
        name, born = left_names[li], left_birth[li].astype(object)
        new_name, new_born = name, born
        if variant in ("typo", "homophone"):
            new_name = homophone_or_typo(rng, name, homophones, chars, surnames, variant == "homophone")
            if new_name is None:
                raise RuntimeError(f"no {variant} for {name}")
        elif variant == "traditional":
            new_name = name.translate(s2t)
        elif variant == "transposed":
            new_born = transpose_date(rng, born)
        p_names.append(new_name)
        p_births.append(new_born)
        p_variant.append(variant)

    same_county = rng.random(n_planted) < 0.8
    planted_left = np.concatenate([id_half, noid_half])
    planted = pl.DataFrame(
        {
            "left_i": planted_left,
            "name": np.concatenate([left_names[id_half], np.array(p_names, dtype=object)]).astype(str),
            "id_hash": _str(np.concatenate([left_hash[id_half], np.full(n_planted - half, None)])),
            "birth_date": pl.Series(list(left_birth[id_half].astype(object)) + p_births, dtype=pl.Date),
            "county": np.where(
                same_county, left_county[planted_left], counties[_weighted(rng, n_planted, county_p)]
            ),
            "gender": np.where(left_male[planted_left], "male", "female"),
            "variant": ["id"] * half + p_variant,
        },
        schema_overrides={"id_hash": pl.Utf8},
    )

    # Registry rows: every registry person once, some several times (several roles), planted once.
    reg_has_id = rng.random(n_people) < 0.7
    people = pl.DataFrame(
        {
            "name": reg_names.astype(str),
            "id_hash": _str(np.where(reg_has_id, reg_hash, None)),
            "birth_date": reg_birth,
            "county": pl.Series(list(np.where(rng.random(n_people) < 0.95, reg_county, None)), dtype=pl.Utf8),
            "gender": np.where(reg_male, "male", "female"),
            "left_i": np.full(n_people, -1),
            "variant": pl.Series([None] * n_people, dtype=pl.Utf8),
        },
        schema_overrides={"id_hash": pl.Utf8, "county": pl.Utf8, "variant": pl.Utf8},
    )
    repeats = n_rows - n_people - n_planted
    rows = pl.concat(
        [
            people,
            people[rng.integers(0, n_people, repeats)],
            planted.select(people.columns).cast(people.schema),
        ]
    )
    rows = rows[rng.permutation(rows.height)]
    roles = rng.choice(np.array(["legal_rep", "shareholder", "manager"]), rows.height, p=[0.3, 0.5, 0.2])
    right = rows.with_columns(
        pl.Series("id", np.arange(1, rows.height + 1, dtype=np.int64)),
        pl.Series("company_id", rng.integers(1, n_companies + 1, rows.height).astype(np.int64)),
        pl.Series("role", roles),
        pl.Series(
            "share_pct", np.where(roles == "shareholder", np.round(rng.random(rows.height) * 100, 2), np.nan)
        ).fill_nan(None),
    )
    truth = (
        right.filter(pl.col("left_i") >= 0)
        .select(
            (pl.col("left_i") + 1).cast(pl.Int64).alias("left_id"), pl.col("id").alias("right_id"), "variant"
        )
        .sort("left_id")
    )
    right = right.select(
        "id", "name", "id_hash", "birth_date", "county", "gender", "company_id", "role", "share_pct"
    )

    companies = pl.DataFrame(
        {
            "id": np.arange(1, n_companies + 1, dtype=np.int64),
            "name": [f"测试企业{i:07d}有限公司" for i in range(1, n_companies + 1)],
            "county": counties[_weighted(rng, n_companies, county_p)],
            "industry": rng.choice(np.array(list("ABCDEFGHIJKLMNOPQRST")), n_companies),
        }
    )
    award_dates = np.datetime64("2019-01-01") + rng.integers(0, 365 * 6, n_awards)
    awards = pl.DataFrame(
        {
            "id": np.arange(1, n_awards + 1, dtype=np.int64),
            "buyer_unit_id": rng.integers(1, n_units + 1, n_awards).astype(np.int64),
            "winner_company_id": rng.integers(1, n_companies + 1, n_awards).astype(np.int64),
            "amount": np.round(rng.lognormal(12, 1.5, n_awards), 2),
            "award_date": award_dates,
        }
    )

    out.mkdir(parents=True, exist_ok=True)
    for name, frame in (("left", left), ("right", right), ("truth", truth)):
        bad = [c for c, t in frame.schema.items() if t == pl.Object]
        assert not bad, (name, bad)
    for name, frame in (
        ("left", left),
        ("right", right),
        ("truth", truth),
        ("companies", companies),
        ("awards", awards),
    ):
        frame.write_parquet(out / f"{name}.parquet")

    # Hard negatives: registry rows sharing (folded name, birth year) with someone on the left
    # without being that person's planted row.
    hard = (
        right.select("id", "name", pl.col("birth_date").dt.year().alias("y"))
        .join(
            left.select("name", pl.col("birth_date").dt.year().alias("y")).unique(),
            on=["name", "y"],
            how="semi",
        )
        .join(truth.select(pl.col("right_id").alias("id")), on="id", how="anti")
    )
    meta = {
        "seed": seed,
        "scale": scale,
        "cadres": n_cadres,
        "relatives": n_relatives,
        "registry_rows": right.height,
        "registry_rows_with_id": int(right["id_hash"].is_not_null().sum()),
        "companies": n_companies,
        "awards": n_awards,
        "planted": truth.height,
        "variants": dict(truth.group_by("variant").len().sort("variant").iter_rows()),
        "hard_negatives_same_name_and_year": hard.height,
        "generate_s": round(time.perf_counter() - t0, 1),
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    return meta


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=20261124)
    args = parser.parse_args(argv)
    print(json.dumps(generate(args.out, scale=args.scale, seed=args.seed), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
