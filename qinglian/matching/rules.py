"""Conflict-of-interest rules over links (大数据比对), set-based over Polars frames.

Each rule is registered in the rule registry (citation, parameters) and is one function
`frames, params, as_of -> polars.DataFrame` of hits with the columns of `HIT_SCHEMA`: the
benchmark runs them at 200,000 cadres × 5,000,000 company roles, so nothing here loops over
people — only over the hits found, to write their evidence chain.

Only usable links count: `band == "link"` from the engine (score at or above the stated
confidence) or confirmed by a reviewer — never a link in the review band, never a rejected one.

Every hit carries its evidence chain: a list of edges `{"from", "to", "label", "source"}` where
`source` names the registry table, snapshot and row (or the platform's own table and id), e.g.
cadre → relative (people.Relative) → registry person (the link, its score and reasons) → company
(company role row) → award (award row) → the buyer unit.

Frames (see `SCHEMAS`): the platform side (`cadres`, `relatives`, `units`, `posts`,
`recorded`, `declared_businesses`, `declared_properties`, `reporters`), the links (`links`,
the engine's output joined back to subjects), the registry side (`persons`, `companies`, `roles`,
`awards`, `offences`, `judgments`, `properties`) and the editable tables (`sector_map`,
`unit_regions`). `load.py` builds them from the database; the benchmark builds them itself.
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import polars as pl

from qinglian.rules.registry import Citation, Param, RuleSpec, register

PARTY_DISCIPLINE = "中国共产党纪律处分条例"
RELATIVES_BUSINESS = "领导干部配偶、子女及其配偶经商办企业管理规定"
RETIRED_POSTS = "关于进一步规范党政领导干部在企业兼职（任职）问题的意见"
PERSONAL_MATTERS = "领导干部报告个人有关事项规定"

LINKS = "matching.links"
BUSINESS = "matching.business"
RELATIVE_CONTRACT = "matching.relative_contract"
RETIRED_POST = "matching.retired_post"
UNRECORDED = "matching.unrecorded_offence"
UNDECLARED = "matching.undeclared"
RULE_CODES = (BUSINESS, RELATIVE_CONTRACT, RETIRED_POST, UNRECORDED, UNDECLARED)

LEVELS = (
    "clerk",
    "staff",
    "deputy_section",
    "section",
    "deputy_division",
    "division",
    "deputy_bureau",
    "bureau",
)
LEVEL_RANK = {code: i for i, code in enumerate(LEVELS)}
ROLE_LABELS = {"legal_rep": "法定代表人", "shareholder": "股东", "manager": "高级管理人员", "director": "董事",
               "supervisor": "监事"}  # fmt: skip
RELATION_LABELS = {"self": "本人", "spouse": "配偶", "child": "子女", "child_spouse": "子女配偶", "parent": "父母",
                   "parent_in_law": "配偶父母", "sibling": "兄弟姐妹", "sibling_spouse": "兄弟姐妹配偶",
                   "other": "其他亲属"}  # fmt: skip
SPOUSE_CHILD = ("spouse", "child", "child_spouse")

register(
    RuleSpec(
        code=LINKS,
        name="比对：关联采信的置信度",
        citation=Citation("大数据比对工作规程（本地）"),
        description="外部数据人员与干部、亲属的关联：得分达到“采信”阈值的自动采信，介于复核下限与采信阈值之间的进入人工确认；"
        "规则只使用自动采信或经人工确认的关联。阈值为本地默认值。",
        unsettled=True,
        params={
            "threshold": Param(Decimal("0.80"), "采信阈值（0至1）", Decimal("0"), Decimal("1")),
            "review_floor": Param(Decimal("0.50"), "人工确认下限（0至1）", Decimal("0"), Decimal("1")),
        },
        owner="matching",
    ),
    RuleSpec(
        code=BUSINESS,
        name="比对：违规经商办企业",
        citation=Citation(PARTY_DISCIPLINE, 2023, "第一百零三条"),
        description="干部本人在企业担任法定代表人、股东或高级管理人员（违规经商办企业、拥有非上市公司股份）；"
        "达到规定职务层级的领导干部，其配偶、子女及其配偶在企业担任上述职务（依据《领导干部配偶、子女及其配偶经商办企业管理规定》，"
        "适用层级按本地规定）。只是线索：须核实是否属于规定允许的情形。",
        unsettled=True,
        params={
            "relative_min_level": Param("deputy_division", "亲属经商办企业规则适用的最低职务层级（代码）"),
            "min_share_pct": Param(Decimal("0"), "股东持股比例下限（%）", Decimal("0"), Decimal("100")),
            "roles": Param("legal_rep,shareholder,manager", "计入的企业职务（逗号分隔）"),
        },
        owner="matching",
    ),
    RuleSpec(
        code=RELATIVE_CONTRACT,
        name="比对：亲属企业承揽本单位或所监管单位项目",
        citation=Citation(PARTY_DISCIPLINE, 2023, "第一百零一条"),
        description="干部的亲属在企业担任法定代表人、股东或高级管理人员，该企业中标（承揽）了干部本单位、所监管单位的采购或工程项目"
        "（利用职权或者职务上的影响为亲属谋取利益的线索）。",
        unsettled=True,
        params={
            "months": Param(36, "回溯期（月）：中标日期在此期间内", 1, 240),
            "include_subordinates": Param(True, "包括本单位的下级单位"),
        },
        owner="matching",
    ),
    RuleSpec(
        code=RETIRED_POST,
        name="比对：退（离）休领导干部违规到企业任职",
        citation=Citation(RETIRED_POSTS, 2013),
        description="党政领导干部辞去公职或者退（离）休后三年内，到本人原任职务管辖的地区（行政区划）或业务范围（原任职单位的领域，"
        "按“行业与业务领域对照表”与企业的国民经济行业分类 GB/T 4754 代码比对）内的企业兼职（任职）。限制期取“退（离）休领导干部到企业任职限制期”规则。",
        params={"min_level": Param("deputy_section", "适用的最低职务层级（代码）")},
        owner="matching",
    ),
    RuleSpec(
        code=UNRECORDED,
        name="比对：交通违法（酒驾）或法院裁判未在档案中记载",
        citation=Citation(PERSONAL_MATTERS, 2017, "第三条"),
        description="外部数据显示干部本人有醉酒驾驶等交通违法记录，或为法院裁判的当事人，而档案中没有相应的外部信息记录"
        "（以来源编号比对）。是否属于应报告、应处理的情形须核实。",
        params={
            "offence_kinds": Param("drunk", "计入的交通违法类型（逗号分隔：drunk 醉驾，drink 酒驾）"),
            "judgment_roles": Param("被告人,被告,被执行人", "计入的裁判当事人地位（逗号分隔）"),
        },  # fmt: skip
        owner="matching",
    ),
    RuleSpec(
        code=UNDECLARED,
        name="比对：个人有关事项报告漏报企业或房产",
        citation=Citation(PERSONAL_MATTERS, 2017, "第四条"),
        description="应报告的领导干部最近一次提交的个人有关事项报告中，没有外部数据显示的配偶、子女及其配偶经商办企业（以统一社会信用代码比对）"
        "或本人、配偶、子女的房产（以规范化地址比对）。供个人有关事项报告抽查核实，不是认定。",
        params={},
        owner="matching",
    ),
)

# --- frames -------------------------------------------------------------------------------------

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "cadres": {"cadre_id": pl.Int64, "name": pl.Utf8, "unit_id": pl.Int64, "post_level": pl.Utf8,
               "is_leader": pl.Boolean, "status": pl.Utf8, "status_date": pl.Date},
    "relatives": {"relative_id": pl.Int64, "cadre_id": pl.Int64, "relation": pl.Utf8, "name": pl.Utf8},
    "units": {"unit_id": pl.Int64, "name": pl.Utf8, "parent_id": pl.Int64, "supervisor_id": pl.Int64,
              "sector": pl.Utf8},
    "posts": {"cadre_id": pl.Int64, "unit_id": pl.Int64, "start_date": pl.Date, "end_date": pl.Date},
    # One row per usable or reviewable link: subject "cadre" (relative_id null, relation "self") or
    # "relative"; band "link" / "review"; confirmed: a reviewer's decision.
    "links": {"subject": pl.Utf8, "cadre_id": pl.Int64, "relative_id": pl.Int64, "relation": pl.Utf8,
              "registry_person_id": pl.Int64, "score": pl.Float64, "method": pl.Utf8, "evidence": pl.Utf8,
              "band": pl.Utf8},
    "persons": {"registry_person_id": pl.Int64, "name": pl.Utf8, "snapshot_id": pl.Int64, "row_no": pl.Int64},
    "companies": {"company_id": pl.Int64, "name": pl.Utf8, "credit_code": pl.Utf8, "industry_code": pl.Utf8,
                  "region_code": pl.Utf8, "snapshot_id": pl.Int64, "row_no": pl.Int64},
    "roles": {"role_id": pl.Int64, "company_id": pl.Int64, "registry_person_id": pl.Int64, "role": pl.Utf8,
              "share_pct": pl.Float64, "start_date": pl.Date, "end_date": pl.Date, "snapshot_id": pl.Int64,
              "row_no": pl.Int64},
    "awards": {"award_id": pl.Int64, "reference": pl.Utf8, "title": pl.Utf8, "buyer_unit_id": pl.Int64,
               "winner_credit_code": pl.Utf8, "amount": pl.Float64, "award_date": pl.Date, "snapshot_id": pl.Int64,
               "row_no": pl.Int64},
    "offences": {"offence_id": pl.Int64, "registry_person_id": pl.Int64, "kind": pl.Utf8, "reference": pl.Utf8,
                 "offence_date": pl.Date, "snapshot_id": pl.Int64, "row_no": pl.Int64},
    "judgments": {"judgment_id": pl.Int64, "registry_person_id": pl.Int64, "case_no": pl.Utf8, "cause": pl.Utf8,
                  "party_role": pl.Utf8, "judgment_date": pl.Date, "snapshot_id": pl.Int64, "row_no": pl.Int64},
    "properties": {"property_id": pl.Int64, "registry_person_id": pl.Int64, "address": pl.Utf8,
                   "reference": pl.Utf8, "snapshot_id": pl.Int64, "row_no": pl.Int64},
    # The archive's external.* entries already on file (source_reference), per cadre.
    "recorded": {"cadre_id": pl.Int64, "reference": pl.Utf8},
    "reporters": {"cadre_id": pl.Int64, "declaration_id": pl.Int64},
    "declared_businesses": {"cadre_id": pl.Int64, "credit_code": pl.Utf8},
    "declared_properties": {"cadre_id": pl.Int64, "address": pl.Utf8},
    "sector_map": {"industry_prefix": pl.Utf8, "sector": pl.Utf8},
    "unit_regions": {"unit_id": pl.Int64, "region_code": pl.Utf8},
}  # fmt: skip

HIT_SCHEMA = {"rule": pl.Utf8, "key": pl.Utf8, "cadre_id": pl.Int64, "unit_id": pl.Int64,
              "explanation": pl.Utf8, "evidence": pl.Utf8}  # fmt: skip


def empty(name: str) -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMAS[name])


@dataclass
class Frames:
    """Everything the rules read. Missing frames are empty with their schema."""

    data: dict[str, pl.DataFrame] = field(default_factory=dict)
    snapshots: dict[int, str] = field(default_factory=dict)  # snapshot id -> label (source, date)

    def __getitem__(self, name: str) -> pl.DataFrame:
        frame = self.data.get(name)
        if frame is None:
            return empty(name)
        return frame

    def __setitem__(self, name: str, frame: pl.DataFrame) -> None:
        self.data[name] = frame


def conform(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Cast a frame to its schema (missing columns as nulls) so that joins have one type."""
    schema = SCHEMAS[name]
    cols = [
        (pl.col(c).cast(t) if c in frame.columns else pl.lit(None, dtype=t)).alias(c)
        for c, t in schema.items()
    ]
    return frame.select(cols)


