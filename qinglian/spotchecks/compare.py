"""Comparing declared and returned items, and proposing 一致 / 漏报 / 瞒报 (RULES.md "Personal-matters
reports", 查核结果处理办法 2017).

Pure functions, no database: `compare(declared, returned, kinds=..., tol=...)` matches the two
lists per kind on named, normalised keys (a hash join: one pass over each list, whatever their
sizes) and classifies every difference with its reason. Items are anything with `kind`, `key`,
`values` and `label` (the declarations app's `DeclaredItem`, or `Item` below for returns).

Matching keys: real estate by normalised address (area within a tolerance); securities and
overseas assets by account or credit code (amount within a tolerance); businesses by credit code;
passports and HK/Macau/Taiwan permits by number; relatives (jobs, emigration, prosecution,
children's marriages) by relation and name, jobs compared by employer; salary and fees by source.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

CONSISTENT, OMISSION, CONCEALMENT, DECLARED_ONLY = "consistent", "omission", "concealment", "declared_only"

KIND_LABELS = {
    "marriage": "婚姻情况",
    "passport": "因私出国（境）证件（护照）",
    "hkmt_permit": "往来港澳台通行证",
    "child_foreign_spouse": "子女与外国人、无国籍人通婚",
    "child_hkmt_spouse": "子女与港澳台居民通婚",
    "family_abroad": "配偶、子女移居国（境）外",
    "family_jobs": "配偶、子女及其配偶从业情况",
    "family_prosecution": "配偶、子女及其配偶被追究刑事责任",
    "salary": "工资及各类奖金、津贴、补贴",
    "fees": "劳务所得",
    "real_estate": "房产",
    "securities": "股票、基金、投资型保险",
    "family_business": "配偶、子女及其配偶经商办企业",
    "overseas_assets": "国（境）外存款和投资",
}
GARAGE_WORDS = ("车库", "车位", "储藏", "储物间", "地下室", "garage", "parking", "storeroom")
MARITAL = {"已婚": "married", "未婚": "unmarried", "离异": "divorced", "离婚": "divorced", "丧偶": "widowed"}

# What an unreported item (returned, not declared) is, per kind (RULES.md examples).
UNREPORTED = {
    "marriage": CONCEALMENT,
    "passport": CONCEALMENT,
    "hkmt_permit": CONCEALMENT,
    "child_foreign_spouse": CONCEALMENT,
    "child_hkmt_spouse": CONCEALMENT,
    "family_abroad": CONCEALMENT,
    "family_jobs": CONCEALMENT,
    "family_prosecution": OMISSION,
    "salary": OMISSION,
    "fees": OMISSION,
    "real_estate": CONCEALMENT,  # garages, parking spaces and storerooms: OMISSION (below)
    "securities": CONCEALMENT,
    "family_business": CONCEALMENT,
    "overseas_assets": CONCEALMENT,
}


@dataclass(frozen=True)
class Item:
    kind: str
    key: dict
    values: dict = field(default_factory=dict)
    label: str = ""
    item_id: int | str = ""


@dataclass(frozen=True)
class Tolerances:
    area_sqm: Decimal = Decimal("1.00")
    amount_pct: Decimal = Decimal("5")
    amount_abs: Decimal = Decimal("1000")
    share_pct: Decimal = Decimal("1")

    def amount(self, reference: Decimal) -> Decimal:
        return max(self.amount_abs, abs(reference) * self.amount_pct / 100)


@dataclass(frozen=True)
class Line:
    kind: str
    declared: dict | None
    returned: dict | None
    outcome: str
    explanation: str


# --- normalisation ---------------------------------------------------------------------------

_PUNCT = re.compile(r"[\s,，.。、;；:：()（）\[\]【】\-—_#/\\'\"“”]+")
_BUILDING = re.compile(r"(号楼|幢|座)")


def norm_text(value) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).lower()
    return _PUNCT.sub("", text)


def norm_address(value) -> str:
    text = _BUILDING.sub("栋", norm_text(value))
    return text.removesuffix("室").removesuffix("号")


RELATIONS = {"配偶": "spouse", "丈夫": "spouse", "妻子": "spouse", "子女": "child", "儿子": "child", "女儿": "child",
             "子女配偶": "child_spouse", "儿媳": "child_spouse", "女婿": "child_spouse"}  # fmt: skip


def norm_relation(value) -> str:
    text = norm_text(value)
    return RELATIONS.get(text, text)


def norm_code(value) -> str:
    return re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", str(value or "")).upper())


def dec(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return None


def match_key(item) -> tuple:
    """The normalised key an item is matched on."""
    k, key = item.kind, item.key or {}
    if k == "real_estate":
        return (norm_address(key.get("address")),)
    if k in ("securities", "overseas_assets"):
        return (norm_code(key.get("account") or key.get("credit_code")),)
    if k == "family_business":
        return (norm_code(key.get("credit_code")),)
    if k in ("passport", "hkmt_permit"):
        return (norm_code(key.get("number")),)
    if k == "marriage":
        return ()  # one marital status per person
    # Relatives (relation and name), incomes (source, payer), children's marriages (names).
    return tuple(
        (name, norm_relation(value) if name == "relation" else norm_text(value))
        for name, value in sorted(key.items())
    )


def _describe(item) -> str:
    return item.label or KIND_LABELS.get(item.kind, item.kind)


def _plain(item) -> dict:
    return {"key": dict(item.key or {}), "values": dict(item.values or {}), "label": _describe(item)}


def _marital(value) -> str:
    text = norm_text(value)
    return MARITAL.get(text, text)


def _is_garage(item) -> bool:
    text = " ".join(str(v) for v in [*(item.key or {}).values(), *(item.values or {}).values(), item.label])
    return any(w in text for w in GARAGE_WORDS)


# --- comparison of one matched pair ----------------------------------------------------------


def _pair(d, r, tol: Tolerances) -> tuple[str, str]:
    kind, dv, rv = d.kind, d.values or {}, r.values or {}
    name = KIND_LABELS.get(kind, kind)
    if kind == "real_estate":
        da, ra = dec(dv.get("area")), dec(rv.get("area"))
        if da is not None and ra is not None and ra - da > tol.area_sqm:
            return OMISSION, f"{name}：少报建筑面积（报告{da}㎡，登记{ra}㎡，允许误差{tol.area_sqm}㎡）→ 漏报"
        ds, rs = dec(dv.get("share")), dec(rv.get("share"))
        if ds is not None and rs is not None and rs - ds > tol.share_pct:
            return OMISSION, f"{name}：少报产权份额（报告{ds}%，登记{rs}%）→ 漏报"
        return CONSISTENT, f"{name}：地址、面积一致（误差{tol.area_sqm}㎡以内）"
    if kind in ("securities", "overseas_assets", "salary", "fees"):
        da, ra = dec(dv.get("amount")), dec(rv.get("amount"))
        if da is not None and ra is not None and ra - da > tol.amount(ra):
            return OMISSION, f"{name}：少报金额（报告{da}元，查询{ra}元，超出允许误差）→ 漏报"
        return CONSISTENT, f"{name}：金额一致（允许误差{tol.amount_pct}%或{tol.amount_abs}元）"
    if kind == "family_business":
        ds, rs = dec(dv.get("share")), dec(rv.get("share"))
        if ds is not None and rs is not None and abs(rs - ds) > tol.share_pct:
            return OMISSION, f"{name}：持股比例不一致（报告{ds}%，登记{rs}%）→ 漏报"
        return CONSISTENT, f"{name}：统一社会信用代码、持股比例一致"
    if kind in ("passport", "hkmt_permit"):
        dt, rt = dec(dv.get("trips")), dec(rv.get("trips"))
        if dt is not None and rt is not None and rt > dt:
            return OMISSION, f"{name}：漏报因私出入境{rt - dt}次 → 漏报"
        return CONSISTENT, f"{name}：证件号码一致"
    if kind == "marriage":
        if _marital(dv.get("status")) != _marital(rv.get("status")):
            return CONCEALMENT, f"{name}：婚姻状况与登记不一致，属不报告婚姻变化 → 瞒报"
        return CONSISTENT, f"{name}：与登记一致"
    if kind == "family_jobs":
        if norm_text(dv.get("employer")) != norm_text(rv.get("employer")):
            return CONCEALMENT, f"{name}：工作单位与登记不一致 → 瞒报"
        return CONSISTENT, f"{name}：工作单位一致"
    return CONSISTENT, f"{name}：一致"


def _unreported(r) -> tuple[str, str]:
    name = KIND_LABELS.get(r.kind, r.kind)
    if r.kind == "real_estate" and _is_garage(r):
        return OMISSION, f"{name}：未报告车库、车位或储藏间 → 漏报"
    outcome = UNREPORTED.get(r.kind, OMISSION)
    word = "瞒报" if outcome == CONCEALMENT else "漏报"
    return outcome, f"{name}：查询有、本人未报告 → {word}"


def compare(declared, returned, *, kinds=None, tol: Tolerances | None = None) -> list[Line]:
    """Every declared and returned item of the compared kinds, matched and classified.

    `kinds`: the kinds the returns cover (a declared item of a kind nobody was asked about is not
    compared); default: the kinds of the returned items."""
    tol = tol or Tolerances()
    kinds = set(kinds) if kinds is not None else {r.kind for r in returned}
    by_key: dict[tuple, list] = {}
    for d in declared:
        if d.kind in kinds:
            by_key.setdefault((d.kind, match_key(d)), []).append(d)
    lines: list[Line] = []
    for r in returned:
        bucket = by_key.get((r.kind, match_key(r)))
        if bucket:
            d = bucket.pop(0)
            outcome, why = _pair(d, r, tol)
            lines.append(Line(r.kind, _plain(d), _plain(r), outcome, why))
        else:
            outcome, why = _unreported(r)
            lines.append(Line(r.kind, None, _plain(r), outcome, why))
    for bucket in by_key.values():
        for d in bucket:
            name = KIND_LABELS.get(d.kind, d.kind)
            lines.append(
                Line(d.kind, _plain(d), None, DECLARED_ONLY, f"{name}：本人已报告，查询未反馈（请核实）")
            )
    return lines


def propose(lines: list[Line]) -> str:
    outcomes = {line.outcome for line in lines}
    if CONCEALMENT in outcomes:
        return CONCEALMENT
    if OMISSION in outcomes:
        return OMISSION
    return CONSISTENT
