"""Who must report personal matters, in the rule registry (RULES.md "Personal-matters reports").

领导干部报告个人有关事项规定 (2017) Art 2: leading cadres at deputy county/division level and above,
and the equivalents in other bodies and SOEs. Under 公务员职务与职级并行规定 (2019) the ranks from
四级调研员 up sit at county/division level, so they are the rank equivalent. Both thresholds are
parameters an administrator can change (audited, effective-dated) on the rules page.
"""

from qinglian.rules.registry import Citation, Param, RuleSpec, register

PERSONAL_MATTERS = "领导干部报告个人有关事项规定"
REPORTERS_RULE = "declarations.reporters"
ANNUAL_RULE = "declarations.annual_deadline"

register(
    RuleSpec(
        code=REPORTERS_RULE,
        name="个人有关事项报告对象",
        citation=Citation(PERSONAL_MATTERS, 2017, "第二条"),
        description=(
            "副县处级以上领导干部（含其他机关、事业单位和国有企业中相当层级的人员）应当报告个人有关事项。"
            "按职务层级或职级（公务员职务与职级并行，四级调研员以上相当于县处级）确定报告对象；"
            "职务层级和职级写中文名称，如“副处级”“四级调研员”。在职人员适用。"
        ),
        params={
            "min_post_level": Param("副处级", "职务层级下限（含）"),
            "min_rank": Param("四级调研员", "职级下限（含，填“无”则不按职级确定）"),
        },
        owner="declarations",
    ),
    RuleSpec(
        code=ANNUAL_RULE,
        name="个人有关事项年度集中报告期限",
        citation=Citation(PERSONAL_MATTERS, 2017, "第五条"),
        description="领导干部应当于每年1月31日前集中报告一次上一年度本规定第三条、第四条所列事项。",
        params={
            "month": Param(1, "截止月份", 1, 12),
            "day": Param(31, "截止日", 1, 31),
        },
        owner="declarations",
    ),
)