# --- helpers ------------------------------------------------------------------------------------


def usable_links(frames: Frames) -> pl.LazyFrame:
    return frames["links"].lazy().filter(pl.col("band") == "link")


def _csv(value) -> list[str]:
    return [v.strip() for v in str(value).split(",") if v.strip()]


def _level_at_least(level: str) -> list[str]:
    start = LEVEL_RANK.get(level, LEVEL_RANK["deputy_division"])
    return list(LEVELS[start:])


def active_on(start: str, end: str, on: date) -> pl.Expr:
    return (pl.col(start).is_null() | (pl.col(start) <= on)) & (pl.col(end).is_null() | (pl.col(end) >= on))


def _months_before(d: date, months: int) -> date:
    from qinglian.archive.periods import add_months

    return add_months(d, -months)


def ancestors(frames: Frames) -> pl.DataFrame:
    """(unit_id, ancestor_id, distance) for every unit and each of its ancestors, itself at 0:
    one join per tree level."""
    edges = frames["units"].select("unit_id", pl.col("parent_id").alias("ancestor_id")).drop_nulls()
    level = frames["units"].select(
        "unit_id", pl.col("unit_id").alias("ancestor_id"), pl.lit(0).alias("distance")
    )
    parts, frontier = [level], level
    for _ in range(16):
        frontier = frontier.join(
            edges.rename({"unit_id": "ancestor_id", "ancestor_id": "up"}), on="ancestor_id"
        )
        frontier = frontier.select(
            "unit_id", pl.col("up").alias("ancestor_id"), (pl.col("distance") + 1).alias("distance")
        )
        if frontier.is_empty():
            break
        parts.append(frontier)
    return pl.concat(parts)


