"""The taxonomy of archive entries: the contract between modules (DOMAIN.md, "Entry kinds").

Codes are stable (UI, imports, API). The built-in kinds are defined here, in code, and synced to
the `EntryKind` table after migrate; an administrator may add kinds but cannot change what an
existing code means. Two principles are encoded:

- no yellow or black entry without a named person's decision (`needs_decision`), with the decision
  document for sanctions (`needs_document`);
- pending states (函询 unanswered, 初核, 立案) and outside facts (`external.*`, allegations) carry
  no colour and do not touch the grade.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"
    YELLOW = "yellow"
    BLACK = "black"
    NONE = "none"


COLOUR_LABELS = {"red": "红点（表彰）", "blue": "蓝点（一般信息）", "yellow": "黄点（组织处理）",
                 "black": "黑点（处分）", "none": "无颜色（状态/待核实）"}  # fmt: skip


class Effect(StrEnum):
    NONE = "none"
    POSTPONE = "postpone"  # while pending (open case, unanswered inquiry)
    OBJECT = "object"  # during the influence period


class Restriction(StrEnum):
    PROMOTION = "promotion"  # 提拔（职务晋升）
    HEAVIER_USE = "heavier_use"  # 重用 / 进一步使用
    AWARDS = "awards"  # 评优评先、表彰奖励
    RANK = "rank"  # 职级晋升
    PAY_STEP = "pay_step"  # 晋升工资档次
    RESERVE = "reserve"  # 列为后备干部
    NOMINATION = "nomination"  # 推荐为代表、委员


RESTRICTION_LABELS = {
    "promotion": "提拔任用", "heavier_use": "进一步使用（重用）", "awards": "评优评先", "rank": "职级晋升",
    "pay_step": "晋升工资档次", "reserve": "列为后备干部", "nomination": "推荐为代表委员",
}  # fmt: skip
ALL = frozenset(Restriction)
NO_PAY = ALL - {Restriction.PAY_STEP}


class Period(StrEnum):
    """How an entry's influence end is computed."""

    NONE = "none"
    RULE_MONTHS = "rule_months"  # months from the rule registry, from the decision date
    PROBATION = "probation"  # 留党察看: the term given in the decision + the rule's bar months after it
    GOV_COMBINED = "gov"  # 政务处分: the rule's months, or the combined period stated in the decision
    ORG_HANDLING = "org"  # 组织处理: the period stated in the decision, bounded by the rule's min/max
    UNTIL_CLOSED = "until_closed"  # pending state: until a closing entry
    NEXT_YEAR = "next_year"  # annual appraisal: the whole following year
    PERMANENT = "permanent"  # 开除


@dataclass(frozen=True)
class KindSpec:
    code: str
    name: str
    colour: Colour
    graded: bool = False  # counts for the grade
    effect: Effect = Effect.NONE
    restrictions: frozenset = field(default_factory=frozenset)
    period: Period = Period.NONE
    rule: str = ""  # rule code in the registry (qinglian/rules)
    sealed: bool = False  # visible only to roles that read clue content
    needs_decision: bool = False  # a named decision maker is required
    needs_document: bool = False  # the decision document (文号) is required
    needs_review: bool = False  # from partner agencies: counts only after a discipline role accepts it
    creators: frozenset = field(default_factory=frozenset)  # capabilities that may record it
    closes: tuple = ()  # codes of the pending kinds this kind closes
    for_units: bool = False  # a unit-level entry (ecology), not a person's


SANCTION = frozenset({"archive.record_sanction"})
HANDLING = frozenset({"archive.record_handling"})
STATUS = frozenset({"archive.record_status"})
INFO = frozenset({"archive.record_info"})
AGENCY = frozenset({"archive.submit_external"})

