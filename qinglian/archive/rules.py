"""Rules the archive adds to the registry (the sanction periods are in qinglian/rules/catalog.py)."""

from qinglian.rules.registry import Citation, Param, RuleSpec, register

register(
    RuleSpec(
        code="declarations.concealment",
        name="个人有关事项瞒报的影响期",
        citation=Citation("领导干部个人有关事项报告查核结果处理办法", 2017),
        description="瞒报的，不得提拔使用、调整至重要岗位，已列入后备干部人选的取消资格；影响期按本参数计算。",
        unsettled=True,
        params={"months": Param(12, "影响期（月）", 1, 60)},
        owner="archive",
    ),
    RuleSpec(
        code="appraisal.previous_year",
        name="上年度考核基本称职及以下不得提拔",
        citation=Citation("党政领导干部选拔任用工作条例", 2019, "第二十四条"),
        description="上一年度年度考核结果为基本称职以下等次的，不得列为提拔人选。",
        params={"years": Param(1, "影响年数", 1, 3)},
        owner="archive",
    ),
    RuleSpec(
        code="archive.grade",
        name="廉政档案等次计算方法",
        citation=Citation("政治生态档案动态监督管理办法（地方实践）"),
        description=(
            "以近若干年的记录计分：黑点、黄点扣分，红点加分，越近权重越高；按分数划为“好、较好、一般、较差”四等。"
            "本方法为可配置的默认方案。"
        ),
        unsettled=True,
        params={
            "window_years": Param(5, "计入的年数", 1, 10),
            "black_points": Param(30, "每个黑点扣分", 0, 100),
            "yellow_points": Param(8, "每个黄点扣分", 0, 100),
            "red_points": Param(3, "每个红点加分", 0, 100),
            "blue_points": Param(2, "每个计分蓝点（如基本称职）扣分", 0, 100),
            "good_min": Param(95, "“好”的最低分", 0, 100),
            "fair_min": Param(85, "“较好”的最低分", 0, 100),
            "poor_max": Param(60, "“较差”的最高分（低于此为较差）", 0, 100),
        },
        owner="archive",
    ),
)
