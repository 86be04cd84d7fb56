"""Rules of the grassroots network in the registry (seed 002, 西青区: 健全“一肩挑”书记（主任）监督制度).

The dates are local practice: shipped as unsettled defaults for the local committee to set.
"""

from qinglian.rules.registry import Citation, Param, RuleSpec, register

register(
    RuleSpec(
        code="grassroots.dual_post",
        name="村（社区）“一肩挑”书记（主任）监督制度",
        citation=Citation("关于推动全面从严治党向基层延伸的实施意见（西青区）"),
        description=(
            "年初组织“一肩挑”向乡镇（街道）组织部门报告个人重大事项；年底组织“一肩挑”述责述廉；"
            "乡镇（街道）党（工）委每半年听取1次村居主体责任落实情况汇报；每年至少对“一肩挑”开展1次廉政谈话。"
            "各项的期限为本地默认值，依据待核实。"
        ),
        unsettled=True,
        params={
            "report_month": Param(3, "个人重大事项报告截止月份（当年）", 1, 12),
            "accountability_month": Param(12, "述责述廉截止月份（当年）", 1, 12),
            "talk_month": Param(12, "廉政谈话截止月份（当年）", 1, 12),
        },
        owner="grassroots",
    ),
)