def _empty_hits() -> pl.DataFrame:
    return pl.DataFrame(schema=HIT_SCHEMA)


class Chain:
    """Builds an evidence chain (edges with their sources) for one hit."""

    def __init__(self, snapshots: dict[int, str]):
        self.snapshots = snapshots
        self.edges: list[dict] = []

    def registry(self, table: str, row_id, snapshot, row_no) -> dict:
        return {"table": table, "id": row_id, "snapshot": snapshot, "row": row_no,
                "label": f"{self.snapshots.get(snapshot, f'快照{snapshot}')} 第{row_no}行"}  # fmt: skip

    @staticmethod
    def platform(table: str, row_id, label: str) -> dict:
        return {"table": table, "id": row_id, "label": label}

    def add(self, frm: dict, to: dict, label: str, source: dict) -> Chain:
        self.edges.append({"from": frm, "to": to, "label": label, "source": source})
        return self

    def json(self) -> list[dict]:
        return self.edges


def node(kind: str, node_id, name: str) -> dict:
    return {"kind": kind, "id": node_id, "name": name or ""}


def _subject_edges(chain: Chain, r: dict) -> dict:
    """cadre → relative (if any) → registry person; returns the registry person's node."""
    cadre = node("cadre", r["cadre_id"], r["cadre_name"])
    person = node("person", r["registry_person_id"], r.get("person_name") or r.get("subject_name") or "")
    snap, row = r.get("person_snapshot"), r.get("person_row")
    where = (
        f"；登记人员见{chain.snapshots.get(snap, f'快照{snap}')} 第{row}行"
        if snap is not None and row
        else ""
    )
    link_source = {"table": "matching.link", "id": r["registry_person_id"],
                   "label": f"关联得分{r['score']:.2f}（{r['evidence']}）{where}", "snapshot": snap, "row": row}  # fmt: skip
    if r["subject"] == "relative":
        rel = node("relative", r["relative_id"], r["subject_name"])
        chain.add(cadre, rel, RELATION_LABELS.get(r["relation"], r["relation"]),
                  Chain.platform("people.relative", r["relative_id"], "干部亲属信息"))  # fmt: skip
        chain.add(rel, person, "同一人", link_source)
    else:
        chain.add(cadre, person, "同一人", link_source)
    return person


