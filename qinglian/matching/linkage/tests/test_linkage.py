"""The linkage engine on small hand-made cases, against a seeded background population (so that
name and date frequencies mean something), without a database."""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta

import polars as pl
import pytest

from qinglian.core import idnumber
from qinglian.matching.linkage import (
    CONFIRMED,
    LINK,
    OUTPUT_SCHEMA,
    REJECTED,
    InputError,
    Params,
    fold,
    link,
    link_fitted,
    reference_dump,
    reference_load,
    stats,
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国文辉力鹏飞斌宇浩凯俊峰波"
COUNTIES = [f"3498{i:02d}" for i in range(1, 21)]


def h(number: str) -> str:
    """Stands in for core.crypto.keyed_hash: the engine only ever compares hashes."""
    return hashlib.sha256(idnumber.parse(number).number.encode()).hexdigest()


def person(pid, name, born, county, *, number=None, gender="male"):
    return {"id": pid, "name": name, "id_hash": h(number) if number else None, "birth_date": born,
            "county": county, "gender": gender}  # fmt: skip


def background(seed=7, n_right=6000, n_left=600, n_id_links=40):
    """Random people on both sides; a few share an ID (so the prior can be estimated)."""
    rnd = random.Random(seed)

    def someone(pid):
        name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))
        born = date(1950, 1, 1) + timedelta(days=rnd.randrange(50 * 365))
        county = rnd.choice(COUNTIES)
        number = idnumber.make(county, born, rnd.randrange(1000)) if rnd.random() < 0.7 else None
        return person(pid, name, born, county, number=number, gender=rnd.choice(("male", "female")))

    right = [someone(100_000 + i) for i in range(n_right)]
    left = [someone(10_000 + i) for i in range(n_left)]
    for i in range(n_id_links):  # the same person on both sides, by ID
        twin = dict(left[i])
        twin["id"] = 200_000 + i
        if twin["id_hash"] is None:
            twin["id_hash"] = left[i]["id_hash"] = hashlib.sha256(f"bg{i}".encode()).hexdigest()
        right.append(twin)
    return left, right


def frames(extra_left, extra_right, **kw):
    left, right = background(**kw)
    schema = {"id": pl.Int64, "name": pl.Utf8, "id_hash": pl.Utf8, "birth_date": pl.Date, "county": pl.Utf8,
              "gender": pl.Utf8}  # fmt: skip
    return pl.DataFrame(left + extra_left, schema=schema), pl.DataFrame(right + extra_right, schema=schema)


def pair(out, left_id, right_id):
    rows = out.filter((pl.col("left_id") == left_id) & (pl.col("right_id") == right_id))
    return rows.row(0, named=True) if rows.height else None


D = date(1979, 5, 6)
NUMBER = idnumber.make("349805", D, 123)


@pytest.fixture(scope="module")
def cases():
    left = [
        person(1, "许芳伟", D, "349805", number=NUMBER),  # typo on the registry side
        person(2, "欧阳建国", date(1968, 11, 23), "349807"),  # traditional on the registry side
        person(3, "司马静怡", date(1985, 3, 12), "349809"),  # transposed date on the registry side
        person(4, "王伟", date(1990, 6, 1), "349801", number=idnumber.make("349801", date(1990, 6, 1), 11)),
        person(5, "诸葛晓明", date(1972, 2, 14), "349811"),  # same name, another person
    ]
    right = [
        person(901, "许海伟", D, "349805"),
        person(902, "歐陽建國", date(1968, 11, 23), "349807"),
        person(903, "司马静怡", date(1985, 3, 21), "349809"),
        # Same name and birth date as cadre 4, but another ID: another person.
        person(904, "王伟", date(1990, 6, 1), "349812", number=idnumber.make("349812", date(1990, 6, 1), 21)),
        # Same rare name, other birth date and county, no ID: not the same person.
        person(905, "诸葛晓明", date(1981, 9, 30), "349815"),
        # Typo and another birth date: not cadre 1.
        person(906, "许海伟", date(1983, 1, 17), "349805"),
    ]
    left_df, right_df = frames(left, right)
    return left_df, right_df, link(left_df, right_df)


def test_output_columns_and_types(cases):
    *_, out = cases
    assert out.schema == pl.Schema(OUTPUT_SCHEMA)
    assert set(out["band"].unique()) <= {"link", "review"}
    assert out["score"].min() >= Params().review_floor


def test_exact_id_links_background_twins(cases):
    *_, out = cases
    by_id = out.filter(pl.col("method") == "id")
    assert by_id.height == 40
    assert (by_id["score"] == 1.0).all() and (by_id["band"] == LINK).all()
    assert set(by_id["evidence"]) == {"身份证号一致、姓名相同"}


def test_same_name_same_birth_date_different_id_is_not_linked(cases):
    *_, out = cases
    assert pair(out, 4, 904) is None


def test_same_rare_name_other_birth_date_is_not_linked(cases):
    *_, out = cases
    assert pair(out, 5, 905) is None


def test_same_person_with_a_typo_is_linked_with_reasons(cases):
    *_, out = cases
    row = pair(out, 1, 901)
    assert row is not None and row["band"] == LINK and row["method"] == "name"
    assert row["evidence"].startswith("名字相差一字（许芳伟/许海伟）、出生日期相同、区县相同")
    assert "登记方无身份证号" in row["evidence"]
    assert pair(out, 1, 906) is None  # the same typo, born another day: someone else


