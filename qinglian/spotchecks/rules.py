"""Rules of the spot checks, in the registry (RULES.md "Personal-matters reports").

The sampling ratio is `declarations.spot_check.ratio` (in the shared catalogue) and the influence
period of a concealment is `declarations.concealment` (registered by the archive). Here: the
matching tolerances, the classification of differences and the explanation deadline — local
practice, shipped as unsettled defaults ("check").
"""

from decimal import Decimal

from qinglian.rules.registry import Citation, Param, RuleSpec, register

RESULTS = "领导干部个人有关事项报告查核结果处理办法"
REPORTS = "领导干部报告个人有关事项规定"

register(
    RuleSpec(
        code="spotchecks.tolerances",
        name="个人有关事项查核比对容差",
        citation=Citation(RESULTS, 2017),
        description=(
            "比对时按事项匹配：房产按规范化地址、面积允许误差；股票、基金、投资型保险按账户或统一社会信用代码、"
            "金额允许误差；护照、通行证按证件号码；子女配偶从业按工作单位。误差以内视为一致。"
        ),
        unsettled=True,
        params={
            "area_sqm": Param(Decimal("1.00"), "房产面积允许误差（平方米）", Decimal("0"), Decimal("100")),
            "amount_pct": Param(Decimal("5"), "金额允许误差（百分比）", Decimal("0"), Decimal("100")),
            "amount_abs": Param(
                Decimal("1000"), "金额允许误差（元，二者取大）", Decimal("0"), Decimal("1000000")
            ),
            "share_pct": Param(
                Decimal("1"), "份额、持股比例允许误差（百分点）", Decimal("0"), Decimal("100")
            ),
        },
        owner="spotchecks",
    ),
    RuleSpec(
        code="spotchecks.classification",
        name="漏报与瞒报的认定",
        citation=Citation(RESULTS, 2017),
        description=(
            "漏报：少报房产面积，漏报车库、车位、储藏间，少报股票、基金、投资型保险金额，漏报因私往来港澳台等；"
            "一般给予批评教育、责令作出检查、限期更正，情节较重的诫勉。瞒报：不报告婚姻变化、因私出入境证件、"
            "配偶子女移居国（境）外或从业情况，不报告房产（车库、车位、储藏间除外），不报告股票、基金、"
            "投资型保险，不报告投资或经营企业；不得提拔使用，已列入后备干部人选的取消资格；情节严重的依规依纪处分。"
        ),
        unsettled=True,
        owner="spotchecks",
    ),
    RuleSpec(
        code="spotchecks.explanation",
        name="查核结果本人说明期限",
        citation=Citation(RESULTS, 2017),
        description="查核发现不一致的，应当听取本人说明；说明期限为地方规定。",
        unsettled=True,
        params={"working_days": Param(5, "说明期限（工作日）", 1, 30)},
        owner="spotchecks",
    ),
)
