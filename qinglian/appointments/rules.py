"""Rules of cadre selection in the registry (RULES.md "Promotion and awards: who may not be proposed").

The notice period and the meeting quorum are the regulation's own; the approval threshold below
which a recommendation counts as "low" (Art 24) and the satisfaction level below which a unit's
selection work is followed up are local practice: shipped as unsettled defaults.
"""

from decimal import Decimal

from qinglian.rules.registry import Citation, Param, RuleSpec, register

SELECTION = "党政领导干部选拔任用工作条例"

NOTICE_RULE = "appointments.notice_period"
DECISION_RULE = "appointments.decision_quorum"
ART24_RULE = "appointments.art24"
LOW_APPROVAL_RULE = "appointments.low_approval"
REVIEW_RULE = "appointments.review_weak"
FOUR_CHECKS_RULE = "appointments.four_checks"

register(
    RuleSpec(
        code=NOTICE_RULE,
        name="任职前公示",
        citation=Citation(SELECTION, 2019),
        description="党政领导职务拟任人选在党委（党组）讨论决定后、下发任职通知前，应当在一定范围内公示，"
        "公示期不少于五个工作日。公示期间反映的问题应当调查核实后再任职。",
        params={"working_days": Param(5, "公示期最少工作日数", 5, 30)},
        owner="appointments",
    ),
    RuleSpec(
        code=DECISION_RULE,
        name="讨论决定干部任免",
        citation=Citation(SELECTION, 2019),
        description="党委（党组）讨论决定干部任免事项，必须有三分之二以上成员到会，并保证与会成员有足够时间听取情况介绍、"
        "充分发表意见；以超过应到会成员半数同意形成决定。",
        params={
            "quorum_percent": Param(Decimal("66.67"), "到会成员比例下限（%）", 50, 100),
            "approval_percent": Param(Decimal("50"), "同意票须超过应到会成员的比例（%）", 50, 100),
        },
        owner="appointments",
    ),
    RuleSpec(
        code=FOUR_CHECKS_RULE,
        name="凡提四必",
        citation=Citation(SELECTION, 2019),
        description="干部提拔任用前，干部档案“凡提必审”、个人有关事项报告“凡提必核”、纪检监察机关意见“凡提必听”、"
        "线索具体可查的信访举报“凡提必查”；四项未完成的，不得讨论决定。",
        owner="appointments",
    ),
    RuleSpec(
        code=ART24_RULE,
        name="不得列为考察对象的情形",
        citation=Citation(SELECTION, 2019, "第二十四条"),
        description="违反政治纪律政治规矩的；民主推荐、考察中得票率或认可度较低的；近三年年度考核结果中有基本称职以下等次的；"
        "有跑官要官、拉票贿选等行为的；配偶已移居国（境）外，或者没有配偶但子女均已移居国（境）外的（另有规定的除外）；"
        "受到诫勉、组织处理或者党纪政务处分等影响期未满或者期满影响使用的，不得列为提拔人选。",
        owner="appointments",
    ),
    RuleSpec(
        code=LOW_APPROVAL_RULE,
        name="推荐得票率较低",
        citation=Citation(SELECTION, 2019, "第二十四条"),
        description="民主推荐中得票率低于该比例的，标记为“得票率较低”，不得列为考察对象。具体比例为地方规定。",
        unsettled=True,
        params={"min_percent": Param(Decimal("50"), "推荐得票率下限（%）", 0, 100)},
        owner="appointments",
    ),
    RuleSpec(
        code=REVIEW_RULE,
        name="一报告两评议结果较差的跟踪整改",
        citation=Citation(SELECTION, 2019),
        description="党委（党组）每年向全委会报告选人用人工作，并对年度选人用人工作和新提拔任用干部进行民主评议；"
        "满意度（满意与基本满意之和占有效票的比例）低于下限的，书面反馈并督促整改。下限和整改期限为地方规定。",
        unsettled=True,
        params={
            "min_percent": Param(Decimal("70"), "满意度下限（%）", 0, 100),
            "rectify_working_days": Param(30, "整改报告期限（工作日）", 5, 120),
        },
        owner="appointments",
    ),
)
