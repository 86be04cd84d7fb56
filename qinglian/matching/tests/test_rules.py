"""Each rule firing and not firing, on hand-made frames (no database)."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from qinglian.matching import rules as R

AS_OF = date(2026, 11, 1)
PARAMS = {
    R.BUSINESS: {
        "relative_min_level": "deputy_division",
        "min_share_pct": 0,
        "roles": "legal_rep,shareholder,manager",
    },
    R.RELATIVE_CONTRACT: {"months": 36, "include_subordinates": True},
    R.RETIRED_POST: {"months": 36, "min_level": "deputy_section"},
    R.UNRECORDED: {"offence_kinds": "drunk", "judgment_roles": "被告人"},
    R.UNDECLARED: {},
}


def _f(name, rows):
    return R.conform(name, pl.DataFrame(rows, infer_schema_length=None)) if rows else R.empty(name)


def base(**over) -> R.Frames:
    data = {
        "units": [
            {"unit_id": 1, "name": "某县", "parent_id": None, "sector": ""},
            {"unit_id": 2, "name": "县住建局", "parent_id": 1, "sector": "住房城乡建设"},
            {"unit_id": 3, "name": "县住建局质监站", "parent_id": 2, "sector": "住房城乡建设"},
            {"unit_id": 4, "name": "县教育局", "parent_id": 1, "sector": "教育"},
            {"unit_id": 5, "name": "派驻第一组", "parent_id": 1, "sector": ""},
        ],
        "cadres": [
            {
                "cadre_id": 10,
                "name": "张伟",
                "unit_id": 2,
                "post_level": "division",
                "is_leader": True,
                "status": "serving",
            },
            {
                "cadre_id": 11,
                "name": "李娜",
                "unit_id": 4,
                "post_level": "staff",
                "is_leader": False,
                "status": "serving",
            },
            {
                "cadre_id": 12,
                "name": "王强",
                "unit_id": 2,
                "post_level": "division",
                "is_leader": True,
                "status": "retired",
                "status_date": date(2025, 3, 1),
            },
        ],
        "relatives": [
            {"relative_id": 20, "cadre_id": 10, "relation": "spouse", "name": "刘芳"},
            {"relative_id": 21, "cadre_id": 11, "relation": "spouse", "name": "陈军"},
            {"relative_id": 22, "cadre_id": 10, "relation": "sibling", "name": "张磊"},
        ],
        "links": [
            {
                "subject": "relative",
                "cadre_id": 10,
                "relative_id": 20,
                "relation": "spouse",
                "registry_person_id": 100,
                "score": 1.0,
                "method": "id",
                "evidence": "身份证号一致",
                "band": "link",
            },
            {
                "subject": "relative",
                "cadre_id": 11,
                "relative_id": 21,
                "relation": "spouse",
                "registry_person_id": 101,
                "score": 1.0,
                "method": "id",
                "evidence": "身份证号一致",
                "band": "link",
            },
            {
                "subject": "cadre",
                "cadre_id": 12,
                "relative_id": None,
                "relation": "self",
                "registry_person_id": 102,
                "score": 1.0,
                "method": "id",
                "evidence": "身份证号一致",
                "band": "link",
            },
            {
                "subject": "relative",
                "cadre_id": 10,
                "relative_id": 22,
                "relation": "sibling",
                "registry_person_id": 103,
                "score": 0.97,
                "method": "name",
                "evidence": "姓名相同、出生日期相同",
                "band": "link",
            },
            {
                "subject": "cadre",
                "cadre_id": 11,
                "relative_id": None,
                "relation": "self",
                "registry_person_id": 104,
                "score": 0.7,
                "method": "name",
                "evidence": "姓名相同",
                "band": "review",
            },
        ],
        "persons": [
            {"registry_person_id": i, "name": n, "snapshot_id": 1, "row_no": i - 99}
            for i, n in [(100, "刘芳"), (101, "陈军"), (102, "王强"), (103, "张磊"), (104, "李娜")]
        ],
        "roles": [
            {
                "role_id": 1,
                "company_id": 500,
                "registry_person_id": 100,
                "role": "legal_rep",
                "snapshot_id": 1,
                "row_no": 7,
            },
            {
                "role_id": 2,
                "company_id": 501,
                "registry_person_id": 101,
                "role": "shareholder",
                "share_pct": 30.0,
                "snapshot_id": 1,
                "row_no": 8,
            },
            {
                "role_id": 3,
                "company_id": 502,
                "registry_person_id": 102,
                "role": "manager",
                "start_date": date(2025, 9, 1),
                "snapshot_id": 1,
                "row_no": 9,
            },
            {
                "role_id": 4,
                "company_id": 503,
                "registry_person_id": 103,
                "role": "shareholder",
                "share_pct": 60.0,
                "snapshot_id": 1,
                "row_no": 10,
            },
            {
                "role_id": 5,
                "company_id": 504,
                "registry_person_id": 104,
                "role": "legal_rep",
                "snapshot_id": 1,
                "row_no": 11,
            },
        ],
        "companies": [
            {
                "company_id": 500,
                "name": "甲建筑公司",
                "credit_code": "91000000000000000A",
                "industry_code": "E4710",
                "region_code": "110101",
                "snapshot_id": 1,
                "row_no": 1,
            },
            {
                "company_id": 501,
                "name": "乙商贸公司",
                "credit_code": "91000000000000000B",
                "industry_code": "5110",
                "snapshot_id": 1,
                "row_no": 2,
            },
            {
                "company_id": 502,
                "name": "丙房地产公司",
                "credit_code": "91000000000000000C",
                "industry_code": "K7010",
                "region_code": "990101",
                "snapshot_id": 1,
                "row_no": 3,
            },
            {
                "company_id": 503,
                "name": "丁工程公司",
                "credit_code": "91000000000000000D",
                "industry_code": "E48",
                "snapshot_id": 1,
                "row_no": 4,
            },
            {
                "company_id": 504,
                "name": "戊公司",
                "credit_code": "91000000000000000E",
                "industry_code": "5110",
                "snapshot_id": 1,
                "row_no": 5,
            },
        ],
        "awards": [
            {
                "award_id": 1,
                "reference": "ZB-2026-001",
                "title": "质监站办公楼维修",
                "buyer_unit_id": 3,
                "winner_credit_code": "91000000000000000D",
                "amount": 1200000.0,
                "award_date": date(2026, 5, 1),
                "snapshot_id": 2,
                "row_no": 3,
            },
        ],
        "sector_map": [
            {"industry_prefix": "K", "sector": "住房城乡建设"},
            {"industry_prefix": "47", "sector": "住房城乡建设"},
        ],
        "posts": [
            {"cadre_id": 12, "unit_id": 2, "start_date": date(2015, 1, 1), "end_date": date(2025, 3, 1)}
        ],
    }
    for k, v in over.items():
        data[k] = v
    return R.Frames(
        {k: _f(k, v) for k, v in data.items()}, snapshots={1: "企业登记 2026-10-01", 2: "政府采购 2026-10-01"}
    )


def run(code, frames, **params):
    return R.RULE_FUNCS[code](frames, {**PARAMS[code], **params}, AS_OF)


def test_business_fires_for_senior_cadre_spouse_not_for_junior_cadre_spouse():
    hits = run(R.BUSINESS, base())
    assert hits["cadre_id"].to_list() == [10]
    assert hits["key"][0] == "10:relative:20:91000000000000000A:legal_rep"
    chain = json.loads(hits["evidence"][0])
    assert [e["label"] for e in chain] == ["配偶", "同一人", "法定代表人"]
    assert chain[2]["source"] == {
        "table": "registries.company_role",
        "id": 1,
        "snapshot": 1,
        "row": 7,
        "label": "企业登记 2026-10-01 第7行",
    }
    # The staff member's spouse (level below the threshold) fires once the threshold is lowered.
    assert sorted(run(R.BUSINESS, base(), relative_min_level="staff")["cadre_id"].to_list()) == [10, 11]


def test_business_ignores_review_band_ended_roles_and_siblings():
    f = base()
    # cadre 11 himself: a legal representative, but only a review-band link.
    assert 11 not in run(R.BUSINESS, f, relative_min_level="bureau")["cadre_id"].to_list()
    roles = f["roles"].with_columns(
        pl.when(pl.col("role_id") == 1)
        .then(pl.lit(date(2020, 1, 1)))
        .otherwise(pl.col("end_date"))
        .alias("end_date")
    )
    f["roles"] = roles
    assert run(R.BUSINESS, f).is_empty()  # the spouse left the company in 2020; sibling never counts


def test_relative_contract_fires_for_award_from_subordinate_unit():
    hits = run(R.RELATIVE_CONTRACT, base())
    assert hits["key"].to_list() == ["10:22:91000000000000000D:ZB-2026-001"]
    chain = json.loads(hits["evidence"][0])
    assert [e["to"]["kind"] for e in chain] == ["relative", "person", "company", "award", "unit", "cadre"]
    assert chain[3]["source"]["snapshot"] == 2 and chain[3]["source"]["row"] == 3
    assert "下级单位" in hits["explanation"][0]


def test_relative_contract_does_not_fire_outside_reach_or_window():
    assert run(R.RELATIVE_CONTRACT, base(), include_subordinates=False).is_empty()
    f = base(
        awards=[
            {
                "award_id": 1,
                "reference": "ZB-2020-9",
                "title": "x",
                "buyer_unit_id": 3,
                "winner_credit_code": "91000000000000000D",
                "amount": 1.0,
                "award_date": date(2020, 5, 1),
                "snapshot_id": 2,
                "row_no": 3,
            }
        ]
    )
    assert run(R.RELATIVE_CONTRACT, f).is_empty()
    f = base(
        awards=[
            {
                "award_id": 1,
                "reference": "ZB-1",
                "title": "x",
                "buyer_unit_id": 4,
                "winner_credit_code": "91000000000000000D",
                "amount": 1.0,
                "award_date": date(2026, 5, 1),
                "snapshot_id": 2,
                "row_no": 3,
            }
        ]
    )
    assert run(R.RELATIVE_CONTRACT, f).is_empty()  # the education bureau is not the cadre's


def test_relative_contract_supervised_unit():
    units = base()["units"].with_columns(
        pl.when(pl.col("unit_id") == 4).then(5).otherwise(None).cast(pl.Int64).alias("supervisor_id")
    )
    cadres = base()["cadres"].with_columns(
        pl.when(pl.col("cadre_id") == 10).then(5).otherwise(pl.col("unit_id")).alias("unit_id")
    )
    f = base(
        awards=[
            {
                "award_id": 1,
                "reference": "ZB-1",
                "title": "x",
                "buyer_unit_id": 4,
                "winner_credit_code": "91000000000000000D",
                "amount": 1.0,
                "award_date": date(2026, 5, 1),
                "snapshot_id": 2,
                "row_no": 3,
            }
        ]
    )
    f["units"], f["cadres"] = units, cadres
    hits = run(R.RELATIVE_CONTRACT, f, include_subordinates=False)
    assert hits.height == 1 and "所监督单位" in hits["explanation"][0]


def test_retired_post_by_field_and_region():
    hits = run(R.RETIRED_POST, base())
    assert hits["key"].to_list() == ["12:91000000000000000C:manager"]
    assert "住房城乡建设" in hits["explanation"][0]
    # Without the mapping row, no field match; a region mapping makes it a jurisdiction match.
    f = base(sector_map=[])
    assert run(R.RETIRED_POST, f).is_empty()
    f["unit_regions"] = R.conform("unit_regions", pl.DataFrame({"unit_id": [1], "region_code": ["9901"]}))
    hits = run(R.RETIRED_POST, f)
    assert hits.height == 1 and "管辖的地区" in hits["explanation"][0]


def test_retired_post_not_after_the_bar():
    assert run(R.RETIRED_POST, base(), months=3).is_empty()  # retired 2025-03, the bar ended 2025-06


def test_unrecorded_offence_fires_unless_on_file():
    offences = [
        {
            "offence_id": 1,
            "registry_person_id": 102,
            "kind": "drunk",
            "reference": "JD-1",
            "offence_date": date(2026, 1, 2),
            "snapshot_id": 3,
            "row_no": 5,
        },
        {
            "offence_id": 2,
            "registry_person_id": 102,
            "kind": "other",
            "reference": "JD-2",
            "offence_date": date(2026, 1, 2),
            "snapshot_id": 3,
            "row_no": 6,
        },
    ]
    hits = run(R.UNRECORDED, base(offences=offences))
    assert hits["key"].to_list() == ["12:offence:JD-1"]
    assert run(
        R.UNRECORDED, base(offences=offences, recorded=[{"cadre_id": 12, "reference": "JD-1"}])
    ).is_empty()
    judgments = [
        {
            "judgment_id": 1,
            "registry_person_id": 102,
            "case_no": "（2026）刑初1号",
            "cause": "危险驾驶罪",
            "party_role": "被告人",
            "judgment_date": date(2026, 2, 1),
            "snapshot_id": 4,
            "row_no": 1,
        }
    ]
    assert run(R.UNRECORDED, base(judgments=judgments))["key"].to_list() == ["12:judgment:（2026）刑初1号"]
    judgments[0]["party_role"] = "原告"
    assert run(R.UNRECORDED, base(judgments=judgments)).is_empty()


def test_undeclared_business_and_property():
    props = [
        {
            "property_id": 1,
            "registry_person_id": 100,
            "address": "某县 幸福路１号 2号楼301",
            "reference": "不动产权第1号",
            "snapshot_id": 5,
            "row_no": 2,
        }
    ]
    f = base(reporters=[{"cadre_id": 10, "declaration_id": 77}], properties=props)
    hits = run(R.UNDECLARED, f)
    assert sorted(hits["key"].to_list()) == ["10:business:91000000000000000A", "10:property:不动产权第1号"]
    f = base(
        reporters=[{"cadre_id": 10, "declaration_id": 77}],
        properties=props,
        declared_businesses=[{"cadre_id": 10, "credit_code": "91000000000000000A"}],
        declared_properties=[{"cadre_id": 10, "address": "某县幸福路1号2栋301"}],
    )
    assert run(R.UNDECLARED, f).is_empty()
    # Not a reporter: nothing to compare against.
    assert run(R.UNDECLARED, base(properties=props)).is_empty()


@pytest.mark.parametrize(
    "code,prefixes",
    [
        ("E4710", {"E", "47", "471", "4710"}),
        ("4811", {"E", "48", "481", "4811"}),
        ("E48", {"E", "48"}),
        ("", set()),
    ],
)
def test_industry_prefixes(code, prefixes):
    frame = pl.DataFrame({"company_id": [1], "industry_code": [code]}).lazy()
    assert set(R.industry_keys(frame).collect()["prefix"].to_list()) == prefixes


def test_every_hit_of_every_rule_names_the_source_of_each_edge():
    """Provenance on every warning: each edge of each chain names its table and a label; an edge
    read from a registry (a row, or the link to a registry person) names its snapshot and row."""
    offences = [{"offence_id": 1, "registry_person_id": 102, "kind": "drunk", "reference": "JD-1",
                 "offence_date": date(2026, 1, 2), "snapshot_id": 3, "row_no": 5}]  # fmt: skip
    params = {**PARAMS, R.BUSINESS: {**PARAMS[R.BUSINESS], "relative_min_level": "staff"}}
    hits = R.apply_rules(base(offences=offences), params, AS_OF)
    assert set(hits["rule"]) >= {R.BUSINESS, R.RELATIVE_CONTRACT, R.RETIRED_POST, R.UNRECORDED}
    for rule, evidence in hits.select("rule", "evidence").iter_rows():
        chain = json.loads(evidence)
        assert chain, rule
        for edge in chain:
            source = edge["source"]
            assert source["table"] and source["label"], (rule, edge)
            if source["table"].startswith("registries.") or source["table"] == "matching.link":
                assert source["snapshot"] is not None and source["row"] is not None, (rule, edge)
                assert f"第{source['row']}行" in source["label"], (rule, edge)


def test_companies_without_credit_code_keep_one_hit_each():
    f = base()
    extra_company = {"company_id": 509, "name": "丁个体商行", "credit_code": "", "industry_code": "5110",
                     "region_code": "", "snapshot_id": 1, "row_no": 19}  # fmt: skip
    extra_role = {"role_id": 9, "company_id": 509, "registry_person_id": 100, "role": "legal_rep", "snapshot_id": 1,
                  "row_no": 29}  # fmt: skip
    companies = f["companies"].with_columns(
        pl.when(pl.col("company_id") == 500)
        .then(pl.lit(""))
        .otherwise(pl.col("credit_code"))
        .alias("credit_code")
    )
    f["companies"] = pl.concat(
        [companies, R.conform("companies", pl.DataFrame([extra_company]))], how="diagonal"
    )
    f["roles"] = pl.concat([f["roles"], R.conform("roles", pl.DataFrame([extra_role]))], how="diagonal")
    hits = run(R.BUSINESS, f)
    assert sorted(hits["key"].to_list()) == [
        "10:relative:20:名称:丁个体商行:legal_rep",
        "10:relative:20:名称:甲建筑公司:legal_rep",
    ]
