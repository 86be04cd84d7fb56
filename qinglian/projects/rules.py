"""Rules of the responsibility list (十廉清单) in the registry.

Seed 000 (宁海) asks for the list's follow-up and evaluation ("缺乏责任落实督导、评价等闭环推动机制");
no public text fixes the points, so the scheme ships as an unsettled local default.

Year-end score of a task (0-100), with the parameters below:
  reporting  = report_points × (months reported by the due day ÷ months due)
  completion = completion_points when done by the deadline; completion_points − late_penalty when done
               after it; 0 when not done
  evidence   = evidence_points when the reports carry at least one evidence file
A lead unit's score is the mean of its tasks' scores; below `pass_score` it has failed, and a
reverse-accountability proposal may be made (decided by a named person).
Months due: from the task's first month to the month before the evaluation, the deadline's month at
most, and not after the month the task was reported done.
"""

from qinglian.rules.registry import Citation, Param, RuleSpec, register

EVALUATION = "projects.responsibility_evaluation"
MONTHLY = "projects.monthly_report"

register(
    RuleSpec(
        code=EVALUATION,
        name="“十廉”清单年终评价计分办法",
        citation=Citation("机关党员干部监督“十廉”清单（宁海县大监督体系调研报告）"),
        description=(
            "每项任务满分100分：月度跟进报送分（按时报送月数÷应报月数×报送分值）、完成分（按期完成得满分，"
            "逾期完成扣减逾期扣分，未完成不得分）、佐证分（月度报告附有佐证材料）。牵头单位得分为其牵头任务"
            "得分的平均值，低于达标分的为未达标，可提出倒查问责建议，由具名决定人作出决定后方计入档案。"
            "各分值为本地默认值，依据待核实。"
        ),
        unsettled=True,
        params={
            "report_points": Param(30, "月度跟进报送分值", 0, 100),
            "completion_points": Param(50, "按期完成分值", 0, 100),
            "late_penalty": Param(20, "逾期完成扣分", 0, 100),
            "evidence_points": Param(20, "佐证材料分值", 0, 100),
            "pass_score": Param(60, "牵头单位达标分", 0, 100),
        },
        owner="projects",
    ),
    RuleSpec(
        code=MONTHLY,
        name="“十廉”清单月度跟进报送时限",
        citation=Citation("机关党员干部监督“十廉”清单（宁海县大监督体系调研报告）"),
        description=(
            "牵头单位每月向专班报送上月任务进展及佐证材料；逾期未报的，生成补报待办，限期补报。"
            "报送截止日和补报期限为本地默认值，依据待核实。"
        ),
        unsettled=True,
        params={
            "due_day": Param(5, "次月报送截止日", 1, 28),
            "catch_up_working_days": Param(5, "补报期限（工作日）", 1, 30),
        },
        owner="projects",
    ),
)