def test_traditional_characters_fold_to_the_same_name(cases):
    *_, out = cases
    row = pair(out, 2, 902)
    assert row is not None and row["band"] == LINK
    assert "姓名相同（繁简或写法转换后）（欧阳建国/歐陽建國）" in row["evidence"]


def test_transposed_birth_date_digits_are_linked(cases):
    *_, out = cases
    row = pair(out, 3, 903)
    assert row is not None and row["band"] == LINK
    assert "出生日期两位数字颠倒（1985-03-12/1985-03-21）" in row["evidence"]


def test_fifteen_digit_legacy_id_matches_its_eighteen_digit_form():
    legacy = "349805790506123"  # 15 digits: 79-05-06, sequence 123
    modern = idnumber.parse(legacy).number
    assert len(modern) == 18 and modern.startswith("34980519790506123")
    left, right = frames(
        [person(1, "许芳伟", D, "349805", number=legacy)],
        [
            person(901, "许芳伟", D, "349805", number=modern),
            person(902, "许芳伟", D, "349805", number=idnumber.make("349805", D, 125)),
        ],
    )
    out = link(left, right)
    row = pair(out, 1, 901)
    assert row["method"] == "id" and row["score"] == 1.0
    assert pair(out, 1, 902) is None  # same name and date, another valid ID: another person


def test_reviewer_decisions_are_remembered(cases):
    left, right, out = cases
    confirmed_pair = (5, 905)  # the machine does not link these
    rejected_pair = (1, 901)  # the machine does
    assert pair(out, *confirmed_pair) is None and pair(out, *rejected_pair) is not None
    decisions = pl.DataFrame(
        {"left_id": [1, 5, 999_999], "right_id": [901, 905, 1], "decision": [REJECTED, CONFIRMED, CONFIRMED]}
    )
    again = link(left, right, decisions=decisions)
    assert pair(again, *rejected_pair) is None
    row = pair(again, *confirmed_pair)
    assert row["score"] == 1.0 and row["band"] == LINK and row["method"] == "decision"
    assert row["evidence"] == "复核确认"
    assert pair(again, 999_999, 1) is None  # a decision about people not in this run's frames
    # Everything else is as before.
    rest = lambda f: f.filter(~pl.col("left_id").is_in([1, 5]))  # noqa: E731
    assert rest(again).equals(rest(out))


def test_confirmed_pair_the_machine_also_found_keeps_its_reasons(cases):
    left, right, _ = cases
    again = link(
        left, right, decisions=pl.DataFrame({"left_id": [1], "right_id": [901], "decision": [CONFIRMED]})
    )
    assert pair(again, 1, 901)["evidence"].startswith("复核确认：名字相差一字")


def test_deterministic_whatever_the_row_order(cases):
    left, right, out = cases
    shuffled = link(
        left.sample(fraction=1.0, shuffle=True, seed=1), right.sample(fraction=1.0, shuffle=True, seed=2)
    )
    assert shuffled.equals(out)
    assert link(left, right).equals(out)


def test_incremental_run_with_reference_scores_like_the_full_run(cases):
    left, right, out = cases
    reference = stats(right, left)
    part = right.filter(pl.col("id").is_in([901, 902, 903, 904, 905, 906]))
    partial = link(left, part, reference=reference)
    full_part = out.filter(pl.col("right_id").is_in([901, 902, 903, 904, 905, 906]))
    assert partial.equals(full_part)


def test_kept_model_links_a_subset_of_the_left_side_like_the_full_run(cases):
    """What an incremental run does: the full run's fitted model, kept as JSON and reloaded, links
    only some cadres; their rows equal the full output's rows for them."""
    import json

    left, right, out = cases
    fitted_out, ref = link_fitted(left, right)
    assert fitted_out.equals(out)
    kept = reference_load(json.loads(json.dumps(reference_dump(ref))))
    some = left["id"].to_list()[::3]
    partial = link(left.filter(pl.col("id").is_in(some)), right, reference=kept)
    expected = out.filter(pl.col("left_id").is_in(some))
    assert expected.height and partial.equals(expected)
    # The model is kept without the registry frequencies: it refuses other registry rows.
    with pytest.raises(InputError, match="参考统计与当前登记数据不一致"):
        link(left, right.head(right.height - 1), reference=kept)
    with pytest.raises(InputError, match="参考统计格式有误"):
        reference_load({"n_right": 1})


def test_bad_input_is_refused_in_chinese():
    left, right = frames([], [])
    with pytest.raises(InputError, match="缺少列：birth_date"):
        link(left.drop("birth_date"), right)
    with pytest.raises(InputError, match="id 有重复"):
        link(pl.concat([left, left.head(1)]), right)
    with pytest.raises(InputError, match="采信阈值"):
        Params(threshold=0.4, review_floor=0.5)
    with pytest.raises(InputError, match="复核结论只能是"):
        link(left, right, decisions=pl.DataFrame({"left_id": [1], "right_id": [2], "decision": ["maybe"]}))


def test_fold_keeps_characters_that_are_their_own_simplified_form():
    assert fold("陳建國") == "陈建国"
    assert fold("乾 坤·明") == "乾坤明"  # 乾 stays (OpenCC lists 乾 among its own forms)
    assert fold("ＡＢ王") == "AB王"