_K = KindSpec
BUILTIN: list[KindSpec] = [
    # Party sanctions — 中国共产党纪律处分条例 (2023), Arts 10–13.
    _K("party.warning", "党内警告", Colour.BLACK, True, Effect.OBJECT, NO_PAY, Period.RULE_MONTHS,
       "sanction.party.warning", needs_decision=True, needs_document=True, creators=SANCTION),
    _K("party.serious_warning", "党内严重警告", Colour.BLACK, True, Effect.OBJECT, NO_PAY, Period.RULE_MONTHS,
       "sanction.party.serious_warning", needs_decision=True, needs_document=True, creators=SANCTION),
    _K("party.post_removal", "撤销党内职务", Colour.BLACK, True, Effect.OBJECT, NO_PAY, Period.RULE_MONTHS,
       "sanction.party.post_removal", needs_decision=True, needs_document=True, creators=SANCTION),
    _K("party.probation", "留党察看", Colour.BLACK, True, Effect.OBJECT, NO_PAY, Period.PROBATION,
       "sanction.party.probation", needs_decision=True, needs_document=True, creators=SANCTION),
    _K("party.expulsion", "开除党籍", Colour.BLACK, True, Effect.OBJECT, ALL, Period.PERMANENT,
       "sanction.party.expulsion", needs_decision=True, needs_document=True, creators=SANCTION),
    # Government sanctions — 公职人员政务处分法 (2020), Arts 8, 15, 19, 24.
    _K("gov.warning", "政务警告", Colour.BLACK, True, Effect.OBJECT, NO_PAY, Period.GOV_COMBINED,
       "sanction.gov.warning", needs_decision=True, needs_document=True, creators=SANCTION),
    _K("gov.demerit", "记过", Colour.BLACK, True, Effect.OBJECT, ALL, Period.GOV_COMBINED,
       "sanction.gov.demerit", needs_decision=True, needs_document=True, creators=SANCTION),
    _K("gov.major_demerit", "记大过", Colour.BLACK, True, Effect.OBJECT, ALL, Period.GOV_COMBINED,
       "sanction.gov.major_demerit", needs_decision=True, needs_document=True, creators=SANCTION),
    _K("gov.demotion", "降级", Colour.BLACK, True, Effect.OBJECT, ALL, Period.GOV_COMBINED,
       "sanction.gov.demotion", needs_decision=True, needs_document=True, creators=SANCTION),
    _K("gov.dismissal", "撤职", Colour.BLACK, True, Effect.OBJECT, ALL, Period.GOV_COMBINED,
       "sanction.gov.dismissal_from_post", needs_decision=True, needs_document=True, creators=SANCTION),
    _K("gov.expulsion", "开除（政务）", Colour.BLACK, True, Effect.OBJECT, ALL, Period.PERMANENT,
       needs_decision=True, needs_document=True, creators=SANCTION),
    # First form of the four forms; 诫勉 and organisational handling bar promotion for a period.
    _K("handling.reminder_talk", "谈话提醒", Colour.YELLOW, True, needs_decision=True, creators=HANDLING),
    _K("handling.criticism", "批评教育", Colour.YELLOW, True, needs_decision=True, creators=HANDLING),
    _K("handling.self_examination", "责令检查", Colour.YELLOW, True, needs_decision=True, creators=HANDLING),
    _K("handling.circular", "通报批评", Colour.YELLOW, True, needs_decision=True, creators=HANDLING),
    _K("handling.admonishment", "诫勉", Colour.YELLOW, True, Effect.OBJECT,
       frozenset({"promotion", "heavier_use", "awards", "reserve"}), Period.RULE_MONTHS, "handling.admonishment",
       needs_decision=True, creators=HANDLING),
    *[
        _K(code, name, Colour.YELLOW, True, Effect.OBJECT, frozenset({"promotion", "heavier_use", "reserve"}),
           Period.ORG_HANDLING, "handling.organisational", needs_decision=True, creators=HANDLING)
        for code, name in [("org.suspension", "停职检查"), ("org.reassignment", "调整职务"),
                           ("org.ordered_resignation", "责令辞职"), ("org.removal", "免职"), ("org.demotion", "降职"),
                           ("accountability", "问责")]
    ],
    # Pending states: no colour, no grade; `postpone` while open.
    _K("handling.inquiry", "谈话函询（待回复）", Colour.NONE, effect=Effect.POSTPONE,
       restrictions=frozenset({"promotion", "heavier_use", "awards", "rank", "reserve", "nomination"}),
       period=Period.UNTIL_CLOSED, sealed=True, creators=STATUS),
    _K("handling.inquiry_answered", "函询已回复", Colour.NONE, sealed=True, creators=STATUS,
       closes=("handling.inquiry",)),
    _K("verification.opened", "初步核实", Colour.NONE, effect=Effect.POSTPONE,
       restrictions=frozenset({"promotion", "heavier_use", "awards", "rank", "reserve", "nomination"}),
       period=Period.UNTIL_CLOSED, sealed=True, creators=STATUS),
    _K("verification.closed", "初步核实结束", Colour.NONE, sealed=True, creators=STATUS,
       closes=("verification.opened",)),
    _K("case.opened", "立案审查调查", Colour.NONE, effect=Effect.POSTPONE, restrictions=ALL,
       period=Period.UNTIL_CLOSED, sealed=True, creators=STATUS),
    _K("case.closed", "审查调查结束", Colour.NONE, sealed=True, creators=STATUS, closes=("case.opened",)),
    _K("allegation.registered", "问题线索（已登记）", Colour.NONE, sealed=True, creators=STATUS),
    # Integrity information from liaison stations (grassroots): hearsay, not a finding — sealed,
    # colourless, outside grades and opinions.
    _K("info.unverified", "廉情信息（未经核实）", Colour.NONE, sealed=True, creators=STATUS),
    _K("clearance", "澄清正名", Colour.BLUE, needs_decision=True, creators=STATUS,
       closes=("handling.inquiry", "verification.opened")),
    # Personal-matters findings (after the cadre's explanation).
    _K("declaration.omission", "个人有关事项漏报", Colour.YELLOW, True, needs_decision=True,
       creators=frozenset({"archive.record_declaration"})),
    _K("declaration.concealment", "个人有关事项瞒报", Colour.YELLOW, True, Effect.OBJECT,
       frozenset({"promotion", "heavier_use", "reserve"}), Period.RULE_MONTHS, "declarations.concealment",
       needs_decision=True, creators=frozenset({"archive.record_declaration"})),
    _K("conduct.finding", "负面清单问题（已认定）", Colour.YELLOW, True, needs_decision=True, creators=HANDLING),
    # Outside facts: sealed and colourless until a reviewer confirms them into another kind.
    *[
        _K(code, name, Colour.NONE, sealed=True, needs_review=True, creators=AGENCY | STATUS)
        for code, name in [("external.audit_finding", "审计发现问题"), ("external.court_judgment", "法院裁判"),
                           ("external.traffic_offence", "交通违法（如酒驾）"), ("external.registry_match", "大数据比对线索"),
                           ("external.petition", "信访事项"), ("external.org_handling", "外单位组织处理信息"),
                           ("external.civil_case", "民事诉讼当事人（仅作信息）"), ("external.other", "其他外部信息")]
    ],
    # Commendations and appraisals.
    _K("commendation", "表彰奖励", Colour.RED, True, needs_decision=True,
       creators=frozenset({"archive.record_appraisal"}) | AGENCY),
    _K("appraisal.excellent", "年度考核优秀", Colour.RED, True, creators=frozenset({"archive.record_appraisal"}) | AGENCY),
    _K("appraisal.competent", "年度考核称职", Colour.BLUE, creators=frozenset({"archive.record_appraisal"}) | AGENCY),
    _K("appraisal.basically_competent", "年度考核基本称职", Colour.BLUE, True, Effect.OBJECT,
       frozenset({"promotion"}), Period.NEXT_YEAR, "appraisal.previous_year",
       creators=frozenset({"archive.record_appraisal"}) | AGENCY),
    _K("appraisal.incompetent", "年度考核不称职", Colour.BLUE, True, Effect.OBJECT, frozenset({"promotion"}),
       Period.NEXT_YEAR, "appraisal.previous_year", creators=frozenset({"archive.record_appraisal"}) | AGENCY),
    # Neutral information.
    *[
        _K(code, name, Colour.BLUE, creators=INFO)
        for code, name in [("info.post_change", "职务变动"), ("info.training", "教育培训"),
                           ("info.report_on_time", "按时报告个人有关事项"), ("info.family_event", "婚丧喜庆事宜报备"),
                           ("info.talk", "廉政谈话"), ("info.other", "其他信息")]
    ],
    # A revocation (e.g. a sanction overturned on appeal): the revoked entry stops counting.
    _K("correction", "撤销/更正记录", Colour.NONE, needs_decision=True,
       creators=SANCTION | HANDLING | STATUS | INFO | frozenset({"archive.record_appraisal", "archive.record_declaration"})),
    # Unit-level entries (political ecology).
    _K("unit.clue", "涉及本单位的问题线索", Colour.YELLOW, True, creators=STATUS, for_units=True, sealed=False),
    _K("unit.unverified", "涉及本单位的廉情信息（未经核实）", Colour.NONE, sealed=True, creators=STATUS, for_units=True),
    _K("unit.inspection_finding", "巡察发现问题", Colour.YELLOW, True, creators=HANDLING, for_units=True),
    _K("unit.audit_finding", "审计发现问题", Colour.YELLOW, True, creators=HANDLING, for_units=True),
    _K("unit.rectified", "问题整改完成", Colour.BLUE, creators=HANDLING, for_units=True),
    _K("unit.card_performance", "主体责任落实情况", Colour.BLUE, creators=HANDLING, for_units=True),
    _K("unit.commendation", "单位表彰", Colour.RED, True, creators=HANDLING, for_units=True),
]  # fmt: skip

BY_CODE = {k.code: k for k in BUILTIN}
SANCTION_KINDS = frozenset(k.code for k in BUILTIN if k.code.startswith(("party.", "gov.")))
