"""The year-end evaluation as an Excel workbook, for the assessment of party-building work (党建考核).

Three sheets: per lead unit (the figure the assessment takes), per task (with the parts of the
score) and the scheme with the parameter values the evaluation used.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from qinglian.projects import rules
from qinglian.projects.models import ResponsibilityList, TaskEvaluation, UnitEvaluation
from qinglian.rules.registry import specs


def _safe(value):
    """No cell starts a formula (CSV/Excel injection): text starting with = + - @ is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _sheet(wb, title, header, rows, first=False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_safe(v) for v in row])
    for col, width in zip("ABCDEFGH", (8, 36, 24, 14, 12, 12, 12, 60), strict=True):
        ws.column_dimensions[col].width = width
    return ws


def evaluation_workbook(rl: ResponsibilityList) -> bytes:
    wb = Workbook()
    units = (
        UnitEvaluation.objects.filter(responsibility_list=rl)
        .select_related("unit")
        .order_by("-score", "unit__code")
    )
    _sheet(wb, "牵头单位得分", ["序号", "牵头单位", "单位代码", "牵头任务数", "得分", "是否达标"],
           [(i, u.unit.name, u.unit.code, u.n_tasks, float(u.score), "达标" if u.passed else "未达标")
            for i, u in enumerate(units, start=1)], first=True)  # fmt: skip
    tasks = (
        TaskEvaluation.objects.filter(task__responsibility_list=rl)
        .select_related("task", "task__lead_unit")
        .order_by("task__number")
    )
    _sheet(wb, "任务得分", ["序号", "任务", "牵头单位", "完成时限", "应报月数", "按时报送月数", "得分", "计分说明"],
           [(e.task.number, e.task.title, e.task.lead_unit.name, e.task.deadline.isoformat(), e.months_due,
             e.months_reported, float(e.score), e.explanation) for e in tasks])  # fmt: skip
    spec = specs()[rules.EVALUATION]
    params = rl.rule_params or {}
    rows = [(key, p.label, params.get(key, "")) for key, p in spec.param_specs().items()]
    ws = _sheet(wb, "计分办法", ["参数", "说明", "评价时取值"], rows)
    ws.append([])
    ws.append(["规则", spec.name])
    ws.append(["依据", spec.citation.text])
    ws.append(["说明", spec.description])
    ws.append(["评价日期", params.get("as_of", "")])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
