"""The copy-detection rule in the registry: its threshold and what counts as a common passage.

Seed 004 (安徽省纪委监委, on political inspection): inspections check 述职述廉报告 as a set task,
"着力发现党员领导干部述职述廉报告换年度不换内容、民主生活会对照检查材料雷同等问题". The numbers
are local practice: shipped as unsettled defaults for the inspection office to set.
"""

from decimal import Decimal

from qinglian.rules.registry import Citation, Param, RuleSpec, register

register(
    RuleSpec(
        code="selfreports.copy_detection",
        name="述职述廉报告、对照检查材料雷同比对",
        citation=Citation("中国共产党巡视工作条例", 2024),
        description=(
            "巡察中抽查述职述廉报告、民主生活会对照检查材料，发现换年度不换内容、材料雷同等问题。"
            "两份材料的5字片段集合相似度（Jaccard）达到阈值的列为雷同；被许多材料共同引用的政策原文、"
            "口号（出现在至少“常见段落最少份数”份且至少“常见段落比例”的材料中）不计为雷同。"
            "比对结果只是线索：须由巡察人员核看并具名记录，才成为巡察发现的问题。"
        ),
        unsettled=True,
        params={
            "threshold": Param(Decimal("0.50"), "相似度阈值（0.05–1）", Decimal("0.05"), Decimal("1.00")),
            "common_min_docs": Param(20, "常见段落最少份数", 2, 100000),
            "common_fraction": Param(
                Decimal("0.01"), "常见段落比例（占全部材料）", Decimal("0"), Decimal("1")
            ),
        },
        owner="selfreports",
    ),
)