def _with_subject_names(lf: pl.LazyFrame, frames: Frames) -> pl.LazyFrame:
    cadres = frames["cadres"].lazy().select("cadre_id", pl.col("name").alias("cadre_name"),
                                            pl.col("unit_id"))  # fmt: skip
    rels = frames["relatives"].lazy().select("relative_id", pl.col("name").alias("relative_name"))
    persons = frames["persons"].lazy().select("registry_person_id", pl.col("name").alias("person_name"),
                                              pl.col("snapshot_id").alias("person_snapshot"),
                                              pl.col("row_no").alias("person_row"))  # fmt: skip
    return (
        lf.join(cadres, on="cadre_id", how="inner")
        .join(rels, on="relative_id", how="left")
        .join(persons, on="registry_person_id", how="left")
        .with_columns(pl.coalesce("relative_name", "cadre_name").alias("subject_name"))
    )


def _finish(rows: list[dict]) -> pl.DataFrame:
    if not rows:
        return _empty_hits()
    import json

    return pl.DataFrame(
        [{**{k: r[k] for k in ("rule", "key", "cadre_id", "unit_id", "explanation")},
          "evidence": json.dumps(r["evidence"], ensure_ascii=False, default=str)} for r in rows],
        schema=HIT_SCHEMA,
    ).unique(subset=["rule", "key"], keep="first", maintain_order=True)  # fmt: skip


def _company_edge(chain: Chain, person: dict, r: dict) -> dict:
    company = node("company", r["credit_code"] or r["company_id"], r["company_name"])
    share = (
        f"（持股{r['share_pct']:g}%）"
        if r.get("role") == "shareholder" and r.get("share_pct") is not None
        else ""
    )
    chain.add(person, company, ROLE_LABELS.get(r["role"], r["role"]) + share,
              chain.registry("registries.company_role", r["role_id"], r["role_snapshot"], r["role_row"]))  # fmt: skip
    return company


def _company_key(r: dict) -> str:
    """A company's part of a hit's key: its credit code, else its name (row ids change with every
    snapshot, and two companies without a code must not collapse into one hit)."""
    return r["credit_code"] or f"名称:{(r['company_name'] or '')[:60]}"


def _roles_with_companies(frames: Frames) -> pl.LazyFrame:
    """Company roles of linked registry persons only (a semi-join first: of 5,000,000 roles a few
    ten thousand concern linked people), with their company's fields."""
    linked = usable_links(frames).select("registry_person_id").unique()
    roles = (
        frames["roles"].lazy().join(linked, on="registry_person_id", how="semi")
        .rename({"snapshot_id": "role_snapshot", "row_no": "role_row"})
    )  # fmt: skip
    companies = (
        frames["companies"]
        .lazy()
        .rename({"name": "company_name", "snapshot_id": "company_snapshot", "row_no": "company_row"})
    )
    return roles.join(companies.join(roles.select("company_id").unique(), on="company_id", how="semi"),
                      on="company_id", how="inner")  # fmt: skip


# --- (a) 违规经商办企业 -----------------------------------------------------------------------------


def business(frames: Frames, params: dict, as_of: date) -> pl.DataFrame:
    roles_wanted = _csv(params["roles"])
    min_share = float(params["min_share_pct"])
    levels = _level_at_least(str(params["relative_min_level"]))
    links = _with_subject_names(usable_links(frames), frames)
    cadres = frames["cadres"].lazy().select("cadre_id", "post_level", "status")
    roles = _roles_with_companies(frames).filter(
        pl.col("role").is_in(roles_wanted)
        & active_on("start_date", "end_date", as_of)
        & ((pl.col("role") != "shareholder") | (pl.col("share_pct").fill_null(100.0) >= min_share))
    )
    found = (
        links.join(cadres, on="cadre_id", how="inner")
        .filter(pl.col("status") == "serving")
        .filter(
            (pl.col("subject") == "cadre")
            | (pl.col("relation").is_in(SPOUSE_CHILD) & pl.col("post_level").is_in(levels))
        )
        .join(roles, on="registry_person_id", how="inner")
        .sort("cadre_id", "relative_id", "credit_code", "role", nulls_last=True)
        .collect()
    )
    out = []
    for r in found.iter_rows(named=True):
        chain = Chain(frames.snapshots)
        person = _subject_edges(chain, r)
        _company_edge(chain, person, r)
        who = (
            "本人"
            if r["subject"] == "cadre"
            else f"{RELATION_LABELS.get(r['relation'], '')}{r['subject_name']}"
        )
        out.append({
            "rule": BUSINESS,
            "key": f"{r['cadre_id']}:{r['subject']}:{r['relative_id'] or 0}:{_company_key(r)}:{r['role']}",
            "cadre_id": r["cadre_id"], "unit_id": r["unit_id"],
            "explanation": f"{r['cadre_name']}（{who}）在“{r['company_name']}”登记为{ROLE_LABELS.get(r['role'], r['role'])}",
            "evidence": chain.json(),
        })  # fmt: skip
    return _finish(out)


