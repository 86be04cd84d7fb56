"""Self-reports of the demo county's leaders (述职述廉报告, 民主生活会对照检查材料), seeded, uploaded
through the selfreports services, then one detection run over the county.

Planted for a visitor to find on the run's page: leaders who hand in the same 述职述廉报告 year after
year with a few words changed (换年度不换内容), two leaders whose 对照检查材料 are copies of a third's,
one partial copy, and one encrypted Word file listed as not read. Every report quotes the same policy
passages, which the run recognises as common and does not count.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from qinglian.people.models import Cadre, Unit
from qinglian.selfreports import extract, services

QUOTES = [
    "“坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，坚定不移推进全面从严治党”",
    "“深刻领悟“两个确立”的决定性意义，增强“四个意识”、坚定“四个自信”、做到“两个维护””",
    "“严格落实中央八项规定及其实施细则精神，持之以恒纠治“四风””",
    "“一体推进不敢腐、不能腐、不想腐，坚持严的基调、严的措施、严的氛围长期不变”",
]
OPENINGS = ["本人", "一年来，本人", "任职以来，本人", "过去一年，我"]
DUTIES = [
    "认真履行党风廉政建设“一岗双责”，把分管领域的廉政风险防控与业务工作同部署、同落实、同检查",
    "带头执行民主集中制，重大事项坚持集体研究决定，不搞个人说了算",
    "严格执行个人有关事项报告制度，如实报告家庭成员从业、投资等情况",
    "坚持每季度与分管科室负责人开展廉政谈话，及时提醒苗头性、倾向性问题",
    "在项目资金拨付中坚持按程序办事，主动接受审计和纪检监督",
    "带头参加警示教育，以身边案例为镜，筑牢拒腐防变的思想防线",
    "主动向群众公开办事流程和收费标准，畅通投诉渠道，接受社会监督",
    "认真落实意识形态工作责任制，及时研判分管领域的舆情风险",
]
SHORTCOMINGS = [
    "理论学习的系统性不够，有时满足于读原文、记笔记，联系实际思考不深",
    "深入基层调研的次数偏少，对一线困难掌握不够全面",
    "对分管科室的日常监督偏软，发现问题后跟踪整改不够及时",
    "抓落实的韧劲不足，个别工作存在前紧后松现象",
    "批评与自我批评的辣味不足，有时碍于情面点到为止",
    "对新业务、新政策的研究不够，创新办法不多",
]
PLANS = [
    "下一步，我将进一步加强政治理论学习，坚持学用结合",
    "今后将严格落实中央八项规定精神，从自身做起，从点滴做起",
    "我将主动接受组织和群众监督，自觉净化社交圈、生活圈、朋友圈",
    "继续抓好分管领域的廉政风险排查，完善制度、堵塞漏洞",
]


@dataclass
class Summary:
    reports: int = 0
    unread: int = 0
    pairs: int = 0
    run_id: int | None = None


def _report(rnd: random.Random, cadre: Cadre, year: int, kind: str) -> str:
    parts = [f"{cadre.unit.name}{cadre.post_title or '领导干部'}{cadre.name}{year}年度"
             + ("述职述廉报告" if kind == "shuzhi" else "民主生活会个人对照检查材料")]  # fmt: skip
    parts.append(rnd.choice(QUOTES))
    parts.append(
        f"{rnd.choice(OPENINGS)}分管{rnd.choice(['财务', '项目', '人事', '执法', '后勤', '招投标'])}等工作。"
    )
    for duty in rnd.sample(DUTIES, 5):
        n = rnd.randint(3, 40)
        parts.append(
            f"{duty}，全年开展相关工作{n}次，涉及{rnd.randint(2, 30)}个科室和{rnd.randint(10, 300)}名干部职工。"
        )
    parts.append(rnd.choice(QUOTES))
    parts.append("存在的不足：" + "；".join(rnd.sample(SHORTCOMINGS, 3)) + "。")
    detail = "".join(rnd.choice("统筹推进监督检查整改落实责任清单台账问题线索谈话提醒制度流程风险防控")
                     for _ in range(rnd.randint(120, 200)))  # fmt: skip
    parts.append(f"具体情况：{detail}。")
    parts.append("。".join(rnd.sample(PLANS, 2)) + "。")
    parts.append(rnd.choice(QUOTES))
    return "\n".join(parts)


def _edit(rnd: random.Random, text: str, year: int, old_year: int) -> str:
    out = text.replace(f"{old_year}年度", f"{year}年度")
    n = rnd.randint(3, 9)
    return out.replace("全年开展相关工作", f"全年开展相关工作（较上年增加{n}次）", 1)


def generate(*, users: dict, seed: int = 20261128, years=(2023, 2024, 2025)) -> Summary:
    rnd = random.Random(seed)
    office = users["xuncha"]
    county = Unit.objects.get(code="QL-DH")
    leaders = list(
        Cadre.objects.filter(unit__path__startswith=county.path, status="serving")
        .filter(is_leadership_member=True)
        .exclude(unit__kind="village")
        .select_related("unit")
        .order_by("unit__path", "id")[:40]
    )
    if len(leaders) < 8:
        return Summary()
    rnd.shuffle(leaders)
    out = Summary()
    repeaters = leaders[:3]  # same 述职述廉报告 year after year
    copied, copiers = leaders[3], leaders[4:6]  # 对照检查材料 copied from one leader
    partial = leaders[6]
    for cadre in leaders:
        texts = {}
        for year in years:
            if cadre in repeaters and year != years[0]:
                texts[year] = _edit(rnd, texts[year - 1], year, year - 1)
            else:
                texts[year] = _report(rnd, cadre, year, "shuzhi")
        files = [(f"{year}年{cadre.name}述职述廉报告.txt", t.encode()) for year, t in texts.items()]
        result = services.reports_upload(
            actor=office, unit=cadre.unit, kind="shuzhi", files=files, cadre=cadre
        )
        out.reports += len(result.stored) + len(result.unread)
    year = years[-1]
    source = _report(rnd, copied, year, "duizhao")
    for cadre in [copied, *copiers, partial, *leaders[7:]]:
        if cadre in copiers:
            text = source.replace(copied.name, cadre.name).replace(copied.unit.name, cadre.unit.name)
        elif cadre is partial:
            lines = source.splitlines()
            own = _report(rnd, cadre, year, "duizhao").splitlines()
            text = "\n".join(own[:4] + lines[4:9] + own[9:])
        else:
            text = source if cadre is copied else _report(rnd, cadre, year, "duizhao")
        files = [(f"{year}年{cadre.name}民主生活会对照检查材料.txt", text.encode())]
        result = services.reports_upload(
            actor=office, unit=cadre.unit, kind="duizhao", files=files, cadre=cadre
        )
        out.reports += len(result.stored)
    locked = extract.CFB_MAGIC + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 2048
    last = leaders[-1]
    result = services.reports_upload(actor=office, unit=last.unit, kind="duizhao", cadre=last,
                                     files=[(f"{years[0]}年{last.name}对照检查材料（加密）.docx", locked)])  # fmt: skip
    out.unread += len(result.unread)
    out.reports += len(result.unread)
    run = services.run_start(actor=office, scope_unit=county, background=False)
    out.pairs = run.pair_count
    out.run_id = run.pk
    return out
