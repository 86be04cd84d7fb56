"""Rules of the task force in the registry (seed 000: 每月报送监督信息).

The deadline day is local practice: shipped as an unsettled default for the lead to set.
"""

from qinglian.rules.registry import Citation, Param, RuleSpec, register

register(
    RuleSpec(
        code="taskforce.monthly_report",
        name="“8+X”工作专班成员单位月报表报送期限",
        citation=Citation("关于建立干部监督“8+X”工作专班的工作方案（本地）"),
        description=(
            "各成员单位每月向牵头单位报送上月涉及干部的监督信息（月报表），报送期限为次月的该日（含）。"
            "逾期报送的月报表照常接收并标注“逾期”；期限届满未报送的，为成员单位生成待办。期限为本地默认值，依据待核实。"
        ),
        unsettled=True,
        params={"deadline_day": Param(10, "次月报送截止日", 1, 28)},
        owner="taskforce",
    ),
)