# --- (b) 亲属企业承揽本单位或所监管单位项目 --------------------------------------------------------------


def supervised_units(frames: Frames, include_subordinates: bool) -> pl.LazyFrame:
    """(cadre unit, buyer unit, how): the cadre's own unit, units it is the supervising body of,
    and (optionally) its subordinate units down the tree — set-based over the unit table."""
    units = frames["units"].lazy()
    own = units.select(pl.col("unit_id").alias("cadre_unit_id"), pl.col("unit_id").alias("buyer_unit_id"),
                       pl.lit("本单位").alias("how"))  # fmt: skip
    sup = units.filter(pl.col("supervisor_id").is_not_null()).select(
        pl.col("supervisor_id").alias("cadre_unit_id"), pl.col("unit_id").alias("buyer_unit_id"),
        pl.lit("所监督单位").alias("how"),
    )  # fmt: skip
    parts = [own, sup]
    if include_subordinates:
        below = ancestors(frames).filter(pl.col("distance") > 0)
        parts.append(below.lazy().select(pl.col("ancestor_id").alias("cadre_unit_id"),
                                         pl.col("unit_id").alias("buyer_unit_id"), pl.lit("下级单位").alias("how")))  # fmt: skip
    return pl.concat(parts).unique(
        subset=["cadre_unit_id", "buyer_unit_id"], keep="first", maintain_order=True
    )


def relative_contract(frames: Frames, params: dict, as_of: date) -> pl.DataFrame:
    since = _months_before(as_of, int(params["months"]))
    links = _with_subject_names(usable_links(frames).filter(pl.col("subject") == "relative"), frames)
    cadres = frames["cadres"].lazy().filter(pl.col("status") == "serving").select("cadre_id")
    roles = _roles_with_companies(frames).filter(
        pl.col("role").is_in(["legal_rep", "shareholder", "manager"])
    )
    awards = (
        frames["awards"]
        .lazy()
        .filter(pl.col("award_date").is_between(since, as_of))
        .rename({"snapshot_id": "award_snapshot", "row_no": "award_row", "winner_credit_code": "credit_code"})
    )
    units = (
        frames["units"]
        .lazy()
        .select(pl.col("unit_id").alias("buyer_unit_id"), pl.col("name").alias("buyer_name"))
    )
    reach = supervised_units(frames, bool(params["include_subordinates"]))
    found = (
        links.join(cadres, on="cadre_id", how="inner")
        .join(roles, on="registry_person_id", how="inner")
        # the winner is the company by its credit code; the role must be held on the award date
        .filter(pl.col("credit_code").is_not_null() & (pl.col("credit_code") != ""))
        .join(awards, on="credit_code", how="inner")
        .filter(
            (pl.col("start_date").is_null() | (pl.col("start_date") <= pl.col("award_date")))
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("award_date")))
        )
        .join(
            reach,
            left_on=["unit_id", "buyer_unit_id"],
            right_on=["cadre_unit_id", "buyer_unit_id"],
            how="inner",
        )
        .join(units, on="buyer_unit_id", how="left")
        .sort("cadre_id", "relative_id", "reference", "role")
        .collect()
    )
    out = []
    for r in found.iter_rows(named=True):
        chain = Chain(frames.snapshots)
        person = _subject_edges(chain, r)
        company = _company_edge(chain, person, r)
        award = node("award", r["award_id"], r["title"] or r["reference"])
        chain.add(company, award, f"中标（{r['award_date']}，{r['amount']:,.0f}元）" if r["amount"] is not None
                  else f"中标（{r['award_date']}）",
                  chain.registry("registries.award", r["award_id"], r["award_snapshot"], r["award_row"]))  # fmt: skip
        unit = node("unit", r["buyer_unit_id"], r["buyer_name"])
        chain.add(award, unit, "采购人/发包方", chain.registry("registries.award", r["award_id"], r["award_snapshot"],
                                                        r["award_row"]))  # fmt: skip
        chain.add(unit, node("cadre", r["cadre_id"], r["cadre_name"]), r["how"],
                  Chain.platform("people.unit", r["buyer_unit_id"], "单位隶属/监督关系"))  # fmt: skip
        out.append({
            "rule": RELATIVE_CONTRACT,
            "key": f"{r['cadre_id']}:{r['relative_id']}:{r['credit_code']}:{r['reference']}",
            "cadre_id": r["cadre_id"], "unit_id": r["unit_id"],
            "explanation": f"{r['cadre_name']}的{RELATION_LABELS.get(r['relation'], '亲属')}{r['subject_name']}任"
                           f"{ROLE_LABELS.get(r['role'], r['role'])}的“{r['company_name']}”中标{r['how']}"
                           f"“{r['buyer_name']}”的项目（{r['reference']}）",
            "evidence": chain.json(),
        })  # fmt: skip
    return _finish(out)


# --- (c) 退（离）休领导干部到原管辖地区或业务范围内企业任职 ----------------------------------------------------

