"""Rules of conduct outside working hours, in the registry (RULES.md "Other conduct rules").

The family-event caps are local practice (examples: at most 15 tables, 5 cars, 100 or 200 guests):
shipped as unsettled defaults for the local committee to set on the rules page.
"""

from qinglian.rules.registry import Citation, Param, RuleSpec, register

PARTY_DISCIPLINE = "中国共产党纪律处分条例"

register(
    RuleSpec(
        code="conduct.family_event_caps",
        name="操办婚丧喜庆事宜的事前报告和规模限制",
        citation=Citation(PARTY_DISCIPLINE, 2023),
        description=(
            "党员领导干部操办婚丧喜庆事宜，应事前向组织报告；规模不得超过本地规定（桌数、人数、车辆数）。"
            "利用职权或者职务上的影响操办婚丧喜庆事宜、借机敛财的，依纪处理。具体限额为地方规定。"
        ),
        unsettled=True,
        params={
            "tables": Param(15, "宴席桌数上限", 1, 200),
            "guests": Param(200, "邀请人数上限", 1, 5000),
            "cars": Param(5, "使用车辆数上限", 0, 100),
        },
        owner="conduct",
    ),
    RuleSpec(
        code="conduct.negative_list",
        name="“八小时以外”负面清单",
        citation=Citation(PARTY_DISCIPLINE, 2023),
        description=(
            "对照政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律，划定党员领导干部“八小时以外”"
            "负面清单（张家界市以县处级干部为重点划定15项）；经听取本人说明并由具名认定人认定的问题，记入廉政档案。"
            "认定后的组织处理依其他规则另行决定。"
        ),
        unsettled=True,
        owner="conduct",
    ),
)
