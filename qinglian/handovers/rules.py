"""Rules of the departure handover, in the registry (seed 001; local practice, not national law).

The deadlines are local practice (Shunyi: the departing top leader completes the handover of the
six items under the organisation department's guidance; the departure audit follows the
regulations on economic-responsibility audits). Shipped as unsettled defaults for the local
committee to set on the rules page.
"""

from qinglian.rules.registry import Citation, Param, RuleSpec, register

register(
    RuleSpec(
        code="handovers.departure_handover",
        name="主要领导干部离任交接",
        citation=Citation("党政主要领导干部和国有企事业单位主要领导人员经济责任审计规定", 2019),
        description=(
            "主要领导干部离任时，在组织部门指导下就规定的交接事项（默认六大交接事项）逐项交接，由接任人签收；"
            "纪检、组织、审计部门各自明确职责、责任人和完成期限。离任审计依经济责任审计规定进行。"
            "交接事项全部完成、接任人签收、各方职责履行完毕、审计发现问题作出认定后，方可办结。"
            "期限为地方规定。"
        ),
        unsettled=True,
        params={
            "handover_days": Param(30, "离任后完成交接的期限（自然日）", 1, 365),
            "part_days": Param(60, "各监督主体完成职责的期限（自然日）", 1, 365),
        },
        owner="handovers",
    ),
)