# GB/T 4754-2017: the section letter of each two-digit division.
_SECTIONS = [("A", 1, 5), ("B", 6, 12), ("C", 13, 43), ("D", 44, 46), ("E", 47, 50), ("F", 51, 52), ("G", 53, 60),
             ("H", 61, 62), ("I", 63, 65), ("J", 66, 69), ("K", 70, 70), ("L", 71, 72), ("M", 73, 75), ("N", 76, 79),
             ("O", 80, 82), ("P", 83, 83), ("Q", 84, 85), ("R", 86, 90), ("S", 91, 96), ("T", 97, 97)]  # fmt: skip
SECTION_OF = {f"{d:02d}": letter for letter, lo, hi in _SECTIONS for d in range(lo, hi + 1)}
_CODE = re.compile(r"^([A-T]?)(\d{2,4})?$")


def industry_keys(frame: pl.LazyFrame) -> pl.LazyFrame:
    """(company_id, prefix) for every prefix of a company's GB/T 4754 code: its section letter
    and its 2-, 3- and 4-digit prefixes (codes given as "E4710", "4710" or "E")."""
    code = pl.col("industry_code").str.to_uppercase().str.replace_all(r"[\s\-]", "")
    digits = code.str.extract(r"(\d{2,4})$", 1)
    letter = code.str.extract(r"^([A-T])", 1)
    base = frame.select("company_id", digits.alias("d"), letter.alias("l"))
    section = pl.coalesce("l", pl.col("d").str.slice(0, 2).replace_strict(SECTION_OF, default=None))
    parts = [base.select("company_id", section.alias("prefix"))]
    for n in (2, 3, 4):
        parts.append(base.filter(pl.col("d").str.len_chars() >= n).select("company_id", pl.col("d").str.slice(0, n)
                                                                          .alias("prefix")))  # fmt: skip
    return pl.concat(parts).drop_nulls().unique()


def unit_regions(frames: Frames) -> pl.LazyFrame:
    """Each unit's region code: its own, else its nearest ancestor's."""
    regions = frames["unit_regions"].select(pl.col("unit_id").alias("ancestor_id"), "region_code")
    return (
        ancestors(frames)
        .join(regions, on="ancestor_id")
        .sort("unit_id", "distance")
        .unique(subset=["unit_id"], keep="first")
        .select("unit_id", "region_code")
        .lazy()
    )


def retired_post(frames: Frames, params: dict, as_of: date) -> pl.DataFrame:
    months = int(params["months"])
    levels = _level_at_least(str(params["min_level"]))
    window_from = _months_before(as_of, months)
    cadres = (
        frames["cadres"]
        .lazy()
        .filter(
            pl.col("status").is_in(["retired", "left"])
            & pl.col("status_date").is_between(window_from, as_of)
            & (pl.col("post_level").is_in(levels) | pl.col("is_leader"))
        )
        .select("cadre_id", "status_date", "status")
    )
    links = _with_subject_names(usable_links(frames).filter(pl.col("subject") == "cadre"), frames)
    # Former units: every post held, and the unit on file.
    former = pl.concat([
        frames["posts"].lazy().select("cadre_id", "unit_id"),
        frames["cadres"].lazy().select("cadre_id", "unit_id"),
    ]).unique()  # fmt: skip
    units = frames["units"].lazy().select("unit_id", pl.col("name").alias("former_name"), "sector")
    former = former.join(units, on="unit_id", how="inner").rename({"unit_id": "former_unit_id"})
    # Roles held after retirement and within the bar (any overlap with [status_date, status_date + months]).
    roles = _roles_with_companies(frames)
    base = (
        links.join(cadres, on="cadre_id", how="inner").join(roles, on="registry_person_id", how="inner")
        .filter(
            (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("status_date")))
            & (pl.col("start_date").is_null()
               | (pl.col("start_date") <= pl.col("status_date").dt.offset_by(f"{months}mo")))
        )
    )  # fmt: skip
    companies = (
        frames["companies"].lazy().join(roles.select("company_id").unique(), on="company_id", how="semi")
    )
    sector_hits = (
        industry_keys(companies)
        .join(frames["sector_map"].lazy().select(pl.col("industry_prefix").alias("prefix"), "sector"), on="prefix")
        .select("company_id", "sector", "prefix").unique(subset=["company_id", "sector"], keep="first")
    )  # fmt: skip
    by_field = (
        base.join(former.filter(pl.col("sector").is_not_null() & (pl.col("sector") != "")), on="cadre_id")
        .join(sector_hits, on=["company_id", "sector"], how="inner")
        .with_columns(pl.lit("field").alias("why"))
    )
    regions = unit_regions(frames).rename({"unit_id": "former_unit_id", "region_code": "former_region"})
    by_region = (
        base.join(former, on="cadre_id").join(regions, on="former_unit_id", how="inner")
        .filter(pl.col("region_code").is_not_null()
                & pl.col("region_code").str.starts_with(pl.col("former_region")))
        .with_columns(pl.lit(None, dtype=pl.Utf8).alias("prefix"), pl.lit("region").alias("why"))
    )  # fmt: skip
    cols = ["cadre_id", "unit_id", "cadre_name", "subject", "relative_id", "relation", "subject_name",
            "registry_person_id", "person_name", "person_snapshot", "person_row", "score", "evidence", "status_date",
            "status", "role", "role_id", "role_snapshot", "role_row", "share_pct", "start_date", "company_id",
            "credit_code", "company_name", "industry_code", "region_code", "former_unit_id", "former_name", "sector",
            "prefix", "why"]  # fmt: skip
    found = (
        pl.concat([by_field.select(cols), by_region.select(cols)])
        .sort("cadre_id", "credit_code", "role", "why", "former_unit_id")
        .collect()
    )
    out = []
    for r in found.iter_rows(named=True):
        chain = Chain(frames.snapshots)
        person = _subject_edges(chain, r)
        company = _company_edge(chain, person, r)
        unit = node("unit", r["former_unit_id"], r["former_name"])
        if r["why"] == "field":
            chain.add(company, unit, f"行业代码{r['industry_code']}属于原单位领域“{r['sector']}”",
                      Chain.platform("matching.sectormapping", r["prefix"], "行业与业务领域对照表"))  # fmt: skip
            reason = f"原任职单位“{r['former_name']}”的业务范围（{r['sector']}）"
        else:
            chain.add(company, unit, f"企业登记地{r['region_code']}在原管辖区域内",
                      Chain.platform("matching.unitregion", r["former_unit_id"], "单位管辖区域"))  # fmt: skip
            reason = f"原任职单位“{r['former_name']}”管辖的地区"
        left = "退休" if r["status"] == "retired" else "离任"
        out.append({
            "rule": RETIRED_POST,
            "key": f"{r['cadre_id']}:{_company_key(r)}:{r['role']}",
            "cadre_id": r["cadre_id"], "unit_id": r["unit_id"],
            "explanation": f"{r['cadre_name']}于{r['status_date']}{left}，{months}个月内在{reason}的企业“{r['company_name']}”"
                           f"任{ROLE_LABELS.get(r['role'], r['role'])}",
            "evidence": chain.json(),
        })  # fmt: skip
    return _finish(out)


