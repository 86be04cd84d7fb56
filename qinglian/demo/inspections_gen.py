"""Inspections for the demo county, seeded, through the inspections services.

A five-year plan (2026–2030) with planned targets (some units left out: the coverage page lists
them), the 2026 annual plan, an indicator tree (three levels, key points by unit type), the two
pools, a first round (fed back in May: findings confirmed into rectification items in every gate
state, some overdue, one handed to intake as a transfer, the monthly circular) and a second round
running now (teams assigned by the solver with the recusals it found; the demo inspection-team
login is a member, so it holds a grant on its team's targets for the round's dates).

Call from qinglian/demo/load.py after the intake data:

    from qinglian.demo.inspections_gen import generate
    summary = generate(users={u.username: u for u in User.objects.filter(username__in=["xuncha", "xunchazu",
                                                                                    "beixuncha"])})
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from qinglian.inspections import assignment, pools, rectification, services
from qinglian.inspections.models import Gate, Inspector, PlanKind, Round
from qinglian.inspections.selectors import inspectable_units
from qinglian.people.models import Cadre, Unit

INDICATORS = [
    ("1", "坚持党的全面领导", None, []),
    ("1.1", "贯彻落实党中央决策部署", "1", []),
    ("1.1.1", "重大决策部署和上级要求落实情况", "1.1", [
        ("township", "general", "乡村振兴、耕地保护等政策在本乡镇落地情况"),
        ("government_dept", "general", "本系统重点任务推进情况"),
    ]),
    ("2", "加强党的建设", None, []),
    ("2.1", "领导班子和干部队伍建设", "2", []),
    ("2.1.1", "选人用人和述职述廉", "2.1", [("", "general", "抽查述职述廉报告，关注换年度不换内容、对照检查材料雷同")]),
    ("3", "推进全面从严治党", None, []),
    ("3.1", "落实中央八项规定精神", "3", []),
    ("3.1.1", "公务接待、公车使用和津补贴发放", "3.1", [("", "general", "公务接待和公车使用台账")]),
    ("3.2", "重点领域和关键环节", "3", []),
    ("3.2.1", "专项资金和工程项目", "3.2", [
        ("government_dept", "special_funds", "专项资金分配、拨付和使用"),
        ("government_dept", "second_tier", "职级不高权力较大的二级单位审批权运行"),
        ("soe", "general", "国企“三重一大”决策执行"),
    ]),
]  # fmt: skip

FINDINGS = [
    ("3.2.1", "专项资金分配未经集体研究，个别项目资金拨付滞后", "correct"),
    ("3.1.1", "公务接待清单与报销凭证不符，存在超标准接待", "clean_up"),
    ("2.1.1", "领导班子成员述职述廉报告连续两年内容基本相同", "account"),
    ("1.1.1", "上级部署的重点任务推进缓慢，缺少督办台账", "build"),
    ("3.2.1", "工程项目变更未履行审批程序", "correct"),
    ("3.1.1", "公车使用登记不全，存在公车私用风险", "build"),
]


@dataclass
class Summary:
    rounds: int = 0
    findings: int = 0
    rectifications: int = 0
    inspectors: int = 0


def generate(*, users: dict, seed: int = 8) -> Summary:
    rnd = random.Random(seed)
    office = users["xuncha"]
    team_user = users.get("xunchazu")
    county = Unit.objects.get(code="QL-DH")
    out = Summary()
    five = services.plan_create(actor=office, kind=PlanKind.FIVE_YEAR, title=f"{county.name}2026—2030年巡察工作规划",
                                owner_unit=county, start_year=2026)  # fmt: skip
    units = [
        u
        for u in inspectable_units(county).exclude(kind="village").order_by("path")
        if u.code != "QL-DH-XCBAN"
    ]
    with_cadres = set(
        Cadre.objects.filter(unit__in=units, status="serving").values_list("unit_id", flat=True)
    )
    units = [u for u in units if u.pk in with_cadres] or units
    rnd.shuffle(units)
    planned = units[: int(len(units) * 0.85)]  # the rest are the coverage page's gaps
    services.plan_targets_set(actor=office, plan=five, rows=[
        {"unit": u, "year": 2026 + i % 5, "order": 1 + (i // 5) % 3} for i, u in enumerate(planned)])  # fmt: skip
    annual = services.plan_create(actor=office, kind=PlanKind.ANNUAL, title=f"{county.name}2026年巡察工作计划",
                                  owner_unit=county, start_year=2026, parent=five)  # fmt: skip
    this_year = [u for i, u in enumerate(planned) if i % 5 == 0]
    services.plan_targets_set(actor=office, plan=annual, rows=[
        {"unit": u, "year": 2026, "order": 1 + i % 2} for i, u in enumerate(this_year)])  # fmt: skip
    codes = {}
    for code, title, parent, key_points in INDICATORS:
        codes[code] = services.indicator_save(actor=office, code=code, title=title, parent=codes.get(parent),
                                              key_points=[{"unit_kind": k, "focus": f, "text": t}
                                                          for k, f, t in key_points])  # fmt: skip
    # Pools: leaders and members from units that are not this year's targets.
    targets1 = [u for u in this_year if u.code != "QL-DH-JYJ"][:4]
    jyj = Unit.objects.filter(code="QL-DH-JYJ").first()
    if jyj is not None:
        targets1 = [jyj, *targets1[:3]]
    pool_cadres = list(
        Cadre.objects.filter(
            unit__path__startswith=county.path, status="serving", unit__kind="government_dept"
        )
        .exclude(unit__in=this_year)
        .order_by("pk")[:12]
    )
    inspectors = []
    for i, c in enumerate(pool_cadres):
        pool = "leader" if i < 4 else "talent"
        inspectors.append(pools.inspector_enter(actor=office, cadre=c, pool=pool, entered_on=date(2026, 1, 10),
                                                reason="参加过巡察工作，表现良好" if pool == "leader" else "业务骨干，熟悉财务审计",
                                                user=team_user if i == 4 else None))  # fmt: skip
        pools.secondment_record(
            actor=office, inspector=inspectors[-1], from_unit=c.unit, start_date=date(2026, 2, 1)
        )
    if inspectors:
        pools.commitment_sign(
            actor=office, inspector=inspectors[0], kind="confidentiality", signed_on=date(2026, 2, 1)
        )
    out.inspectors = len(inspectors)
    leaders = [i for i in inspectors if i.pool == "leader"]
    members = [i for i in inspectors if i.pool == "talent"]
    # Round 1: fed back in May; rectification in every state.
    r1 = services.round_create(actor=office, plan=annual, number=1, kind="regular", start_date=date(2026, 3, 2),
                               end_date=date(2026, 4, 30), targets=targets1)  # fmt: skip
    _teams(office, r1, leaders[:2], members[:4])
    assignment.assignment_run(actor=office, round=r1, time_limit=10)
    r1.refresh_from_db()
    if r1.status == Round.Status.ASSIGNED:
        r1 = services.round_move(actor=office, round=r1, to=Round.Status.ONGOING)
        for i, (code, text, category) in enumerate(FINDINGS):
            unit = targets1[i % len(targets1)]
            f = services.finding_record(actor=office, round=r1, unit=unit, text=text, indicator=codes[code],
                                        source="巡察组个别谈话" if i % 2 else "查阅资料")  # fmt: skip
            out.findings += 1
            services.finding_confirm(actor=office, finding=f, decided_by="县委巡察办主任", category=category,
                                     plan="" if i % 3 == 0 else "逐项建立整改台账，明确责任人和时限")  # fmt: skip
        person = Cadre.objects.filter(unit=targets1[0], status="serving").first()
        if person is not None:
            f = services.finding_record(actor=office, round=r1, unit=targets1[0], cadre=person,
                                        text="群众反映该同志在项目验收中接受服务对象宴请", source="来信来访")  # fmt: skip
            services.finding_handover(actor=office, finding=f, problem_type="four_winds")
            out.findings += 1
        r1 = services.round_move(
            actor=office, round=r1, to=Round.Status.FEEDBACK, feedback_date=date(2026, 5, 20)
        )
        out.rounds += 1
        items = list(r1.rectifications.order_by("pk"))
        out.rectifications = len(items)
        steps = [(Gate.START, "召开专题会议部署整改"), (Gate.ADVANCE, "制度已修订，资金已清理"),
                 (Gate.ACCEPT, "巡察办现场核查，资料齐全")]  # fmt: skip
        for i, item in enumerate(items):
            for gate, evidence in steps[: i % 4]:
                if gate == Gate.START and not item.plan:
                    rectification.rectification_plan(actor=office, rectification=item, plan="建立整改台账")
                rectification.gate_pass(actor=office, rectification=item, gate=gate, evidence=evidence)
        for m in leaders[:2]:
            pools.inspector_rate(
                actor=office, inspector=m, round=r1, grade="excellent", comment="发现问题精准，作风扎实"
            )
        rectification.monthly_record(actor=office, organiser=county, kind="meeting", held_on=date(2026, 6, 15),
                                     text="整改推进会：听取首轮被巡察单位整改进展，督促逾期事项")  # fmt: skip
        rectification.monthly_record(actor=office, organiser=county, kind="supervision", held_on=date(2026, 7, 10),
                                     text="督导组赴被巡察单位查看整改台账")  # fmt: skip
        rectification.circular_issue(actor=None, organiser=county, today=timezone.localdate())
    # Round 2: running now; the demo team login is in a team and holds a grant on its targets.
    targets2 = [u for u in this_year if u not in targets1][:4]
    today = timezone.localdate()
    if targets2 and len(leaders) >= 4:
        r2 = services.round_create(actor=office, plan=annual, number=2, kind="regular",
                                   start_date=today.replace(day=1), end_date=date(today.year, 12, 31),
                                   targets=targets2, previous=r1)  # fmt: skip
        _teams(office, r2, leaders[2:4], members[:4])
        for item in ("deployment", "targets", "training"):
            services.unification_record(actor=office, round=r2, item=item, done_on=today.replace(day=1),
                                        note="县委巡察工作领导小组统一部署")  # fmt: skip
        run = assignment.assignment_run(actor=office, round=r2, time_limit=10)
        if run.status in ("optimal", "feasible"):
            services.round_move(actor=office, round=r2, to=Round.Status.ONGOING)
        out.rounds += 1
    return out


def _teams(office, rnd, leaders: list[Inspector], members: list[Inspector]) -> None:
    for i, leader in enumerate(leaders):
        crew = [(leader, "leader")] + [(m, "member") for m in members[i :: len(leaders)]]
        assignment.team_create(actor=office, round=rnd, name=f"第{'一二三四'[i]}巡察组", members=crew,
                               home_county=rnd.organiser)  # fmt: skip
