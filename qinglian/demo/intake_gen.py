"""Reports and clues for the demo county (东湖县), seeded, through the intake services.

Unlike the archive generator this one goes through the services on purpose: a report is sealed
with its own keys, a clue puts its sealed entry on the person's file and a yellow point on the
unit, a referral issues a numbered sheet and a to-do for the department, a letter a numbered
letter and a to-do for the unit, a disposal moves the clue and writes its archive effects. A
visitor then finds the reports, clues, referrals and letters in every state, with the archive
entries and to-dos that belong to them. About 100 reports; the time goes mostly to the audit chain
and to rendering documents, which are Word only (a PDF takes seconds) except the first letter's.

Reports are dated over the last 22 months (so the statistics page has a year to compare with);
what staff did with them happens today, as the services stamp it.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from qinglian.intake import disposal as dispose
from qinglian.intake import letters, referrals
from qinglian.intake.models import Clue, Disposal, Report
from qinglian.intake.services import (
    clue_assign,
    clue_register,
    report_create,
    report_register,
    report_subject_match,
)
from qinglian.people.models import Cadre, Unit

CHANNEL_WEIGHTS = {
    "letter": 25, "web": 20, "phone": 14, "visit": 10, "sms": 5, "liaison": 6, "inspection": 5, "audit": 5,
    "agency": 4, "from_higher": 4, "from_lower": 2,
}  # fmt: skip
ACCUSATIONS = [
    ("integrity", "利用职务便利，在{where}工程项目中为其亲属承揽业务，收受好处费。", "县城新区道路改造"),
    ("integrity", "逢年过节收受管理服务对象所送购物卡、烟酒等礼品礼金。", "办公室"),
    ("four_winds", "多次违规使用公务用车接送家人，周末驾驶公车外出旅游。", "城区及周边景区"),
    ("four_winds", "在{where}组织超标准公务接待，饮酒并报销餐费。", "单位附近酒店"),
    ("masses", "在{where}低保资格审核中优亲厚友，将不符合条件的亲属纳入低保。", "所在村"),
    ("petty_corruption", "截留挪用{where}惠农补贴资金，群众反映强烈。", "耕地地力保护补贴发放"),
    ("work", "在{where}审批中推诿扯皮，群众多次办事不成，存在吃拿卡要现象。", "窗口"),
    ("organisational", "在干部选拔中违规打招呼，个人有关事项报告隐瞒房产。", "单位"),
    ("business_relations", "与辖区企业老板过从甚密，接受其安排的宴请和娱乐活动。", "私人会所"),
    ("admin_power", "在{where}中违规干预执法，为违法经营者说情。", "市场监管执法"),
    ("life", "生活作风不检点，影响恶劣。", "住所附近"),
    ("political", "在工作群内发表不当言论，对抗组织审查。", "工作群"),
]
PETITIONS = [
    ("{village}自来水管道破裂已半个月，村民饮水困难，多次向村委会反映未解决。", "水利局"),
    ("{village}通村道路坑洼积水，雨天无法通行，请求修缮。", "交通运输局"),
    ("本人的高龄津贴连续三个月未发放，询问后无人答复。", "民政局"),
    ("{village}垃圾清运不及时，村口垃圾堆积发臭。", "城市管理局"),
    ("农民工工资被拖欠两个月，向施工单位讨要未果。", "人力资源和社会保障局"),
    ("{village}路灯损坏一年多无人维修，夜间出行不安全。", "住房和城乡建设局"),
    ("承包地流转费用未按合同支付，请求协调解决。", "农业农村局"),
    ("孩子入学手续办理反复要求补交材料，请求明确办理要求。", "教育局"),
]
REPLIES = {
    "水利局": "已组织施工队完成管道抢修，供水恢复正常，并对全村管网进行了排查。",
    "交通运输局": "已将该路段纳入年度农村公路养护计划，完成坑槽修补和排水沟清理。",
    "民政局": "经核实系信息系统数据错误，已补发三个月高龄津贴，并对同类情况进行了排查。",
    "城市管理局": "已调整清运频次为每日一次，并增设垃圾收集点两处。",
    "人力资源和社会保障局": "已约谈施工单位负责人，拖欠工资已全部支付到位。",
    "住房和城乡建设局": "已更换损坏路灯十二盏，并建立定期巡查机制。",
    "农业农村局": "已组织双方调解，流转费用已按合同支付。",
    "教育局": "已一次性告知所需材料清单，入学手续已办结。",
}
NAMES = ["张明", "李华", "王芳", "刘强", "陈静", "杨帆", "赵磊", "黄丽", "周伟", "吴敏", "徐涛", "孙燕"]
MEETING = "纪委监委信访线索处置专题会"
MEMBERS = "分管领导、信访室主任、监督检查室主任、案管室主任"


@dataclass
class Summary:
    reports: int = 0
    clues: int = 0
    referrals: int = 0
    letters: int = 0
    by_state: dict[str, int] = field(default_factory=dict)


class _Gen:
    def __init__(self, users: dict, seed: int, today):
        self.rng = random.Random(seed)
        self.today = today
        self.clerk = users["xinfang"]
        self.supervisor = users["jiancha"]
        self.approver = users["anguan"]
        self.stationed = users["paizhu"]
        self.township = users["xiangzhen"]
        self.units = {u.code: u for u in Unit.objects.filter(code__startswith="QL-DH")}
        self.jw = self.units["QL-DH-JW"]
        self.summary = Summary()
        self.pdf_left = {"referral": 0, "letter": 1}  # a PDF takes seconds to render

    # --- helpers -----------------------------------------------------------------------------------

    def received_at(self, max_days=660, min_days=0) -> datetime:
        day = self.today - timedelta(days=self.rng.randint(min_days, max_days))
        moment = time(self.rng.randint(8, 17), self.rng.randint(0, 59))
        return min(timezone.make_aware(datetime.combine(day, moment)), timezone.now())

    def channel(self) -> str:
        return self.rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]

    def identity(self, channel) -> dict | None:
        if (
            channel in ("inspection", "audit", "agency", "from_higher", "from_lower")
            or self.rng.random() < 0.55
        ):
            return None
        return {"name": self.rng.choice(NAMES), "phone": f"139{self.rng.randint(10_000_000, 99_999_999)}"}

    def formats(self, kind) -> tuple:
        if self.pdf_left[kind]:
            self.pdf_left[kind] -= 1
            return ("docx", "pdf")
        return ("docx",)

    def take_in(
        self, *, channel, content, nature, problem_type, unit=None, actor=None, register=True
    ) -> Report:
        """Staff enter staff channels at once; web and agency reports wait to be registered."""
        unit = unit or self.jw
        actor = actor or self.clerk
        by_itself = channel in ("web", "agency")
        report = report_create(
            actor=None if by_itself else actor, channel=channel, receiving_unit=unit, content=content,
            identity=self.identity(channel), received_at=self.received_at(), nature=nature,
            problem_type=problem_type if not by_itself else "other",
            receipt_code_hash=hashlib.sha256(f"demo-receipt-{self.summary.reports}".encode()).hexdigest()
            if channel == "web" else None,
            source_reference="审计移交函" if channel == "audit" else "",
        )  # fmt: skip
        self.summary.reports += 1
        if by_itself and register:
            report = report_register(actor=actor, report=report, problem_type=problem_type, nature=nature)
        return report

    # --- accusations and clues -------------------------------------------------------------------

    def accusations(self, cadres: list[Cadre], n: int) -> list[tuple[Report, Cadre]]:
        out = []
        for i in range(n):
            problem_type, text, where = self.rng.choice(ACCUSATIONS)
            cadre = self.rng.choice(cadres)
            channel = self.channel()
            content = {"subject_name": cadre.name, "subject_unit": cadre.unit.name, "subject_post": cadre.post_title,
                       "facts": f"反映{cadre.unit.name}{cadre.post_title}{cadre.name}" + text.format(where=where),
                       "where": where}  # fmt: skip
            report = self.take_in(channel=channel, content=content, nature="accusation", problem_type=problem_type,
                                  register=i % 15 != 0)  # a few web/agency reports wait  # fmt: skip
            if report.status == Report.Status.REGISTERED:
                report_subject_match(actor=self.clerk, report=report, cadre=cadre)
                out.append((report, cadre))
        return out

    def clues(self, registered: list[tuple[Report, Cadre]], cadres: list[Cadre]) -> list[Clue]:
        made = []
        keep_as_reports = max(3, len(registered) // 6)  # registered reports still waiting for a decision
        for report, cadre in registered[keep_as_reports:]:
            made.append(
                clue_register(
                    actor=self.supervisor,
                    summary=f"反映{cadre.name}{report.get_problem_type_display()}问题",
                    problem_type=report.problem_type,
                    cadres=[cadre],
                    report=report,
                )  # fmt: skip
            )
        for source, ref in (("inspection", "县委第二巡察组移交"), ("audit", "县审计局经济责任审计移交")) * 3:
            cadre = self.rng.choice(cadres)
            made.append(
                clue_register(
                    actor=self.supervisor,
                    summary=f"{ref}：{cadre.name}涉嫌违规发放津贴补贴",
                    problem_type="integrity",
                    cadres=[cadre],
                    source=source,
                    source_reference=ref,
                )  # fmt: skip
            )
        self.summary.clues = len(made)
        return made

    def dispose(self, clues: list[Clue]) -> None:
        """Roughly: 1/6 still registered, 1/5 assigned, the rest through the four methods."""
        plan = ["registered"] * 3 + ["assigned"] * 4 + ["close"] * 3 + ["hold"] * 2 + ["inquiry"] * 2 + [
            "inquiry_unfounded", "inquiry_minor", "verification", "verification"]  # fmt: skip
        meeting_on = self.today - timedelta(days=1)
        for i, clue in enumerate(clues):
            step = plan[i % len(plan)]
            if step == "registered":
                continue
            clue = clue_assign(actor=self.supervisor, clue=clue, assignee=self.supervisor)
            if step == "assigned":
                continue
            method = step.split("_")[0]
            proposal = dispose.disposal_propose(
                actor=self.supervisor, clue=clue, method=method, meeting=MEETING, meeting_on=meeting_on,
                members=MEMBERS, decision=f"经集体研究，拟对该线索采取{Disposal.Method(method).label}方式处置。",
                hold_review_on=self.today + timedelta(days=90) if method == "hold" else None,
                close_reason="反映内容笼统，不具备查证条件" if method == "close" else "",
            )  # fmt: skip
            dispose.disposal_decide(actor=self.approver, disposal=proposal, approve=True, note="同意")
            if step in ("inquiry_unfounded", "inquiry_minor"):
                subject = clue.subjects.filter(cadre__isnull=False).first()
                inquiry = dispose.inquiry_start(
                    actor=self.supervisor, clue=clue, subject=subject, form="talk"
                )
                inquiry = dispose.inquiry_talk_record(actor=self.supervisor, inquiry=inquiry, held_on=meeting_on,
                                                      record="本人对反映的问题作了说明，并提供了相关材料。")  # fmt: skip
                if step == "inquiry_unfounded":
                    dispose.inquiry_conclude(actor=self.supervisor, inquiry=inquiry, outcome="unfounded",
                                             feedback="经谈话核实，反映问题不属实，予以了结。")  # fmt: skip
                else:
                    dispose.inquiry_conclude(actor=self.supervisor, inquiry=inquiry, outcome="minor",
                                             handling_kind="handling.reminder_talk")  # fmt: skip

    # --- petitions and 三办 ----------------------------------------------------------------------------

    def department(self, name: str) -> Unit:
        return next(u for u in self.units.values() if u.name.endswith(name) and u.kind == "government_dept")

    def petitions(self, n: int) -> None:
        villages = [u for u in self.units.values() if u.kind == "village"]
        plan = [
            "waiting",
            "open",
            "open",
            "replied",
            "closed",
            "closed",
            "closed",
            "supervise",
            "lead",
            "closed",
        ]
        for i in range(n):
            text, dept_name = self.rng.choice(PETITIONS)
            village = self.rng.choice(villages)
            township = i % 8 == 7  # a few are received and referred by the township committee
            actor = self.township if township else self.clerk
            unit = self.units["QL-DH-T01-JW"] if township else self.jw
            if township:
                village = self.units["QL-DH-T01-V01"]
            channel = self.rng.choice(["letter", "visit", "phone", "web", "liaison"])
            report = self.take_in(channel=channel, content={"facts": text.format(village=village.name),
                                                            "where": village.name},
                                  nature="petition", problem_type="not_discipline", unit=unit, actor=actor)  # fmt: skip
            step = plan[i % len(plan)]
            if step == "waiting":
                continue
            mode = {"supervise": "supervise", "lead": "lead"}.get(step, "refer")
            department = None if mode == "lead" else self.department(dept_name)
            kind = "转" if mode != "supervise" else "督"
            referral = referrals.referral_create(
                actor=actor, report=report, mode=mode, department=department,
                matter=f"{text.format(village=village.name)}请核实办理并书面回复。",
                reply_due=self.today + timedelta(days=self.rng.randint(10, 30)),
                number_prefix=f"东纪{kind}" if not township else f"清纪{kind}", formats=self.formats("referral"),
            )  # fmt: skip
            self.summary.referrals += 1
            if i % 13 == 3:
                referrals.petition_extend(actor=actor, report=report,
                                          notice="因涉及多个部门协调，情况较为复杂，经批准延长办理期限三十日，特此告知。")  # fmt: skip
            if step in ("replied", "closed"):
                referrals.referral_reply_record(actor=actor, referral=referral,
                                                reply=REPLIES.get(dept_name, "已核实办理完毕。"))  # fmt: skip
            if step == "closed":
                web = report.receipt_code_hash is not None
                referrals.referral_inform(
                    actor=actor, referral=referral, how="" if web else self.rng.choice(["电话告知", "书面告知"]),
                    message="您反映的问题已由责任单位办理完毕，感谢您的监督。" if web else "反映人对办理结果表示满意",
                )  # fmt: skip

    # --- recommendation letters ------------------------------------------------------------------

    def letters(self, clues: list[Clue]) -> None:
        from qinglian.accounts.scopes import scope

        by_stationed = [c for c in clues if scope(self.stationed, "intake.handle").contains(c.unit)][:3]
        others = [c for c in clues if c not in by_stationed][:3]
        plan = ["issued", "reported", "accepted", "returned", "accepted", "issued"]
        for i, clue in enumerate(by_stationed + others):
            actor = self.stationed if clue in by_stationed else self.supervisor
            letter = letters.letter_issue(
                actor=actor, clue=clue,
                problems="单位内部管理制度不健全，公务接待、公车使用等审批把关不严，廉政风险防控措施落实不到位。",
                recommendations="一、完善公务接待和公车使用管理制度；二、开展廉政风险点排查；三、对相关人员开展警示教育。",
                rectification_due=self.today + timedelta(days=60), formats=self.formats("letter"),
            )  # fmt: skip
            self.summary.letters += 1
            step = plan[i % len(plan)]
            if step == "issued":
                continue
            letters.letter_report_record(actor=actor, letter=letter,
                                         report="已修订公务接待和公车管理办法，完成廉政风险点排查，召开警示教育大会。")  # fmt: skip
            if step == "accepted":
                letters.letter_review(actor=actor, letter=letter, accept=True, note="整改措施具体，予以验收")
            elif step == "returned":
                letters.letter_review(actor=actor, letter=letter, accept=False, note="风险点排查不全面，请补充整改",
                                      new_due=self.today + timedelta(days=30))  # fmt: skip


def generate(*, users: dict, seed: int = 20261125, today=None) -> Summary:
    """Reports (every channel), clues in every state, referrals and letters for 东湖县.

    `users`: the demo logins by username (xinfang, jiancha, anguan, paizhu, xiangzhen)."""
    gen = _Gen(users, seed, today or timezone.localdate())
    county = gen.units["QL-DH"]
    cadres = list(
        Cadre.objects.filter(unit__path__startswith=county.path, status="serving", unit__kind__in=[
            "government_dept", "township", "village", "institution", "soe"])
        .select_related("unit").order_by("id")[:600]
    )  # fmt: skip
    registered = gen.accusations(cadres, 70)
    clues = gen.clues(registered, cadres)
    gen.dispose(clues)
    gen.petitions(26)
    gen.letters(clues)
    counts = Report.objects.values_list("status", flat=True)
    for status in counts:
        gen.summary.by_state[status] = gen.summary.by_state.get(status, 0) + 1
    return gen.summary