# --- (d) 交通违法、法院裁判未在档案中记载 -----------------------------------------------------------------


def unrecorded_offence(frames: Frames, params: dict, as_of: date) -> pl.DataFrame:
    kinds = _csv(params["offence_kinds"])
    party_roles = _csv(params["judgment_roles"])
    links = _with_subject_names(usable_links(frames).filter(pl.col("subject") == "cadre"), frames)
    recorded = frames["recorded"].lazy().select("cadre_id", "reference").unique()
    offences = frames["offences"].lazy().filter(pl.col("kind").is_in(kinds) & (pl.col("offence_date") <= as_of)).select(
        "registry_person_id", pl.col("offence_id").alias("source_id"), pl.lit("offence").alias("what"),
        pl.col("kind").alias("detail"), "reference", pl.col("offence_date").alias("on"), "snapshot_id", "row_no",
    )  # fmt: skip
    judgments = frames["judgments"].lazy().filter(
        pl.col("party_role").is_in(party_roles) & (pl.col("judgment_date") <= as_of)
    ).select(
        "registry_person_id", pl.col("judgment_id").alias("source_id"), pl.lit("judgment").alias("what"),
        pl.col("cause").alias("detail"), pl.col("case_no").alias("reference"), pl.col("judgment_date").alias("on"),
        "snapshot_id", "row_no",
    )  # fmt: skip
    found = (
        links.join(pl.concat([offences, judgments]), on="registry_person_id", how="inner")
        .join(recorded, on=["cadre_id", "reference"], how="anti")
        .sort("cadre_id", "what", "reference")
        .collect()
    )
    labels = {"drunk": "醉酒驾驶", "drink": "饮酒驾驶"}
    out = []
    for r in found.iter_rows(named=True):
        chain = Chain(frames.snapshots)
        person = _subject_edges(chain, r)
        table = "registries.traffic_offence" if r["what"] == "offence" else "registries.court_record"
        what = (
            labels.get(r["detail"], r["detail"]) if r["what"] == "offence" else f"法院裁判（{r['detail']}）"
        )
        fact = node(r["what"], r["source_id"], f"{what} {r['reference']}")
        chain.add(
            person, fact, f"{r['on']}", chain.registry(table, r["source_id"], r["snapshot_id"], r["row_no"])
        )
        out.append({
            "rule": UNRECORDED,
            "key": f"{r['cadre_id']}:{r['what']}:{r['reference']}",
            "cadre_id": r["cadre_id"], "unit_id": r["unit_id"],
            "explanation": f"外部数据显示{r['cadre_name']}于{r['on']}有{what}记录（编号{r['reference']}），档案中未见记载",
            "evidence": chain.json(),
        })  # fmt: skip
    return _finish(out)


# --- (e) 个人有关事项报告漏报企业或房产 -------------------------------------------------------------------


def normalise_address(expr: pl.Expr) -> pl.Expr:
    """Addresses compared after dropping spaces, punctuation and the words 号/室/单元 spelt in
    different ways; full-width digits folded."""
    full = "０１２３４５６７８９"
    out = expr.str.replace_all(r"[\s,，。.、\-－—()（）#＃]", "")
    for i, ch in enumerate(full):
        out = out.str.replace_all(ch, str(i), literal=True)
    return out.str.replace_all("号楼", "栋", literal=True).str.replace_all("幢", "栋", literal=True)


