"""Rules of inspections, in the registry (RULES.md "Other conduct rules", seed 004)."""

from qinglian.rules.registry import Citation, Param, RuleSpec, register

register(
    RuleSpec(
        code="inspections.rectification_deadline",
        name="巡察整改报告期限",
        citation=Citation("中国共产党巡视工作条例", 2017, "第三十一条"),
        description=(
            "被巡察党组织收到巡察反馈意见后，应当在规定期限内报送整改情况报告（旧条文为两个月，"
            "2024年修订后的条文待核实）。单位主要负责人为整改第一责任人。整改期限从反馈之日起算。"
        ),
        unsettled=True,
        params={"months": Param(2, "反馈后报送整改情况的期限（月）", 1, 24)},
        owner="inspections",
    ),
    RuleSpec(
        code="inspections.secondment",
        name="巡察干部抽调期限",
        citation=Citation("市委巡察工作实施办法（地方规定）"),
        description="巡察干部抽调期限一年，抽调期间由巡察机构代为管理，专岗专责（种子文章004，地方做法）。",
        unsettled=True,
        params={"months": Param(12, "默认抽调期限（月）", 1, 60)},
        owner="inspections",
    ),
    RuleSpec(
        code="inspections.five_year_coverage",
        name="五年巡察全覆盖",
        citation=Citation("中国共产党巡视工作条例", 2017, "第五条"),
        description="党委在一届任期内，对所管理的地方、部门、企事业单位党组织全面巡察（巡察全覆盖）。",
        params={"times": Param(1, "一届任期内每个单位至少巡察次数", 1, 5)},
        owner="inspections",
    ),
)
