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
            "recent_years": Param(2, "近期（全额计分）的年数", 1, 10),
            "older_weight_pct": Param(50, "近期以前的记录按百分之几计分", 0, 100),
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
    # Early warnings (archive.warnings). No regulation sets these thresholds: they follow the
    # dynamic-supervision practice of seed 003 and are configurable, unsettled defaults.
    RuleSpec(
        code="warning.black_risk",
        name="预警：即将转为黑点",
        citation=Citation("政治生态档案动态监督管理办法（地方实践）"),
        description="有正在进行的初步核实或立案审查调查，或在规定月数内累计黄点达到规定个数的，预警其可能受到处分。",
        unsettled=True,
        params={
            "yellow_count": Param(2, "黄点个数（达到即预警）", 1, 20),
            "months": Param(12, "统计月数", 1, 60),
        },
        owner="archive",
    ),
    RuleSpec(
        code="warning.influence_ending",
        name="提示：影响期即将届满",
        citation=Citation("党政领导干部选拔任用工作条例", 2019, "第二十四条"),
        description="处分、诫勉、组织处理等影响期将在规定天数内届满的，提示组织部门该同志届满后可正常使用。",
        unsettled=True,
        params={"days": Param(30, "届满前天数", 1, 180)},
        owner="archive",
    ),
    RuleSpec(
        code="warning.repeated_reports",
        name="预警：多次被反映问题",
        citation=Citation("政治生态档案动态监督管理办法（地方实践）"),
        description="在规定月数内登记的问题线索达到规定次数的，预警并提示监督主体关注。",
        unsettled=True,
        params={"count": Param(3, "次数（达到即预警）", 1, 50), "months": Param(12, "统计月数", 1, 60)},
        owner="archive",
    ),
    RuleSpec(
        code="warning.inquiry_overdue",
        name="预警：函询逾期未回复",
        citation=Citation("中国共产党纪律检查机关监督执纪工作规则", 2019),
        description="被函询人应在收到函件后规定工作日内书面回复（时限见规则“函询回复时限”）；逾期未回复的预警。",
        params={"grace_working_days": Param(0, "逾期多少个工作日后预警", 0, 30)},
        owner="archive",
    ),
    RuleSpec(
        code="warning.unit_points",
        name="预警：单位本季度新增问题点较多",
        citation=Citation("政治生态档案动态监督管理办法（地方实践）"),
        description="单位本季度新增的单位问题点与本单位人员黄点、黑点合计达到规定个数的，预警该单位政治生态。",
        unsettled=True,
        params={"points": Param(5, "新增问题点个数（达到即预警）", 1, 100)},
        owner="archive",
    ),
)