def undeclared(frames: Frames, params: dict, as_of: date) -> pl.DataFrame:
    reporters = frames["reporters"].lazy()
    links = _with_subject_names(usable_links(frames), frames).join(reporters, on="cadre_id", how="inner")
    # Businesses: spouse, children and their spouses (Art 4 item 8).
    biz = (
        links.filter(pl.col("relation").is_in(SPOUSE_CHILD))
        .join(_roles_with_companies(frames).filter(pl.col("role").is_in(["legal_rep", "shareholder", "manager"])
                                                   & active_on("start_date", "end_date", as_of)),
              on="registry_person_id", how="inner")
        # Declared businesses are compared by credit code: a company without one cannot be
        # shown missing from the report (a false "undeclared" harms the cadre), so it is left out.
        .filter(pl.col("credit_code").is_not_null() & (pl.col("credit_code") != ""))
        .join(frames["declared_businesses"].lazy(), on=["cadre_id", "credit_code"], how="anti")
        .sort("cadre_id", "relative_id", "credit_code", "role")
        .collect()
    )  # fmt: skip
    # Real estate: the cadre, spouse and children (Art 4 item 4).
    declared = (
        frames["declared_properties"]
        .lazy()
        .select("cadre_id", normalise_address(pl.col("address")).alias("addr"))
    )
    props = frames["properties"].lazy().rename({"snapshot_id": "prop_snapshot", "row_no": "prop_row"})
    prop = (
        links.filter((pl.col("subject") == "cadre") | pl.col("relation").is_in(("spouse", "child")))
        .join(props, on="registry_person_id", how="inner")
        .with_columns(normalise_address(pl.col("address")).alias("addr"))
        .join(declared, on=["cadre_id", "addr"], how="anti")
        .sort("cadre_id", "reference")
        .collect()
    )  # fmt: skip
    out = []
    for r in biz.iter_rows(named=True):
        chain = Chain(frames.snapshots)
        person = _subject_edges(chain, r)
        _company_edge(chain, person, r)
        chain.add(node("cadre", r["cadre_id"], r["cadre_name"]), node("declaration", r["declaration_id"], "个人有关事项报告"),
                  "报告中未列该企业", Chain.platform("declarations.declaration", r["declaration_id"], "最近一次提交的报告"))  # fmt: skip
        out.append({
            "rule": UNDECLARED, "key": f"{r['cadre_id']}:business:{r['credit_code']}",
            "cadre_id": r["cadre_id"], "unit_id": r["unit_id"],
            "explanation": f"{r['cadre_name']}的{RELATION_LABELS.get(r['relation'], '亲属')}{r['subject_name']}在“{r['company_name']}”"
                           f"登记为{ROLE_LABELS.get(r['role'], r['role'])}，最近一次个人有关事项报告未列该企业",
            "evidence": chain.json(),
        })  # fmt: skip
    for r in prop.iter_rows(named=True):
        chain = Chain(frames.snapshots)
        person = _subject_edges(chain, r)
        estate = node("property", r["property_id"], r["address"])
        chain.add(person, estate, "产权人", chain.registry("registries.property", r["property_id"], r["prop_snapshot"],
                                                        r["prop_row"]))  # fmt: skip
        chain.add(node("cadre", r["cadre_id"], r["cadre_name"]), node("declaration", r["declaration_id"], "个人有关事项报告"),
                  "报告中未列该房产", Chain.platform("declarations.declaration", r["declaration_id"], "最近一次提交的报告"))  # fmt: skip
        who = (
            "本人"
            if r["subject"] == "cadre"
            else f"{RELATION_LABELS.get(r['relation'], '')}{r['subject_name']}"
        )
        out.append({
            "rule": UNDECLARED, "key": f"{r['cadre_id']}:property:{r['reference']}",
            "cadre_id": r["cadre_id"], "unit_id": r["unit_id"],
            "explanation": f"外部数据显示{r['cadre_name']}（{who}）名下有房产（{r['reference']}），最近一次个人有关事项报告未列",
            "evidence": chain.json(),
        })  # fmt: skip
    return _finish(out)


RULE_FUNCS = {
    BUSINESS: business,
    RELATIVE_CONTRACT: relative_contract,
    RETIRED_POST: retired_post,
    UNRECORDED: unrecorded_offence,
    UNDECLARED: undeclared,
}


def apply_rules(frames: Frames, params: dict[str, dict], as_of: date, codes=RULE_CODES) -> pl.DataFrame:
    """Every rule over the frames: one frame of hits (HIT_SCHEMA), sorted by rule and key."""
    # The evidence chains are many small dicts: the cyclic collector would rescan them all on
    # every generation-2 pass (a third of the time at 13,000 hits); none of them holds a cycle.
    enabled = gc.isenabled()
    gc.disable()
    try:
        parts = [RULE_FUNCS[code](frames, params[code], as_of) for code in codes]
    finally:
        if enabled:
            gc.enable()
    return pl.concat(parts).sort("rule", "key") if parts else _empty_hits()


def rule_params(as_of: date) -> dict[str, dict]:
    """The parameters in force on `as_of` of every matching rule (plus the retirement bar)."""
    from qinglian.rules.registry import params

    out = {code: {k: v.value for k, v in params(code, as_of=as_of).items()} for code in (LINKS, *RULE_CODES)}
    out[RETIRED_POST]["months"] = params("retired.enterprise_post_bar", as_of=as_of)["months"].value
    return out
