"""The responsibility list and special supervision projects of the demo county (东湖县), seeded,
through the projects services as the demo logins.

- This year's 十廉 list (org department, zuzhi): ten tasks with lead units and deadlines; the
  demo's reporting units report progress with evidence — the audit bureau (zhuanban), 清溪镇's
  commission (xiangzhen) and the first stationed group's departments (paizhu); tasks followed up
  since September leave months unreported, which the monthly follow-up turns into to-dos.
- Two special projects (discipline commission, jiancha): a "5+N" project in the engineering field
  with three items at different stages (verified, returned, dispatched), and a 小切口 project whose
  only item is verified and which is closed.

Call: `generate(users={u.username: u for u in User.objects.filter(username__in=[
"zuzhi", "jiancha", "xiangzhen", "zhuanban", "paizhu"])})`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from qinglian.people.models import Unit
from qinglian.projects import services

# (title, lead unit code suffix, partner suffixes, deadline month, first month followed up, evidence)
TASKS = [
    ("廉政教育全覆盖：新任职干部廉政谈话和集体廉政教育", "ZZB", ["JW"], 12, 11, "谈话记录、培训签到表"),
    ("廉情信息共享：每月报送干部监督信息", "SJJ", ["ZZB", "JW"], 12, 11, "月报表回执"),
    ("廉洁从业审计：领导干部经济责任审计发现问题移送", "SJJ", ["JW"], 12, 9, "审计报告、移送清单"),
    ("廉洁风险排查：重点岗位廉政风险点排查", "FGJ", ["JW"], 12, 11, "风险点清单"),
    ("廉洁用权监督：村级小微权力清单公开", "T01", ["JW"], 11, 9, "公开栏照片"),
    ("廉政档案建设：干部廉政档案动态更新", "ZZB", ["JW", "RSJ"], 12, 11, "档案更新台账"),
    ("廉洁家风建设：干部家属助廉活动", "FL", ["ZZB"], 12, 11, "活动记录"),
    ("廉洁文化进机关：青年干部“三廉”活动", "TW", ["ZZB"], 12, 11, "活动方案、照片"),
    ("廉洁晚节：退休干部违规兼职清理", "LGJ", ["ZZB", "RSJ"], 12, 11, "清理台账"),
    ("廉情分析研判：季度廉情分析会", "JW", ["ZZB"], 12, 11, "会议纪要"),
]


@dataclass
class Summary:
    tasks: int = 0
    reports: int = 0
    todos: int = 0
    projects: int = 0
    items: int = 0


def _pdf(text: str) -> tuple[str, bytes, str]:
    body = f"%PDF-1.4\n1 0 obj<<>>endobj\n% {text}\ntrailer<<>>\n%%EOF\n".encode()
    return (f"{text}.pdf", body, "application/pdf")


def generate(*, users: dict, county_code: str = "QL-DH") -> Summary:
    s = Summary()
    zuzhi, jiancha = users["zuzhi"], users["jiancha"]
    xiangzhen, zhuanban, paizhu = users.get("xiangzhen"), users.get("zhuanban"), users.get("paizhu")
    units = {
        u.code.removeprefix(f"{county_code}-"): u for u in Unit.objects.filter(code__startswith=county_code)
    }
    county = units[county_code] if county_code in units else Unit.objects.get(code=county_code)
    today = timezone.localdate()
    year = today.year

    rl = services.list_create(actor=zuzhi, year=year, owner_unit=county)
    tasks = {}
    for title, lead, partners, deadline_month, first_month, evidence in TASKS:
        if lead not in units:
            continue
        first = date(year, min(first_month, today.month), 1)
        deadline = services.month_end(date(year, max(deadline_month, first.month), 1))
        tasks[title] = services.task_add(
            actor=zuzhi, responsibility_list=rl, title=title, lead_unit=units[lead], deadline=deadline,
            expected_evidence=evidence, partner_units=[units[p] for p in partners if p in units], start_month=first,
        )  # fmt: skip
        s.tasks += 1
    this_month = date(year, today.month, 1)
    plan = [  # (reporter, task title, month, state, with evidence)
        (zhuanban, TASKS[1][0], this_month, "on_track", True),
        (zhuanban, TASKS[2][0], date(year, 10, 1) if today.month > 10 else this_month, "on_track", False),
        (xiangzhen, TASKS[4][0], date(year, 10, 1) if today.month > 10 else this_month, "behind", False),
        (xiangzhen, TASKS[4][0], this_month, "done", True),
        (paizhu, TASKS[3][0], this_month, "on_track", False),
    ]
    for reporter, title, month, state, evidence in plan:
        task = tasks.get(title)
        if reporter is None or task is None or task.reports.filter(month=month).exists():
            continue
        services.progress_report(
            actor=reporter, task=task, month=month, state=state,
            note={"on_track": "按计划推进，已完成阶段性工作。", "behind": "受人员调整影响，进度滞后，已制定赶进度措施。",
                  "done": "任务已完成，佐证材料见附件。"}[state],
            files=[_pdf(task.expected_evidence.split("、")[0])] if evidence else [],
        )  # fmt: skip
        s.reports += 1
    s.todos = services.monthly_followup(today)

    # "5+N": engineering field, three items at three stages.
    p1 = services.project_create(
        actor=jiancha, kind="five_n", field="工程建设领域", title="政府投资项目招投标专项监督",
        scope_text="近三年全县政府投资项目（含乡镇）", targets="发改、住建、交通部门，重点项目业主单位及相关岗位人员",
        period_start=today - timedelta(days=60), period_end=today + timedelta(days=60), owner_unit=county,
    )  # fmt: skip
    s.projects += 1
    dispatch_to = [
        (xiangzhen, "T01", "乡镇自建项目是否化整为零规避招标", "第二巡察组"),
        (paizhu, "FGJ", "项目审批环节是否存在违规干预", ""),
        (zhuanban, "SJJ", "抽审10个已结算项目的结算审计", "审计局投资审计科"),
    ]
    items = []
    for _reporter, code, matter, team in dispatch_to:
        if code in units:
            items.append(services.item_dispatch(actor=jiancha, project=p1, unit=units[code], matter=matter,
                                                deadline=today + timedelta(days=30), team=team))  # fmt: skip
            s.items += 1
    if xiangzhen and items:
        services.item_report(actor=xiangzhen, item=items[0], result="排查乡镇自建项目23个，发现拆分发包2个，已整改。",
                             problems_found=3, problems_rectified=3, money_recovered="86000", people_handled=2,
                             files=[_pdf("排查报告")])  # fmt: skip
        services.item_verify(actor=jiancha, item=items[0], passed=True, reason="佐证齐全")
    if paizhu and len(items) > 1:
        services.item_report(actor=paizhu, item=items[1], result="已查阅审批档案，未发现问题。", problems_found=0,
                             problems_rectified=0, money_recovered="0", people_handled=0, files=[_pdf("审批档案查阅记录")])  # fmt: skip
        services.item_verify(actor=jiancha, item=items[1], passed=False,
                             reason="只查阅了档案，未约谈经办人员，请补充核查")  # fmt: skip

    # 小切口: funerals in villages, one item, verified, project closed.
    p2 = services.project_create(
        actor=jiancha, kind="small_cut", field="N：农村移风易俗", title="农村“白事”大操大办“小切口”监督",
        scope_text="清溪镇各村（社区）", targets="村（社区）干部操办丧事情况", period_start=today - timedelta(days=90),
        period_end=today - timedelta(days=5) if today.day > 5 else today, owner_unit=county,
    )  # fmt: skip
    s.projects += 1
    if xiangzhen and "T01" in units:
        item = services.item_dispatch(actor=jiancha, project=p2, unit=units["T01"], matter="逐村核查村干部操办丧事情况",
                                      deadline=today + timedelta(days=10), team="清溪镇纪委")  # fmt: skip
        s.items += 1
        services.item_report(actor=xiangzhen, item=item, result="核查12个村，发现超规模操办1起，已批评教育。",
                             problems_found=1, problems_rectified=1, money_recovered="0", people_handled=1,
                             files=[_pdf("核查台账")])  # fmt: skip
        services.item_verify(actor=jiancha, item=item, passed=True)
        services.project_close(actor=jiancha, project=p2)
    return s
