"""The first rules from RULES.md, with their citations.

Owners are the apps that will apply them (archive, intake, declarations, appointments); the rules
are registered here, with the foundation, so that those apps find them in place. Rows that
RULES.md marks "check" are `unsettled`: the UI shows them as "默认值，依据待核实".
"""

from decimal import Decimal

from qinglian.rules.registry import Citation, Param, RuleSpec, register

PARTY_DISCIPLINE = "中国共产党纪律处分条例"  # 2023 revision
GOV_SANCTIONS = "中华人民共和国公职人员政务处分法"
CADRE_SELECTION = "党政领导干部选拔任用工作条例"
REPORT_HANDLING = "纪检监察机关处理检举控告工作规则"
SUPERVISION_RULES = "中国共产党纪律检查机关监督执纪工作规则"
PETITIONS = "信访工作条例"
PERSONAL_MATTERS = "领导干部报告个人有关事项规定"
RETIRED_CADRE_POSTS = "关于进一步规范党政领导干部在企业兼职（任职）问题的意见"

_months = "影响期（月）"

register(
    # --- Party sanctions: the period runs from the date the sanction is approved. -------------
    RuleSpec(
        code="sanction.party.warning",
        name="党纪警告影响期",
        citation=Citation(PARTY_DISCIPLINE, 2023, "第十条"),
        description="受到警告处分一年内，不得在党内提拔职务，不得向党外组织推荐担任高于其原任职务的党外职务。自处分批准之日起计算。",
        params={"months": Param(12, _months, 1, 120)},
        owner="archive",
    ),
    RuleSpec(
        code="sanction.party.serious_warning",
        name="党纪严重警告影响期",
        citation=Citation(PARTY_DISCIPLINE, 2023, "第十条"),
        description="受到严重警告处分一年半内，不得在党内提拔职务，不得向党外组织推荐担任高于其原任职务的党外职务。",
        params={"months": Param(18, _months, 1, 120)},
        owner="archive",
    ),
    RuleSpec(
        code="sanction.party.post_removal",
        name="撤销党内职务影响期",
        citation=Citation(PARTY_DISCIPLINE, 2023, "第十一条"),
        description="受到撤销党内职务处分的，二年内不得在党内担任和向党外组织推荐担任与其原任职务相当或者高于其原任职务的职务。",
        params={"months": Param(24, _months, 1, 120)},
        owner="archive",
    ),
    RuleSpec(
        code="sanction.party.probation",
        name="留党察看影响期",
        citation=Citation(PARTY_DISCIPLINE, 2023, "第十二条"),
        description="留党察看期为一年或二年（一年期可延长一次），党内职务自然撤销；恢复党员权利后二年内不得担任与其原任职务相当或者高于其原任职务的职务。察看期由处分决定本身载明，此处只登记恢复权利后的限制期。",
        params={"bar_after_months": Param(24, "恢复党员权利后的限制期（月）", 1, 120)},
        owner="archive",
    ),
    RuleSpec(
        code="sanction.party.expulsion",
        name="开除党籍后重新入党的限制期",
        citation=Citation(PARTY_DISCIPLINE, 2023, "第十三条"),
        description="受到开除党籍处分的，五年内不得重新入党，也不得推荐担任与其原任职务相当或者高于其原任职务的党外职务。",
        params={"readmission_months": Param(60, "不得重新入党的期间（月）", 1, 240)},
        owner="archive",
    ),
    # --- Government sanctions: the period runs from the day the decision takes effect (Art 8). --
    RuleSpec(
        code="sanction.gov.warning",
        name="政务警告处分期间",
        citation=Citation(GOV_SANCTIONS, 2020, "第八条"),
        description="处分期间不得晋升职务、职级、衔级和级别（第十九条）。处分期满自动解除。",
        params={"months": Param(6, "处分期间（月）", 1, 120)},
        owner="archive",
    ),
    RuleSpec(
        code="sanction.gov.demerit",
        name="政务记过处分期间",
        citation=Citation(GOV_SANCTIONS, 2020, "第八条"),
        description="处分期间不得晋升职务、职级、衔级和级别，不得晋升薪酬待遇等级（第十九条）。",
        params={"months": Param(12, "处分期间（月）", 1, 120)},
        owner="archive",
    ),
    RuleSpec(
        code="sanction.gov.major_demerit",
        name="政务记大过处分期间",
        citation=Citation(GOV_SANCTIONS, 2020, "第八条"),
        description="处分期间不得晋升职务、职级、衔级和级别，不得晋升薪酬待遇等级（第十九条）。",
        params={"months": Param(18, "处分期间（月）", 1, 120)},
        owner="archive",
    ),
    RuleSpec(
        code="sanction.gov.demotion",
        name="政务降级处分期间",
        citation=Citation(GOV_SANCTIONS, 2020, "第八条"),
        description="处分期间不得晋升；降低级别。解除处分不恢复原级别（第二十六条）。",
        params={"months": Param(24, "处分期间（月）", 1, 120)},
        owner="archive",
    ),
    RuleSpec(
        code="sanction.gov.dismissal_from_post",
        name="政务撤职处分期间",
        citation=Citation(GOV_SANCTIONS, 2020, "第八条"),
        description="处分期间不得晋升；降低职务、职级。解除处分不恢复原职务（第二十六条）。",
        params={"months": Param(24, "处分期间（月）", 1, 120)},
        owner="archive",
    ),
    RuleSpec(
        code="sanction.gov.combined",
        name="同种政务处分合并执行的最长期间",
        citation=Citation(GOV_SANCTIONS, 2020, "第十五条"),
        description="给予多个相同政务处分（撤职以下）的，可合并执行，最长不超过四十八个月；不同种类的，执行其中最重的处分。",
        params={"max_months": Param(48, "最长期间（月）", 1, 240)},
        owner="archive",
    ),
    # --- Non-sanction handling ------------------------------------------------------------------
    RuleSpec(
        code="handling.admonishment",
        name="诫勉影响期",
        citation=Citation(GOV_SANCTIONS, 2020, "第十二条"),
        description="诫勉六个月内不得提拔或者重用，当年不得评先评优。期限见于地方规定，中央文本未公开。",
        unsettled=True,
        params={"months": Param(6, _months, 1, 60)},
        owner="archive",
    ),
    RuleSpec(
        code="handling.organisational",
        name="组织处理影响期",
        citation=Citation(CADRE_SELECTION, 2019, "第二十四条"),
        description="调整职务、责令辞职、免职、降职等组织处理的影响期为一至二年；处于影响期内的不得列为提拔人选。",
        unsettled=True,
        params={
            "min_months": Param(12, "最短影响期（月）", 1, 60),
            "max_months": Param(24, "最长影响期（月）", 1, 60),
        },
        owner="archive",
    ),
    # --- Reports, inquiries and petitions: working days follow the PRC holiday calendar. -------
    RuleSpec(
        code="deadline.report.acceptance_notice",
        name="实名举报受理告知时限",
        citation=Citation(REPORT_HANDLING, 2020, "第十五条至第十六条"),
        description="实名检举控告的，应当在十五个工作日内告知检举控告人受理情况。",
        params={"working_days": Param(15, "时限（工作日）", 1, 90)},
        owner="intake",
    ),
    RuleSpec(
        code="deadline.report.result_notice",
        name="实名举报处理结果告知时限",
        citation=Citation(REPORT_HANDLING, 2020, "第十五条至第十六条"),
        description="办结后十五个工作日内将处理结果告知实名检举控告人。",
        params={"working_days": Param(15, "时限（工作日）", 1, 90)},
        owner="intake",
    ),
    RuleSpec(
        code="deadline.report.forwarding",
        name="检举控告转送时限",
        citation=Citation(REPORT_HANDLING, 2020, "第十五条至第十六条"),
        description="属于上级或者下级纪检监察机关受理的检举控告，应当在五个工作日内转送。",
        params={"working_days": Param(5, "时限（工作日）", 1, 30)},
        owner="intake",
    ),
    RuleSpec(
        code="deadline.inquiry.reply",
        name="函询回复时限",
        citation=Citation(SUPERVISION_RULES, 2019),
        description="被函询人应当在收到函件后十五个工作日内书面说明情况，并由其所在党组织主要负责人签字。",
        params={"working_days": Param(15, "时限（工作日）", 1, 60)},
        owner="intake",
    ),
    RuleSpec(
        code="deadline.petition.handling",
        name="信访事项办理期限",
        citation=Citation(PETITIONS, 2022),
        description="信访事项应当自受理之日起六十日内办结；情况复杂的，经批准可以适当延长，延长期限不得超过三十日，并告知信访人。",
        params={
            "days": Param(60, "办理期限（日）", 1, 180),
            "extension_days": Param(30, "可延长期限（日）", 0, 90),
        },
        owner="intake",
    ),
    # --- Personal-matters reports and post-retirement posts ------------------------------------
    RuleSpec(
        code="declarations.spot_check.ratio",
        name="个人有关事项报告随机抽查比例",
        citation=Citation(PERSONAL_MATTERS, 2017),
        description="每年按一定比例对报告情况进行随机抽查，常见比例为百分之十。",
        unsettled=True,
        params={"ratio": Param(Decimal("0.10"), "抽查比例（0至1之间的小数）", Decimal("0"), Decimal("1"))},
        owner="declarations",
    ),
    RuleSpec(
        code="retired.enterprise_post_bar",
        name="退（离）休领导干部到企业任职限制期",
        citation=Citation(RETIRED_CADRE_POSTS, 2013),
        description="党政领导干部辞去公职或者退（离）休后三年内，不得到本人原任职务管辖的地区和业务范围内的企业兼职（任职）；三年后确需兼职（任职）的须按规定审批。",
        params={"months": Param(36, "限制期（月）", 1, 120)},
        owner="appointments",
    ),
)
